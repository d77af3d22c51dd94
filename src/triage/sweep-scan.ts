/**
 * Which items a sweep must read (pure). A sweep sees each tracked item first through a lean
 * search page — labels and the first few comments, where the app's target comment and its
 * marker are — and reads an item in full only when what it shows may call for action:
 *
 * - no target comment among the comments shown, an unusable marker, or labels that disagree
 *   with the marker (another priority, a plan label changed, the `escalated` label added or
 *   removed by hand): read now, the planner reconciles;
 * - notifications the marker records as not yet delivered: read now (re-sent);
 * - answered: nothing to do until the item changes (a warm sweep only sees changed items);
 * - escalated and not answered: read when the item changed (a response a lost delivery hid);
 * - waiting for a first response: nothing can happen before its wake time — the due time,
 *   or the earliest instant its at-risk warning could be due — so the item is read then,
 *   not before. A due time is never earlier than the one the marker holds (the planner
 *   re-computes it on every read and the marker is rewritten when it moves).
 *
 * The wake time of the warning is computed from the item's creation, which is never later
 * than the instant the target's clock started: the share of the target used up, measured
 * from creation, is never smaller than the share measured from the start (x + a) ÷ (x + T)
 * ≥ a ÷ T for a ≤ T — so the wake time is never late, at worst early.
 */
import { addBusinessTime, businessTimeBetween, calendarFromConfig } from "../calendar/calendar.js";
import type { Config } from "../config/types.js";
import { pendingNotifications } from "./marker.js";
import type { MarkerState } from "./types.js";

/** What the lean search page shows of an item. */
export interface ScanFacts {
  readonly labels: readonly string[];
  /** The marker of the app's target comment among the comments shown; undefined: none shown. */
  readonly marker: MarkerState | null | undefined;
  readonly createdAt: string;
  /** Returned by a search bounded by the last complete sweep (`updated:>=`): something changed since. */
  readonly changed: boolean;
}

export type ScanDecision =
  | { readonly read: true; readonly why: string }
  /** Nothing to do now; `wakeAt`: read it then (epoch ms), null: only when it changes. */
  | { readonly read: false; readonly wakeAt: number | null };

const lower = (s: string): string => s.toLowerCase();

export function scanDecision(f: ScanFacts, config: Config, now: number): ScanDecision {
  if (f.marker === undefined) return { read: true, why: "no target comment among the comments shown" };
  if (f.marker === null) return { read: true, why: "unusable marker" };
  const m = f.marker;
  const labels = new Set(f.labels.map(lower));
  const priorities = Object.entries(config.labels.priorities).filter(([, name]) => labels.has(lower(name)));
  if (priorities.length !== 1 || priorities[0]?.[0] !== m.priority) return { read: true, why: "priority labels differ from the marker" };
  const prefix = lower(config.labels.plan_prefix);
  const planLabels = [...labels].filter((l) => l.startsWith(prefix));
  if (planLabels.length > 1 || (planLabels.length === 1 && planLabels[0] !== lower(`${config.labels.plan_prefix}${m.plan}`))) {
    return { read: true, why: "plan label differs from the marker" };
  }
  const escalatedLabel = labels.has(lower(config.labels.escalated));
  const escalatedOpen = m.escalatedAt !== undefined && m.respondedAt === undefined;
  if (escalatedLabel !== escalatedOpen) return { read: true, why: "escalated label differs from the marker" };
  if (pendingNotifications(m).length > 0) return { read: true, why: "notifications not yet delivered" };
  if (m.respondedAt !== undefined) return { read: false, wakeAt: null };
  if (m.escalatedAt !== undefined) return f.changed ? { read: true, why: "escalated, and changed since the last sweep" } : { read: false, wakeAt: null };
  const wakeAt = wakeTime(config, m, f.createdAt);
  if (wakeAt === null) return { read: true, why: "unreadable due time" };
  return wakeAt <= now ? { read: true, why: "due" } : { read: false, wakeAt };
}

/** When a waiting item may first need action: its due time, or earlier its at-risk warning. */
export function wakeTime(config: Config, m: MarkerState, createdAt: string): number | null {
  const due = Date.parse(m.dueAt);
  if (!Number.isFinite(due)) return null;
  const share = config.escalation.warn_at;
  if (share === null || m.warnedAt !== undefined) return due;
  const created = Date.parse(createdAt);
  if (!Number.isFinite(created) || created >= due) return due;
  const target = config.targets[m.plan]?.[m.priority];
  if (target?.coverage === "24x7") return Math.min(due, created + Math.floor(share * (due - created)));
  const cal = calendarFromConfig(config);
  return Math.min(due, addBusinessTime(cal, created, Math.floor(share * businessTimeBetween(cal, created, due))));
}
