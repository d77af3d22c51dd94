/**
 * The SLA report's numbers (issue 13): from the items' markers over a window of creation
 * times, per priority × plan, per priority, per plan and in total — items tracked,
 * responded, met, missed, met %, median and p90 time to first response, escalations —
 * the open items now (overdue, at risk, on track), the breaches, and a weekly series.
 *
 * Pure: it takes the items (as the GitHub layer read them), the configuration and the
 * instants, and returns numbers. Definitions (docs/report.md):
 * - an item is in the window when its creation time is in [since, until); it is tracked
 *   when the app's target comment has a usable marker that is not `untracked`;
 * - time to first response runs from creation to `respondedAt`, in the target's own
 *   units: business time for business-hours targets, wall-clock time for 24x7 ones;
 * - met: responded at or before the due time (as the target comment says); missed:
 *   responded after it, or not responded and the due time passed while the item was
 *   open (before it was closed, or before now). Met % = met / (met + missed);
 * - median: the middle value (the mean of the two middle ones for an even count); p90:
 *   nearest rank, the ⌈0.9·n⌉-th smallest;
 * - open items now (open, no response yet — those created in the window and those created
 *   before it that still wait): overdue when the due time has passed, at risk when the
 *   share of the target elapsed is at least `escalation.warn_at` (0.75 when the warning is
 *   off), otherwise on track. Every other number is about the window's items only.
 */
import { DateTime } from "luxon";
import { businessTimeBetween, calendarFromConfig } from "../calendar/calendar.js";
import { PRIORITIES, type Config, type CoverageKind, type Priority } from "../config/types.js";
import { elapsedShare } from "./escalation.js";
import { findTargetComment } from "./marker.js";
import { computeTarget, durationMs, formatInZone } from "./target.js";
import type { Item, ItemKind, MarkerState } from "./types.js";
import { PATTERNS } from "../config/keys.js";

/** One item as the report needs it: what GitHub shows plus the marker of its target comment. */
export interface ReportItem {
  readonly kind: ItemKind;
  readonly number: number;
  readonly title: string;
  readonly url: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly state: "open" | "closed";
  /** ISO-8601, when closed (null when open or unknown). */
  readonly closedAt: string | null;
  readonly marker: MarkerState;
}

/** The report's view of an item, or null when the item carries no usable marker. */
export function reportItemOf(item: Item, appLogin: string, closedAt: string | null): ReportItem | null {
  const target = findTargetComment(item, appLogin);
  const marker = target?.state ?? null;
  if (marker === null) return null;
  const path = item.kind === "issue" ? "issues" : "discussions";
  return {
    kind: item.kind,
    number: item.number,
    title: item.title,
    url: item.url !== undefined && item.url !== "" ? item.url : `https://github.com/${item.owner}/${item.repo}/${path}/${item.number}`,
    createdAt: item.createdAt,
    state: item.state,
    closedAt: item.state === "closed" ? closedAt : null,
    marker,
  };
}

export interface OpenNow {
  readonly overdue: number;
  readonly atRisk: number;
  readonly onTrack: number;
}

export interface ReportStats {
  /** null in rows that sum over priorities. */
  readonly priority: Priority | null;
  /** null in rows that sum over plans. */
  readonly plan: string | null;
  /** "24x7", the business label ("12x5"), or "mixed" for rows over both. */
  readonly coverage: string;
  readonly tracked: number;
  readonly responded: number;
  readonly met: number;
  readonly missed: number;
  /** 0–100 with one decimal; null when nothing is met or missed yet. */
  readonly metPct: number | null;
  /** Time to first response in ms of the target's own units; null without responses. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  readonly escalated: number;
  /** Open items waiting for a first response now: created in the window, or before it. */
  readonly open: OpenNow;
}

export interface Breach {
  readonly kind: ItemKind;
  readonly number: number;
  /** Raw title: renderers neutralise it. */
  readonly title: string;
  readonly url: string;
  readonly priority: Priority;
  readonly plan: string;
  readonly coverage: string;
  readonly coverageKind: CoverageKind;
  readonly dueAt: string;
  readonly respondedAt: string | null;
  readonly state: "open" | "closed";
  readonly escalated: boolean;
  /** How late: to the response, else to the closing, else to now; in the target's own units. */
  readonly lateByMs: number;
}

