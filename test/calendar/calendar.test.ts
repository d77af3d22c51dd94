import { describe, expect, it } from "vitest";
import {
  addBusinessTime,
  businessTimeBetween,
  calendarFromConfig,
  CalendarError,
  coverageLabel,
  isHolidayDate,
  isOpen,
  nextOpening,
  offsetMinutesAt,
} from "../../src/calendar/calendar.js";
import { describeCalendar, zoneWord } from "../../src/calendar/describe.js";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import type { Config } from "../../src/config/types.js";

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const HOUR = 3_600_000;
const cal = calendarFromConfig(DEFAULT_CONFIG);
const withCalendar = (patch: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...patch });

describe("isOpen: the half-open 06:00–18:00 window, Monday to Friday", () => {
  it.each([
    { when: "2026-12-01T05:59:59.999-08:00", open: false, why: "Tuesday just before opening" },
    { when: "2026-12-01T06:00:00.000-08:00", open: true, why: "Tuesday at opening" },
    { when: "2026-12-01T12:00:00-08:00", open: true, why: "Tuesday noon" },
    { when: "2026-12-01T17:59:59.999-08:00", open: true, why: "Tuesday just before closing" },
    { when: "2026-12-01T18:00:00.000-08:00", open: false, why: "Tuesday at closing" },
    { when: "2026-12-05T12:00:00-08:00", open: false, why: "Saturday" },
    { when: "2026-12-06T12:00:00-08:00", open: false, why: "Sunday" },
    { when: "2026-11-26T12:00:00-08:00", open: false, why: "Thanksgiving" },
    { when: "2026-11-27T12:00:00-08:00", open: true, why: "the day after Thanksgiving (an observance, not a holiday)" },
    { when: "2026-12-24T12:00:00-08:00", open: true, why: "Christmas Eve 2026 (optional, not closed by default)" },
    { when: "2026-12-01T20:00:00Z", open: true, why: "given in UTC: 12:00 Pacific" },
    { when: "2026-12-02T02:30:00Z", open: false, why: "given in UTC: 18:30 Pacific the day before" },
    { when: "2026-07-01T13:00:00Z", open: true, why: "summer: 06:00 PDT" },
    { when: "2026-07-01T12:59:59Z", open: false, why: "summer: 05:59:59 PDT" },
  ])("$why → $open", ({ when, open }) => {
    expect(isOpen(cal, at(when))).toBe(open);
  });
});

describe("nextOpening", () => {
  it.each([
    { from: "2026-12-01T10:00:00-08:00", next: "2026-12-01T10:00:00-08:00", why: "open: itself" },
    { from: "2026-12-01T05:00:00-08:00", next: "2026-12-01T06:00:00-08:00", why: "before opening" },
    { from: "2026-12-01T18:00:00-08:00", next: "2026-12-02T06:00:00-08:00", why: "at closing" },
    { from: "2026-12-04T18:30:00-08:00", next: "2026-12-07T06:00:00-08:00", why: "Friday evening" },
    { from: "2026-12-05T09:00:00-08:00", next: "2026-12-07T06:00:00-08:00", why: "Saturday" },
    { from: "2026-11-25T18:00:00-08:00", next: "2026-11-27T06:00:00-08:00", why: "eve of Thanksgiving" },
    { from: "2026-12-24T18:00:00-08:00", next: "2026-12-28T06:00:00-08:00", why: "Christmas (Friday) and the weekend" },
    { from: "2027-12-23T18:00:00-08:00", next: "2027-12-27T06:00:00-08:00", why: "Christmas 2027 observed on Friday the 24th" },
    { from: "2026-03-07T12:00:00-08:00", next: "2026-03-09T06:00:00-07:00", why: "across spring-forward: 06:00 PDT" },
    { from: "2026-10-31T12:00:00-07:00", next: "2026-11-02T06:00:00-08:00", why: "across fall-back: 06:00 PST" },
  ])("$why", ({ from, next }) => {
    expect(nextOpening(cal, at(from))).toBe(at(next));
  });
});

