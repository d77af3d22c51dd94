/**
 * GitHub's GraphQL API over the simulator's model, executed by graphql-js against the
 * schema GitHub publishes (@octokit/graphql-schema).
 *
 * Documents are validated against the real schema first, so a misspelt field fails here
 * exactly as it would against GitHub, instead of passing a hand-written mock. Resolvers are
 * plain objects whose properties are values or functions of the field's arguments; the
 * one field resolver below turns a property the simulator does not provide into a GraphQL
 * error naming the field (and reports it), so gaps in the simulator are loud, not nulls.
 */
import { schema as githubSchema } from "@octokit/graphql-schema";
import {
  GraphQLError,
  buildSchema,
  execute,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from "graphql";
import { queryCost, type CostError } from "./cost.js";
import { blobSha } from "./git.js";
import {
  BOT_LOGIN,
  INSTALLATION_ID,
  RATE_LIMIT_WINDOW_MS,
  SimulationError,
  isoTime,
  type RateLimitStatus,
  type SimCategory,
  type SimComment,
  type SimItem,
  type SimLabel,
  type SimLabelEvent,
  type SimNode,
  type SimRepo,
  type SimUser,
  type World,
} from "./model.js";
import { INJECTED } from "./faults.js";
import { WEB, type Json } from "./payloads.js";
import { parseSearch, search } from "./search.js";

let cachedSchema: GraphQLSchema | null = null;

/**
 * GitHub's schema, built once per process. `assumeValidSDL` because the published SDL
 * repeats a field, which plain `buildSchema` rejects although GitHub serves it.
 */
export function githubGraphQLSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return cachedSchema;
}

export interface GraphQLRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

export interface GraphQLContext {
  readonly world: World;
  /** Reports something the simulator does not implement (goes to the run's errors). */
  readonly unimplemented: (what: string) => void;
  /**
   * The installation the request's token was issued for: its GraphQL budget is charged.
   * `null`: nobody's (no installation token, e.g. the app's JWT); absent: installation 1.
   */
  readonly installation?: number | null;
  /** Unused: `rateLimit` answers from the installation's budget (kept for older callers). */
  readonly requestCount?: number;
}

type Args = Record<string, unknown>;
type Resolved = unknown;
type Source = Record<string, unknown>;

/** A GitHub-style error: GitHub puts `type` next to the message, not in `extensions`. */
const githubError = (type: string, message: string): GraphQLError => new GraphQLError(message, { extensions: { type } });

const notFound = (message: string): GraphQLError => githubError("NOT_FOUND", message);

const fieldResolver: GraphQLFieldResolver<unknown, GraphQLContext, Args> = (source, args, context, info) => {
  if (typeof source === "object" && source !== null && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const value = (source as Source)[info.fieldName];
    return typeof value === "function" ? (value as (args: Args, context: GraphQLContext) => Resolved)(args, context) : value;
  }
  const what = `${info.parentType.name}.${info.fieldName}`;
  context.unimplemented(`simulator: GraphQL field ${what} is not implemented`);
  throw new GraphQLError(`simulator: field ${what} is not implemented`);
};

// ------------------------------------------------------------------ connections

const cursorFor = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString("base64");

function offsetOf(cursor: unknown): number | null {
  if (typeof cursor !== "string") return null;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) throw githubError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/**
 * GitHub's connection rules: `first` or `last` is required and at most 100; cursors are
 * opaque. Getting these wrong is a real bug class, so the simulator enforces them.
 */
function connection<T>(all: readonly T[], args: Args, name: string, view: (value: T) => Source, extra: Source = {}): Source {
  const first = typeof args["first"] === "number" ? args["first"] : null;
  const last = typeof args["last"] === "number" ? args["last"] : null;
  if (first === null && last === null) {
    throw githubError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [key, value] of [["first", first], ["last", last]] as const) {
    if (value !== null && (value < 0 || value > 100)) {
      throw githubError("EXCESSIVE_PAGINATION", `Requesting ${value} records on the \`${name}\` connection exceeds the \`${key}\` limit of 100 records.`);
    }
  }
  const afterIndex = offsetOf(args["after"]);
  const beforeIndex = offsetOf(args["before"]);
  let start = afterIndex === null ? 0 : afterIndex + 1;
  let end = beforeIndex === null ? all.length : Math.min(beforeIndex, all.length);
  if (first !== null) end = Math.min(end, start + first);
  if (last !== null) start = Math.max(start, end - last);
  const page = all.slice(start, end);
  const nodes = page.map(view);
  return {
    totalCount: all.length,
    nodes,
    edges: nodes.map((node, i) => ({ cursor: cursorFor(start + i), node })),
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: page.length > 0 ? cursorFor(start) : null,
      endCursor: page.length > 0 ? cursorFor(end - 1) : null,
    },
    ...extra,
  };
}

