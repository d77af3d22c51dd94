/**
 * Faults, then repair: GitHub fails requests (5xx before and after applying writes,
 * secondary rate limits) and loses or delays webhook deliveries for a morning; then the
 * faults stop and one sweep runs. The end state must be the one the same morning gives
 * without faults — same labels, same assignees, the same app comments with the same
 * text — and every invariant must hold.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../src/simulator/harness.js";
import { violations, visible } from "./invariants.js";
import { BUSINESS, DESK_THEN_REPAIR, run } from "./scenarios.js";

const CHAOS = { error_rate: 0.2, applied_on_error: 0.5, secondary_rate_limit: 0.1, drop_webhooks: 0.2, delay_webhooks: 0.1 };
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
