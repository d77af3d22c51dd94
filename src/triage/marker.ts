/**
 * The machine-readable line of the target comment: the app's only memory.
 *
 * The marker is an HTML comment so it stays invisible in the rendered comment, and its
 * JSON is written so that nothing in it can end the comment early: `<`, `>` and `&` are
 * written as JSON unicode escapes, which `JSON.parse` reads back unchanged. Reading is
 * deliberately forgiving (unknown keys are ignored, malformed optional keys dropped)
 * because markers written by older or newer versions of the app must not wedge an item;
 * only a marker without its required keys is treated as absent.
 */
import { PRIORITIES } from "../config/types.js";
import type { Priority } from "../config/types.js";
import type { Item, ItemComment, MarkerState } from "./types.js";
import { sameLogin } from "./text.js";

export const MARKER_PREFIX = "<!-- support-triage:target ";
const MARKER_SUFFIX = " -->";

/** Key order is part of the contract (SPEC §4): required keys first, then the optional ones. */
const OPTIONAL_KEYS = [
  "respondedAt",
  "respondedBy",
  "escalatedAt",
  "notifiedAt",
  "warnedAt",
  "securityBy",
  "production",
  "previous",
  "refused",
  "refusedBy",
  "notices",
  "untracked",
] as const satisfies readonly (keyof MarkerState)[];

export function renderMarker(state: MarkerState): string {
  const ordered: Record<string, unknown> = {
    priority: state.priority,
    plan: state.plan,
    dueAt: state.dueAt,
    source: state.source,
    setBy: state.setBy,
  };
  for (const key of OPTIONAL_KEYS) {
    const value = state[key];
    if (value === undefined) continue;
    if (key === "notices" && Array.isArray(value) && value.length === 0) continue;
    if (key === "untracked" && value !== true) continue;
    if (key === "notifiedAt" && typeof value === "object" && value !== null && Object.keys(value).length === 0) continue;
    ordered[key] = value;
  }
  const json = JSON.stringify(ordered)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
  return `${MARKER_PREFIX}${json}${MARKER_SUFFIX}`;
}

/** The state in the last marker of a body; null when there is none or it is unusable. */
export function parseMarker(body: string): MarkerState | null {
  const start = body.lastIndexOf(MARKER_PREFIX);
  if (start < 0) return null;
  const from = start + MARKER_PREFIX.length;
  const end = body.indexOf("-->", from);
  if (end < 0) return null;
  let data: unknown;
  try {
    data = JSON.parse(body.slice(from, end));
  } catch {
    return null;
  }
  return toState(data);
}

/** True when the body carries a marker line, usable or not (it is then still the app's target comment). */
export function hasMarker(body: string): boolean {
  return body.includes(MARKER_PREFIX);
}

function toState(data: unknown): MarkerState | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const o = data as Record<string, unknown>;
  const priority = o["priority"];
  const plan = o["plan"];
  const dueAt = o["dueAt"];
  const source = o["source"];
  const setBy = o["setBy"];
  if (!isPriority(priority)) return null;
  if (typeof plan !== "string" || plan === "") return null;
  if (!isIsoTime(dueAt)) return null;
  if (source !== "form" && source !== "label") return null;
  if (typeof setBy !== "string") return null;

  const optionalTime = (k: string): string | undefined => (isIsoTime(o[k]) ? (o[k] as string) : undefined);
  const optionalLogin = (k: string): string | undefined => {
    const v = o[k];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const notices = Array.isArray(o["notices"])
    ? (o["notices"] as unknown[]).filter((n): n is string => typeof n === "string")
    : undefined;

  const state: MarkerState = {
    priority,
    plan,
    dueAt,
    source,
    setBy,
    ...defined("respondedAt", optionalTime("respondedAt")),
    ...defined("respondedBy", optionalLogin("respondedBy")),
    ...defined("escalatedAt", optionalTime("escalatedAt")),
    ...defined("notifiedAt", deliveries(o["notifiedAt"])),
    ...defined("warnedAt", optionalTime("warnedAt")),
    ...defined("securityBy", optionalLogin("securityBy")),
    ...defined<"production", "form" | "removed">("production", o["production"] === "form" ? "form" : o["production"] === "removed" ? "removed" : undefined),
    ...defined("previous", allowedPriority(o["previous"])),
    ...refusal(o["refused"], optionalLogin("refusedBy")),
    ...defined("notices", notices && notices.length > 0 ? notices : undefined),
    ...defined("untracked", o["untracked"] === true ? true : undefined),
  };
  return state;
}

