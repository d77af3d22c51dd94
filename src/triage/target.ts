/**
 * Response targets: (config, plan, priority, opened-at) → coverage, the target in words
 * and the due instant, with the semantics of SPEC section 2:
 * - the clock starts at the item's creation;
 * - 24x7: due = start + duration in absolute time (4h across a DST change is 4 real hours);
 * - business coverage: only time inside the half-open window on working days counts,
 *   `d` is one window length, a budget used up exactly at closing is due at closing,
 *   and an item opened outside the window starts counting at the next opening.
 *
 * This sits on hot paths (every event and every item of a sweep), so formatting the due
 * instant avoids luxon: the calendar's day cache already knows the zone offset.
 */
import { DateTime } from "luxon";
import {
  addBusinessTime,
  calendarFromConfig,
  offsetMinutesAt,
  type BusinessCalendar,
} from "../calendar/calendar.js";
import { describeCalendar } from "../calendar/describe.js";
import type { Config, CoverageKind, DurationSpec, Priority } from "../config/types.js";

export interface TargetResult {
  readonly plan: string;
  readonly priority: Priority;
  /** "24x7" or the derived business label, e.g. "12x5". */
  readonly coverage: string;
  readonly coverageKind: CoverageKind;
  readonly duration: DurationSpec;
  /** "4 hours, 24x7" or "1 business day, 12x5 — 6am–6pm Pacific, Mon–Fri, excluding US public holidays". */
  readonly text: string;
  /** Short form: "4 hours" / "1 business day". */
  readonly durationText: string;
  /** The opening instant, ISO-8601 in the configured zone. */
  readonly openedAt: string;
  /** ISO-8601 with ms and the configured zone's offset, e.g. 2026-12-01T13:00:00.000-08:00. */
  readonly dueAt: string;
  readonly dueMs: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Unknown plan or priority: the caller should have checked against `config.plans`. */
export class UnknownTargetError extends Error {
  override readonly name = "UnknownTargetError";
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * "15 minutes", "1 hour", "2 business days": how a configured duration reads. Under 24x7
 * coverage a day is 24 hours of wall-clock time: "1 day (24 hours)".
 */
export function describeDuration(duration: DurationSpec, kind: CoverageKind = "business"): string {
  if (duration.unit === "d" && kind === "24x7") return `${plural(duration.amount, "day", "days")} (${duration.amount * 24} hours)`;
  switch (duration.unit) {
    case "m":
      return plural(duration.amount, "minute", "minutes");
    case "h":
      return plural(duration.amount, "hour", "hours");
    case "d":
      return plural(duration.amount, "business day", "business days");
  }
}

/**
 * The duration in ms of business (or absolute) time. A `d` under 24x7 is a day of
 * wall-clock time: 24 hours.
 */
export function durationMs(cal: BusinessCalendar, duration: DurationSpec, kind: CoverageKind): number {
  switch (duration.unit) {
    case "m":
      return duration.amount * MINUTE;
    case "h":
      return duration.amount * HOUR;
    case "d":
      return duration.amount * (kind === "business" ? cal.windowMs : 24 * HOUR);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** ISO-8601 with ms and offset, computed from the cached zone offset. */
function isoInZone(cal: BusinessCalendar, ms: number): string {
  const offset = offsetMinutesAt(cal, ms);
  const local = new Date(ms + offset * MINUTE);
  const year = local.getUTCFullYear();
  if (!Number.isInteger(offset) || year < 0 || year > 9999) {
    // Historical offsets with seconds and far-off years: let luxon handle the oddities.
    return DateTime.fromMillis(ms, { zone: cal.zone }).toISO({ includeOffset: true }) ?? new Date(ms).toISOString();
  }
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${pad(year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** An instant as ISO-8601 with the configured zone's offset (the format of `dueAt`). */
export function formatInZone(config: Config, ms: number): string {
  return isoInZone(calendarFromConfig(config), ms);
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
/** One formatter per zone, with the options luxon uses for a zone's short name. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

function luxonDescribe(zone: string, ms: number): string {
  return DateTime.fromMillis(ms, { zone, locale: "en-US" }).toFormat("ccc, LLL d, yyyy, h:mm a ZZZZ");
}

/**
 * Zone names by zone, offset and UTC day: formatToParts is costly, and the name follows
 * the offset — except where ICU's zone data changes a zone's name at a given instant with
 * the offset unchanged: Los Angeles reads "GMT-8" until the first instant of 1970, "PST"
 * from it. Instants before 1970 are not cached, and a day's key would mix two names only if
 * such a change fell inside a UTC day with the offset unchanged (tests compare with luxon
 * on random instants from 1950 to 2100).
 */
const zoneNames = new Map<string, string | null>();
const DAY_MS = 86_400_000;

function zoneShortName(zone: string, ms: number, offset: number): string | null {
  if (ms < 0) return zoneShortNameNow(zone, ms);
  const key = `${zone}|${offset}|${Math.floor(ms / DAY_MS)}`;
  const known = zoneNames.get(key);
  if (known !== undefined) return known;
  const name = zoneShortNameNow(zone, ms);
  if (zoneNames.size >= 256) zoneNames.clear();
  zoneNames.set(key, name);
  return name;
}

/** "PST" at instant ms: what luxon's `ZZZZ` asks Intl for, without a new formatter each time. */
function zoneShortNameNow(zone: string, ms: number): string | null {
  let format = zoneNameFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZoneName: "short",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: zone,
    });
    if (zoneNameFormats.size >= 64) zoneNameFormats.clear();
    zoneNameFormats.set(zone, format);
  }
  return format.formatToParts(new Date(ms)).find((p) => p.type.toLowerCase() === "timezonename")?.value ?? null;
}

/**
 * An instant for people: "Tue, Dec 1, 2026, 1:00 PM PST" in the configured zone — what
 * luxon's `ccc, LLL d, yyyy, h:mm a ZZZZ` gives in en-US. Every target comment shows one
 * or two, and luxon builds a new Intl formatter for the zone name on every call, which
 * was the largest single cost of handling an event (docs/benchmarks.md): the wall time
 * comes from the calendar's cached offset and the zone name from a formatter kept per zone.
 */
export function describeDue(config: Config, ms: number): string {
  if (!Number.isFinite(ms)) return luxonDescribe(config.timezone, ms);
  const cal = calendarFromConfig(config);
  const offset = offsetMinutesAt(cal, ms);
  const local = new Date(ms + offset * MINUTE);
  const year = local.getUTCFullYear();
  const name = Number.isInteger(offset) && year >= 1000 && year <= 9999 ? zoneShortName(config.timezone, ms, offset) : null;
  if (name === null) return luxonDescribe(config.timezone, ms);
  const hours = local.getUTCHours();
  return (
    `${WEEKDAYS[local.getUTCDay()] ?? ""}, ${MONTHS[local.getUTCMonth()] ?? ""} ${local.getUTCDate()}, ${year}, ` +
    `${hours % 12 === 0 ? 12 : hours % 12}:${pad(local.getUTCMinutes())} ${hours < 12 ? "AM" : "PM"} ${name}`
  );
}

/**
 * A span for "met by" / "late by" wording: "2 hours 5 minutes", "1 business day 3 hours"
 * (a business day is one window length) or, for 24x7, "1 day 2 hours" (24-hour days).
 * The sign is ignored; the caller says whether it is early or late.
 */
export function formatBusinessDuration(config: Config, ms: number, coverageKind: CoverageKind): string {
  const abs = Math.abs(ms);
  if (abs === 0) return "0 minutes";
  let minutes = Math.round(abs / MINUTE);
  if (minutes === 0) return "less than a minute";
  const dayMinutes = coverageKind === "business" ? calendarFromConfig(config).windowMs / MINUTE : 24 * 60;
  const days = Math.floor(minutes / dayMinutes);
  minutes -= days * dayMinutes;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts: string[] = [];
  if (days > 0) {
    parts.push(coverageKind === "business" ? plural(days, "business day", "business days") : plural(days, "day", "days"));
  }
  if (hours > 0) parts.push(plural(hours, "hour", "hours"));
  if (minutes > 0) parts.push(plural(minutes, "minute", "minutes"));
  return parts.join(" ");
}

/**
 * The response target of an item. Throws {@link UnknownTargetError} for a plan or
 * priority the config does not know, and RangeError for a non-finite opening instant.
 */
export function computeTarget(config: Config, plan: string, priority: Priority, openedAt: number): TargetResult {
  if (!Number.isFinite(openedAt)) throw new RangeError(`openedAt must be an epoch-millisecond instant, got ${openedAt}`);
  const table = Object.hasOwn(config.targets, plan) ? config.targets[plan] : undefined;
  if (!table) {
    throw new UnknownTargetError(`unknown plan ${JSON.stringify(plan)}; known plans: ${config.plans.join(", ")}`);
  }
  const spec = Object.hasOwn(table, priority) ? table[priority] : undefined;
  if (!spec) throw new UnknownTargetError(`unknown priority ${JSON.stringify(priority)}; use P1, P2, P3 or P4`);
  const cal = calendarFromConfig(config);
  const kind = spec.coverage;
  const ms = durationMs(cal, spec.duration, kind);
  const dueMs = kind === "24x7" ? openedAt + ms : addBusinessTime(cal, openedAt, ms);
  const durationText = describeDuration(spec.duration, kind);
  const coverage = kind === "24x7" ? "24x7" : cal.label;
  return {
    plan,
    priority,
    coverage,
    coverageKind: kind,
    duration: spec.duration,
    text: kind === "24x7" ? `${durationText}, 24x7` : `${durationText}, ${coverage} — ${describeTextCached(cal)}`,
    durationText,
    openedAt: isoInZone(cal, openedAt),
    dueAt: isoInZone(cal, dueMs),
    dueMs,
  };
}

const calendarText = new WeakMap<BusinessCalendar, string>();
function describeTextCached(cal: BusinessCalendar): string {
  let text = calendarText.get(cal);
  if (text === undefined) {
    text = describeCalendar(cal);
    calendarText.set(cal, text);
  }
  return text;
}
