import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config, Priority } from "../../src/config/types.js";
import {
  computeTarget,
  describeDue,
  describeDuration,
  formatBusinessDuration,
  formatInZone,
  UnknownTargetError,
} from "../../src/triage/target.js";

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const WINDOW = "6am–6pm Pacific, Mon–Fri, excluding US public holidays";

describe("the seed table: every plan × priority, opened Tuesday 2026-12-01 09:00 Pacific", () => {
  const OPENED = "2026-12-01T09:00:00-08:00";
  it.each([
    { plan: "standard", priority: "P1", due: "2026-12-03T09:00:00.000-08:00", text: `2 business days, 12x5 — ${WINDOW}` },
    { plan: "standard", priority: "P2", due: "2026-12-03T09:00:00.000-08:00", text: `2 business days, 12x5 — ${WINDOW}` },
    { plan: "standard", priority: "P3", due: "2026-12-03T09:00:00.000-08:00", text: `2 business days, 12x5 — ${WINDOW}` },
    { plan: "standard", priority: "P4", due: "2026-12-03T09:00:00.000-08:00", text: `2 business days, 12x5 — ${WINDOW}` },
    { plan: "business", priority: "P1", due: "2026-12-01T10:00:00.000-08:00", text: "1 hour, 24x7" },
    { plan: "business", priority: "P2", due: "2026-12-01T13:00:00.000-08:00", text: "4 hours, 24x7" },
    { plan: "business", priority: "P3", due: "2026-12-02T09:00:00.000-08:00", text: `1 business day, 12x5 — ${WINDOW}` },
    { plan: "business", priority: "P4", due: "2026-12-03T09:00:00.000-08:00", text: `2 business days, 12x5 — ${WINDOW}` },
    { plan: "enterprise", priority: "P1", due: "2026-12-01T09:15:00.000-08:00", text: "15 minutes, 24x7" },
    { plan: "enterprise", priority: "P2", due: "2026-12-01T10:00:00.000-08:00", text: "1 hour, 24x7" },
    { plan: "enterprise", priority: "P3", due: "2026-12-01T13:00:00.000-08:00", text: `4 hours, 12x5 — ${WINDOW}` },
    { plan: "enterprise", priority: "P4", due: "2026-12-02T09:00:00.000-08:00", text: `12 hours, 12x5 — ${WINDOW}` },
  ] as { plan: string; priority: Priority; due: string; text: string }[])("$plan $priority: $text, due $due", ({ plan, priority, due, text }) => {
    const target = computeTarget(DEFAULT_CONFIG, plan, priority, at(OPENED));
    expect(target.dueAt).toBe(due);
    expect(target.dueMs).toBe(at(due));
    expect(target.text).toBe(text);
    expect(target.openedAt).toBe("2026-12-01T09:00:00.000-08:00");
    expect(target.coverage).toBe(text.includes("24x7") ? "24x7" : "12x5");
    expect(target.coverageKind).toBe(text.includes("24x7") ? "24x7" : "business");
    expect(target.durationText).toBe(text.split(",")[0]);
  });
});

