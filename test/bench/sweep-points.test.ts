/**
 * The sweep's cost in GitHub's points, as the simulator charges them (GitHub's documented
 * formula): a seeded 10,000-item repository, first sweep, warm sweep, and a warm sweep with
 * 50 items due. Counts, not timings.
 */
import { describe, expect, it } from "vitest";
import { measureSweepPoints } from "../../src/bench/sweep-points.js";

describe("points per sweep of a seeded 10,000-item repository", () => {
  it("first sweep ≤ 500 points; warm ≤ 50; with 50 due ≤ 150 points in ≤ 10 reads, each escalated once", { timeout: 240_000 }, async () => {
    const r = await measureSweepPoints({ items: 10_000, repos: 1, due: 50 });
    expect(r.errors).toEqual([]);
    // Lean scan pages (4–5 points a page of 100) over every tracked item, nothing read in full.
    expect(r.first.items).toBe(10_000);
    expect(r.first.escalated).toBe(0);
    expect(r.first.points).toBeLessThanOrEqual(500);
    // 50 rounds of two searches (issues 4 points, discussions 5 a page of 100, in creation
    // order past GitHub's 1,000-result cap) and one last round.
    expect(r.first).toMatchObject({ points: 470, graphql: 51 });
    // Nothing changed, nothing due: one small scan round.
    expect(r.warm).toMatchObject({ escalated: 0, writes: 0 });
    expect(r.warm.points).toBeLessThanOrEqual(50);
    expect(r.warm).toMatchObject({ points: 6, graphql: 1 });
    // 50 woke from the ledger: read 25 at a time, escalated once each.
    expect(r.warmDue.escalated).toBe(50);
    expect(r.warmDue.graphql).toBeLessThanOrEqual(10);
    expect(r.warmDue.points).toBeLessThanOrEqual(150);
    // One scan round and two batched reads of 25.
    expect(r.warmDue).toMatchObject({ points: 58, graphql: 3, items: 50, writes: 50 });
  });
});

describe("the points reserve", () => {
  it("a sweep stops before taking the installation below 20% of its hour's points, and the next hour's sweep finishes the work", { timeout: 120_000 }, async () => {
    const { GitHubSimulator } = await import("../../src/simulator/server.js");
    const { benchConfig, benchWorld } = await import("../../src/bench/rig.js");
    const { seedTracked } = await import("../../src/bench/seed.js");
    const { BENCH_SWEEP_SECRET, startAppServer } = await import("../../src/bench/app-server.js");
    const { world, repos, members } = benchWorld(1);
    // 2,000 items, 12 of them long overdue; an hour's budget of 100 points: the reserve is 20.
    world.rateLimits.configure({ graphqlPoints: 100 });
    seedTracked(world, repos[0]!, { count: 2000, overdue: 12, maintainer: members[0]!, config: benchConfig() });
    const sim = new GitHubSimulator(world);
    const app = await startAppServer({ simUrl: await sim.listen(), clock: () => world.now });
    const sweep = async () => {
      const res = await fetch(`${app.url}/support-triage/sweep?wait=1`, { method: "POST", headers: { authorization: `Bearer ${BENCH_SWEEP_SECRET}` } });
      return (await res.json()) as { escalated: number; points: number; stoppedByReserve: boolean };
    };
    try {
      const first = await sweep();
      expect(first.stoppedByReserve).toBe(true);
      const status = world.rateLimits.status(1, "graphql");
      expect(status.remaining).toBeGreaterThanOrEqual(20);
      expect(first.points).toBe(status.used);
      // The hour is over: the budget is whole again and the next sweep goes on to the end.
      world.now += 3_600_000;
      const second = await sweep();
      expect(second.stoppedByReserve).toBe(false);
      const escalated = [...repos[0]!.items.values()].filter((i) => i.labels.some((l) => l.name === "escalated")).length;
      expect(first.escalated + second.escalated).toBe(12);
      expect(escalated).toBe(12);
      expect(app.errors).toEqual([]);
    } finally {
      await app.stop();
      await sim.close();
    }
  });
});
