/**
 * Faults, then repair: GitHub fails requests (5xx before and after applying writes,
 * secondary rate limits) and loses or delays webhook deliveries for a morning; then the
 * faults stop and one sweep runs. The end state must be the one the same morning gives
 * without faults — same labels, same assignees, the same app comments with the same
 * text — and every invariant must hold.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { recoveryQuery } from "../../src/handlers/sweep.js";
import { runScenario, type ScenarioResult } from "../../src/simulator/harness.js";
import { narrate } from "../../src/simulator/narrate.js";
import { violations, visible } from "./invariants.js";
import { BUSINESS, DESK_THEN_REPAIR, openDiscussion, openIssue, run } from "./scenarios.js";

// The production-path issue's bar: three requests in ten fail, four failed writes in five were applied anyway.
const CHAOS = { error_rate: 0.3, applied_on_error: 0.8, secondary_rate_limit: 0.1, drop_webhooks: 0.2, delay_webhooks: 0.1 };
const SEEDS = [1, 2, 3, 4, 5, 6];

let clean: ScenarioResult;
beforeAll(async () => {
  clean = await run({ config: BUSINESS, faults: { seed: 0 }, steps: DESK_THEN_REPAIR });
});

describe("the fault-free run (the reference)", () => {
  it("is clean and tracks every item", () => {
    expect(clean.state.errors).toEqual([]);
    expect(violations(clean)).toEqual([]);
    expect(clean.faults?.counts).toMatchObject({ errors: 0, appliedErrors: 0, rateLimited: 0, dropped: 0, delayed: 0 });
  });
});

describe.each(SEEDS)("seed %i: a morning of faults, then faults off and one sweep", (seed) => {
  let faulty: ScenarioResult;
  beforeAll(async () => {
    faulty = await run({ config: BUSINESS, faults: { seed, ...CHAOS }, steps: DESK_THEN_REPAIR });
  });

  it("injected faults of every kind, and no errors beyond their expected consequences", () => {
    const counts = faulty.faults?.counts;
    expect((counts?.errors ?? 0) + (counts?.appliedErrors ?? 0) + (counts?.rateLimited ?? 0)).toBeGreaterThan(0);
    expect((counts?.dropped ?? 0) + (counts?.delayed ?? 0)).toBeGreaterThan(0);
    expect(faulty.state.errors).toEqual([]);
  });

  it("holds every invariant", () => {
    expect(violations(faulty)).toEqual([]);
  });

  it("ends in the state the fault-free run ends in", () => {
    expect(faulty.state.items.map(visible)).toEqual(clean.state.items.map(visible));
  });
});

describe("what the sweep recovers", () => {
  it("adopts a recent support request whose deliveries were all lost, and nothing else", async () => {
    const result = await run({
      faults: { drop_webhooks: 1 },
      steps: [
        openIssue(1, "alice", { priority: "P2", environment: "Production" }),
        { advance: "15d" },
        openIssue(2, "bob", { priority: "P2", environment: "Production" }),
        openDiscussion(3, "erin", { priority: "P4", environment: "Development" }),
        { open: { number: 4, author: "dana", title: "Just a question", body: "What is your priority for dark mode?" } },
        { faults: "off" },
        openIssue(5, "frank", { priority: "P3", environment: "Staging" }),
        { unlabel: { number: 5, label: "P3", by: "carol" } },
        { sweep: {} },
      ],
    });
    const labels = Object.fromEntries(result.state.items.map((found) => [found.number, found.labels]));
    // #1 is older than the recovery window; #4 has no form; #5 was untracked on purpose.
    expect(labels).toEqual({ 1: [], 2: ["P2", "production"], 3: ["P4"], 4: [], 5: [] });
    expect(result.faults?.counts.dropped).toBeGreaterThan(0);
    expect(violations(result)).toEqual([]);
    expect(result.state.errors).toEqual([]);
  });

  it("repairs what GitHub failed until `until`, with the app's give-ups kept apart from errors", async () => {
    const result = await run({
      config: BUSINESS,
      faults: { error_rate: 1, until: "2026-12-01T09:30:00-08:00" },
      steps: [openIssue(1, "wanda", { priority: "P2", environment: "Production" }), { advance: "1h" }, openIssue(2, "wanda", { priority: "P2", environment: "Production" }), { sweep: {} }],
    });
    expect(result.state.items.map((found) => found.labels)).toEqual([
      ["P2", "production"],
      ["P2", "production"],
    ]);
    expect(result.faults?.counts.errors).toBeGreaterThan(0);
    expect(result.faults?.expected.length).toBeGreaterThan(0);
    expect(result.state.errors).toEqual([]);
    expect(violations(result)).toEqual([]);
  });

  it.each([2, 6, 16])("seed %i: a broken configuration under failing writes gives one configuration issue and no labels", async (seed) => {
    const result = await run({
      config: "plan: platinum\n",
      faults: { seed, error_rate: 0.5, applied_on_error: 1 },
      steps: [openIssue(1, "alice", { priority: "P3", environment: "Staging" }), openIssue(2, "bob", { priority: "P3", environment: "Staging" }), { faults: "off" }, { sweep: {} }],
    });
    const issues = result.state.items.filter((found) => found.author === "support-triage[bot]");
    expect(issues.map((found) => [found.title, found.state])).toEqual([["support-triage: configuration error", "open"]]);
    expect(result.state.items.filter((found) => found.number <= 2).flatMap((found) => found.labels)).toEqual([]);
    expect(violations(result)).toEqual([]);
  });
});

describe("examples/faults.yml", () => {
  it("ends exactly as the same morning without its faults, and narrates them", async () => {
    const file = "examples/faults.yml";
    const text = readFileSync(file, "utf8");
    const calm = parseDocument(text);
    calm.delete("faults");
    const [faulty, reference] = await Promise.all([runScenario(text, file), runScenario(calm.toString(), file)]);
    expect(reference.faults).toBeUndefined();
    expect(faulty.state.errors).toEqual([]);
    expect(violations(faulty)).toEqual([]);
    expect(faulty.state.items.map(visible)).toEqual(reference.state.items.map(visible));
    const story = narrate(faulty, { color: false });
    expect(story).toMatch(/⚡ delivery of [a-z_.]+ lost \(never delivered\)/);
    expect(story).toMatch(/⚡ delivery of [a-z_.]+ held back/);
    expect(story).toMatch(/⚡ injected 50[023] on a GraphQL mutation \(POST \/api\/graphql\), after applying/);
    expect(story).toMatch(/⚡ the app gave up/);
    // #1 was never handled while GitHub failed: the sweep adopts it, response included.
    expect(story).toMatch(/app · issue #1 · on sweep:[\s\S]*?first-response[\s\S]*?createTargetComment/);
    expect(story).toMatch(/Injected faults: \d+ failed requests, [1-9]\d* failed after applying/);
  });
});

describe("recoveryQuery", () => {
  it("excludes every priority label (quoted when needed), looks back 14 days and needs the form's field", () => {
    const config = { ...DEFAULT_CONFIG, labels: { ...DEFAULT_CONFIG.labels, priorities: { P1: "P1", P2: "P2", P3: "prio: normal", P4: "P4" } }, form: { ...DEFAULT_CONFIG.form, priority_field: 'How "urgent"' } };
    expect(recoveryQuery("acme/support", config, Date.parse("2026-12-01T17:00:00Z"))).toBe(
      'repo:acme/support is:open -label:P1 -label:P2 -label:"prio: normal" -label:P4 created:>=2026-11-17 "How urgent" in:body',
    );
  });
});
