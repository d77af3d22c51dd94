/**
 * The business calendar: a zone, a weekly window and closed dates, with pure functions
 * over epoch milliseconds (is-open, next opening, add business time, business time
 * between two instants).
 *
 * Everything works on intervals. For each local day the calendar computes, once, the
 * day's bounds and its open window as epoch milliseconds (luxon converts local wall time
 * to instants, so days of 23 and 25 hours come out right) and caches them by day number.
 * Adding business time then walks whole days, subtracting each day's open length, so a
 * two-business-day target costs a handful of Map lookups instead of thousands of
 * minute steps, and repeated computations never touch luxon again.
 *
 * Every loop has a bound. A calendar that could not open within {@link MAX_SCAN_DAYS}
 * days throws a CalendarError; configuration validation rejects such calendars (no
 * working days, targets that need years) before they get here.
 */
import { DateTime, IANAZone } from "luxon";
import { businessLabel, parseClock } from "../config/hours.js";
import type { Config, HolidaysConfig } from "../config/types.js";
import { HolidayTable, dateOfDayNumber } from "./holidays.js";

const DAY_MS = 86_400_000;
/** How far any search may look ahead: ten years. */
export const MAX_SCAN_DAYS = 3660;
/** Largest span businessTimeBetween will measure: a century. */
const MAX_RANGE_DAYS = 36_600;
/** Cached days per calendar before the cache is dropped (a long-running server). */
const MAX_CACHED_DAYS = 50_000;

/** An immutable business calendar. Create it with {@link calendarFromConfig}. */
export interface BusinessCalendar {
  /** IANA zone of the window and of the holidays' dates. */
  readonly zone: string;
  /** ISO weekdays that are working days, 1 = Monday … 7 = Sunday, ascending. */
  readonly days: readonly number[];
  /** Window start and end, minutes after local midnight; end is exclusive (≤ 1440). */
  readonly startMinutes: number;
  readonly endMinutes: number;
  /** Nominal window length in ms: the length of one business day (`d`). */
  readonly windowMs: number;
  /** "12x5": hours per day × days per week. */
  readonly label: string;
  readonly holidays: HolidaysConfig;
}

/** A calendar that can never open (or not within the search bound). */
export class CalendarError extends Error {
  override readonly name = "CalendarError";
}

/** One local day, as instants. A closed day has `open === close` (an empty window). */
interface Day {
  readonly start: number;
  readonly end: number;
  readonly open: number;
  readonly close: number;
  /** Zone offsets (minutes) at the day's start and just before its end. */
  readonly offsetStart: number;
  readonly offsetEnd: number;
}

/** Caches live beside the value, so the value itself stays plain and frozen. */
interface State {
  readonly workday: readonly boolean[];
  readonly zone: IANAZone;
  readonly holidays: HolidayTable;
  days: Map<number, Day>;
}

const states = new WeakMap<BusinessCalendar, State>();
let byConfig = new WeakMap<Config, BusinessCalendar>();
/** Equal settings share one calendar (and its caches) even across config objects. */
const byKey = new Map<string, BusinessCalendar>();
const MAX_SHARED = 64;

/**
 * The calendar of a configuration. Memoised per config object and per distinct calendar
 * settings: it is called on every due-time computation.
 */
export function calendarFromConfig(config: Config): BusinessCalendar {
  const cached = byConfig.get(config);
  if (cached) return cached;
  const key = JSON.stringify([config.timezone, config.business_hours, config.holidays]);
  let cal = byKey.get(key);
  if (!cal) {
    cal = createCalendar(config);
    if (byKey.size >= MAX_SHARED) byKey.clear();
    byKey.set(key, cal);
  }
  byConfig.set(config, cal);
  return cal;
}

/**
 * Forgets every calendar, so the next computation for any configuration builds its calendar
 * again with empty day and holiday caches — as a freshly started process would (the rules
 * date-holidays loaded for a country are kept: that is a library's data, loaded once). For
 * measurements of the cold path (the bench's "cold" due-time figure); calendars already
 * handed out keep working with their own caches.
 */
export function resetCalendarCaches(): void {
  byKey.clear();
  byConfig = new WeakMap();
}

