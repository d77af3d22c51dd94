/**
 * Closed dates from `date-holidays` plus the configured extra and removed dates, as sets
 * of local day numbers (days since 1970-01-01 in the calendar's own zone), one set per
 * year, computed once and cached: the calendar asks "is this day closed?" on hot paths.
 *
 * A holiday closes whole local days. date-holidays also knows part-day holidays (e.g. an
 * afternoon off on Christmas Eve in some countries); a support desk that closes for the
 * afternoon closes its queue for the day, so treating them as whole days errs on the side
 * of not escalating.
 */
import Holidays from "date-holidays";
import type { HolidaysConfig } from "../config/types.js";

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" → days since 1970-01-01 (calendar arithmetic, no zone involved). */
export function dayNumberOfDate(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Days since 1970-01-01 → { year, month (1–12), day }. */
export function dateOfDayNumber(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const sources = new Map<string, Holidays>();

function source(country: string, state: string | null): Holidays {
  const key = `${country}/${state ?? ""}`;
  let h = sources.get(key);
  if (!h) {
    h = state ? new Holidays(country, state) : new Holidays(country);
    sources.set(key, h);
  }
  return h;
}

/** The closed days of a holiday configuration, by year, computed on first use. */
export class HolidayTable {
  private readonly years = new Map<number, ReadonlySet<number>>();
  private readonly added: ReadonlyMap<number, readonly number[]>;
  private readonly removed: ReadonlySet<number>;
  private readonly types: ReadonlySet<string>;

  constructor(private readonly config: HolidaysConfig) {
    const added = new Map<number, number[]>();
    for (const date of config.add) {
      const year = Number(date.slice(0, 4));
      const list = added.get(year) ?? [];
      list.push(dayNumberOfDate(date));
      added.set(year, list);
    }
    this.added = added;
    this.removed = new Set(config.remove.map(dayNumberOfDate));
    this.types = new Set(config.types);
  }

  /** Whether the local day (days since 1970-01-01) is closed for a holiday. */
  isHoliday(day: number): boolean {
    const { year } = dateOfDayNumber(day);
    let set = this.years.get(year);
    if (!set) {
      set = this.compute(year);
      this.years.set(year, set);
    }
    return set.has(day);
  }

  private compute(year: number): ReadonlySet<number> {
    const days = new Set<number>();
    const { country, state } = this.config;
    if (country !== null && this.types.size > 0) {
      const h = source(country, state);
      // A substitute day can sit in the neighbouring year (New Year's Day on a Saturday
      // is observed on Friday 31 December), so look one year either side.
      for (const y of [year - 1, year, year + 1]) {
        for (const holiday of h.getHolidays(y)) {
          if (!this.types.has(holiday.type)) continue;
          const first = dayNumberOfDate(holiday.date.slice(0, 10));
          const span = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
          for (let i = 0; i < Math.min(span, 31); i++) {
            const d = first + i;
            if (dateOfDayNumber(d).year === year) days.add(d);
          }
        }
      }
    }
    for (const d of this.added.get(year) ?? []) days.add(d);
    for (const d of this.removed) days.delete(d);
    return days;
  }
}