describe("12x5 targets", () => {
  it.each([
    // [why, plan, priority, opened, due]
    ["before the window: counts from 06:00", "enterprise", "P3", "2026-12-01T05:00:00-08:00", "2026-12-01T10:00:00.000-08:00"],
    ["at opening", "enterprise", "P3", "2026-12-01T06:00:00-08:00", "2026-12-01T10:00:00.000-08:00"],
    ["at 18:00 exactly: counts from the next morning", "enterprise", "P3", "2026-12-01T18:00:00-08:00", "2026-12-02T10:00:00.000-08:00"],
    ["after the window", "enterprise", "P3", "2026-12-01T21:30:00-08:00", "2026-12-02T10:00:00.000-08:00"],
    ["used up exactly at 18:00 is due at 18:00", "enterprise", "P3", "2026-12-01T14:00:00-08:00", "2026-12-01T18:00:00.000-08:00"],
    ["a whole business day from opening ends at 18:00", "business", "P3", "2026-12-01T06:00:00-08:00", "2026-12-01T18:00:00.000-08:00"],
    ["12 hours from 06:00 is due at 18:00 the same day", "enterprise", "P4", "2026-12-01T06:00:00-08:00", "2026-12-01T18:00:00.000-08:00"],
    ["one minute left at closing carries to the next morning", "enterprise", "P3", "2026-12-01T14:01:00-08:00", "2026-12-02T06:01:00.000-08:00"],
    ["Friday afternoon", "enterprise", "P3", "2026-12-04T16:00:00-08:00", "2026-12-07T08:00:00.000-08:00"],
    ["Friday evening", "enterprise", "P3", "2026-12-04T19:00:00-08:00", "2026-12-07T10:00:00.000-08:00"],
    ["Friday evening, 2 business days", "standard", "P2", "2026-12-04T18:00:00-08:00", "2026-12-08T18:00:00.000-08:00"],
    ["Saturday", "enterprise", "P3", "2026-12-05T10:00:00-08:00", "2026-12-07T10:00:00.000-08:00"],
    ["Sunday just before midnight", "business", "P3", "2026-12-06T23:59:00-08:00", "2026-12-07T18:00:00.000-08:00"],
    ["Thanksgiving skipped (the CLI example)", "business", "P3", "2026-11-25T16:00:00-08:00", "2026-11-27T16:00:00.000-08:00"],
    ["opened on Thanksgiving", "enterprise", "P3", "2026-11-26T09:00:00-08:00", "2026-11-27T10:00:00.000-08:00"],
    ["Independence Day observed on Friday Jul 3", "enterprise", "P4", "2026-07-02T17:00:00-07:00", "2026-07-06T17:00:00.000-07:00"],
    ["Christmas 2027 observed Fri Dec 24 and New Year 2028 on Fri Dec 31", "standard", "P4", "2027-12-23T12:00:00-08:00", "2027-12-28T12:00:00.000-08:00"],
    ["Christmas week 2027 with both observed Fridays", "standard", "P4", "2027-12-29T12:00:00-08:00", "2028-01-03T12:00:00.000-08:00"],
    ["spring forward: Friday PST to Monday PDT", "business", "P3", "2026-03-06T16:00:00-08:00", "2026-03-09T16:00:00.000-07:00"],
    ["fall back: Friday PDT to Monday PST", "business", "P3", "2026-10-30T16:00:00-07:00", "2026-11-02T16:00:00.000-08:00"],
    ["opened on the spring-forward Sunday", "enterprise", "P3", "2026-03-08T03:30:00-07:00", "2026-03-09T10:00:00.000-07:00"],
    ["given in UTC", "enterprise", "P3", "2026-12-01T17:00:00Z", "2026-12-01T13:00:00.000-08:00"],
    ["given in Central European Time", "enterprise", "P3", "2026-12-01T18:00:00+01:00", "2026-12-01T13:00:00.000-08:00"],
    ["given in UTC, late evening Pacific", "enterprise", "P3", "2026-12-02T03:00:00Z", "2026-12-02T10:00:00.000-08:00"],
  ] as [string, string, Priority, string, string][])("%s", (_why, plan, priority, opened, due) => {
    expect(computeTarget(DEFAULT_CONFIG, plan, priority, at(opened)).dueAt).toBe(due);
  });
});

describe("24x7 targets count absolute time", () => {
  it.each([
    ["across midnight", "business", "P2", "2026-12-01T22:00:00-08:00", "2026-12-02T02:00:00.000-08:00"],
    ["across the year end", "enterprise", "P1", "2026-12-31T23:50:00-08:00", "2027-01-01T00:05:00.000-08:00"],
    ["on a holiday", "business", "P1", "2026-12-25T10:00:00-08:00", "2026-12-25T11:00:00.000-08:00"],
    ["on a weekend night", "business", "P2", "2026-12-05T23:00:00-08:00", "2026-12-06T03:00:00.000-08:00"],
    ["over spring-forward: 1 real hour", "enterprise", "P2", "2026-03-08T01:30:00-08:00", "2026-03-08T03:30:00.000-07:00"],
    ["over fall-back: 1 real hour", "enterprise", "P2", "2026-11-01T01:30:00-07:00", "2026-11-01T01:30:00.000-08:00"],
    ["over fall-back: 4 real hours", "business", "P2", "2026-10-31T23:00:00-07:00", "2026-11-01T02:00:00.000-08:00"],
  ] as [string, string, Priority, string, string][])("%s", (_why, plan, priority, opened, due) => {
    const target = computeTarget(DEFAULT_CONFIG, plan, priority, at(opened));
    expect(target.dueAt).toBe(due);
    expect(target.coverage).toBe("24x7");
  });
});

describe("other configurations", () => {
  it("uses the derived label and the configured zone", () => {
    const { config } = loadConfig(
      "timezone: Europe/Berlin\nbusiness_hours: { days: [mon, tue, wed, thu, fri], start: '09:00', end: '17:00' }\nholidays: { country: DE }\n",
    );
    if (!config) throw new Error("fixture config invalid");
    const target = computeTarget(config, "standard", "P3", at("2026-12-23T16:00:00+01:00"));
    // Wed 16–17 (1h), Dec 24 (bank, from 14:00: the whole day closes), 25, 26 and the weekend closed,
    // Mon 28 09–17 (8h), Tue 29 09–16 (7h): 16 business hours.
    expect(target.dueAt).toBe("2026-12-29T16:00:00.000+01:00");
    expect(target.text).toBe("2 business days, 8x5 — 9am–5pm Central European, Mon–Fri, excluding DE public holidays");
    expect(target.coverage).toBe("8x5");
  });

  it("an unknown plan or priority throws UnknownTargetError", () => {
    expect(() => computeTarget(DEFAULT_CONFIG, "gold", "P1", 0)).toThrow(UnknownTargetError);
    expect(() => computeTarget(DEFAULT_CONFIG, "toString", "P1", 0)).toThrow(UnknownTargetError);
    expect(() => computeTarget(DEFAULT_CONFIG, "business", "P9" as Priority, 0)).toThrow(/unknown priority "P9"/);
    expect(() => computeTarget(DEFAULT_CONFIG, "business", "P1", Number.NaN)).toThrow(RangeError);
  });

  it("a 'd' under 24x7 in a hand-built config is read as 24 hours", () => {
    const config: Config = {
      ...DEFAULT_CONFIG,
      targets: { ...DEFAULT_CONFIG.targets, business: { ...DEFAULT_CONFIG.targets.business!, P1: { duration: { amount: 1, unit: "d" }, coverage: "24x7" } } },
    } as Config;
    expect(computeTarget(config, "business", "P1", at("2026-12-01T09:00:00-08:00")).dueAt).toBe("2026-12-02T09:00:00.000-08:00");
  });
});