function createCalendar(config: Config): BusinessCalendar {
  const startMinutes = parseClock(config.business_hours.start, false);
  const endMinutes = parseClock(config.business_hours.end, true);
  if (startMinutes === null || endMinutes === null || endMinutes <= startMinutes) {
    throw new CalendarError(
      `business hours ${config.business_hours.start}–${config.business_hours.end} are not a window within one day`,
    );
  }
  const zone = IANAZone.create(config.timezone);
  if (!zone.isValid) throw new CalendarError(`unknown time zone ${config.timezone}`);
  const days = [...new Set(config.business_hours.days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (days.length === 0) throw new CalendarError("business hours have no working days");
  const cal: BusinessCalendar = Object.freeze({
    zone: config.timezone,
    days: Object.freeze(days),
    startMinutes,
    endMinutes,
    windowMs: (endMinutes - startMinutes) * 60_000,
    label: businessLabel(config.business_hours),
    holidays: config.holidays,
  });
  const workday = Array.from({ length: 8 }, (_, i) => days.includes(i));
  states.set(cal, { workday, zone, holidays: new HolidayTable(config.holidays), days: new Map() });
  return cal;
}

function stateOf(cal: BusinessCalendar): State {
  const s = states.get(cal);
  if (!s) throw new CalendarError("not a calendar made by calendarFromConfig");
  return s;
}

/** ISO weekday of a day number: 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function localInstant(s: State, day: number, minutes: number): number {
  const { year, month, day: dom } = dateOfDayNumber(day);
  // Luxon moves a wall time that falls in a DST gap forward, which is what a desk that
  // "opens at 02:30" does on the night the clocks skip 02:00–03:00.
  return DateTime.fromObject(
    { year, month, day: dom, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: s.zone },
  ).toMillis();
}

function computeDay(cal: BusinessCalendar, s: State, day: number): Day {
  const start = localInstant(s, day, 0);
  const end = localInstant(s, day + 1, 0);
  const offsetStart = s.zone.offset(start);
  const offsetEnd = s.zone.offset(end - 1);
  const working = s.workday[weekday(day)] === true && !s.holidays.isHoliday(day);
  if (!working) return { start, end, open: start, close: start, offsetStart, offsetEnd };
  // Clamped to the day: a wall time that does not exist on this day resolves to an
  // instant of another day. Samoa skipped 2011-12-30 entirely, and its 10:00 became
  // 31 December's 10:00; unclamped, that window would be counted twice.
  const clamp = (t: number): number => Math.min(Math.max(t, start), end);
  const open = clamp(localInstant(s, day, cal.startMinutes));
  const close = cal.endMinutes >= 1440 ? end : clamp(localInstant(s, day, cal.endMinutes));
  return { start, end, open, close: Math.max(open, close), offsetStart, offsetEnd };
}

function dayInfo(cal: BusinessCalendar, s: State, day: number): Day {
  let d = s.days.get(day);
  if (!d) {
    d = computeDay(cal, s, day);
    if (s.days.size >= MAX_CACHED_DAYS) s.days = new Map();
    s.days.set(day, d);
  }
  return d;
}

/** The local day containing instant t: the UTC day or one either side (offsets are < 24 h). */
function dayOf(cal: BusinessCalendar, s: State, t: number): number {
  let day = Math.floor(t / DAY_MS);
  for (let i = 0; i < 3; i++) {
    const d = dayInfo(cal, s, day);
    if (t < d.start) day -= 1;
    else if (t >= d.end) day += 1;
    else return day;
  }
  throw new CalendarError(`cannot place instant ${t} in a local day of ${cal.zone}`);
}

function checkInstant(t: number, name: string): void {
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a finite epoch-millisecond instant, got ${t}`);
}

/** Whether the desk is open at instant t (the window is half-open: open at 06:00, closed at 18:00). */
export function isOpen(cal: BusinessCalendar, t: number): boolean {
  checkInstant(t, "t");
  const s = stateOf(cal);
  const d = dayInfo(cal, s, dayOf(cal, s, t));
  return t >= d.open && t < d.close;
}

/** The first open instant at or after t (t itself when open). */
export function nextOpening(cal: BusinessCalendar, t: number): number {
  checkInstant(t, "t");
  const s = stateOf(cal);
  let day = dayOf(cal, s, t);
  for (let i = 0; i < MAX_SCAN_DAYS; i++, day++) {
    const d = dayInfo(cal, s, day);
    if (d.open < d.close && t < d.close) return Math.max(t, d.open);
  }
  throw new CalendarError(`no business hours within ${MAX_SCAN_DAYS} days after ${new Date(t).toISOString()}`);
}

/**
 * The instant at which `ms` of business time have elapsed since `start`. Time before the
 * next opening does not count; a budget used up exactly at closing time is due at
 * closing time (not at the next opening), because the window is half-open.
 */
export function addBusinessTime(cal: BusinessCalendar, start: number, ms: number): number {
  checkInstant(start, "start");
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business time must be a non-negative number of ms, got ${ms}`);
  if (ms === 0) return start;
  const s = stateOf(cal);
  let remaining = ms;
  let day = dayOf(cal, s, start);
  for (let i = 0; i < MAX_SCAN_DAYS; i++, day++) {
    const d = dayInfo(cal, s, day);
    const from = start > d.open ? start : d.open;
    if (from < d.close) {
      const available = d.close - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
  throw new CalendarError(
    `${ms} ms of business time do not elapse within ${MAX_SCAN_DAYS} days after ${new Date(start).toISOString()}`,
  );
}

/**
 * Business time in ms between two instants (negative when b is before a): the total
 * length of the open windows inside [a, b).
 */
export function businessTimeBetween(cal: BusinessCalendar, a: number, b: number): number {
  checkInstant(a, "a");
  checkInstant(b, "b");
  if (b < a) return -businessTimeBetween(cal, b, a);
  const s = stateOf(cal);
  const first = dayOf(cal, s, a);
  const last = dayOf(cal, s, b);
  if (last - first > MAX_RANGE_DAYS) {
    throw new CalendarError(`cannot measure business time over more than ${MAX_RANGE_DAYS} days`);
  }
  let total = 0;
  for (let day = first; day <= last; day++) {
    const d = dayInfo(cal, s, day);
    const from = a > d.open ? a : d.open;
    const to = b < d.close ? b : d.close;
    if (to > from) total += to - from;
  }
  return total;
}

/** "12x5" for 06:00–18:00 Monday to Friday: derived from the window, never configured. */
export function coverageLabel(cal: BusinessCalendar): string {
  return cal.label;
}

/**
 * The zone's UTC offset in minutes at instant t. Served from the day cache when the
 * offset does not change during that local day, which is every day but two a year.
 */
export function offsetMinutesAt(cal: BusinessCalendar, t: number): number {
  checkInstant(t, "t");
  const s = stateOf(cal);
  const d = dayInfo(cal, s, dayOf(cal, s, t));
  return d.offsetStart === d.offsetEnd ? d.offsetStart : s.zone.offset(t);
}

/** Whether a local date ("YYYY-MM-DD") is a closed holiday in this calendar. */
export function isHolidayDate(cal: BusinessCalendar, date: string): boolean {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return stateOf(cal).holidays.isHoliday(Math.floor(Date.UTC(y, m - 1, d) / DAY_MS));
}