export interface WeekStats {
  /** The Monday the week starts on (in `days`: the day), YYYY-MM-DD in the configured zone. */
  readonly week: string;
  readonly tracked: number;
  readonly responded: number;
  readonly met: number;
  readonly missed: number;
  readonly metPct: number | null;
  /** Median time to first response as a share of the item's target, in % (100 = at the target). */
  readonly medianPctOfTarget: number | null;
}

export interface SlaReport {
  readonly repo: string;
  /** ISO-8601 in the configured zone. */
  readonly since: string;
  readonly until: string;
  readonly generatedAt: string;
  readonly timezone: string;
  /** The at-risk threshold used (share of the target). */
  readonly atRiskShare: number;
  /** Every priority × plan of the configuration (and plans only markers name), in order. */
  readonly cells: readonly ReportStats[];
  readonly byPriority: readonly ReportStats[];
  readonly byPlan: readonly ReportStats[];
  readonly total: ReportStats;
  /** Missed items, the latest (by how late) first, then by number. */
  readonly breaches: readonly Breach[];
  readonly weeks: readonly WeekStats[];
  /**
   * The same by day (`week` is then the day): the chart falls back to it when fewer than two
   * weeks of the window have responses, so a young desk still sees a trend against the target.
   */
  readonly days: readonly WeekStats[];
}

export interface ReportWindow {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  /** Epoch ms: "now" for open items and lateness. */
  readonly now: number;
}

/** The at-risk share when `escalation.warn_at` is off. */
export const DEFAULT_AT_RISK = 0.75;

/** Everything the report derives from one item. */
interface Facts {
  readonly item: ReportItem;
  readonly priority: Priority;
  readonly plan: string;
  readonly coverage: string;
  readonly coverageKind: CoverageKind;
  readonly createdMs: number;
  readonly dueMs: number;
  readonly respondedMs: number | null;
  /** Time to first response in the target's units. */
  readonly ttfrMs: number | null;
  /** The target's length in its own units. */
  readonly targetMs: number;
  readonly met: boolean;
  readonly missed: boolean;
  readonly lateByMs: number;
  readonly escalated: boolean;
  readonly openNow: keyof OpenNow | null;
}

/**
 * A plan as the report names it. A marker's plan is the configuration's (a validated name)
 * unless someone hand-edited the marker: a name that is not a plain plan name is reported
 * as "unknown", so nothing but such names ever reaches the report's tables and charts.
 */
export const UNKNOWN_PLAN = "unknown";
export const reportPlan = (plan: string): string => (PATTERNS.PLAN_RE.test(plan) ? plan : UNKNOWN_PLAN);

function factsOf(config: Config, item: ReportItem, now: number, atRisk: number): Facts | null {
  const m = item.marker;
  if (m.untracked === true) return null;
  const createdMs = Date.parse(item.createdAt);
  const dueMs = Date.parse(m.dueAt);
  if (!Number.isFinite(createdMs) || !Number.isFinite(dueMs)) return null;
  const cal = calendarFromConfig(config);
  const table = Object.hasOwn(config.targets, m.plan) ? config.targets[m.plan] : undefined;
  const spec = table?.[m.priority];
  const coverageKind: CoverageKind = spec?.coverage ?? "24x7";
  const coverage = coverageKind === "24x7" ? "24x7" : cal.label;
  const span = (a: number, b: number): number => (b <= a ? 0 : coverageKind === "24x7" ? b - a : businessTimeBetween(cal, a, b));
  const targetMs = spec ? durationMs(cal, spec.duration, coverageKind) : Math.max(0, dueMs - createdMs);
  const respondedRaw = m.respondedAt === undefined ? Number.NaN : Date.parse(m.respondedAt);
  const respondedMs = Number.isFinite(respondedRaw) ? respondedRaw : null;
  const closedRaw = item.state === "closed" && item.closedAt !== null ? Date.parse(item.closedAt) : Number.NaN;
  const end = item.state === "closed" ? (Number.isFinite(closedRaw) ? closedRaw : null) : now;
  const met = respondedMs !== null && respondedMs <= dueMs;
  // Unanswered and closed at an unknown time: missed only when it was escalated (the proof it went past due open).
  const missed =
    respondedMs !== null ? respondedMs > dueMs : end !== null ? dueMs <= end : m.escalatedAt !== undefined;
  const lateByMs = !missed ? 0 : span(dueMs, respondedMs ?? end ?? now);
  let openNow: keyof OpenNow | null = null;
  if (item.state === "open" && respondedMs === null) {
    if (now >= dueMs) openNow = "overdue";
    else {
      let share = 0;
      if (spec) {
        const target = computeTarget(config, m.plan, m.priority, createdMs);
        share = elapsedShare(config, { ...target, dueMs }, now);
      } else {
        share = dueMs <= createdMs ? 1 : (now - createdMs) / (dueMs - createdMs);
      }
      openNow = share >= atRisk ? "atRisk" : "onTrack";
    }
  }
  return {
    item,
    priority: m.priority,
    plan: reportPlan(m.plan),
    coverage,
    coverageKind,
    createdMs,
    dueMs,
    respondedMs,
    ttfrMs: respondedMs === null ? null : span(createdMs, respondedMs),
    targetMs,
    met,
    missed,
    lateByMs,
    escalated: m.escalatedAt !== undefined,
    openNow,
  };
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest rank: the ⌈p·n⌉-th smallest value (p in (0, 1]). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * s.length));
  return s[rank - 1] as number;
}