describe("addBusinessTime and businessTimeBetween", () => {
  it.each([
    { from: "2026-12-01T09:00:00-08:00", hours: 4, due: "2026-12-01T13:00:00-08:00", why: "inside one window" },
    { from: "2026-12-01T14:00:00-08:00", hours: 4, due: "2026-12-01T18:00:00-08:00", why: "used up exactly at 18:00" },
    { from: "2026-12-01T06:00:00-08:00", hours: 12, due: "2026-12-01T18:00:00-08:00", why: "a whole window from opening" },
    { from: "2026-12-01T14:00:00.001-08:00", hours: 4, due: "2026-12-02T06:00:00.001-08:00", why: "a millisecond past the full window" },
    { from: "2026-12-04T16:00:00-08:00", hours: 4, due: "2026-12-07T08:00:00-08:00", why: "Friday afternoon over the weekend" },
    { from: "2026-12-04T22:00:00-08:00", hours: 12, due: "2026-12-07T18:00:00-08:00", why: "Friday night: counts from Monday" },
    { from: "2026-11-25T16:00:00-08:00", hours: 12, due: "2026-11-27T16:00:00-08:00", why: "Thanksgiving skipped" },
    { from: "2026-03-06T16:00:00-08:00", hours: 12, due: "2026-03-09T16:00:00-07:00", why: "over spring-forward" },
    { from: "2026-10-30T16:00:00-07:00", hours: 12, due: "2026-11-02T16:00:00-08:00", why: "over fall-back" },
  ])("$why", ({ from, hours, due }) => {
    const start = at(from);
    const end = addBusinessTime(cal, start, hours * HOUR);
    expect(end).toBe(at(due));
    expect(businessTimeBetween(cal, start, end)).toBe(hours * HOUR);
  });

  it("zero business time is due at once; negative or non-finite input is refused", () => {
    const t = at("2026-12-05T09:00:00-08:00");
    expect(addBusinessTime(cal, t, 0)).toBe(t);
    expect(() => addBusinessTime(cal, t, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(cal, Number.NaN, 1)).toThrow(RangeError);
    expect(() => isOpen(cal, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it.each([
    { a: "2026-12-04T16:00:00-08:00", b: "2026-12-07T08:00:00-08:00", hours: 4 },
    { a: "2026-12-05T00:00:00-08:00", b: "2026-12-06T23:59:59-08:00", hours: 0 },
    { a: "2026-12-01T00:00:00-08:00", b: "2026-12-08T00:00:00-08:00", hours: 60 },
    { a: "2026-11-23T00:00:00-08:00", b: "2026-11-30T00:00:00-08:00", hours: 48 },
    { a: "2026-12-01T20:00:00-08:00", b: "2026-12-01T21:00:00-08:00", hours: 0 },
  ])("businessTimeBetween($a, $b) = $hours h", ({ a, b, hours }) => {
    expect(businessTimeBetween(cal, at(a), at(b))).toBe(hours * HOUR);
    expect(businessTimeBetween(cal, at(b), at(a))).toBe(-hours * HOUR);
  });
});

describe("US holidays with observed days (date-holidays, types public and bank)", () => {
  // [name, closed date, next working day]
  const holidays: [string, string, string][] = [
    ["New Year's Day 2026 (Thu)", "2026-01-01", "2026-01-02"],
    ["Martin Luther King Jr. Day 2026", "2026-01-19", "2026-01-20"],
    ["Washington's Birthday 2026", "2026-02-16", "2026-02-17"],
    ["Memorial Day 2026", "2026-05-25", "2026-05-26"],
    ["Juneteenth 2026 (Fri)", "2026-06-19", "2026-06-22"],
    ["Independence Day 2026 observed Fri Jul 3 (Jul 4 is a Saturday)", "2026-07-03", "2026-07-06"],
    ["Labor Day 2026", "2026-09-07", "2026-09-08"],
    ["Columbus Day 2026", "2026-10-12", "2026-10-13"],
    ["Veterans Day 2026 (Wed)", "2026-11-11", "2026-11-12"],
    ["Thanksgiving 2026", "2026-11-26", "2026-11-27"],
    ["Christmas Day 2026 (Fri)", "2026-12-25", "2026-12-28"],
    ["New Year's Day 2027 (Fri)", "2027-01-01", "2027-01-04"],
    ["Martin Luther King Jr. Day 2027", "2027-01-18", "2027-01-19"],
    ["Washington's Birthday 2027", "2027-02-15", "2027-02-16"],
    ["Memorial Day 2027", "2027-05-31", "2027-06-01"],
    ["Juneteenth 2027 observed Fri Jun 18 (Jun 19 is a Saturday)", "2027-06-18", "2027-06-21"],
    ["Independence Day 2027 observed Mon Jul 5 (Jul 4 is a Sunday)", "2027-07-05", "2027-07-06"],
    ["Labor Day 2027", "2027-09-06", "2027-09-07"],
    ["Columbus Day 2027", "2027-10-11", "2027-10-12"],
    ["Veterans Day 2027 (Thu)", "2027-11-11", "2027-11-12"],
    ["Thanksgiving 2027", "2027-11-25", "2027-11-26"],
    ["Christmas 2027 observed Fri Dec 24 (Dec 25 is a Saturday)", "2027-12-24", "2027-12-27"],
    ["New Year's Day 2028 observed Fri Dec 31, 2027", "2027-12-31", "2028-01-03"],
  ];

  it.each(holidays)("%s: closed on %s, 4 business hours from 09:00 are due %s 10:00", (_name, date, next) => {
    expect(isHolidayDate(cal, date)).toBe(true);
    const offset = DEFAULT_OFFSET(date);
    expect(isOpen(cal, at(`${date}T12:00:00${offset}`))).toBe(false);
    const due = addBusinessTime(cal, at(`${date}T09:00:00${offset}`), 4 * HOUR);
    expect(due).toBe(at(`${next}T10:00:00${DEFAULT_OFFSET(next)}`));
  });

  it.each(["2026-11-27", "2026-12-24", "2026-12-31", "2026-04-15", "2027-11-26"])(
    "%s (an observance or optional day) stays open",
    (date) => {
      expect(isHolidayDate(cal, date)).toBe(false);
      expect(isOpen(cal, at(`${date}T12:00:00${DEFAULT_OFFSET(date)}`))).toBe(true);
    },
  );

  it("added dates close, removed dates open, country null turns generated holidays off", () => {
    const custom = calendarFromConfig(
      withCalendar({ holidays: { ...DEFAULT_CONFIG.holidays, add: ["2026-12-24"], remove: ["2026-11-26"] } }),
    );
    expect(isOpen(custom, at("2026-12-24T12:00:00-08:00"))).toBe(false);
    expect(isOpen(custom, at("2026-11-26T12:00:00-08:00"))).toBe(true);
    expect(isOpen(custom, at("2026-12-25T12:00:00-08:00"))).toBe(false);
    const none = calendarFromConfig(withCalendar({ holidays: { ...DEFAULT_CONFIG.holidays, country: null } }));
    expect(isOpen(none, at("2026-11-26T12:00:00-08:00"))).toBe(true);
  });

  it("a state adds its own holidays (California: César Chávez Day)", () => {
    const ca = calendarFromConfig(withCalendar({ holidays: { ...DEFAULT_CONFIG.holidays, state: "CA" } }));
    expect(isOpen(ca, at("2026-03-31T12:00:00-07:00"))).toBe(false);
    expect(isOpen(cal, at("2026-03-31T12:00:00-07:00"))).toBe(true);
  });

  it("only the configured types close the desk", () => {
    const withOptional = calendarFromConfig(
      withCalendar({ holidays: { ...DEFAULT_CONFIG.holidays, types: ["public", "bank", "optional"] } }),
    );
    expect(isOpen(withOptional, at("2026-12-24T12:00:00-08:00"))).toBe(false);
  });
});

/**
 * Pacific offset of a date's daytime in 2026–2028 (DST from the second Sunday of March to
 * the first of November); not valid before 02:00 on the two changeover days.
 */
function DEFAULT_OFFSET(date: string): string {
  const dst: Record<string, [string, string]> = {
    "2026": ["2026-03-08", "2026-11-01"],
    "2027": ["2027-03-14", "2027-11-07"],
    "2028": ["2028-03-12", "2028-11-05"],
  };
  const range = dst[date.slice(0, 4)];
  if (!range) throw new Error(`no DST table for ${date}`);
  return date >= range[0] && date < range[1] ? "-07:00" : "-08:00";
}

describe("daylight saving time", () => {
  const allDay = calendarFromConfig(
    withCalendar({ business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "24:00" }, holidays: { ...DEFAULT_CONFIG.holidays, country: null } }),
  );

  it.each([
    { from: "2026-03-08T00:00:00-08:00", to: "2026-03-09T00:00:00-07:00", hours: 23 },
    { from: "2026-03-09T00:00:00-07:00", to: "2026-03-10T00:00:00-07:00", hours: 24 },
    { from: "2026-11-01T00:00:00-07:00", to: "2026-11-02T00:00:00-08:00", hours: 25 },
  ])("an all-day window from $from to $to lasts $hours real hours", ({ from, to, hours }) => {
    expect(businessTimeBetween(allDay, at(from), at(to))).toBe(hours * HOUR);
    expect(addBusinessTime(allDay, at(from), hours * HOUR)).toBe(at(to));
  });

  it("a window inside the skipped hour is empty on the night the clocks skip it", () => {
    const night = calendarFromConfig(
      withCalendar({ business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start: "02:00", end: "03:00" }, holidays: { ...DEFAULT_CONFIG.holidays, country: null } }),
    );
    expect(businessTimeBetween(night, at("2026-03-07T00:00:00-08:00"), at("2026-03-08T00:00:00-08:00"))).toBe(HOUR);
    expect(businessTimeBetween(night, at("2026-03-08T00:00:00-08:00"), at("2026-03-09T00:00:00-07:00"))).toBe(0);
    expect(businessTimeBetween(night, at("2026-11-01T00:00:00-07:00"), at("2026-11-02T00:00:00-08:00"))).toBe(HOUR);
  });

  it.each([
    { when: "2026-03-08T09:59:59.999Z", offset: -480 },
    { when: "2026-03-08T10:00:00Z", offset: -420 },
    { when: "2026-11-01T08:59:59.999Z", offset: -420 },
    { when: "2026-11-01T09:00:00Z", offset: -480 },
    { when: "2026-07-01T12:00:00Z", offset: -420 },
  ])("offset at $when is $offset minutes", ({ when, offset }) => {
    expect(offsetMinutesAt(cal, at(when))).toBe(offset);
  });
});

describe("calendar values", () => {
  it("coverage label and description of the seed calendar", () => {
    expect(coverageLabel(cal)).toBe("12x5");
    expect(describeCalendar(cal)).toBe("6am–6pm Pacific, Mon–Fri, excluding US public holidays");
  });

  it.each([
    {
      patch: { timezone: "Europe/Berlin", business_hours: { days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:30" }, holidays: { ...DEFAULT_CONFIG.holidays, country: "DE", state: "BY" } },
      label: "8.5x6",
      text: "9am–5:30pm Central European, Mon–Sat, excluding DE-BY public holidays",
    },
    {
      patch: { timezone: "UTC", holidays: { ...DEFAULT_CONFIG.holidays, country: null } },
      label: "12x5",
      text: "6am–6pm UTC, Mon–Fri",
    },
    {
      patch: { timezone: "America/New_York", business_hours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" } },
      label: "9x5",
      text: "9am–6pm Eastern, Mon–Fri, excluding US public holidays",
    },
  ] as { patch: Partial<Config>; label: string; text: string }[])("$label: $text", ({ patch, label, text }) => {
    const c = calendarFromConfig(withCalendar(patch));
    expect(coverageLabel(c)).toBe(label);
    expect(describeCalendar(c)).toBe(text);
  });

  it("zoneWord falls back to the IANA name where only an offset is known", () => {
    expect(zoneWord("America/Los_Angeles")).toBe("Pacific");
    expect(zoneWord("Etc/GMT+5")).toBe("Etc/GMT+5");
  });

  it("is memoised per config object and shared between equal settings", () => {
    expect(calendarFromConfig(DEFAULT_CONFIG)).toBe(cal);
    expect(calendarFromConfig({ ...DEFAULT_CONFIG, plan: "business" })).toBe(cal);
    expect(calendarFromConfig(withCalendar({ timezone: "UTC" }))).not.toBe(cal);
    expect(Object.isFrozen(cal)).toBe(true);
  });

  it("a calendar without working days is refused", () => {
    expect(() => calendarFromConfig(withCalendar({ business_hours: { days: [], start: "06:00", end: "18:00" } }))).toThrow(CalendarError);
    expect(() => calendarFromConfig(withCalendar({ business_hours: { days: [1], start: "18:00", end: "06:00" } }))).toThrow(
      /not a window within one day/,
    );
  });

  it("searches stop at the ten-year bound with a clear error", () => {
    // Open on Mondays only, and every Monday for eleven years is a holiday.
    const mondays: string[] = [];
    for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2037, 0, 1); t += 7 * 86_400_000) {
      mondays.push(new Date(t).toISOString().slice(0, 10));
    }
    const closed = calendarFromConfig(
      withCalendar({ business_hours: { days: [1], start: "06:00", end: "18:00" }, holidays: { ...DEFAULT_CONFIG.holidays, country: null, add: mondays } }),
    );
    expect(() => nextOpening(closed, at("2026-01-01T00:00:00Z"))).toThrow(/no business hours within 3660 days/);
    expect(() => addBusinessTime(closed, at("2026-01-01T00:00:00Z"), HOUR)).toThrow(CalendarError);
  });
});
