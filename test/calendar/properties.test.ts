import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addBusinessTime, businessTimeBetween, calendarFromConfig, isOpen, nextOpening } from "../../src/calendar/calendar.js";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { PRIORITIES, type Config } from "../../src/config/types.js";
import { computeTarget, durationMs } from "../../src/triage/target.js";

const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2030, 11, 31);
const RUNS = 3000;

/** Instants 2025–2030, with a bias towards the edges that matter: window bounds and midnight. */
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .tuple(fc.integer({ min: FROM / 3_600_000, max: TO / 3_600_000 }), fc.constantFrom(0, 1, -1, 1_800_000))
    .map(([hour, delta]) => hour * 3_600_000 + delta),
);

const calendars: { name: string; config: Config }[] = [
  { name: "seed 12x5 Pacific", config: DEFAULT_CONFIG },
  {
    name: "8.5x6 Berlin with Bavarian holidays",
    config: {
      ...DEFAULT_CONFIG,
      timezone: "Europe/Berlin",
      business_hours: { days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:30" },
      holidays: { ...DEFAULT_CONFIG.holidays, country: "DE", state: "BY" },
    },
  },
  {
    name: "01:00–03:00 every day in Los Angeles (inside the DST changes)",
    config: { ...DEFAULT_CONFIG, business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start: "01:00", end: "03:00" } },
  },
  {
    name: "Sunday–Thursday 08:00–24:00 in Sydney",
    config: {
      ...DEFAULT_CONFIG,
      timezone: "Australia/Sydney",
      business_hours: { days: [7, 1, 2, 3, 4], start: "08:00", end: "24:00" },
      holidays: { ...DEFAULT_CONFIG.holidays, country: "AU", state: "NSW" },
    },
  },
];

/** Business-time budgets: 1 minute to 5 business days of a 12-hour window. */
const budget = fc.integer({ min: 1, max: 60 * 60 }).map((minutes) => minutes * 60_000);

describe.each(calendars)("calendar properties: $name", ({ config }) => {
  const cal = calendarFromConfig(config);

  it("due ≥ opened, the business time between them is the budget, and the desk is open just before the due instant", () => {
    fc.assert(
      fc.property(instant, budget, (opened, ms) => {
        const due = addBusinessTime(cal, opened, ms);
        expect(due).toBeGreaterThanOrEqual(opened);
        expect(businessTimeBetween(cal, opened, due)).toBe(ms);
        expect(isOpen(cal, due - 1)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("a later opening never gives an earlier due time", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 10 * 86_400_000 }), budget, (a, gap, ms) => {
        expect(addBusinessTime(cal, a + gap, ms)).toBeGreaterThanOrEqual(addBusinessTime(cal, a, ms));
      }),
      { numRuns: RUNS },
    );
  });

  it("nextOpening is open, not before t, with no business time in between", () => {
    fc.assert(
      fc.property(instant, (t) => {
        const next = nextOpening(cal, t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isOpen(cal, next)).toBe(true);
        expect(businessTimeBetween(cal, t, next)).toBe(0);
        if (isOpen(cal, t)) expect(next).toBe(t);
      }),
      { numRuns: RUNS },
    );
  });

  it("business time is additive over a split point", () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(businessTimeBetween(cal, a, c)).toBe(businessTimeBetween(cal, a, b) + businessTimeBetween(cal, b, c));
      }),
      { numRuns: 500 },
    );
  });
});

describe("target properties over the seed table", () => {
  const cal = calendarFromConfig(DEFAULT_CONFIG);
  const planPriority = fc.tuple(fc.constantFrom(...DEFAULT_CONFIG.plans), fc.constantFrom(...PRIORITIES));

  it("every target: due ≥ opened, business targets use exactly their duration, later openings are never due earlier", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 7 * 86_400_000 }), planPriority, (opened, gap, [plan, priority]) => {
        const target = computeTarget(DEFAULT_CONFIG, plan, priority, opened);
        const spec = DEFAULT_CONFIG.targets[plan]?.[priority];
        if (!spec) throw new Error("seed table incomplete");
        const ms = durationMs(cal, spec.duration, spec.coverage);
        expect(target.dueMs).toBeGreaterThanOrEqual(opened);
        if (spec.coverage === "business") {
          expect(businessTimeBetween(cal, opened, target.dueMs)).toBe(ms);
          expect(isOpen(cal, target.dueMs - 1)).toBe(true);
        } else {
          expect(target.dueMs - opened).toBe(ms);
        }
        expect(Date.parse(target.dueAt)).toBe(target.dueMs);
        expect(Date.parse(target.openedAt)).toBe(opened);
        expect(computeTarget(DEFAULT_CONFIG, plan, priority, opened + gap).dueMs).toBeGreaterThanOrEqual(target.dueMs);
      }),
      { numRuns: RUNS },
    );
  });
});