const pct = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

function stats(priority: Priority | null, plan: string | null, coverage: string, facts: readonly Facts[], earlier: readonly Facts[]): ReportStats {
  const times = facts.flatMap((f) => (f.ttfrMs === null ? [] : [f.ttfrMs]));
  const met = facts.filter((f) => f.met).length;
  const missed = facts.filter((f) => f.missed).length;
  // Open now: the window's items and those created before it that still wait.
  const count = (k: keyof OpenNow) => facts.filter((f) => f.openNow === k).length + earlier.filter((f) => f.openNow === k).length;
  const kinds = new Set(facts.map((f) => f.coverage));
  return {
    priority,
    plan,
    coverage: kinds.size > 1 ? "mixed" : kinds.size === 1 ? ([...kinds][0] as string) : coverage,
    tracked: facts.length,
    responded: times.length,
    met,
    missed,
    metPct: pct(met, met + missed),
    medianMs: median(times),
    p90Ms: percentile(times, 0.9),
    escalated: facts.filter((f) => f.escalated).length,
    open: { overdue: count("overdue"), atRisk: count("atRisk"), onTrack: count("onTrack") },
  };
}

/**
 * The report of `items` (any set): those created in the window, and for "open now" the open
 * ones created before it; the rest, and untracked items, are left out.
 */
export function computeReport(config: Config, repo: string, items: readonly ReportItem[], window: ReportWindow): SlaReport {
  const atRisk = config.escalation.warn_at ?? DEFAULT_AT_RISK;
  const seen = new Set<string>();
  const facts: Facts[] = [];
  /** Created before the window, open and still waiting for a first response: counted in "open now" only. */
  const earlier: Facts[] = [];
  for (const item of items) {
    const key = `${item.kind}#${item.number}`;
    if (seen.has(key)) continue;
    const created = Date.parse(item.createdAt);
    const inWindow = created >= window.since && created < window.until;
    if (!inWindow && !(created < window.since && item.state === "open")) continue;
    const f = factsOf(config, item, window.now, atRisk);
    if (f === null) continue;
    seen.add(key);
    if (inWindow) facts.push(f);
    else if (f.openNow !== null) earlier.push(f);
  }
  const cal = calendarFromConfig(config);
  const plans = [...config.plans, ...[...new Set([...facts, ...earlier].map((f) => f.plan))].filter((p) => !config.plans.includes(p)).sort()];
  const coverageOf = (plan: string, priority: Priority): string => {
    const spec = Object.hasOwn(config.targets, plan) ? config.targets[plan]?.[priority] : undefined;
    return spec === undefined || spec.coverage === "24x7" ? "24x7" : cal.label;
  };
  const cells: ReportStats[] = [];
  for (const priority of PRIORITIES) {
    for (const plan of plans) {
      const mine = (f: Facts) => f.priority === priority && f.plan === plan;
      cells.push(stats(priority, plan, coverageOf(plan, priority), facts.filter(mine), earlier.filter(mine)));
    }
  }
  const mixedOr = (list: readonly string[]): string => (new Set(list).size === 1 ? (list[0] as string) : "mixed");
  const byPriority = PRIORITIES.map((priority) =>
    stats(priority, null, mixedOr(plans.map((p) => coverageOf(p, priority))), facts.filter((f) => f.priority === priority), earlier.filter((f) => f.priority === priority)),
  );
  const byPlan = plans.map((plan) =>
    stats(null, plan, mixedOr(PRIORITIES.map((p) => coverageOf(plan, p))), facts.filter((f) => f.plan === plan), earlier.filter((f) => f.plan === plan)),
  );
  const total = stats(null, null, "mixed", facts, earlier);

  const breaches: Breach[] = facts
    .filter((f) => f.missed)
    .sort((a, b) => b.lateByMs - a.lateByMs || a.item.number - b.item.number || a.item.kind.localeCompare(b.item.kind))
    .map((f) => ({
      kind: f.item.kind,
      number: f.item.number,
      title: f.item.title,
      url: f.item.url,
      priority: f.priority,
      plan: f.plan,
      coverage: f.coverage,
      coverageKind: f.coverageKind,
      dueAt: f.item.marker.dueAt,
      respondedAt: f.item.marker.respondedAt ?? null,
      state: f.item.state,
      escalated: f.escalated,
      lateByMs: f.lateByMs,
    }));

  return {
    repo,
    since: formatInZone(config, window.since),
    until: formatInZone(config, window.until),
    generatedAt: formatInZone(config, window.now),
    timezone: config.timezone,
    atRiskShare: atRisk,
    cells,
    byPriority,
    byPlan,
    total,
    breaches,
    weeks: series(config, facts, window, "week"),
    days: series(config, facts, window, "day"),
  };
}

