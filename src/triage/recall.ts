/**
 * What the app's own comments prove it already did, besides the target comment's marker.
 *
 * The marker is a record of what the app did, written in the same batch as the doing —
 * and a batch can fail half-way (GitHub answers 502 after applying some of it), or two
 * app servers can handle the same item at the same moment. Then the record and the facts
 * disagree: a notice posted but not recorded, or two target comments. So every comment
 * that must exist at most once carries a hidden tag naming what it is, and the planner
 * trusts the comments over the record:
 *  - a tagged notice, escalation or at-risk warning on the item counts as posted, whatever
 *    the marker says (the write layer posts such comments before it writes the marker, so
 *    a half-applied batch leaves the comment, never a record without the comment);
 *  - a later copy of the target comment, or of a tagged comment, is a duplicate: its
 *    memory is folded into the earliest one and it is edited into a short note (the app
 *    never deletes comments, but its own duplicate may be edited).
 */
import type { Config } from "../config/types.js";
import { hasMarker, parseMarker } from "./marker.js";
import { formatInZone } from "./target.js";
import { sameLogin } from "./text.js";
import type { Item, ItemComment, MarkerState } from "./types.js";

export type CommentTag = { readonly kind: "notice"; readonly key: string } | { readonly kind: "escalation" } | { readonly kind: "warning" };

/** Notice keys are built from priorities, cause names and logins: nothing that could close a comment. */
const KEY_CHARS = /[^A-Za-z0-9:._@-]/g;
const TAG = /<!-- support-triage:(notice|escalation|warning)(?: ([A-Za-z0-9:._@-]{1,200}))? -->\s*$/;

export function renderCommentTag(tag: CommentTag): string {
  const key = tag.kind === "notice" ? ` ${tag.key.replace(KEY_CHARS, "").replace(/-{2,}/g, "-").slice(0, 200)}` : "";
  return `<!-- support-triage:${tag.kind}${key} -->`;
}

/** The body with its tag on the last line (invisible when rendered). */
export function withTag(body: string, tag: CommentTag): string {
  return `${body}\n\n${renderCommentTag(tag)}`;
}

/** The tag on a comment's last line, when it has one. */
export function readCommentTag(body: string): CommentTag | null {
  const m = TAG.exec(body);
  if (!m) return null;
  if (m[1] === "notice") return m[2] === undefined ? null : { kind: "notice", key: m[2] };
  return { kind: m[1] === "escalation" ? "escalation" : "warning" };
}

/** What a duplicate becomes. No marker and no tag: once edited, it is never a duplicate again. */
export const SUPERSEDED_NOTE =
  "_support-triage posted this comment twice (two events about this item were handled at the same moment). This copy is no longer used; the earlier one is kept up to date._";

export interface Recalled {
  /** Keys of the notices on the item. */
  readonly notices: readonly string[];
  /** When the first escalation comment was posted (in the configured zone), or null. */
  readonly escalatedAt: string | null;
  /** When the first at-risk warning was posted, or null. */
  readonly warnedAt: string | null;
  /** Markers of later copies of the target comment (folded into the kept one's state). */
  readonly others: readonly MarkerState[];
  /** The app's comments that repeat an earlier one: they become {@link SUPERSEDED_NOTE}. */
  readonly duplicates: readonly ItemComment[];
}

const timeOf = (comment: ItemComment): number => {
  const t = Date.parse(comment.createdAt);
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
};

/**
 * Reads the app's comments. `kept` is the target comment the marker is read from (the
 * earliest, see findTargetComment); every other comment with a marker is a duplicate.
 */
