import { describe, expect, it } from "vitest";
import { advanceClock, parseAdvance, parseScenario, ScenarioError } from "../../src/simulator/scenario.js";

const HEAD = `now: "2026-12-01T09:00:00-08:00"\nmembers: [carol]\nsteps:\n`;

function problem(text: string): ScenarioError {
  try {
    parseScenario(text, "s.yml");
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("parseScenario", () => {
  it("reads the SPEC's example steps with their lines and defaults", () => {
    const scenario = parseScenario(
      `${HEAD}  - open: {kind: issue, number: 1, author: alice, title: "DB down", body: "x", labels: [security]}
  - open: {kind: discussion, number: 2, author: bob, category: support, body: "..."}
  - label:   {number: 1, label: P1, by: carol}
  - unlabel: {number: 1, label: production, by: carol}
  - comment: {number: 2, author: carol, body: "Looking now", reply_to: bob}
  - edit:    {number: 1, by: alice, body: "..."}
  - close:   {number: 1, by: alice}
  - reopen:  {number: 1, by: alice}
  - advance: 2h
  - sweep: {}
  - redeliver: {}
`,
      "s.yml",
    );
    expect(scenario.repo).toBe("acme/support");
    expect(scenario.now).toBe(Date.parse("2026-12-01T17:00:00Z"));
    expect(scenario.steps.map((step) => [step.type, step.line])).toEqual([
      ["open", 4],
      ["open", 5],
      ["label", 6],
      ["unlabel", 7],
      ["comment", 8],
      ["edit", 9],
      ["close", 10],
      ["reopen", 11],
      ["advance", 12],
      ["sweep", 13],
      ["redeliver", 14],
    ]);
    expect(scenario.steps[1]).toMatchObject({ kind: "discussion", title: "Discussion #2", category: "support", labels: [] });
    expect(scenario.steps[8]).toMatchObject({ days: 0, minutes: 120 });
  });

  it("puts config at .github/support-triage.yml and takes its time zone", () => {
    const scenario = parseScenario(`now: "2026-12-01T09:00:00"\nconfig: |\n  timezone: Europe/Berlin\nfiles:\n  docs/a.md: hi\nsteps: []\n`, "s.yml");
    expect(scenario.files).toEqual([
      [".github/support-triage.yml", "timezone: Europe/Berlin\n"],
      ["docs/a.md", "hi"],
    ]);
    expect(scenario.timezone).toBe("Europe/Berlin");
    // A time without an offset is read in that zone.
    expect(scenario.now).toBe(Date.parse("2026-12-01T08:00:00Z"));
  });

  it.each<[string, string, number | null, RegExp]>([
    ["bad YAML", `${HEAD}  - open: {number: 1\n  - advance: 2h\n`, 5, /^invalid YAML: Flow map in block collection must be sufficiently indented and end with a }$/],
    ["missing now", `steps: []\n`, 1, /`now` is required/],
    ["a bad now", `now: yesterday\nsteps: []\n`, 1, /now "yesterday" is not an ISO-8601 time/],
    ["an unknown top-level key", `now: "2026-12-01T09:00:00Z"\nstep: []\n`, 2, /unknown key "step" \(did you mean "steps"\?\)/],
    ["an unknown step", `${HEAD}  - lable: {number: 1, label: P1, by: carol}\n`, 4, /unknown step "lable" \(did you mean "label"\?\)/],
    ["an unknown step key", `${HEAD}  - open: {number: 1, author: alice, titel: x}\n`, 4, /open: unknown key "titel" \(did you mean "title"\?\)/],
    ["a bad duration", `${HEAD}  - advance: 2 hours\n`, 4, /advance "2 hours" is not a duration/],
    ["an unknown item number", `${HEAD}  - open: {number: 1, author: alice}\n  - comment: {number: 7, author: bob, body: hi}\n`, 5, /#7 is not an item opened by an earlier step/],
    ["a number opened twice", `${HEAD}  - open: {number: 1, author: alice}\n  - open: {number: 1, author: bob}\n`, 5, /#1 is already opened/],
    ["a label by a non-member", `${HEAD}  - open: {number: 1, author: alice}\n  - label: {number: 1, label: P1, by: alice}\n`, 5, /alice cannot label #1: labels need triage or write access/],
    ["an edit by a stranger", `${HEAD}  - open: {number: 1, author: alice}\n  - edit: {number: 1, by: mallory, body: x}\n`, 5, /mallory cannot edit #1/],
    ["closing a closed item", `${HEAD}  - open: {number: 1, author: alice}\n  - close: {number: 1}\n  - close: {number: 1}\n`, 6, /#1 is already closed/],
    ["an author reopening what a member closed", `${HEAD}  - open: {number: 1, author: alice}\n  - close: {number: 1, by: carol}\n  - reopen: {number: 1, by: alice}\n`, 6, /alice cannot reopen #1: it was closed by carol/],
    ["reply_to on an issue", `${HEAD}  - open: {number: 1, author: alice}\n  - comment: {number: 1, author: carol, body: x, reply_to: 1}\n`, 5, /reply_to is only for discussions/],
    ["a category on an issue", `${HEAD}  - open: {number: 1, author: alice, category: support}\n`, 4, /open.category is only for discussions/],
    ["unknown options on sweep", `${HEAD}  - sweep: {now: true}\n`, 4, /sweep: unknown key "now"; allowed: token/],
    ["a bad sweep token", `${HEAD}  - sweep: {token: maybe}\n`, 4, /sweep.token must be wrong or none/],
    ["a bad tick", `${HEAD}  - tick: soon\n`, 4, /tick "soon" is not a duration/],
    ["someone else's comment edited by a non-member", `${HEAD}  - open: {number: 1, author: alice}\n  - edit_comment: {number: 1, comment: carol, by: mallory, body: x}\n`, 5, /mallory cannot edit that comment/],
    ["a missing author", `${HEAD}  - open: {number: 1}\n`, 4, /open needs `author`/],
    ["the config file given twice", `now: "2026-12-01T09:00:00Z"\nconfig: "plan: business"\nfiles:\n  .github/support-triage.yml: "plan: standard"\nsteps: []\n`, 4, /given twice \(once as config:\)/],
  ])("rejects %s with the file and line", (_what, text, line, message) => {
    const error = problem(text);
    expect(error.file).toBe("s.yml");
    expect(error.line).toBe(line);
    expect(error.problem).toMatch(message);
    expect(error.message.startsWith(`s.yml:${line}: `)).toBe(true);
  });
});

describe("advanceClock", () => {
  it.each<[string, string, string]>([
    ["2026-03-07T09:00:00-08:00", "1d", "2026-03-08T16:00:00.000Z"], // across the DST change: still 09:00 local
    ["2026-03-07T09:00:00-08:00", "24h", "2026-03-08T17:00:00.000Z"],
    ["2026-12-01T09:00:00-08:00", "30m", "2026-12-01T17:30:00.000Z"],
    ["2026-12-01T09:00:00-08:00", "1d2h30m", "2026-12-02T19:30:00.000Z"],
  ])("%s + %s = %s", (start, text, expected) => {
    const step = parseAdvance(text);
    expect(step).not.toBeNull();
    expect(new Date(advanceClock(Date.parse(start), step ?? { days: 0, minutes: 0 }, "America/Los_Angeles")).toISOString()).toBe(expected);
  });

  it.each(["", "2", "h", "2 hours", "1.5h", "-1h", "2w"])("rejects %j", (text) => {
    expect(parseAdvance(text)).toBeNull();
  });
});

describe("the report step", () => {
  it("reads {} and {since, until}", () => {
    const scenario = parseScenario(`${HEAD}  - report: {}\n  - report: {since: 7d, until: "2026-12-04"}\n`, "s.yml");
    expect(scenario.steps.map((s) => (s.type === "report" ? [s.since, s.until] : null))).toEqual([
      [null, null],
      ["7d", "2026-12-04"],
    ]);
  });

  it.each([
    ["  - report: {since: yesterday}\n", /report\.since must be like 7d/, 4],
    ["  - report: {sinse: 7d}\n", /sinse/, 4],
    ["  - report: weekly\n", /report takes/, 4],
    ["  - concurrently:\n      - report: {}\n", /concurrently may hold only/, 5],
  ] as const)("refuses %j", (step, message, line) => {
    const error = problem(`${HEAD}${step}`);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });
});
