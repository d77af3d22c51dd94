/**
 * Random calendars against the response-target contract. Any configuration the loader
 * accepts must give a due time for any instant: never an exception, never a due time
 * before the opening, and exactly the configured amount of business time in between,
 * in the zones where wall-clock arithmetic goes wrong (45-minute offsets, 30-minute DST,
 * DST at midnight, a skipped calendar day, offsets beyond ±12 h).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { businessTimeBetween, calendarFromConfig, isOpen } from "../../src/calendar/calendar.js";
import { loadConfig } from "../../src/config/load.js";
import { PRIORITIES } from "../../src/config/types.js";
import { computeTarget, durationMs } from "../../src/triage/target.js";
import { runs } from "./arbitraries.js";

const ZONES = [
  "America/Los_Angeles",
  "Pacific/Chatham", // +12:45 / +13:45
  "Asia/Kathmandu", // +05:45
  "Australia/Lord_Howe", // 30-minute DST
  "America/St_Johns", // -03:30, DST at 00:01 before 2011
  "America/Santiago", // DST changes at midnight
  "America/Havana", // DST changes at midnight
  "Asia/Tehran", // +03:30, DST at midnight until 2022
  "Pacific/Apia", // skipped 2011-12-30 entirely
  "Pacific/Kiritimati", // +14:00
  "Etc/GMT+12", // -12:00
  "Europe/Dublin", // "negative" DST in tzdata
  "Antarctica/Troll", // two-hour DST
  "Africa/Casablanca", // DST suspended every Ramadan
  "UTC",
] as const;
const COUNTRIES = [null, "US", "NZ", "AU", "NP", "IR", "CL", "CA", "WS", "CU"] as const;

const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2040, 0, 1);
/** Instants where offsets change or days are odd, to bias towards. */
const LANDMARKS = [
  Date.UTC(2011, 11, 29, 10), // Apia's missing day begins (local midnight, -10:00)
  Date.UTC(2011, 11, 30, 10),
  Date.UTC(2026, 3, 4, 15), // Lord Howe DST end (02:00 → 01:30 local)
  Date.UTC(2026, 9, 3, 15, 30), // Lord Howe DST start (02:00 → 02:30 local)
  Date.UTC(2026, 8, 26, 14), // Chatham DST start (02:45 → 03:45 local)
  Date.UTC(2008, 2, 9, 3, 31), // St John's DST at 00:01 local
  Date.UTC(2026, 8, 6, 4), // Santiago DST start at midnight
  Date.UTC(2026, 2, 8, 5), // Havana DST start at midnight
  Date.UTC(2021, 2, 21, 20, 30), // Tehran DST start at midnight
  Date.UTC(2026, 2, 8, 10), // Los Angeles DST start
  Date.UTC(2026, 10, 1, 9), // Los Angeles DST end
];

const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.tuple(fc.constantFrom(...LANDMARKS), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([t, d]) => t + d),
  // On the minute and at the half hour, where window bounds sit.
  fc.integer({ min: FROM / 1_800_000, max: TO / 1_800_000 }).map((h) => h * 1_800_000),
);

const clock = fc.tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom(0, 1, 15, 30, 45, 59)).map(([h, m]) => ({ h, m }));
const window = fc
  .tuple(clock, clock)
  .map(([a, b]) => {
    const toMin = (c: { h: number; m: number }): number => Math.min(c.h * 60 + c.m, 24 * 60);
    let [s, e] = [toMin(a), toMin(b)].sort((x, y) => x - y) as [number, number];
    if (s === e) e = Math.min(s + 15, 24 * 60);
    if (s === 24 * 60) s = 23 * 60;
    const fmt = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
    return { start: fmt(s), end: fmt(e) };
  })
  .filter((w) => w.start < w.end || w.end === "24:00");

const date = fc.integer({ min: FROM, max: TO }).map((t) => new Date(t).toISOString().slice(0, 10));

const target = fc.oneof(
  fc.record({ amount: fc.integer({ min: 1, max: 600 }), unit: fc.constant("m"), coverage: fc.constantFrom("24x7", "business") }),
  fc.record({ amount: fc.integer({ min: 1, max: 200 }), unit: fc.constant("h"), coverage: fc.constantFrom("24x7", "business") }),
  fc.record({ amount: fc.integer({ min: 1, max: 20 }), unit: fc.constant("d"), coverage: fc.constant("business") }),
).map((t) => `${t.amount}${t.unit} ${t.coverage}`);