/** Spreads `{key: value}` only when the value exists, so absent keys stay absent (exactOptional-friendly). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Notification names as the configuration allows them (src/config/load.ts). */
export const NOTIFICATION_NAME_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const MAX_NOTIFICATIONS = 10;

/**
 * `notifiedAt`: name → delivery time or null (pending). Entries with another shape are
 * dropped; a record with no usable entry is absent. Dropping errs on the side of not
 * sending: an absent record on an escalated item means "delivered the old way".
 */
function deliveries(v: unknown): Readonly<Record<string, string | null>> | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([name, at]) => NOTIFICATION_NAME_RE.test(name) && (at === null || isIsoTime(at)))
    .slice(0, MAX_NOTIFICATIONS) as [string, string | null][];
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** The pending notification names of a state (delivery record entries that are null), in record order. */
export function pendingNotifications(state: MarkerState): string[] {
  const record = state.notifiedAt;
  if (record === undefined) return [];
  return Object.keys(record).filter((name) => Object.hasOwn(record, name) && record[name] === null);
}

/**
 * The body with the given notifications recorded as delivered in its (last) marker; the
 * rest of the body is kept byte for byte. Null when the body has no usable marker.
 * Names the marker does not list are added (a record is never lost).
 */
export function recordDeliveries(body: string, delivered: Readonly<Record<string, string>>): string | null {
  const start = body.lastIndexOf(MARKER_PREFIX);
  if (start < 0) return null;
  const end = body.indexOf("-->", start + MARKER_PREFIX.length);
  if (end < 0) return null;
  const state = parseMarker(body);
  if (state === null) return null;
  const record: Record<string, string | null> = { ...(state.notifiedAt ?? {}) };
  for (const [name, at] of Object.entries(delivered)) {
    const old = Object.hasOwn(record, name) ? record[name] : null;
    record[name] = typeof old === "string" ? old : at;
  }
  return `${body.slice(0, start)}${renderMarker({ ...state, notifiedAt: record })}${body.slice(end + 3)}`;
}

/** `refused` and `refusedBy` go together, or not at all. */
function refusal(p: unknown, by: string | undefined): { refused?: "P1" | "P2"; refusedBy?: string } {
  return (p === "P1" || p === "P2") && by !== undefined ? { refused: p, refusedBy: by } : {};
}

/** `previous` only ever holds an allowed priority; anything else is dropped. */
function allowedPriority(v: unknown): "P3" | "P4" | undefined {
  return v === "P3" || v === "P4" ? v : undefined;
}

function isPriority(v: unknown): v is Priority {
  return typeof v === "string" && (PRIORITIES as readonly string[]).includes(v);
}

function isIsoTime(v: unknown): v is string {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v));
}

export interface TargetCommentRef {
  readonly comment: ItemComment;
  readonly state: MarkerState | null;
}

/**
 * The item's target comment: the earliest comment by the app that carries a marker.
 * Later duplicates (from a race between two deliveries) are ignored rather than
 * fought over, so the state stays in one place. The REST API names the app
 * "support-triage[bot]" and GraphQL "support-triage"; both are accepted.
 */
export function findTargetComment(item: Item, appLogin: string): TargetCommentRef | null {
  let found: ItemComment | null = null;
  let foundAt = Number.POSITIVE_INFINITY;
  for (const c of item.comments) {
    if (c.author === null || !sameLogin(c.author.login, appLogin)) continue;
    if (!hasMarker(c.body)) continue;
    const at = Date.parse(c.createdAt);
    const t = Number.isFinite(at) ? at : Number.POSITIVE_INFINITY;
    if (found === null || t < foundAt) {
      found = c;
      foundAt = t;
    }
  }
  return found === null ? null : { comment: found, state: parseMarker(found.body) };
}
