/**
 * The optimisations the bench called for keep behaviour: the fast due-time wording is
 * luxon's, character for character; the config and form-template caches return what a
 * fresh parse returns, and a changed file is parsed again; the form reader's caches read
 * what fresh objects read; the echo fast path reads the sender exactly as `normalise` does.
 */
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadConfigCached } from "../../src/github/config.js";
import { describeDue } from "../../src/triage/target.js";
import { ITEM_EVENTS, normalise, senderLogin } from "../../src/handlers/events.js";
import { normalised, readFormAnswers } from "../../src/triage/form.js";
import { selectTemplate } from "../../src/triage/form-template.js";
import { normaliseLabel } from "../../src/triage/text.js";
import type { FormTemplate } from "../../src/triage/types.js";

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
    // ICU names the zone "GMT-8" up to 1970 and "PST" from its first instant, offset unchanged.
    ["America/Los_Angeles", "1969-12-31T23:59:59.999Z"],
    ["America/Los_Angeles", "1970-01-01T00:00:00Z"],
    ["America/Los_Angeles", "1969-12-31T12:00:00Z"],
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

describe("form reading caches (issue 11, part 5)", () => {
  it("normalises exactly as normaliseLabel, short texts remembered or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ minLength: 250, maxLength: 300 })), (text) => {
        expect(normalised(text)).toBe(normaliseLabel(text));
        expect(normalised(text)).toBe(normaliseLabel(text));
      }),
      { numRuns: 300 },
    );
  });

  it("reads the same answers with one template object as with fresh copies of it", () => {
    const template: FormTemplate = {
      file: ".github/ISSUE_TEMPLATE/support.yml",
      fieldLabels: ["Priority", "Environment", "Description"],
      labels: [],
      options: { Priority: ["P1 – down", "P2 – degraded", "P3 – question", "P4 – idea"], Environment: ["Production", "Staging"] },
    };
    const bodies = [
      "### Priority\n\nP2 – degraded\n\n### Environment\n\nProduction\n\n### Description\n\nhi",
      "### Priority\n\nP4 – idea\n\n### Environment\n\nStaging, Production\n\n### Description\n\n```\n### Priority\nP1\n```",
      "### Environment\n\nProduction\n\n### Priority\n\nnone of these",
    ];
    for (const body of bodies) {
      const fresh = readFormAnswers(body, { ...template, fieldLabels: [...template.fieldLabels] }, DEFAULT_CONFIG);
      expect(readFormAnswers(body, template, DEFAULT_CONFIG)).toEqual(fresh);
      expect(readFormAnswers(body, template, DEFAULT_CONFIG)).toEqual(fresh);
      expect(readFormAnswers(body, null, { ...DEFAULT_CONFIG })).toEqual(readFormAnswers(body, null, DEFAULT_CONFIG));
      expect(selectTemplate([template], body)).toBe(selectTemplate([{ ...template }], body) ? template : null);
    }
  });
});

describe("senderLogin (the echo fast path)", () => {
  const user = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.record({ login: fc.oneof(fc.string(), fc.constantFrom("Support-Triage[bot]", "alice", ""), fc.integer()), type: fc.constantFrom("Bot", "User") }, { requiredKeys: [] }),
    fc.array(fc.string()),
  );
  const payload = fc.record(
    {
      action: fc.constantFrom("opened", "created", "labeled", "edited"),
      sender: user,
      repository: fc.constant({ name: "support", owner: { login: "acme" } }),
      issue: fc.constant({ number: 7 }),
      discussion: fc.constant({ number: 7, category: { slug: "support" } }),
      comment: fc.constant({ node_id: "IC_1", created_at: "2026-12-01T17:00:00Z", body: "hi", user: { login: "bob" } }),
      label: fc.constant({ name: "P1" }),
    },
    { requiredKeys: [] },
  );

  it("reads the sender as normalise does, lower-cased", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ITEM_EVENTS), payload, (event, p) => {
        const name = event.slice(0, event.indexOf("."));
        const n = normalise(name, { ...p, action: event.slice(event.indexOf(".") + 1) });
        if (n) expect(senderLogin(p)).toBe(n.sender?.login.toLowerCase() ?? null);
      }),
      { numRuns: 500 },
    );
    expect(senderLogin(null)).toBeNull();
    expect(senderLogin("x")).toBeNull();
    expect(senderLogin({ sender: { login: "Support-Triage[bot]" } })).toBe("support-triage[bot]");
  });
});
