/**
 * The optimisations the bench called for keep behaviour: the fast due-time wording is
 * luxon's, character for character; the config and form-template caches return what a
 * fresh parse returns, and a changed file is parsed again.
 */
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadConfigCached } from "../../src/github/config.js";
import { describeDue } from "../../src/triage/target.js";

const luxon = (zone: string, ms: number): string =>
  DateTime.fromMillis(ms, { zone, locale: "en-US" }).toFormat("ccc, LLL d, yyyy, h:mm a ZZZZ");

const withZone = (timezone: string): Config => ({ ...DEFAULT_CONFIG, timezone });

describe("describeDue (fast path)", () => {
  it.each([
    ["America/Los_Angeles", "2026-12-01T21:00:00Z"],
    ["America/Los_Angeles", "2026-03-08T10:30:00Z"], // the DST change
    ["America/Los_Angeles", "2026-11-01T08:59:00Z"],
    ["Europe/Berlin", "2026-12-31T23:00:00Z"],
    ["Asia/Kolkata", "2026-06-15T00:00:00Z"],
    ["UTC", "2026-01-01T12:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-05T14:45:00Z"],
  ])("gives luxon's wording in %s at %s", (zone, iso) => {
    const ms = Date.parse(iso);
    expect(describeDue(withZone(zone), ms)).toBe(luxon(zone, ms));
  });

  it("matches luxon on random instants and zones", () => {
    const zones = ["America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Tokyo", "America/St_Johns", "Pacific/Chatham"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        expect(describeDue(withZone(zone), ms)).toBe(luxon(zone, ms));
      }),
      { numRuns: 400 },
    );
  });
});

describe("loadConfigCached", () => {
  const text = "plan: business\ncustomers:\n  wanda: enterprise\n";

  it("returns what loadConfig returns, the same object for the same text", () => {
    const a = loadConfigCached(text, ".github/support-triage.yml");
    expect(a).toEqual(loadConfig(text, ".github/support-triage.yml"));
    expect(loadConfigCached(text, ".github/support-triage.yml")).toBe(a);
  });

  it.each([
    ["another text", "plan: enterprise\n", ".github/support-triage.yml"],
    ["another file (errors name it)", "plan: nope\n", "acme/.github:.github/support-triage.yml"],
  ])("parses again for %s", (_what, other, file) => {
    const first = loadConfigCached(text, ".github/support-triage.yml");
    const second = loadConfigCached(other, file);
    expect(second).not.toBe(first);
    expect(second).toEqual(loadConfig(other, file));
  });

  it("keys on the base configuration (_extends)", () => {
    const base = loadConfig("plan: business\n").config;
    if (!base) throw new Error("base config invalid");
    const own = loadConfigCached("timezone: Europe/Berlin\n", "f.yml", base);
    expect(own.config?.plan).toBe("business");
    expect(loadConfigCached("timezone: Europe/Berlin\n", "f.yml").config?.plan).toBe("standard");
  });
});