const configText = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    days: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
    window,
    country: fc.constantFrom(...COUNTRIES),
    add: fc.array(date, { maxLength: 20 }),
    targets: fc.tuple(target, target, target, target),
  })
  .map((c) =>
    stringify({
      plan: "custom",
      timezone: c.timezone,
      business_hours: { days: c.days, start: c.window.start, end: c.window.end },
      holidays: { country: c.country, add: [...new Set(c.add)] },
      targets: { custom: { P1: c.targets[0], P2: c.targets[1], P3: c.targets[2], P4: c.targets[3] } },
    }),
  );

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})$/;

describe("response targets on random calendars", () => {
  it("computeTarget never throws for an accepted config; due ≥ opened and the time between is the target", () => {
    let checked = 0;
    fc.assert(
      fc.property(configText, fc.array(instant, { minLength: 1, maxLength: 4 }), (text, openings) => {
        const { config, errors } = loadConfig(text);
        // Infeasible calendars (a long target on a tiny window) are refused by the loader.
        fc.pre(config !== null);
        if (config === null) throw new Error(JSON.stringify(errors));
        const cal = calendarFromConfig(config);
        for (const opened of openings) {
          for (const p of PRIORITIES) {
            const r = computeTarget(config, "custom", p, opened);
            const spec = config.targets["custom"]?.[p];
            if (spec === undefined) throw new Error(`no target for ${p}`);
            const ms = durationMs(cal, spec.duration, spec.coverage);
            expect(r.dueMs).toBeGreaterThanOrEqual(opened);
            if (spec.coverage === "24x7") {
              expect(r.dueMs - opened).toBe(ms);
            } else {
              expect(businessTimeBetween(cal, opened, r.dueMs)).toBe(ms);
              expect(isOpen(cal, r.dueMs - 1)).toBe(true);
            }
            // The ISO strings name the same instants, with the zone's offset.
            expect(r.dueAt).toMatch(ISO_WITH_OFFSET);
            expect(Date.parse(r.dueAt)).toBe(r.dueMs);
            expect(Date.parse(r.openedAt)).toBe(opened);
            checked++;
          }
        }
      }),
      { numRuns: runs(100) },
    );
    // Most generated configurations must be accepted, or the property proves little.
    expect(checked).toBeGreaterThan(runs(130));
  });

  it("business time is additive and never more than the wall-clock time it lies in", () => {
    fc.assert(
      fc.property(configText, instant, fc.integer({ min: 0, max: 4 * 86_400_000 }), fc.integer({ min: 0, max: 4 * 86_400_000 }), (text, a, x, y) => {
        const { config } = loadConfig(text);
        fc.pre(config !== null);
        if (config === null) return;
        const cal = calendarFromConfig(config);
        const ab = businessTimeBetween(cal, a, a + x);
        const bc = businessTimeBetween(cal, a + x, a + x + y);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(x);
        expect(businessTimeBetween(cal, a, a + x + y)).toBe(ab + bc);
      }),
      { numRuns: runs(100) },
    );
  });

  // Samoa skipped Friday 2011-12-30: 29 December 23:59 -10:00 was followed by 31 December
  // 00:00 +14:00. Wall times on the missing day resolve to the next day's instants, so a
  // calendar that does not clamp each day's window to the day counts 31 December twice.
  it.each([
    ["00:00", "00:30", "P3", Date.UTC(2011, 11, 29, 11)],
    ["10:00", "11:00", "P3", Date.UTC(2011, 11, 29, 23)],
    ["10:00", "11:00", "P4", Date.UTC(2011, 11, 29, 23)],
    ["06:00", "18:00", "P4", Date.UTC(2011, 11, 29, 20)],
  ])("Samoa's missing day is not counted: window %s–%s, %s", (start, end, priority, opened) => {
    const { config } = loadConfig(stringify({ timezone: "Pacific/Apia", business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start, end }, holidays: { country: null } }));
    if (config === null) throw new Error("refused");
    const cal = calendarFromConfig(config);
    const r = computeTarget(config, "business", priority as "P3" | "P4", opened);
    const spec = config.targets["business"]?.[priority as "P3" | "P4"];
    if (spec === undefined) throw new Error("no target");
    expect(businessTimeBetween(cal, opened, r.dueMs)).toBe(durationMs(cal, spec.duration, spec.coverage));
    // The due time lies on a day that exists: after the jump the local date is the 31st or later.
    expect(r.dueAt.slice(0, 10) >= "2011-12-31").toBe(true);
  });

  it.each(ZONES.map((z) => [z]))("a 24x7 desk in %s: business time equals wall-clock time across every landmark", (zone) => {
    const { config } = loadConfig(stringify({ timezone: zone, business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "24:00" }, holidays: { country: null } }));
    if (config === null) throw new Error(`zone ${zone} refused`);
    const cal = calendarFromConfig(config);
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 3 * 86_400_000 }), (a, span) => {
        expect(businessTimeBetween(cal, a, a + span)).toBe(span);
      }),
      { numRuns: runs(200) },
    );
  });
});
