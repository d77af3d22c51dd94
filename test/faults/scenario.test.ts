/**
 * The scenario keys for faults, pushes, concurrency and repeated redelivery: what they
 * parse to, and one clear error with file and line for each way to get them wrong.
 */
import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError } from "../../src/simulator/scenario.js";

const HEAD = `now: "2026-12-01T09:00:00-08:00"\nmembers: [carol]\n`;

function problem(text: string): string {
  try {
    parseScenario(text, "f.yml");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

describe("faults:", () => {
  it("reads every key, with `until` in the scenario's zone, and the off/on steps", () => {
    const scenario = parseScenario(
      `${HEAD}faults:
  seed: 7
  error_rate: 0.2
  applied_on_error: 0.25
  secondary_rate_limit: 0.1
  latency_ms: 5
  drop_webhooks: 0.2
  delay_webhooks: 0.1
  until: "2026-12-01T12:00:00"
steps:
  - faults: off
  - faults: on
`,
      "f.yml",
    );
    expect(scenario.faults).toEqual({
      seed: 7,
      errorRate: 0.2,
      appliedOnError: 0.25,
      secondaryRateLimit: 0.1,
      latencyMs: 5,
      dropWebhooks: 0.2,
      delayWebhooks: 0.1,
      until: Date.parse("2026-12-01T20:00:00Z"),
    });
    expect(scenario.steps).toEqual([
      { type: "faults", line: 13, on: false },
      { type: "faults", line: 14, on: true },
    ]);
  });

  it("defaults to a harmless block, and no block at all means no faults", () => {
    expect(parseScenario(`${HEAD}faults: {}\nsteps: []\n`, "f.yml").faults).toMatchObject({ seed: 1, errorRate: 0, dropWebhooks: 0, until: null });
    expect(parseScenario(`${HEAD}steps: []\n`, "f.yml").faults).toBeUndefined();
  });

  it.each([
    ["a misspelt key", "faults: {eror_rate: 0.2}\nsteps: []\n", /f\.yml:3: faults: unknown key "eror_rate" \(did you mean "error_rate"\?\)/],
    ["a share above 1", "faults: {drop_webhooks: 1.5}\nsteps: []\n", /f\.yml:3: faults\.drop_webhooks must be a share between 0 and 1, found 1\.5/],
    ["a share as text", "faults: {error_rate: lots}\nsteps: []\n", /faults\.error_rate must be a share between 0 and 1, found "lots"/],
    ["shares adding up to more than 1", "faults: {drop_webhooks: 0.6, delay_webhooks: 0.6}\nsteps: []\n", /drop_webhooks and faults\.delay_webhooks add up to more than 1/],
    ["a negative seed", "faults: {seed: -1}\nsteps: []\n", /faults\.seed must be a whole number ≥ 0, found -1/],
    ["too much latency", "faults: {latency_ms: 5000}\nsteps: []\n", /faults\.latency_ms must be whole milliseconds from 0 to 1000, found 5000/],
    ["a bad until", 'faults: {until: "noon"}\nsteps: []\n', /faults\.until "noon" is not an ISO-8601 time/],
    ["a faults step without a block", "steps:\n  - faults: off\n", /f\.yml:4: a faults step needs a `faults:` block/],
    ["a faults step that is neither off nor on", "faults: {}\nsteps:\n  - faults: sometimes\n", /f\.yml:5: faults takes off or on, found "sometimes"/],
  ])("refuses %s with its line", (_what, tail, message) => {
    expect(problem(`${HEAD}${tail}`)).toMatch(message);
  });
});

describe("push, concurrently and redeliver options", () => {
  it("parse to steps", () => {
    const scenario = parseScenario(
      `${HEAD}steps:
  - open: {number: 1, author: alice}
  - push: {files: {.github/support-triage.yml: "plan: business\\n", docs/old.md: null}, by: carol}
  - concurrently:
      - label: {number: 1, label: P1, by: carol}
      - comment: {number: 1, author: alice, body: hi}
  - redeliver: {times: 10, concurrently: true}
`,
      "f.yml",
    );
    expect(scenario.steps[1]).toEqual({
      type: "push",
      line: 5,
      by: "carol",
      message: "Update .github/support-triage.yml, docs/old.md",
      files: [
        [".github/support-triage.yml", "plan: business\n"],
        ["docs/old.md", null],
      ],
    });
    expect(scenario.steps[2]).toMatchObject({ type: "concurrently", steps: [{ type: "label", line: 7 }, { type: "comment", line: 8 }] });
    expect(scenario.steps[3]).toEqual({ type: "redeliver", line: 9, times: 10, concurrently: true });
  });

  it.each([
    ["a push by someone without write access", "  - push: {files: {a.md: x}, by: mallory}\n", /f\.yml:4: mallory cannot push: pushing needs write access/],
    ["a push without files", "  - push: {by: carol}\n", /push\.files must map repository paths/],
    ["a push outside the repository", "  - push: {files: {../etc/passwd: x}, by: carol}\n", /file path "\.\.\/etc\/passwd" must be relative to the repository root/],
    ["an advance inside concurrently", "  - open: {number: 1, author: alice}\n  - concurrently: [{advance: 1h}]\n", /f\.yml:5: concurrently may hold only open, label, unlabel, comment, edit, close, reopen, edit_comment, delete_comment, sweep steps, not "advance"/],
    ["an empty concurrently", "  - concurrently: []\n", /concurrently needs a list of steps/],
    ["a step in concurrently GitHub would refuse", "  - open: {number: 1, author: alice}\n  - concurrently: [{label: {number: 1, label: P1, by: alice}}]\n", /alice cannot label #1/],
    ["too many redeliveries", "  - open: {number: 1, author: alice}\n  - redeliver: {times: 1000}\n", /redeliver\.times must be at most 100, found 1000/],
    ["an unknown redeliver option", "  - open: {number: 1, author: alice}\n  - redeliver: {twice: true}\n", /redeliver: unknown key "twice"/],
  ])("refuse %s", (_what, steps, message) => {
    expect(problem(`${HEAD}steps:\n${steps}`)).toMatch(message);
  });
});

describe("replicas: and sweeps inside concurrently", () => {
  it("reads replicas and a list of concurrent sweeps", () => {
    const scenario = parseScenario(`${HEAD}replicas: 3\nsteps:\n  - concurrently: [{sweep: {}}, {sweep: {}}]\n`, "f.yml");
    expect(scenario.replicas).toBe(3);
    expect(scenario.steps).toEqual([{ type: "concurrently", line: 5, steps: [{ type: "sweep", line: 5 }, { type: "sweep", line: 5 }] }]);
    expect(parseScenario(`${HEAD}steps: []\n`, "f.yml").replicas).toBeUndefined();
  });

  it.each([
    ["replicas: 0", /f\.yml:3: replicas must be a whole number from 1 to 8, found 0/],
    ["replicas: 9", /f\.yml:3: replicas must be a whole number from 1 to 8, found 9/],
    ["replicas: two", /f\.yml:3: replicas must be a whole number from 1 to 8, found "two"/],
  ])("refuses %s", (line, message) => {
    expect(problem(`${HEAD}${line}\nsteps: []\n`)).toMatch(message);
  });
});
