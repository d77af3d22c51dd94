/**
 * The marker is the app's only memory, and it sits in a comment body that anyone who can
 * edit the comment (the app, and admins) may have touched, and whose fields (logins, plan
 * names) came from users. Reading it must never throw or yield wrongly typed state, and
 * writing it must never let a field end the HTML comment early.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PRIORITIES } from "../../src/config/types.js";
import { MARKER_PREFIX, parseMarker, renderMarker } from "../../src/triage/marker.js";
import type { MarkerState } from "../../src/triage/types.js";
import { anyCodeUnit, hostileKey, hostileLogin, hostileText, runs } from "./arbitraries.js";

const ALLOWED_KEYS = new Set(["priority", "plan", "dueAt", "source", "setBy", "respondedAt", "respondedBy", "escalatedAt", "warnedAt", "securityBy", "previous", "notices", "untracked", "notifiedAt"]);
const ISO = /^\d{4}-\d{2}-\d{2}T/;

/** Every property of a parsed state has the type the contract promises. */
function checkState(s: MarkerState): void {
  expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
  for (const key of Object.keys(s)) expect(ALLOWED_KEYS.has(key)).toBe(true);
  expect(PRIORITIES).toContain(s.priority);
  expect(typeof s.plan).toBe("string");
  expect(s.plan).not.toBe("");
  expect(s.dueAt).toMatch(ISO);
  expect(Number.isFinite(Date.parse(s.dueAt))).toBe(true);
  expect(["form", "label"]).toContain(s.source);
  expect(typeof s.setBy).toBe("string");
  for (const k of ["respondedAt", "escalatedAt", "warnedAt"] as const) {
    const v = s[k];
    if (v !== undefined) {
      expect(v).toMatch(ISO);
      expect(Number.isFinite(Date.parse(v))).toBe(true);
    }
  }
  for (const k of ["respondedBy", "securityBy"] as const) {
    const v = s[k];
    if (v !== undefined) expect(typeof v).toBe("string");
  }
  if (s.notices !== undefined) {
    expect(Array.isArray(s.notices)).toBe(true);
    for (const n of s.notices) expect(typeof n).toBe("string");
  }
  if (s.untracked !== undefined) expect(s.untracked).toBe(true);
  if (s.previous !== undefined) expect(["P3", "P4"]).toContain(s.previous);
}

const isoTime = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((t) => new Date(t).toISOString());

/** JSON values that attack a reader: pollution keys, huge and odd numbers, deep nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { maxDepth: 4 },
    fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0, "P1", "P5", "", "form", "label", "2026-12-01T09:00:00.000-08:00", "2026-13-45T99:99", true, false, null),
    fc.double(),
    hostileText(4),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(hostileKey, fc.constantFrom(...ALLOWED_KEYS)), tie("v"), { maxKeys: 5 }),
  ),
})).v;

/** A marker-shaped object with each field possibly replaced by something hostile. */
const markerish = fc
  .record({
    priority: fc.oneof(fc.constantFrom(...PRIORITIES), hostileJson),
    plan: fc.oneof(fc.constantFrom("business", "standard"), hostileJson),
    dueAt: fc.oneof(isoTime, hostileJson),
    source: fc.oneof(fc.constantFrom("form", "label"), hostileJson),
    setBy: fc.oneof(hostileLogin, hostileJson),
    respondedAt: fc.oneof(isoTime, hostileJson),
    respondedBy: fc.oneof(hostileLogin, hostileJson),
    notices: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), hostileJson),
    untracked: hostileJson,
    previous: fc.oneof(fc.constantFrom(...PRIORITIES), hostileJson),
    __proto__: hostileJson,
    constructor: hostileJson,
  }, { requiredKeys: [] });