describe("formatting", () => {
  it.each([
    ["2026-12-01T21:00:00Z", "2026-12-01T13:00:00.000-08:00", "Tue, Dec 1, 2026, 1:00 PM PST"],
    ["2026-07-04T19:30:15.250Z", "2026-07-04T12:30:15.250-07:00", "Sat, Jul 4, 2026, 12:30 PM PDT"],
    ["2026-03-08T10:00:00Z", "2026-03-08T03:00:00.000-07:00", "Sun, Mar 8, 2026, 3:00 AM PDT"],
    ["2026-11-01T08:30:00Z", "2026-11-01T01:30:00.000-07:00", "Sun, Nov 1, 2026, 1:30 AM PDT"],
    ["2026-11-01T09:30:00Z", "2026-11-01T01:30:00.000-08:00", "Sun, Nov 1, 2026, 1:30 AM PST"],
  ])("%s → %s / %s", (iso, inZone, human) => {
    expect(formatInZone(DEFAULT_CONFIG, at(iso))).toBe(inZone);
    expect(describeDue(DEFAULT_CONFIG, at(iso))).toBe(human);
  });

  it("formats with a positive offset and in UTC", () => {
    expect(formatInZone({ ...DEFAULT_CONFIG, timezone: "Asia/Kolkata" }, at("2026-12-01T00:00:00Z"))).toBe("2026-12-01T05:30:00.000+05:30");
    expect(formatInZone({ ...DEFAULT_CONFIG, timezone: "UTC" }, at("2026-12-01T00:00:00Z"))).toBe("2026-12-01T00:00:00.000+00:00");
  });

  it.each([
    [0, "business", "0 minutes"],
    [20_000, "business", "less than a minute"],
    [125 * 60_000, "business", "2 hours 5 minutes"],
    [15 * 3_600_000, "business", "1 business day 3 hours"],
    [24 * 3_600_000, "business", "2 business days"],
    [26 * 3_600_000 + 60_000, "24x7", "1 day 2 hours 1 minute"],
    [-90 * 60_000, "24x7", "1 hour 30 minutes"],
    [12 * 3_600_000, "24x7", "12 hours"],
  ] as [number, "business" | "24x7", string][])("formatBusinessDuration(%d, %s) = %s", (ms, kind, text) => {
    expect(formatBusinessDuration(DEFAULT_CONFIG, ms, kind)).toBe(text);
  });

  it.each([
    [{ amount: 1, unit: "m" }, "1 minute"],
    [{ amount: 15, unit: "m" }, "15 minutes"],
    [{ amount: 1, unit: "h" }, "1 hour"],
    [{ amount: 1, unit: "d" }, "1 business day"],
    [{ amount: 2, unit: "d" }, "2 business days"],
  ] as const)("describeDuration(%o) = %s", (duration, text) => {
    expect(describeDuration(duration)).toBe(text);
  });

  it("reads `d` under 24x7 as days of wall-clock time (24 hours each)", () => {
    expect(describeDuration({ amount: 1, unit: "d" }, "24x7")).toBe("1 day (24 hours)");
    const loaded = loadConfig("targets:\n  business:\n    P3: 1d 24x7\n    P4: {duration: 2d, coverage: 24x7}\n", ".github/support-triage.yml");
    expect(loaded.errors).toEqual([]);
    const config = loaded.config as Config;
    // Friday 17:00 Pacific + 24 h is Saturday 17:00, weekend or not; across the DST change too.
    const t = computeTarget(config, "business", "P3", at("2026-12-04T17:00:00-08:00"));
    expect(t.dueAt).toBe("2026-12-05T17:00:00.000-08:00");
    expect(t.text).toBe("1 day (24 hours), 24x7");
    expect(computeTarget(config, "business", "P4", at("2026-03-07T12:00:00-08:00")).dueAt).toBe("2026-03-09T13:00:00.000-07:00");
  });
});
