/**
 * Turns GraphQL nodes (from the item read or the sweep's search) into the planner's
 * item model. No decisions here: only shape conversion.
 *
 * The types follow GitHub's schema, not the happy path: every connection's `nodes` list
 * may be null and may hold null entries (`nodes: [IssueComment]`), and a few
 * connections are themselves nullable. Nulls are skipped rather than trusted, so one
 * odd node cannot make an item unreadable (and with it, its whole sweep page).
 */
import type { Actor, Item, ItemComment, LabelEvent } from "../triage/types.js";

export interface GqlActor {
  login: string;
  __typename?: string;
}
/** A connection's page of nodes, as the schema types it. */
type Nodes<T> = { nodes?: readonly (T | null)[] | null } | null | undefined;

export interface GqlComment {
  id: string;
  body: string;
  createdAt: string;
  authorAssociation: string;
  author: GqlActor | null;
  replies?: ({ totalCount?: number } & Nodes<GqlComment>) | null;
}

/** A page of comments with where to go on from. */
export type GqlCommentPage = {
  totalCount: number;
  pageInfo?: { hasNextPage: boolean; endCursor: string | null } | null;
} & Nodes<GqlComment>;
interface GqlLabelNode {
  id: string;
  name: string;
}
interface GqlTimelineNode {
  __typename: string;
  createdAt?: string;
  actor?: GqlActor | null;
  label?: { name: string } | null;
}

export interface GqlIssue {
  __typename: "Issue";
  id: string;
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  state: "OPEN" | "CLOSED";
  author: GqlActor | null;
  authorAssociation: string;
  repository: { nameWithOwner: string };
  labels: Nodes<GqlLabelNode>;
  assignees: Nodes<{ login: string }>;
  comments: GqlCommentPage;
  timelineItems: Nodes<GqlTimelineNode>;
}

export interface GqlDiscussion {
  __typename: "Discussion";
  id: string;
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  closed: boolean;
  /** Q&A categories: an answer is marked. */
  isAnswered?: boolean | null;
  author: GqlActor | null;
  authorAssociation: string;
  repository: { nameWithOwner: string };
  category: { slug: string } | null;
  labels: Nodes<GqlLabelNode>;
  comments: GqlCommentPage;
}

export type GqlItem = GqlIssue | GqlDiscussion;

/** GraphQL gives bot logins without "[bot]"; webhooks and REST give them with it. */
export function toActor(a: GqlActor | null | undefined): Actor | null {
  if (!a) return null;
  const isBot = a.__typename === "Bot" || a.login.endsWith("[bot]");
  const login = isBot && !a.login.endsWith("[bot]") ? `${a.login}[bot]` : a.login;
  return { login, isBot };
}

const GHOST: Actor = { login: "ghost", isBot: false };

function toComment(c: GqlComment, replyTo: string | null): ItemComment {
  return {
    id: c.id,
    author: toActor(c.author),
    authorAssociation: c.authorAssociation,
    createdAt: c.createdAt,
    body: c.body,
    replyTo,
  };
}

/** The non-null nodes of a connection (none when the connection or its list is null). */
function nodesOf<T>(connection: Nodes<T>): T[] {
  const out: T[] = [];
  for (const n of connection?.nodes ?? []) if (n !== null && n !== undefined) out.push(n);
  return out;
}

/** Label names → node ids, for the write layer. */
export function labelIds(nodes: readonly (GqlLabelNode | null)[] | null | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of nodes ?? []) if (n !== null) m.set(n.name.toLowerCase(), n.id);
  return m;
}

export function toItem(node: GqlItem): Item {
  const [owner = "", repo = ""] = node.repository.nameWithOwner.split("/");
  const base = {
    owner,
    repo,
    number: node.number,
    nodeId: node.id,
    title: node.title,
    body: node.body ?? "",
    url: node.url,
    author: toActor(node.author) ?? GHOST,
    authorAssociation: node.authorAssociation,
    createdAt: node.createdAt,
    labels: nodesOf(node.labels).map((l) => l.name),
  };
  if (node.__typename === "Issue") {
    const labelEvents: LabelEvent[] = [];
    for (const t of nodesOf(node.timelineItems)) {
      if ((t.__typename !== "LabeledEvent" && t.__typename !== "UnlabeledEvent") || !t.label || !t.createdAt) continue;
      labelEvents.push({
        label: t.label.name,
        actor: toActor(t.actor),
        createdAt: t.createdAt,
        added: t.__typename === "LabeledEvent",
      });
    }
    return {
      ...base,
      kind: "issue",
      state: node.state === "OPEN" ? "open" : "closed",
      categorySlug: null,
      assignees: nodesOf(node.assignees).map((a) => a.login),
      comments: nodesOf(node.comments).map((c) => toComment(c, null)),
      labelEvents,
    };
  }
  const comments: ItemComment[] = [];
  for (const c of nodesOf(node.comments)) {
    comments.push(toComment(c, null));
    for (const r of nodesOf(c.replies)) comments.push(toComment(r, c.id));
  }
  comments.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return {
    ...base,
    kind: "discussion",
    state: node.closed ? "closed" : "open",
    ...(node.isAnswered === true ? { answered: true } : {}),
    categorySlug: node.category?.slug ?? null,
    assignees: [],
    comments,
  };
}
