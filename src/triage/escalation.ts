/**
 * Escalation and at-risk decisions (SPEC §5.3), as plain predicates over the state.
 *
 * Exactly-once is a property of the data, not of timing: `escalatedAt` in the marker
 * is the proof that an item was escalated, so a second sweep, a redelivered event or a
 * second replica all see it and stand down.
 */
import { businessTimeBetween, calendarFromConfig } from "../calendar/calendar.js";
import type { Config } from "../config/types.js";
import type { TargetResult } from "./target.js";
import { formatBusinessDuration, formatInZone } from "./target.js";
import type { Item, MarkerState } from "./types.js";

export interface EscalationFacts {
  readonly open: boolean;
  readonly tracked: boolean;
  /** A first response is recorded (in the state being planned). */
  readonly responded: boolean;
  readonly escalated: boolean;
  readonly dueMs: number;
  readonly now: number;
}

/** Due time reached (`now ≥ due`: the due instant itself is already late), nobody answered. */
export function shouldEscalate(f: EscalationFacts): boolean {
  return f.open && f.tracked && !f.responded && !f.escalated && f.now >= f.dueMs;
}

/**
 * Share of the target used up at `now`: business time for business coverage (a night
 * or a weekend does not bring an item closer to breach), wall time for 24x7. 0 before
 * the clock starts; ≥ 1 once due.
 */
export function elapsedShare(config: Config, target: TargetResult, now: number): number {
  const opened = Date.parse(target.openedAt);
  if (now >= target.dueMs) return 1;
  if (now <= opened) return 0;
  if (target.coverageKind === "24x7") return (now - opened) / (target.dueMs - opened);
  const cal = calendarFromConfig(config);
  const total = businessTimeBetween(cal, opened, target.dueMs);
  return total <= 0 ? 1 : businessTimeBetween(cal, opened, now) / total;
}

export interface WarnFacts extends EscalationFacts {
  readonly warned: boolean;
}

/**
 * The optional early warning: only before the due time (afterwards escalation speaks),
 * only once, and only while nobody has answered.
 */
export function shouldWarn(config: Config, target: TargetResult, f: WarnFacts): boolean {
  const at = config.escalation.warn_at;
  if (at === null) return false;
  if (!f.open || !f.tracked || f.responded || f.escalated || f.warned) return false;
  if (f.now >= f.dueMs) return false;
  return elapsedShare(config, target, f.now) >= at;
}

/** How late an item is at `now`, in the target's own units (business time for business coverage). */
export function lateBy(config: Config, target: TargetResult, now: number): { ms: number; text: string } {
  const ms =
    target.coverageKind === "24x7"
      ? Math.max(0, now - target.dueMs)
      : Math.max(0, businessTimeBetween(calendarFromConfig(config), target.dueMs, now));
  return { ms, text: formatBusinessDuration(config, ms, target.coverageKind) };
}

export interface EscalationPayload {
  readonly event: "support_triage.escalated";
  readonly repository: string;
  readonly kind: Item["kind"];
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly priority: MarkerState["priority"];
  readonly plan: string;
  readonly dueAt: string;
  readonly escalatedAt: string;
  readonly lateByMs: number;
  readonly lateBy: string;
}

export function itemUrl(item: Item): string {
  if (item.url !== undefined && item.url !== "") return item.url;
  const path = item.kind === "issue" ? "issues" : "discussions";
  return `https://github.com/${item.owner}/${item.repo}/${path}/${item.number}`;
}

/** The JSON body of the outgoing escalation webhook (consumed by machines, so the title is raw). */
export function escalationPayload(config: Config, item: Item, target: TargetResult, now: number): EscalationPayload {
  const late = lateBy(config, target, now);
  return {
    event: "support_triage.escalated",
    repository: `${item.owner}/${item.repo}`,
    kind: item.kind,
    number: item.number,
    title: item.title,
    url: itemUrl(item),
    priority: target.priority,
    plan: target.plan,
    dueAt: target.dueAt,
    escalatedAt: formatInZone(config, now),
    lateByMs: late.ms,
    lateBy: late.text,
  };
}
