/**
 * Hostile input for the configuration loader. A configuration file is written by anyone
 * with push access to a repository the app is installed on (or to the owner's `.github`
 * repository), and its problems are echoed into an issue: the loader must never throw or
 * hang, and every problem must be well-formed and inert.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { extendsTarget, loadConfig } from "../../src/config/load.js";
import { codeSpan } from "../../src/config/text.js";
import type { ConfigResult } from "../../src/config/types.js";
import { anyCodeUnit, fragment, hasRawControl, hostileKey, hostileText, runs } from "./arbitraries.js";

const FILE = ".github/support-triage.yml";
const VALID = readFileSync(new URL("../fixtures/config/valid.yml", import.meta.url), "utf8");

function checkResult(r: ConfigResult): void {
  if (r.config !== null) expect(r.errors).toEqual([]);
  else expect(r.errors.length).toBeGreaterThan(0);
  for (const p of [...r.errors, ...r.warnings]) {
    expect(p.file).toBe(FILE);
    expect(typeof p.path).toBe("string");
    expect(p.line === null || (Number.isInteger(p.line) && p.line >= 1)).toBe(true);
    expect(p.column === null || (Number.isInteger(p.column) && p.column >= 1)).toBe(true);
    expect(typeof p.message).toBe("string");
    expect(p.message).toMatch(/[.?!]$/);
    // Inert: one line, no raw control or bidi characters, in the message or the path.
    expect(hasRawControl(p.message)).toBe(false);
    expect(hasRawControl(p.path)).toBe(false);
  }
}

/** The valid fixture with hostile fragments and YAML syntax spliced in at random offsets. */
const mutatedValid = fc
  .array(
    fc.tuple(
      fc.nat({ max: VALID.length }),
      fc.oneof(fragment, fc.constantFrom(": ", "- ", "&a ", "*a", "*b", "!!binary ", "!!set ", "!custom ", "? ", "{", "}", "[", "]", "\n  ", "\n", "'", '"', "<<: *a\n", "%YAML 1.1\n---\n", "---\n", "...\n", "#", "\t")),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((cuts) => {
    let text = VALID;
    for (const [at, insert] of cuts) text = text.slice(0, at) + insert + text.slice(at);
    return text;
  });

/** Values of every YAML-expressible kind, hostile strings included. */
const leaf = fc.oneof(
  hostileText(4),
  fc.string({ unit: anyCodeUnit, maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("4h 24x7", "1d", "12x5", "P1", "business", "06:00", "24:00", "US", "2026-12-24", "@acme/leads", "America/St_Johns", "Pacific/Chatham"),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ maxDepth: 3 }, leaf, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(hostileKey, tie("node"), { maxKeys: 4 })),
})).node;

const SECTIONS = ["plan", "customers", "timezone", "business_hours", "holidays", "targets", "labels", "form", "responders", "escalation", "sweep", "_extends"] as const;
const SUBKEYS = ["days", "start", "end", "country", "state", "types", "add", "remove", "business", "standard", "enterprise", "P1", "P4", "duration", "coverage", "priorities", "production", "plan_prefix", "priority_field", "production_values", "default_priority", "associations", "users", "teams", "contacts", "assignees", "webhook", "url", "secret_env", "warn_at", "enabled", "max_writes"];

/** Objects shaped like a configuration (known keys, arbitrary values), serialised as YAML. */
const configShaped = fc
  .dictionary(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SECTIONS) }, { weight: 1, arbitrary: hostileKey }),
    fc.oneof(value, fc.dictionary(fc.oneof(fc.constantFrom(...SUBKEYS), hostileKey), fc.oneof(value, fc.dictionary(fc.constantFrom(...SUBKEYS), value, { maxKeys: 3 })), { maxKeys: 4 })),
    { maxKeys: 5 },
  )
  .map((o) => stringify(o));