/** Monday-based weeks (or days) of creation in the configured zone, from the window's first to its last. */
function series(config: Config, facts: readonly Facts[], window: ReportWindow, unit: "week" | "day"): WeekStats[] {
  const zone = config.timezone;
  const periodOf = (ms: number): string => DateTime.fromMillis(ms, { zone }).startOf(unit).toISODate() ?? "";
  const out: WeekStats[] = [];
  const last = periodOf(Math.max(window.since, window.until - 1));
  let cursor = DateTime.fromMillis(window.since, { zone }).startOf(unit);
  for (let i = 0; i < 400; i++) {
    const week = cursor.toISODate() ?? "";
    const inWeek = facts.filter((f) => periodOf(f.createdMs) === week);
    const shares = inWeek.flatMap((f) => (f.ttfrMs === null || f.targetMs <= 0 ? [] : [f.ttfrMs / f.targetMs]));
    const met = inWeek.filter((f) => f.met).length;
    const missed = inWeek.filter((f) => f.missed).length;
    const mid = median(shares);
    out.push({
      week,
      tracked: inWeek.length,
      responded: shares.length,
      met,
      missed,
      metPct: pct(met, met + missed),
      medianPctOfTarget: mid === null ? null : Math.round(mid * 1000) / 10,
    });
    if (week >= last) break;
    cursor = cursor.plus(unit === "week" ? { weeks: 1 } : { days: 1 });
  }
  return out;
}

const DAY_MS = 86_400_000;

/**
 * A window bound as the command line and the report route take it: `30d` or `4w` (that
 * long before now), a date `YYYY-MM-DD` (midnight in the configured zone; as an end, the
 * end of that day), or an ISO-8601 instant. Null when unreadable.
 */
export function resolveBound(text: string, config: Config, now: number, end = false): number | null {
  const t = text.trim();
  const rel = /^(\d{1,4})([dw])$/.exec(t);
  if (rel) return now - Number(rel[1]) * (rel[2] === "w" ? 7 : 1) * DAY_MS;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const day = DateTime.fromISO(t, { zone: config.timezone });
    if (!day.isValid) return null;
    return (end ? day.plus({ days: 1 }) : day).toMillis();
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const at = DateTime.fromISO(t, { zone: config.timezone });
    return at.isValid ? at.toMillis() : null;
  }
  return null;
}

/**
 * Where the current period of a scheduled report began: local midnight today (daily), or
 * local midnight of the latest configured weekday at or before now (weekly). A report
 * generated before this instant is due again.
 */
export function reportPeriodStart(config: Config, now: number): number {
  const today = DateTime.fromMillis(now, { zone: config.timezone }).startOf("day");
  if (config.report.schedule !== "weekly") return today.toMillis();
  const back = (today.weekday - config.report.day + 7) % 7;
  return today.minus({ days: back }).toMillis();
}
