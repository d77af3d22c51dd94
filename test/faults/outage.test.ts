/**
 * A GitHub outage longer than any retry budget: every request fails for a while. The app
 * must not hammer GitHub — after a run of server errors the installation pauses with
 * growing back-off and requests are refused without being sent — and must say in its log
 * what it deferred and until when. Nothing is lost: once GitHub is back (and the pause is
 * over) one sweep brings every item to the state a calm morning gives.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../src/simulator/harness.js";
import { violations, visible } from "./invariants.js";
import { BUSINESS, openDiscussion, openIssue, run } from "./scenarios.js";

const MORNING = [
  openIssue(1, "wanda", { priority: "P2", environment: "Production" }),
  openIssue(2, "dana", { priority: "P3", environment: "Staging" }),
  openDiscussion(3, "erin", { priority: "P3", environment: "Development" }),
  openIssue(4, "alice", { priority: "P4", environment: "Production" }),
  openIssue(5, "bob", { priority: "P3", environment: "Development" }),
  { comment: { number: 2, author: "dana", body: "Any news?" } },
];
const AFTER = [{ faults: "off" }, { advance: "30m" }, { sweep: {} }];

let outage: ScenarioResult;
let calm: ScenarioResult;
beforeAll(async () => {
  [outage, calm] = await Promise.all([
    run({ config: BUSINESS, faults: { seed: 3, error_rate: 1, applied_on_error: 0 }, steps: [...MORNING, ...AFTER] }),
    run({ config: BUSINESS, faults: { seed: 3 }, steps: [...MORNING, ...AFTER] }),
  ]);
});

const requestsDuringOutage = (result: ScenarioResult): number => {
  let during = 0;
  let on = true;
  for (const entry of result.timeline) {
    if (entry.type === "step" && entry.step.type === "faults") on = entry.step.on;
    if (on && entry.type === "api") during++;
  }
  return during;
};

describe("a GitHub outage", () => {
  it("pauses the installation instead of hammering GitHub", () => {
    const deliveries = outage.timeline.filter((e) => e.type === "delivery").length;
    expect(deliveries).toBeGreaterThanOrEqual(MORNING.length);
    // Without the pause each delivery cost up to 4 pipeline attempts × 3 reads, and a token
    // request each time (about 12 minutes and 64 token requests for one event before).
    // With it, the first run of failures pauses the installation and later work is refused
    // without a request: a few dozen requests for the whole morning.
    expect(requestsDuringOutage(outage)).toBeLessThanOrEqual(40);
    const warnings = outage.timeline.flatMap((e) => (e.type === "log" ? [e.message] : []));
    expect(warnings.some((m) => /GitHub keeps failing: (installation 1|the app.s own requests \(JWT\)) pause for \d+ s, until 2026-12-01T/.test(m))).toBe(true);
    expect(warnings.some((m) => /left as it is; the next sweep reads it again/.test(m))).toBe(true);
  });

  it("loses nothing: after the outage one sweep gives the calm morning's end state", () => {
    expect(outage.state.errors).toEqual([]);
    expect(violations(outage)).toEqual([]);
    expect(outage.state.items.map(visible)).toEqual(calm.state.items.map(visible));
  });
});