describe("loadConfig on hostile input", () => {
  it("never throws; a config or errors, each with file, path, line and an inert message", () => {
    fc.assert(
      fc.property(
        fc.oneof(mutatedValid, configShaped, fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)), hostileText(16), fc.string({ unit: anyCodeUnit, maxLength: 120 })),
        (text) => {
          checkResult(loadConfig(text, FILE));
          // _extends is read before validation: it must not throw either.
          const ext = extendsTarget(text);
          expect(ext === null || typeof ext === "string").toBe(true);
        },
      ),
      { numRuns: runs(800) },
    );
  });

  /** Scalar settings and what the error message must quote when the value is rejected. */
  const SCALAR_PATHS: readonly (readonly string[])[] = [
    ["plan"],
    ["timezone"],
    ["business_hours", "start"],
    ["business_hours", "end"],
    ["holidays", "country"],
    ["holidays", "state"],
    ["targets", "business", "P1"],
    ["labels", "production"],
    ["form", "default_priority"],
    ["escalation", "warn_at"],
    ["sweep", "max_writes"],
    ["sweep", "enabled"],
  ];
  const LIST_PATHS: readonly (readonly string[])[] = [
    ["business_hours", "days"],
    ["holidays", "add"],
    ["holidays", "types"],
    ["responders", "users"],
    ["responders", "associations"],
    ["escalation", "contacts"],
    ["escalation", "assignees"],
  ];
  const scalar = fc.oneof(
    hostileText(4).filter((s) => s.trim() !== ""),
    fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== ""),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.boolean(),
  );

  function nest(path: readonly string[], v: unknown): unknown {
    return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), v);
  }

  /** How a value may appear in a message: the whole value or, for a target, one of its words. */
  function quotations(v: string | number | boolean): string[] {
    if (typeof v !== "string") return [codeSpan(v)];
    const words = v.trim().split(/\s+/);
    return [codeSpan(v), codeSpan(v.trim()), ...words.map((w) => codeSpan(w)), ...(words.length >= 2 ? [codeSpan(`${words[0] ?? ""}${words[1] ?? ""}`)] : [])];
  }

  it.each([...SCALAR_PATHS.map((p) => [p.join("."), p, false] as const), ...LIST_PATHS.map((p) => [`${p.join(".")}[0]`, p, true] as const)])(
    "a rejected value at %s is named in the message",
    (name, path, isList) => {
      fc.assert(
        fc.property(scalar, (v) => {
          const text = stringify(nest(path, isList ? [v] : v));
          const r = loadConfig(text, FILE);
          checkResult(r);
          const here = r.errors.filter((e) => e.path === name);
          for (const e of here) {
            const named = quotations(v).some((q) => e.message.includes(q));
            if (!named) throw new Error(`message does not name ${JSON.stringify(v)}: ${e.message}`);
          }
        }),
        { numRuns: runs(100) },
      );
    },
  );

  it("control and bidi characters in keys and values are reported escaped, never raw", () => {
    const control = fc.constantFrom("\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085", "\u009b", "\u200e", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\n", "\r", "\t");
    const withControl = fc.tuple(fc.string({ maxLength: 5 }), control, fc.string({ maxLength: 5 })).map(([a, c, b]) => `${a}${c}${b}`);
    fc.assert(
      fc.property(fc.constantFrom(...SECTIONS), withControl, withControl, fc.boolean(), (section, key, val, asKey) => {
        const text = stringify(asKey ? { [key]: val, [section]: { [key]: val } } : { [section]: val, plan: val });
        const r = loadConfig(text, FILE);
        checkResult(r);
        expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(1000) },
    );
  });
});

