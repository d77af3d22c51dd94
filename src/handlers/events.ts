/**
 * Webhook payload → (item reference, trigger). Only shape conversion: which events matter
 * and what they mean for the planner. Payloads are validated structurally, because a
 * delivery may be strange (a forged or truncated body must not crash the server).
 */
import type { Actor, ItemComment, Trigger } from "../triage/types.js";
import type { ItemRef } from "./item.js";

interface UserLike {
  login?: unknown;
  type?: unknown;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
/**
 * Item numbers are positive and fit GraphQL's 32-bit `Int`: any other number would only
 * fail every query made for the item, so the delivery is dropped here instead.
 */
const num = (v: unknown): number | null =>
  typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 2_147_483_647 ? v : null;
/** An ISO-8601 time the planner can compute with; anything else would start clocks at NaN. */
const time = (v: unknown): string | null => (typeof v === "string" && Number.isFinite(Date.parse(v)) ? v : null);
/**
 * A node id as text. Only strings and numbers: `String(value)` on an object runs its
 * `toString`, which a payload can set to a non-function and so make the conversion throw.
 */
const ident = (v: unknown): string | null =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export function actorOf(u: unknown): Actor | null {
  const user = obj(u) as UserLike | null;
  const login = user ? str(user.login) : null;
  if (!login) return null;
  return { login, isBot: user?.type === "Bot" || login.endsWith("[bot]") };
}

/**
 * The delivery's sender login, lower-cased, exactly as {@link normalise} would read it
 * (`sender.login`, a non-empty string), without normalising anything else: the app's own
 * echoes are recognised by it before any other work.
 */
export function senderLogin(payload: unknown): string | null {
  const p = obj(payload);
  return p ? (actorOf(p.sender)?.login.toLowerCase() ?? null) : null;
}

export interface Normalised {
  readonly ref: ItemRef;
  readonly trigger: Trigger;
  readonly sender: Actor | null;
}

/** The events (name.action) the app listens to. */
export const ITEM_EVENTS = [
  "issues.opened",
  "issues.edited",
  "issues.labeled",
  "issues.unlabeled",
  "issues.reopened",
  "issue_comment.created",
  "issue_comment.edited",
  "issue_comment.deleted",
  "discussion.created",
  "discussion.edited",
  "discussion.labeled",
  "discussion.unlabeled",
  "discussion.category_changed",
  "discussion.reopened",
  "discussion_comment.created",
  "discussion_comment.edited",
  "discussion_comment.deleted",
] as const;

function commentOf(c: Record<string, unknown>, replyTo: string | null): ItemComment | null {
  const id = str(c.node_id);
  const createdAt = time(c.created_at);
  if (!id || !createdAt) return null;
  return {
    id,
    author: actorOf(c.user),
    authorAssociation: str(c.author_association) ?? "NONE",
    createdAt,
    body: str(c.body) ?? "",
    replyTo,
  };
}

/** null when the event is not about a tracked kind of item (pull requests, malformed payloads). */
export function normalise(name: string, payload: unknown): Normalised | null {
  const p = obj(payload);
  if (!p) return null;
  const repo = obj(p.repository);
  const owner = str(obj(repo?.owner)?.login);
  const repoName = str(repo?.name);
  if (!owner || !repoName) return null;
  const action = str(p.action);
  const sender = actorOf(p.sender);
  const subject = obj(name.startsWith("discussion") ? p.discussion : p.issue);
  const number = num(subject?.number);
  if (!subject || number === null || !action) return null;
  if (!name.startsWith("discussion") && subject.pull_request !== undefined) return null;
  const kind = name.startsWith("discussion") ? "discussion" : "issue";
  const ref: ItemRef = {
    owner,
    repo: repoName,
    kind,
    number,
    categorySlug: kind === "discussion" ? str(obj(subject.category)?.slug) : null,
  };
  const who: Actor = sender ?? { login: "ghost", isBot: false };
  let trigger: Trigger | null = null;
  if (name === "issue_comment" || name === "discussion_comment") {
    const c = obj(p.comment);
    if (!c) return null;
    const comment = commentOf(c, ident(c.parent_id));
    if (!comment) return null;
    if (action === "created") trigger = { type: "comment", comment };
    else if (action === "edited") trigger = { type: "comment_edited", comment, previousBody: str(obj(obj(p.changes)?.body)?.from), sender: who };
    else if (action === "deleted") trigger = { type: "comment_deleted", comment, sender: who };
    else return null;
  } else {
    switch (action) {
      case "opened":
      case "created":
        trigger = { type: "opened", sender: who };
        break;
      case "edited":
        trigger = { type: "edited", sender: who, bodyChanged: obj(p.changes)?.body !== undefined };
        break;
      case "labeled":
      case "unlabeled": {
        const label = str(obj(p.label)?.name);
        if (!label) return null;
        trigger = { type: action, label, sender: who };
        break;
      }
      case "reopened":
        trigger = { type: "reopened", sender: who };
        break;
      case "category_changed":
        trigger = { type: "category_changed", sender: who };
        break;
      default:
        return null;
    }
  }
  if (!trigger) return null;
  return { ref, trigger, sender };
}
