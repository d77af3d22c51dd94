/**
 * Two app servers in two Node processes (`child_process.fork`, each its own caches and
 * per-item locks) sharing one simulated GitHub: what an in-process lock cannot protect.
 *
 * Alternating deliveries must end exactly as one server would. Concurrent deliveries of
 * one item's events race: both processes can read "no target comment" and both post one.
 * The planner repairs that on the next look (the earliest target comment is kept, the
 * later copy is edited into a short "superseded" note, its memory merged), so after the
 * next event or sweep every invariant holds again.
 */
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../src/simulator/harness.js";
import { formBody } from "../e2e/scenario-builder.js";
import { appComments, kindOf, violations, visible } from "./invariants.js";
import { BUSINESS, DESK_THEN_REPAIR, run } from "./scenarios.js";

const FORKED = { replicas: 2, replicaProcesses: true } as const;

const receivedBy = (result: ScenarioResult): Set<number> =>
  new Set(result.timeline.flatMap((entry) => (entry.type === "delivery" && entry.replica !== undefined ? [entry.replica] : [])));

describe("two app processes, one simulated GitHub", () => {
  it("alternating deliveries end exactly as with one process", async () => {
    const [one, two] = await Promise.all([
      run({ config: BUSINESS, faults: { seed: 0 }, steps: DESK_THEN_REPAIR }),
      run({ config: BUSINESS, faults: { seed: 0 }, steps: DESK_THEN_REPAIR }, FORKED),
    ]);
    expect(receivedBy(two)).toEqual(new Set([0, 1]));
    expect(two.state.errors).toEqual([]);
    expect(violations(two)).toEqual([]);
    expect(two.state.items.map(visible)).toEqual(one.state.items.map(visible));
  });

  it("concurrent deliveries of the same items' events: duplicates are repaired, every invariant holds", async () => {
    const open = (kind: "issue" | "discussion", number: number) => ({
      open: {
        kind,
        number,
        author: "alice",
        title: `[Support]: ${kind}`,
        body: formBody({ priority: "P1", environment: "Staging" }),
        labels: ["security"],
        ...(kind === "discussion" ? { category: "support" } : {}),
      },
    });
    const burst = (number: number) => [
      { label: { number, label: "P2", by: "carol" } },
      { comment: { number, author: "alice", body: "More details." } },
      { label: { number, label: "production", by: "mike" } },
      { edit: { number, by: "alice", body: formBody({ priority: "P1", environment: "Production", description: "It is production." }) } },
    ];
    const result = await run(
      {
        // A little latency widens the window in which both processes read before either writes.
        faults: { seed: 1, latency_ms: 30 },
        steps: [
          // Two deliveries, one to each process: both have the app's login and a token
          // cached, so the burst below reaches GitHub from both at the same moment.
          { open: { number: 9, author: "zed", title: "Warm-up", labels: ["question"] } },
          { concurrently: [open("issue", 1), ...burst(1), open("discussion", 2), ...burst(2)] },
          { faults: "off" },
          { sweep: {} },
          { comment: { number: 1, author: "carol", body: "On it." } },
          { redeliver: { times: 4, concurrently: true } },
          { sweep: {} },
        ],
      },
      FORKED,
    );
    expect(receivedBy(result)).toEqual(new Set([0, 1]));
    expect(result.state.errors).toEqual([]);
    expect(violations(result)).toEqual([]);
    for (const found of result.state.items.filter((item) => item.number <= 2)) {
      const kinds = appComments(found).map((comment) => kindOf(comment.body));
      // One target comment; anything else the app wrote is a notice or a superseded copy.
      expect(kinds.filter((kind) => kind === "target")).toHaveLength(1);
      expect(kinds.every((kind) => kind === "target" || kind === "superseded" || kind === "notice")).toBe(true);
      expect(found.labels).toContain("production");
    }
  });
});