/** Raw JSON text: serialised values, with `__proto__` written as a literal key, and garbage. */
const markerJson = fc.oneof(
  markerish.map((o) => JSON.stringify(o)),
  fc.tuple(markerish, hostileJson).map(([o, p]) => JSON.stringify(o).replace(/^\{/, `{"__proto__":${JSON.stringify(p) ?? "null"},`)),
  hostileJson.map((v) => JSON.stringify(v) ?? "null"),
  fc.constantFrom('{"priority":"P1","plan":"x","dueAt":"2026-12-01T09:00:00Z","source":"form","setBy":"a","__proto__":{"polluted":1}}', "{", "[]", "null", `{"priority":"P1"${',"a":['.repeat(5000)}`, `${"[".repeat(100_000)}`),
  fc.string({ unit: anyCodeUnit, maxLength: 60 }),
);

describe("parseMarker on hostile bodies", () => {
  it("never throws and returns null or correctly typed state", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(8), fc.string({ unit: anyCodeUnit, maxLength: 30 })), markerJson, fc.constantFrom(" -->", "-->", "", " --!>", "\n-->"), fc.oneof(hostileText(4), fc.constant("")), (before, json, close, after) => {
        const body = `${before}${MARKER_PREFIX}${json}${close}${after}`;
        const s = parseMarker(body);
        if (s !== null) checkState(s);
        expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
      }),
      { numRuns: runs(4000) },
    );
  });

  it("arbitrary text never throws", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(30), fc.string({ unit: anyCodeUnit, maxLength: 300 })), (body) => {
        const s = parseMarker(body);
        if (s !== null) checkState(s);
      }),
      { numRuns: runs(2000) },
    );
  });

  it("a __proto__ key does not pollute and does not become state", () => {
    const s = parseMarker(`${MARKER_PREFIX}{"priority":"P2","plan":"business","dueAt":"2026-12-01T13:00:00.000-08:00","source":"label","setBy":"carol","__proto__":{"polluted":true,"respondedAt":"2026-12-01T10:00:00Z"}} -->`);
    expect(s).not.toBeNull();
    if (s !== null) checkState(s);
    expect(s?.respondedAt).toBeUndefined();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it.each([
    ["a 1 MB marker", `${MARKER_PREFIX}{"priority":"P1","plan":"${"x".repeat(1_048_576)}","dueAt":"2026-12-01T09:00:00Z","source":"form","setBy":"a"} -->`],
    ["100,000 nested arrays", `${MARKER_PREFIX}${"[".repeat(100_000)}${"]".repeat(100_000)} -->`],
    ["10,000 marker prefixes", `${MARKER_PREFIX}`.repeat(10_000)],
  ])("%s", (_name, body) => {
    const s = parseMarker(body);
    if (s !== null) checkState(s);
  });
});

/** Valid states whose user-controlled fields are hostile. */
const state: fc.Arbitrary<MarkerState> = fc
  .record({
    priority: fc.constantFrom(...PRIORITIES),
    plan: hostileText(4).filter((s) => s !== ""),
    dueAt: isoTime,
    source: fc.constantFrom("form" as const, "label" as const),
    setBy: hostileLogin,
    respondedAt: fc.option(isoTime, { nil: undefined }),
    respondedBy: fc.option(hostileLogin, { nil: undefined }),
    escalatedAt: fc.option(isoTime, { nil: undefined }),
    securityBy: fc.option(hostileLogin, { nil: undefined }),
    notices: fc.option(fc.array(hostileText(3), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as MarkerState);

describe("renderMarker with hostile fields", () => {
  it("is one HTML comment on one line that no field can close early, and reads back unchanged", () => {
    fc.assert(
      fc.property(state, (s) => {
        const line = renderMarker(s);
        expect(line.startsWith(MARKER_PREFIX)).toBe(true);
        expect(line.endsWith(" -->")).toBe(true);
        // The only comment terminators (including HTML's "--!>") are the real one.
        expect(line.indexOf("-->")).toBe(line.length - 3);
        expect(line.includes("--!>")).toBe(false);
        expect(line.indexOf("<!--")).toBe(0);
        expect(line.lastIndexOf("<!--")).toBe(0);
        // One line as Markdown counts lines (LF, CR); JSON leaves U+2028 raw, which
        // Markdown and HTML treat as an ordinary character.
        expect(/[\r\n]/.test(line)).toBe(false);
        const back = parseMarker(`Target: …\n\n${line}`);
        expect(back).toEqual(s);
      }),
      { numRuns: runs(3000) },
    );
  });

  it("a login containing the terminator stays inside the comment", () => {
    const line = renderMarker({ priority: "P1", plan: "business", dueAt: "2026-12-01T09:00:00.000-08:00", source: "label", setBy: "x --> <img src=x onerror=alert(1)> @alice" });
    expect(line.indexOf("-->")).toBe(line.length - 3);
    expect(line).not.toContain("<img");
  });
});