describe("loadConfig on resource attacks: a clear error, not a hang or a crash", () => {
  const laughs = (width: number, levels: number): string => {
    const names = Array.from({ length: levels }, (_, i) => `l${i}`);
    const row = (ref: string): string => `[${Array.from({ length: width }, () => ref).join(", ")}]`;
    return [`l0: &l0 ${row('"lol"')}`, ...names.slice(1).map((n, i) => `${n}: &${n} ${row(`*l${i}`)}`), `plan: *l${levels - 1}`].join("\n");
  };

  it.each([
    ["billion laughs (10 × 9 levels)", laughs(10, 9)],
    ["billion laughs (2 × 40 levels)", laughs(2, 40)],
    ["aliases as keys", `a: &a {x: 1}\n${Array.from({ length: 200 }, (_, i) => `k${i}: {*a : *a}`).join("\n")}`],
    // Each anchor is 30 levels deep and wraps the previous one: shallow in the file, deep once expanded.
    ["aliases that nest 30 levels each, 60 times", Array.from({ length: 60 }, (_, i) => `a${i}: &a${i} ${"[".repeat(30)}${i === 0 ? "x" : `*a${i - 1}`}${"]".repeat(30)}`).join("\n")],
    ["a merge-key bomb", `a: &a {x: 1, y: 2}\n${Array.from({ length: 20 }, (_, i) => `b${i}: &b${i} {<<: [${i === 0 ? "*a" : `*b${i - 1}`}, ${i === 0 ? "*a" : `*b${i - 1}`}]}`).join("\n")}`],
  ])("%s", (_name, text) => {
    const r = loadConfig(text, FILE);
    checkResult(r);
    expect(r.config).toBeNull();
  });

  it("the billion laughs is reported as alias expansion", () => {
    const r = loadConfig(laughs(10, 9), FILE);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).toMatch(/aliases too often/);
  });

  const deep: [string, string][] = [
    ["10,000 nested flow lists", `targets: ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["10,000 nested flow mappings", `targets: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}`],
    ["10,000 nested explicit keys", `${"? ".repeat(10_000)}x`],
    ["10,000 nested block lists", `${"- ".repeat(10_000)}x`],
    ["mixed nesting 5,000 deep", `plan: ${"[{a: ".repeat(5_000)}1${"}]".repeat(5_000)}`],
    ["40 levels (parses, but still too deep)", `targets: ${"[".repeat(40)}${"]".repeat(40)}`],
    ["500 nested explicit keys (was exponential in the alias check)", `${"? ".repeat(500)}x`],
  ];
  it.each(deep)("%s", (_name, text) => {
    const r = loadConfig(text, FILE);
    checkResult(r);
    expect(r.config).toBeNull();
    expect(r.errors.map((e) => e.message).join("\n")).toMatch(/nests lists or mappings more than \d+ levels deep/);
  });

  it("nesting a configuration needs is accepted", () => {
    const r = loadConfig("targets:\n  business:\n    P1:\n      duration: 1h\n      coverage: 24x7\n", FILE);
    expect(r.errors).toEqual([]);
  });

  const big: [string, string][] = [
    ["1 MB of comment", `# ${"x".repeat(1_048_576)}`],
    ["1 MB of keys", Array.from({ length: 100_000 }, (_, i) => `k${i}: v`).join("\n")],
    ["1 MB value", `plan: ${"b".repeat(1_048_576)}`],
  ];
  it.each(big)("a huge file (%s) is refused with one error", (_name, text) => {
    const r = loadConfig(text, FILE);
    checkResult(r);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).toMatch(/at most \d+ bytes/);
  });

  // Inputs that were quadratic or worse before the fixes in src/config; they must now
  // finish well inside the test timeout.
  const slow: [string, string][] = [
    ["10,000 distinct top-level keys (duplicate-key check)", Array.from({ length: 10_000 }, (_, i) => `k${i}: 1`).join("\n")],
    ["a 200 KB time zone (did-you-mean over every zone)", `timezone: ${"A".repeat(200_000)}`],
    ["a 200 KB unknown key", `${"t".repeat(1_000)}: 1\nholidays:\n  country: ${"Z".repeat(200_000)}`],
  ];
  it.each(slow)("%s", (_name, text) => {
    const r = loadConfig(text, FILE);
    checkResult(r);
    expect(r.config).toBeNull();
  });

  it("a duplicate key is still reported with its line", () => {
    const r = loadConfig("plan: business\ntimezone: UTC\nplan: standard\n", FILE);
    expect(r.errors).toEqual([{ file: FILE, path: "", line: 3, column: 1, message: "Invalid YAML: Map keys must be unique." }]);
  });

  it("long keys are cut in paths, so one key cannot flood the issue", () => {
    const r = loadConfig(`labels:\n  ${"k".repeat(900)}: 1\n`, FILE);
    expect(r.errors[0]?.path.length).toBeLessThanOrEqual(80);
  });
});