export function recall(item: Item, appLogin: string, config: Config, kept: ItemComment | null): Recalled {
  const mine = item.comments
    .map((comment, index) => ({ comment, index }))
    .filter(({ comment }) => comment.author !== null && sameLogin(comment.author.login, appLogin))
    // Earliest first; comments created in the same second keep the order GitHub lists them in.
    .sort((a, b) => timeOf(a.comment) - timeOf(b.comment) || a.index - b.index)
    .map(({ comment }) => comment);
  const notices: string[] = [];
  const others: MarkerState[] = [];
  const duplicates: ItemComment[] = [];
  const firstAt = new Map<string, ItemComment>();
  for (const comment of mine) {
    if (hasMarker(comment.body)) {
      if (kept !== null && comment.id !== kept.id) {
        duplicates.push(comment);
        const state = parseMarker(comment.body);
        if (state !== null) others.push(state);
      }
      continue;
    }
    const tag = readCommentTag(comment.body);
    if (tag === null) continue;
    const identity = tag.kind === "notice" ? `notice:${tag.key}` : tag.kind;
    if (firstAt.has(identity)) {
      duplicates.push(comment);
      continue;
    }
    firstAt.set(identity, comment);
    if (tag.kind === "notice") notices.push(tag.key);
  }
  const postedAt = (kind: string): string | null => {
    const comment = firstAt.get(kind);
    return comment === undefined || !Number.isFinite(timeOf(comment)) ? null : formatInZone(config, timeOf(comment));
  };
  return { notices, escalatedAt: postedAt("escalation"), warnedAt: postedAt("warning"), others, duplicates };
}

const earliest = (a: string | undefined, b: string | undefined): string | undefined => {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
};

/** Delivery records of two copies: every name either lists, delivered (earliest time) when either delivered it. */
function mergeDeliveries(
  a: MarkerState["notifiedAt"],
  b: MarkerState["notifiedAt"],
): MarkerState["notifiedAt"] {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Record<string, string | null> = { ...a };
  for (const [name, at] of Object.entries(b)) {
    const mine = Object.hasOwn(out, name) ? out[name] : undefined;
    out[name] = mine === undefined || mine === null ? at : at === null ? mine : (earliest(mine, at) ?? null);
  }
  return out;
}

/**
 * The kept marker with what its duplicates remembered: a responder's label decision
 * outranks a form-derived priority (the label is the later, deliberate act), a confirmed
 * security incident, posted notices and the earliest escalation, warning and response
 * all survive. Discussions need this most: they have no label history to rebuild it from.
 */
export function mergeStates(kept: MarkerState | null, others: readonly MarkerState[]): MarkerState | null {
  if (kept === null || others.length === 0) return kept;
  let merged: MarkerState = kept;
  for (const other of others) {
    // Adopting the other's label decision adopts what it remembered before it, too.
    const adopt = merged.source === "form" && other.source === "label" && merged.untracked !== true;
    const { previous: keptPrevious, ...rest } = merged;
    const previous = adopt ? other.previous : keptPrevious;
    const decision = adopt ? { priority: other.priority, source: other.source, setBy: other.setBy } : {};
    const notices = [...new Set([...(merged.notices ?? []), ...(other.notices ?? [])])];
    const respondedAt = earliest(merged.respondedAt, other.respondedAt);
    const respondedBy = respondedAt === merged.respondedAt ? merged.respondedBy : other.respondedBy;
    const escalatedAt = earliest(merged.escalatedAt, other.escalatedAt);
    const notifiedAt = mergeDeliveries(merged.notifiedAt, other.notifiedAt);
    const warnedAt = earliest(merged.warnedAt, other.warnedAt);
    const securityBy = merged.securityBy ?? other.securityBy;
    merged = {
      ...rest,
      ...decision,
      ...(previous !== undefined ? { previous } : {}),
      ...(notices.length > 0 ? { notices } : {}),
      ...(respondedAt !== undefined ? { respondedAt } : {}),
      ...(respondedBy !== undefined ? { respondedBy } : {}),
      ...(escalatedAt !== undefined ? { escalatedAt } : {}),
      ...(notifiedAt !== undefined ? { notifiedAt } : {}),
      ...(warnedAt !== undefined ? { warnedAt } : {}),
      ...(securityBy !== undefined ? { securityBy } : {}),
    };
  }
  return merged;
}