// ------------------------------------------------------------------ views

/** GraphQL spells bot logins without `[bot]` (REST and webhooks keep it). */
export const graphqlLogin = (user: SimUser): string => (user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login);

function actorView(user: SimUser): Source {
  const login = graphqlLogin(user);
  const url = user.type === "Bot" ? `${WEB}/apps/${login}` : `${WEB}/${login}`;
  return {
    __typename: user.type === "Bot" ? "Bot" : user.type === "Organization" ? "Organization" : "User",
    id: user.nodeId,
    databaseId: user.id,
    login,
    url,
    resourcePath: url.slice(WEB.length),
    avatarUrl: () => `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    name: null,
  };
}

function labelView(label: SimLabel): Source {
  return {
    __typename: "Label",
    id: label.nodeId,
    name: label.name,
    color: label.color,
    description: label.description,
    isDefault: false,
    url: `${WEB}/${label.repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    resourcePath: `/${label.repo.fullName}/labels/${encodeURIComponent(label.name)}`,
  };
}

function categoryView(category: SimCategory): Source {
  return {
    __typename: "DiscussionCategory",
    id: category.nodeId,
    name: category.name,
    slug: category.slug,
    emoji: category.slug === "q-a" ? ":pray:" : ":speech_balloon:",
    emojiHTML: "",
    description: "",
    isAnswerable: category.slug === "q-a",
    createdAt: isoTime(category.createdAt),
    updatedAt: isoTime(category.createdAt),
    repository: () => repoView(category.repo),
  };
}

const sortedLabels = (item: SimItem): SimLabel[] => [...item.labels].sort((a, b) => a.name.localeCompare(b.name));

function commentView(comment: SimComment): Source {
  const item = comment.item;
  const common: Source = {
    id: comment.nodeId,
    databaseId: comment.id,
    body: comment.body,
    bodyText: comment.body,
    createdAt: isoTime(comment.createdAt),
    updatedAt: isoTime(comment.updatedAt),
    lastEditedAt: comment.updatedAt === comment.createdAt ? null : isoTime(comment.updatedAt),
    publishedAt: isoTime(comment.createdAt),
    author: actorView(comment.author),
    authorAssociation: comment.association,
    viewerDidAuthor: comment.author.login === BOT_LOGIN,
    viewerCanUpdate: true,
    isMinimized: false,
    minimizedReason: null,
  };
  if (item.kind === "issue") {
    return {
      __typename: "IssueComment",
      ...common,
      url: `${WEB}/${item.repo.fullName}/issues/${item.number}#issuecomment-${comment.id}`,
      issue: () => itemView(item),
      repository: () => repoView(item.repo),
    };
  }
  return {
    __typename: "DiscussionComment",
    ...common,
    url: `${WEB}/${item.repo.fullName}/discussions/${item.number}#discussioncomment-${comment.id}`,
    discussion: () => itemView(item),
    replyTo: comment.replyTo ? () => commentView(comment.replyTo as SimComment) : null,
    replies: (args: Args) =>
      connection(
        item.comments.filter((other) => other.replyTo?.id === comment.id),
        args,
        "replies",
        commentView,
      ),
    isAnswer: false,
    upvoteCount: 0,
  };
}

const TIMELINE_TYPES = new Set(["LABELED_EVENT", "UNLABELED_EVENT", "ISSUE_COMMENT"]);

function labelEventView(event: SimLabelEvent, item: SimItem): Source {
  return {
    __typename: event.added ? "LabeledEvent" : "UnlabeledEvent",
    id: event.nodeId,
    createdAt: isoTime(event.createdAt),
    actor: actorView(event.actor),
    label: labelView(event.label),
    labelable: () => itemView(item),
  };
}

function timelineItems(item: SimItem, args: Args, context: GraphQLContext): Source {
  const types = Array.isArray(args["itemTypes"]) ? (args["itemTypes"] as string[]) : null;
  const unsupported = types === null ? ["(all item types)"] : types.filter((type) => !TIMELINE_TYPES.has(type));
  if (unsupported.length > 0) {
    const what = `simulator: GraphQL Issue.timelineItems(itemTypes: ${unsupported.join(", ")}) is not implemented`;
    context.unimplemented(what);
    throw new GraphQLError(what);
  }
  const wanted = new Set(types ?? []);
  const since = typeof args["since"] === "string" ? Date.parse(args["since"]) : Number.NEGATIVE_INFINITY;
  type Entry = { at: number; order: number; view: () => Source };
  const entries: Entry[] = [];
  for (const event of item.events) {
    if (wanted.has(event.added ? "LABELED_EVENT" : "UNLABELED_EVENT")) entries.push({ at: event.createdAt, order: event.id, view: () => labelEventView(event, item) });
  }
  if (wanted.has("ISSUE_COMMENT")) {
    for (const comment of item.comments) entries.push({ at: comment.createdAt, order: comment.id, view: () => commentView(comment) });
  }
  const ordered = entries.filter((entry) => entry.at >= since).sort((a, b) => a.at - b.at || a.order - b.order);
  const skip = typeof args["skip"] === "number" ? args["skip"] : 0;
  const page = ordered.slice(skip);
  return connection(page, args, "timelineItems", (entry) => entry.view(), {
    filteredCount: ordered.length,
    pageCount: page.length,
    updatedAt: isoTime(item.updatedAt),
  });
}

export function itemView(item: SimItem): Source {
  const path = `/${item.repo.fullName}/${item.kind === "issue" ? "issues" : "discussions"}/${item.number}`;
  const common: Source = {
    id: item.nodeId,
    databaseId: item.id,
    number: item.number,
    title: item.title,
    body: item.body,
    bodyText: item.body,
    url: `${WEB}${path}`,
    resourcePath: path,
    createdAt: isoTime(item.createdAt),
    updatedAt: isoTime(item.updatedAt),
    publishedAt: isoTime(item.createdAt),
    lastEditedAt: null,
    closed: item.state === "closed",
    closedAt: item.closedAt === null ? null : isoTime(item.closedAt),
    locked: item.locked,
    author: actorView(item.author),
    authorAssociation: item.association,
    viewerDidAuthor: item.author.login === BOT_LOGIN,
    repository: () => repoView(item.repo),
    labels: (args: Args) => connection(sortedLabels(item), args, "labels", labelView),
  };
  if (item.kind === "issue") {
    return {
      __typename: "Issue",
      ...common,
      state: item.state === "open" ? "OPEN" : "CLOSED",
      stateReason: item.state === "closed" ? "COMPLETED" : null,
      assignees: (args: Args) => connection(item.assignees, args, "assignees", actorView),
      comments: (args: Args) => connection(item.comments, args, "comments", commentView),
      timelineItems: (args: Args, context: GraphQLContext) => timelineItems(item, args, context),
    };
  }
  return {
    __typename: "Discussion",
    ...common,
    stateReason: null,
    isAnswered: item.answer !== null,
    answer: null,
    upvoteCount: 0,
    category: () => (item.category ? categoryView(item.category) : null),
    comments: (args: Args) =>
      connection(
        item.comments.filter((comment) => comment.replyTo === null),
        args,
        "comments",
        commentView,
      ),
  };
}

/** `HEAD:path`, `main:path` or `path`: a Blob, a Tree (entries one level deep) or null. */
function gitObject(repo: SimRepo, expression: string): Source | null {
  const colon = expression.indexOf(":");
  const ref = colon >= 0 ? expression.slice(0, colon) : "HEAD";
  if (ref !== "HEAD" && ref !== "main") return null;
  const path = (colon >= 0 ? expression.slice(colon + 1) : expression).replace(/^\/+|\/+$/g, "");
  const text = repo.files.get(path);
  if (text !== undefined) return blobView(path, text);
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, "blob" | "tree">();
  for (const file of repo.files.keys()) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf("/");
    children.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? "blob" : "tree");
  }
  if (children.size === 0) return null;
  return treeView(repo, path, [...children.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function blobView(path: string, text: string): Source {
  const bytes = Buffer.byteLength(text);
  return {
    __typename: "Blob",
    id: `B_${blobSha(text)}`,
    oid: blobSha(text),
    abbreviatedOid: blobSha(text).slice(0, 7),
    text,
    byteSize: bytes,
    isBinary: false,
    isTruncated: false,
    commitUrl: `${WEB}/blob/main/${path}`,
  };
}

function treeView(repo: SimRepo, path: string, children: readonly (readonly [string, "blob" | "tree"])[]): Source {
  const oid = blobSha(children.map(([name, type]) => `${type} ${name}`).join("\n"));
  return {
    __typename: "Tree",
    id: `T_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    entries: children.map(([name, type]) => {
      const full = path === "" ? name : `${path}/${name}`;
      return {
        name,
        path: full,
        type,
        mode: type === "blob" ? 33188 : 16384,
        extension: type === "blob" && name.includes(".") ? `.${name.split(".").pop() ?? ""}` : "",
        isGenerated: false,
        size: type === "blob" ? Buffer.byteLength(repo.files.get(full) ?? "") : 0,
        oid: type === "blob" ? blobSha(repo.files.get(full) ?? "") : oid,
        object: () => gitObject(repo, `HEAD:${full}`),
      };
    }),
  };
}

function repoView(repo: SimRepo): Source {
  const world = (context: GraphQLContext): World => context.world;
  const item = (kind: "issue" | "discussion", args: Args, context: GraphQLContext): Source => {
    const number = Number(args["number"]);
    const found = world(context).item(repo, number);
    if (!found || found.kind !== kind || found.pullRequest) {
      throw notFound(`Could not resolve to ${kind === "issue" ? "an Issue" : "a Discussion"} with the number of ${number}.`);
    }
    return itemView(found);
  };
  return {
    __typename: "Repository",
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: repo.fullName,
    owner: actorView(repo.owner),
    url: `${WEB}/${repo.fullName}`,
    resourcePath: `/${repo.fullName}`,
    isArchived: false,
    isPrivate: false,
    isFork: false,
    isDisabled: false,
    hasIssuesEnabled: true,
    hasDiscussionsEnabled: true,
    visibility: "PUBLIC",
    createdAt: isoTime(repo.createdAt),
    defaultBranchRef: { name: "main", prefix: "refs/heads/", id: `REF_${repo.nodeId}` },
    issue: (args: Args, context: GraphQLContext) => item("issue", args, context),
    discussion: (args: Args, context: GraphQLContext) => item("discussion", args, context),
    issueOrPullRequest: (args: Args, context: GraphQLContext) => item("issue", args, context),
    label: (args: Args) => {
      const found = repo.labels.find((label) => label.name.toLowerCase() === String(args["name"]).toLowerCase());
      return found ? labelView(found) : null;
    },
    labels: (args: Args) => {
      const query = typeof args["query"] === "string" ? args["query"].toLowerCase() : "";
      const all = [...repo.labels]
        .filter((label) => query === "" || label.name.toLowerCase().includes(query) || (label.description ?? "").toLowerCase().includes(query))
        .sort((a, b) => a.name.localeCompare(b.name));
      return connection(all, args, "labels", labelView);
    },
    object: (args: Args) => (typeof args["expression"] === "string" ? gitObject(repo, args["expression"]) : null),
    discussionCategories: (args: Args) => connection(repo.categories, args, "discussionCategories", categoryView),
    discussions: (args: Args) => {
      const category = typeof args["categoryId"] === "string" ? args["categoryId"] : null;
      const order = (args["orderBy"] ?? {}) as { field?: unknown; direction?: unknown };
      const field = order.field === "CREATED_AT" ? "createdAt" : "updatedAt";
      const sign = order.direction === "ASC" ? 1 : -1;
      const all = [...repo.items.values()]
        .filter((value) => value.kind === "discussion")
        .filter((value) => category === null || value.category?.nodeId === category)
        .sort((a, b) => sign * (a[field] - b[field] || a.number - b.number));
      return connection(all, args, "discussions", itemView);
    },
    issues: (args: Args) => {
      const states = Array.isArray(args["states"]) ? (args["states"] as string[]) : null;
      const all = [...repo.items.values()]
        .filter((value) => value.kind === "issue")
        .filter((value) => states === null || states.includes(value.state === "open" ? "OPEN" : "CLOSED"))
        .sort((a, b) => a.number - b.number);
      return connection(all, args, "issues", itemView);
    },
  };
}

function nodeView(node: SimNode): Source {
  switch (node.type) {
    case "user":
      return actorView(node.value);
    case "repo":
      return repoView(node.value);
    case "label":
      return labelView(node.value);
    case "item":
      return itemView(node.value);
    case "comment":
      return commentView(node.value);
    case "category":
      return categoryView(node.value);
    case "labelEvent": {
      const event = node.value;
      const item = [...event.label.repo.items.values()].find((candidate) => candidate.events.includes(event));
      if (!item) throw notFound(`Could not resolve to a node with the global id of '${event.nodeId}'`);
      return labelEventView(event, item);
    }
  }
}

// ------------------------------------------------------------------ roots

function lookup(world: World, id: unknown): SimNode {
  const node = typeof id === "string" ? world.nodes.get(id) : undefined;
  if (!node) throw notFound(`Could not resolve to a node with the global id of '${String(id)}'`);
  return node;
}

function itemNode(world: World, id: unknown, what: string): SimItem {
  const node = lookup(world, id);
  if (node.type !== "item") throw notFound(`Could not resolve to ${what} with the global id of '${String(id)}'`);
  return node.value;
}

function input(args: Args): Args {
  const value = args["input"];
  return typeof value === "object" && value !== null ? (value as Args) : {};
}

function ids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
}

function labelsFor(world: World, item: SimItem, labelIds: readonly string[]): SimLabel[] {
  return labelIds.map((id) => {
    const node = lookup(world, id);
    if (node.type !== "label" || node.value.repo !== item.repo) throw notFound(`Could not resolve to a Label with the global id of '${id}'`);
    return node.value;
  });
}

const mutationResult = (args: Args, rest: Source): Source => ({ clientMutationId: input(args)["clientMutationId"] ?? null, ...rest });

/** Mutations run as the app's bot: GitHub sends their webhooks with the bot as sender. */
function mutationRoot(world: World): Source {
  const bot = world.bot;
  return {
    createLabel: (args: Args) => {
      const { repositoryId, name, color, description } = input(args);
      const node = lookup(world, repositoryId);
      if (node.type !== "repo") throw notFound(`Could not resolve to a Repository with the global id of '${String(repositoryId)}'`);
      if (typeof name !== "string" || name.trim() === "") throw githubError("UNPROCESSABLE", "Name can't be blank");
      if (typeof color !== "string" || !/^#?[0-9a-fA-F]{6}$/.test(color)) throw githubError("UNPROCESSABLE", "Color is invalid");
      if (world.findLabel(node.value, name)) throw githubError("UNPROCESSABLE", "Name has already been taken");
      const label = world.createLabel(node.value, name, color, typeof description === "string" ? description : null, bot);
      return mutationResult(args, { label: labelView(label) });
    },
    addLabelsToLabelable: (args: Args) => {
      const { labelableId, labelIds } = input(args);
      const item = itemNode(world, labelableId, "a Labelable");
      world.addLabels(item, labelsFor(world, item, ids(labelIds)), bot);
      return mutationResult(args, { labelable: itemView(item) });
    },
    removeLabelsFromLabelable: (args: Args) => {
      const { labelableId, labelIds } = input(args);
      const item = itemNode(world, labelableId, "a Labelable");
      world.removeLabels(item, labelsFor(world, item, ids(labelIds)), bot);
      return mutationResult(args, { labelable: itemView(item) });
    },
    addComment: (args: Args) => {
      const { subjectId, body } = input(args);
      const item = itemNode(world, subjectId, "an Issue");
      if (item.kind !== "issue") throw notFound(`Could not resolve to an Issue or PullRequest with the global id of '${String(subjectId)}'`);
      const comment = world.addComment(item, bot, String(body ?? ""));
      const edge = { cursor: cursorFor(item.comments.length - 1), node: commentView(comment) };
      return mutationResult(args, { commentEdge: edge, timelineEdge: edge, subject: itemView(item) });
    },
    updateIssueComment: (args: Args) => {
      const { id, body } = input(args);
      const node = lookup(world, id);
      if (node.type !== "comment" || node.value.item.kind !== "issue") throw notFound(`Could not resolve to an IssueComment with the global id of '${String(id)}'`);
      world.editComment(node.value, bot, String(body ?? ""));
      return mutationResult(args, { issueComment: commentView(node.value) });
    },
    addDiscussionComment: (args: Args) => {
      const { discussionId, body, replyToId } = input(args);
      const item = itemNode(world, discussionId, "a Discussion");
      if (item.kind !== "discussion") throw notFound(`Could not resolve to a Discussion with the global id of '${String(discussionId)}'`);
      let replyTo: SimComment | null = null;
      if (typeof replyToId === "string") {
        const node = lookup(world, replyToId);
        if (node.type !== "comment" || node.value.item !== item) throw notFound(`Could not resolve to a DiscussionComment with the global id of '${replyToId}'`);
        replyTo = node.value.replyTo ?? node.value;
      }
      const comment = world.addComment(item, bot, String(body ?? ""), replyTo);
      return mutationResult(args, { comment: commentView(comment) });
    },
    updateDiscussionComment: (args: Args) => {
      const { commentId, body } = input(args);
      const node = lookup(world, commentId);
      if (node.type !== "comment" || node.value.item.kind !== "discussion") throw notFound(`Could not resolve to a DiscussionComment with the global id of '${String(commentId)}'`);
      world.editComment(node.value, bot, String(body ?? ""));
      return mutationResult(args, { comment: commentView(node.value) });
    },
    addAssigneesToAssignable: (args: Args) => {
      const { assignableId, assigneeIds } = input(args);
      const item = itemNode(world, assignableId, "an Assignable");
      if (item.kind !== "issue") throw notFound(`Could not resolve to an Assignable with the global id of '${String(assignableId)}'`);
      const users = ids(assigneeIds).map((id) => {
        const node = lookup(world, id);
        if (node.type !== "user") throw notFound(`Could not resolve to a User with the global id of '${id}'`);
        return node.value;
      });
      world.addAssignees(item, users, bot);
      return mutationResult(args, { assignable: itemView(item) });
    },
    removeAssigneesFromAssignable: (args: Args) => {
      const { assignableId, assigneeIds } = input(args);
      const item = itemNode(world, assignableId, "an Assignable");
      const users = ids(assigneeIds).flatMap((id) => {
        const node = world.nodes.get(id);
        return node?.type === "user" ? [node.value] : [];
      });
      world.removeAssignees(item, users, bot);
      return mutationResult(args, { assignable: itemView(item) });
    },
    createDiscussion: (args: Args) => {
      const { repositoryId, categoryId, title, body } = input(args);
      const repoNode = lookup(world, repositoryId);
      if (repoNode.type !== "repo") throw notFound(`Could not resolve to a Repository with the global id of '${String(repositoryId)}'`);
      const categoryNode = lookup(world, categoryId);
      if (categoryNode.type !== "category" || categoryNode.value.repo !== repoNode.value) {
        throw notFound(`Could not resolve to a DiscussionCategory with the global id of '${String(categoryId)}'`);
      }
      const repo = repoNode.value;
      const item = world.openItem(repo, {
        kind: "discussion",
        number: repo.nextNumber,
        author: bot,
        title: typeof title === "string" ? title : "",
        body: typeof body === "string" ? body : "",
        labels: [],
        category: categoryNode.value.slug,
      });
      return mutationResult(args, { discussion: itemView(item) });
    },
    updateDiscussion: (args: Args) => {
      const { discussionId, title, body } = input(args);
      const item = itemNode(world, discussionId, "a Discussion");
      world.editItem(item, bot, { title: typeof title === "string" ? title : undefined, body: typeof body === "string" ? body : undefined });
      return mutationResult(args, { discussion: itemView(item) });
    },
    pinIssue: (args: Args) => {
      const item = itemNode(world, input(args)["issueId"], "an Issue");
      if (!world.pinIssue(item, bot)) throw githubError("UNPROCESSABLE", "You can't pin more than 3 issues.");
      return mutationResult(args, { issue: itemView(item) });
    },
    closeIssue: (args: Args) => {
      const item = itemNode(world, input(args)["issueId"], "an Issue");
      world.setState(item, bot, "closed");
      return mutationResult(args, { issue: itemView(item) });
    },
    reopenIssue: (args: Args) => {
      const item = itemNode(world, input(args)["issueId"], "an Issue");
      world.setState(item, bot, "open");
      return mutationResult(args, { issue: itemView(item) });
    },
    updateIssue: (args: Args) => {
      const { id, title, body, state } = input(args);
      const item = itemNode(world, id, "an Issue");
      world.editItem(item, bot, { title: typeof title === "string" ? title : undefined, body: typeof body === "string" ? body : undefined });
      if (state === "OPEN" || state === "CLOSED") world.setState(item, bot, state === "OPEN" ? "open" : "closed");
      return mutationResult(args, { issue: itemView(item) });
    },
  };
}

/** What `rateLimit` answers for this request: its cost, and the budget after charging it. */
interface RateLimitView {
  readonly cost: number;
  readonly nodeCount: number;
  readonly status: RateLimitStatus;
}

/** GraphQL's `Int` is 32 bits. */
const graphqlInt = (value: number): number => Math.min(value, 2 ** 31 - 1);

/** GitHub's `resetAt` and `x-ratelimit-reset` are whole seconds; rounding up never promises a reset early. */
export const resetSeconds = (ms: number): number => Math.ceil(ms / 1000);

function queryRoot(world: World, limits: RateLimitView): Source {
  return {
    repository: (args: Args) => {
      const repo = world.repo(String(args["owner"]), String(args["name"]));
      if (!repo) throw notFound(`Could not resolve to a Repository with the name '${String(args["owner"])}/${String(args["name"])}'.`);
      return repoView(repo);
    },
    node: (args: Args) => nodeView(lookup(world, args["id"])),
    nodes: (args: Args) => ids(args["ids"]).map((id) => nodeView(lookup(world, id))),
    search: (args: Args, context: GraphQLContext) => {
      const query = parseSearch(String(args["query"] ?? ""));
      for (const token of query.unsupported) context.unimplemented(`simulator: search qualifier "${token}" is not implemented`);
      const type = args["type"];
      if (type !== "ISSUE" && type !== "DISCUSSION") {
        context.unimplemented(`simulator: search(type: ${String(type)}) is not implemented`);
        throw new GraphQLError(`simulator: search(type: ${String(type)}) is not implemented`);
      }
      const kind = type === "ISSUE" ? "issue" : "discussion";
      const items = [...world.repos.values()].flatMap((repo) => [...repo.items.values()]).filter((item) => item.kind === kind);
      const found = search(query, items).slice(0, 1000);
      return connection(found, args, "search", itemView, {
        issueCount: kind === "issue" ? found.length : 0,
        discussionCount: kind === "discussion" ? found.length : 0,
        codeCount: 0,
        repositoryCount: 0,
        userCount: 0,
        wikiCount: 0,
      });
    },
    user: (args: Args) => {
      const login = String(args["login"]);
      if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(login)) throw notFound(`Could not resolve to a User with the login of '${login}'.`);
      const user = world.user(login);
      if (user.type !== "User") throw notFound(`Could not resolve to a User with the login of '${login}'.`);
      return actorView(user);
    },
    organization: (args: Args) => {
      const org = world.findUser(String(args["login"]));
      if (!org || org.type !== "Organization") throw notFound(`Could not resolve to an Organization with the login of '${String(args["login"])}'.`);
      return actorView(org);
    },
    // An installation token's viewer is the bot, spelt with `[bot]` here, unlike Bot.login.
    viewer: () => ({ ...actorView(world.bot), __typename: "User", login: BOT_LOGIN }),
    // The installation's GraphQL budget after this request's charge (nothing charged with
    // dryRun). The fields are GraphQL Ints (32 bits): a budget set beyond GitHub's (a world
    // with its limits lifted) reads as the largest Int, not as a serialisation error.
    rateLimit: () => ({
      cost: graphqlInt(limits.cost),
      limit: graphqlInt(limits.status.limit),
      used: graphqlInt(limits.status.used),
      remaining: graphqlInt(limits.status.remaining),
      nodeCount: graphqlInt(limits.nodeCount),
      resetAt: isoTime(resetSeconds(limits.status.resetAt) * 1000),
    }),
  };
}

// ------------------------------------------------------------------ execution

function formatError(error: GraphQLError): Json {
  const out: Record<string, Json> = {};
  const type = error.extensions?.["type"];
  if (typeof type === "string") out["type"] = type;
  if (error.path) out["path"] = error.path.map((part) => part);
  if (error.locations) out["locations"] = error.locations.map((loc) => ({ line: loc.line, column: loc.column }));
  out["message"] = error.message;
  return out;
}

/**
 * How many top-level mutation fields a request document carries (0 for a query, or for a
 * document that does not parse): what a fault "after applying k of n mutations" counts.
 */
export function mutationFieldCount(query: unknown, operationName?: unknown): number {
  if (typeof query !== "string") return 0;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return 0;
  }
  const operations = document.definitions.filter((definition) => definition.kind === "OperationDefinition");
  const chosen = typeof operationName === "string" ? operations.find((op) => op.name?.value === operationName) : operations[0];
  if (!chosen || chosen.operation !== "mutation") return 0;
  return chosen.selectionSet.selections.length;
}

/**
 * The mutation root with only the first `limit` mutations applied: the rest fail without
 * touching the world, as when GitHub answers 502 part-way through a batched document.
 */
function limitedRoot(root: Source, limit: number): Source {
  let ran = 0;
  const out: Source = {};
  for (const [name, value] of Object.entries(root)) {
    out[name] = (args: Args, context: GraphQLContext): Resolved => {
      if (ran >= limit) throw new GraphQLError(`${INJECTED}: ${name} was not applied`);
      ran++;
      return (value as (args: Args, context: GraphQLContext) => Resolved)(args, context);
    };
  }
  return out;
}

export interface GraphQLOptions {
  /** Apply at most this many top-level mutations (fault injection); default all. */
  readonly mutationLimit?: number;
}

export interface GraphQLResult {
  readonly body: Json;
  /** Whether the document held a mutation (for counting and narration). */
  readonly mutation: boolean;
  /**
   * The primary rate limit: points charged (0 when refused, not run, `dryRun`, or nobody's),
   * whether the request was refused because the budget was spent, and the budget's state
   * after the request (null when no installation was charged).
   */
  readonly rateLimit: { readonly charged: number; readonly limited: boolean; readonly status: RateLimitStatus | null };
}

const UNCHARGED = { charged: 0, limited: false, status: null } as const;

function costErrorJson(error: CostError): Json {
  const out: Record<string, Json> = { type: error.type };
  if (error.path) out["path"] = [...error.path];
  if (error.locations) out["locations"] = error.locations.map((loc) => ({ line: loc.line, column: loc.column }));
  out["message"] = error.message;
  return out;
}

/**
 * Parsed and validated documents by their text. An app sends the same few documents over
 * and over; validating each against GitHub's whole schema again was half the simulator's
 * CPU. Bounded: a flood of distinct documents only clears the cache.
 */
const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: Json[] }>();
const MAX_CHECKED_DOCUMENTS = 500;

function checkedDocument(schema: ReturnType<typeof githubGraphQLSchema>, query: string): { document: DocumentNode } | { errors: Json[] } {
  const hit = checkedDocuments.get(query);
  if (hit) return hit;
  let outcome: { document: DocumentNode } | { errors: Json[] };
  try {
    const document = parse(query);
    const problems = validate(schema, document);
    outcome = problems.length > 0 ? { errors: problems.map(formatError) } : { document };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    outcome = { errors: [formatError(error)] };
  }
  if (checkedDocuments.size >= MAX_CHECKED_DOCUMENTS) checkedDocuments.clear();
  checkedDocuments.set(query, outcome);
  return outcome;
}

/**
 * Executes one GraphQL request body. Like GitHub, every outcome is HTTP 200: syntax and
 * validation problems come back as `errors` with no `data`.
 *
 * The primary rate limit, as GitHub applies it: when the installation's GraphQL budget is
 * spent the request is refused with `RATE_LIMITED` (nothing is read); otherwise the
 * document's cost is computed before it runs (./cost.ts) — page sizes out of range, or more
 * than 500,000 possible nodes, refuse it with GitHub's errors and charge nothing — and the
 * cost is charged, so `rateLimit` reports the budget after this request. With
 * `rateLimit(dryRun: true)` nothing is charged (GitHub: "calculate the cost for the query
 * without evaluating it"; the simulator still answers the other fields, which cost it
 * nothing to evaluate).
 */
export function executeGraphQL(world: World, request: GraphQLRequest, context: Omit<GraphQLContext, "world">, options: GraphQLOptions = {}): GraphQLResult {
  const schema = githubGraphQLSchema();
  if (typeof request.query !== "string") {
    return { body: { errors: [{ message: "A query attribute must be specified and must be a string." }] }, mutation: false, rateLimit: UNCHARGED };
  }
  const installation = context.installation === undefined ? INSTALLATION_ID : context.installation;
  if (installation !== null && world.rateLimits.spent(installation, "graphql")) {
    return {
      body: { errors: [{ type: "RATE_LIMITED", message: `API rate limit already exceeded for installation ID ${installation}.` }] },
      mutation: mutationFieldCount(request.query, request.operationName) > 0,
      rateLimit: { charged: 0, limited: true, status: world.rateLimits.status(installation, "graphql") },
    };
  }
  const checked = checkedDocument(schema, request.query);
  if ("errors" in checked) return { body: { errors: checked.errors }, mutation: false, rateLimit: UNCHARGED };
  const document = checked.document;
  const mutation = document.definitions.some((definition) => definition.kind === "OperationDefinition" && definition.operation === "mutation");
  const variables = typeof request.variables === "object" && request.variables !== null ? (request.variables as Record<string, unknown>) : {};
  const operationName = typeof request.operationName === "string" ? request.operationName : null;
  // Variables as GraphQL coerces them (defaults applied): what the page sizes really are.
  const operation = getOperationAST(document, operationName);
  let coerced: Record<string, unknown> = variables;
  if (operation) {
    const values = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (values.errors) return { body: { errors: values.errors.map(formatError) }, mutation, rateLimit: UNCHARGED };
    coerced = values.coerced;
  }
  const priced = queryCost(document, { operationName, variables: coerced, schema });
  if (!priced.ok) return { body: { errors: priced.errors.map(costErrorJson) }, mutation, rateLimit: UNCHARGED };
  const { cost, nodeCount, dryRun } = priced.cost;
  const charged = installation === null || dryRun ? 0 : cost;
  const status: RateLimitStatus | null =
    installation === null ? null : charged > 0 ? world.rateLimits.charge(installation, "graphql", charged, nodeCount) : world.rateLimits.status(installation, "graphql");
  const limit = world.rateLimits.defaults.graphqlPoints;
  const view: RateLimitView = { cost, nodeCount, status: status ?? { resource: "graphql", limit, used: 0, remaining: limit, resetAt: world.now + RATE_LIMIT_WINDOW_MS } };
  const rateLimit = { charged, limited: false, status };
  const fullContext: GraphQLContext = { world, ...context };
  const rootValue = mutation
    ? options.mutationLimit === undefined
      ? mutationRoot(world)
      : limitedRoot(mutationRoot(world), options.mutationLimit)
    : queryRoot(world, view);
  let result;
  try {
    result = execute({
      schema,
      document,
      rootValue,
      contextValue: fullContext,
      variableValues: variables,
      operationName,
      fieldResolver,
    });
  } catch (error) {
    if (error instanceof SimulationError) return { body: { errors: [{ message: error.message }] }, mutation, rateLimit };
    throw error;
  }
  if (result instanceof Promise) throw new Error("simulator: GraphQL resolvers must be synchronous");
  const body: Record<string, Json> = {};
  if (result.data !== undefined) body["data"] = result.data as Json;
  if (result.errors && result.errors.length > 0) body["errors"] = result.errors.map(formatError);
  return { body, mutation, rateLimit };
}
