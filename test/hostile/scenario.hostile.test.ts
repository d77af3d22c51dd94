/**
 * Scenario files are hand-written YAML fed to `simulate`. parseScenario's contract is to
 * return a scenario or throw a ScenarioError naming the file and, where it can, the line:
 * never any other exception, whatever the file holds.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenario, ScenarioError } from "../../src/simulator/scenario.js";
import { anyCodeUnit, fragment, hostileKey, hostileText, runs } from "./arbitraries.js";

const FILE = "scenario.yml";
const EXAMPLES = ["demo.yml", "discussions.yml", "redelivery.yml", "security.yml"].map((f) =>
  readFileSync(new URL(`../../examples/${f}`, import.meta.url), "utf8"),
);

/** Parses, and returns the error when it is a well-formed ScenarioError; anything else fails the test. */
function attempt(text: string): ScenarioError | null {
  try {
    parseScenario(text, FILE);
    return null;
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${String(err)}\n---\n${text.slice(0, 500)}`);
    expect(err.file).toBe(FILE);
    expect(err.line === null || (Number.isInteger(err.line) && err.line >= 1)).toBe(true);
    expect(typeof err.problem).toBe("string");
    expect(err.problem.length).toBeGreaterThan(0);
    expect(err.message.startsWith(FILE)).toBe(true);
    return err;
  }
}

const mutatedExample = fc
  .tuple(
    fc.constantFrom(...EXAMPLES),
    fc.array(
      fc.tuple(fc.nat(), fc.oneof(fragment, fc.constantFrom(": ", "- ", "&a ", "*a", "!!binary ", "? ", "{", "[", "\n  ", "\n", "'", '"', "#", "advance: 99999999d", "number: 1e400", "now: x"))),
      { minLength: 1, maxLength: 5 },
    ),
  )
  .map(([text, cuts]) => {
    let out = text;
    for (const [at, insert] of cuts) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + insert + out.slice(i);
    }
    return out;
  });

const STEP_TYPES = ["open", "label", "unlabel", "comment", "edit", "close", "reopen", "advance", "sweep", "redeliver", "bogus"];
const stepValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record(
    {
      kind: fc.constantFrom("issue", "discussion", "pr"),
      number: fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constantFrom(1e21, 2 ** 53, 0.5)),
      author: fc.oneof(fc.constantFrom("alice", "carol"), hostileText(2)),
      by: fc.oneof(fc.constantFrom("alice", "carol"), hostileText(2)),
      label: fc.oneof(fc.constantFrom("P1", "production"), hostileText(2)),
      body: hostileText(4),
      title: hostileText(2),
      labels: fc.array(fc.oneof(fc.constantFrom("P1", "security"), hostileText(2)), { maxLength: 2 }),
      category: fc.constantFrom("support", "general", ""),
      reply_to: fc.oneof(fc.integer({ min: 0, max: 3 }), hostileText(1)),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom("2h", "1d2h30m", "999999d", "0m", "", "-1h"),
);
const scenarioShaped = fc
  .record(
    {
      repo: fc.oneof(fc.constantFrom("acme/support", "a/b/c", ""), hostileText(2)),
      now: fc.oneof(fc.constantFrom("2026-12-01T09:00:00-08:00", "not a time", "+275760-09-13T00:00:00Z", "2026-02-30T09:00:00Z"), fc.integer()),
      members: fc.oneof(fc.array(fc.oneof(fc.constantFrom("carol"), hostileText(2)), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
      config: fc.oneof(fc.constantFrom("plan: business\n", "timezone: Pacific/Chatham\n", "? ? ? x\n"), hostileText(4)),
      files: fc.dictionary(hostileKey, hostileText(3), { maxKeys: 2 }),
      teams: fc.dictionary(hostileKey, fc.array(hostileText(1), { maxLength: 2 }), { maxKeys: 2 }),
      steps: fc.array(fc.dictionary(fc.constantFrom(...STEP_TYPES), stepValue, { minKeys: 1, maxKeys: 2 }), { maxLength: 6 }),
    },
    { requiredKeys: [] },
  )
  .map((o) => stringify(o));

describe("parseScenario on hostile files", () => {
  it("the shipped examples parse", () => {
    for (const text of EXAMPLES) expect(attempt(text)).toBeNull();
  });

  it("returns a scenario or throws a ScenarioError with file and line, never anything else", () => {
    fc.assert(
      fc.property(fc.oneof(mutatedExample, scenarioShaped, fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)), hostileText(12), fc.string({ unit: anyCodeUnit, maxLength: 100 })), (text) => {
        attempt(text);
      }),
      { numRuns: runs(800) },
    );
  });

  it.each([
    ["10,000 nested lists", `steps: ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["an alias bomb", `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nnow: "2026-12-01T09:00:00Z"\nsteps: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`],
    ["a 1 MB body", `now: "2026-12-01T09:00:00Z"\nsteps:\n  - open: {number: 1, author: alice, body: "${"x".repeat(1_048_576)}"}\n`],
  ])("%s: a result or a ScenarioError", (_name, text) => {
    attempt(text);
  });
});
