/**
 * The report's cost (issue 13, point 5): a 30-day window of 10,000 tracked items read
 * through the report route costs at most 150 requests — in fact one request per 100 issues
 * and 100 discussions, continued past GitHub's 1,000-result cap in creation order — and the
 * GraphQL points the simulator charges by GitHub's formula. Counts, not timings.
 */
import { describe, expect, it } from "vitest";
import { BENCH_SWEEP_SECRET, startAppServer } from "../../src/bench/app-server.js";
import { benchConfig, benchWorld } from "../../src/bench/rig.js";
import { seedTracked } from "../../src/bench/seed.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import type { SlaReport } from "../../src/triage/report.js";

describe("the report of a seeded 10,000-item repository", () => {
  it("reads a 30-day window in ≤ 150 requests", { timeout: 240_000 }, async () => {
    const { world, repos, members } = benchWorld(1);
    seedTracked(world, repos[0]!, { count: 10_000, overdue: 0, maintainer: members[0]!, config: benchConfig() });
    const sim = new GitHubSimulator(world);
    const app = await startAppServer({ simUrl: await sim.listen(), clock: () => world.now });
    try {
      const before = { ...sim.requests };
      const pointsBefore = world.rateLimits.status(1, "graphql").used;
      const res = await fetch(`${app.url}/support-triage/report?repo=acme/support&since=30d`, { headers: { authorization: `Bearer ${BENCH_SWEEP_SECRET}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { report: SlaReport; requests: number; points: number; complete: boolean };
      const graphql = sim.requests.graphql - before.graphql;
      const rest = sim.requests.rest - before.rest;
      const points = world.rateLimits.status(1, "graphql").used - pointsBefore;
      expect(body.complete).toBe(true);
      expect(body.report.total.tracked).toBe(10_000);
      // Every request the route made, tokens and the configuration read included.
      expect(graphql + rest).toBeLessThanOrEqual(150);
      // 5,000 issues and 5,000 discussions, 100 of each a request: 50 rounds, plus the
      // rounds where a search reaches GitHub's 1,000-result cap and goes on from its last
      // creation time (each repeats one item).
      expect(body.requests).toBe(graphql);
      expect({ graphql, points }).toEqual({ graphql: 51, points: body.points });
      // One point a page of 100 per search (its comments connection): 102 points, and 2 for
      // the first round's searches of open items created before the window (none here), where
      // the sweep's first scan of the same items costs 470. REST: the installation lookup, its
      // token, the configuration file and the owner's .github fallback.
      expect({ points, rest }).toEqual({ points: 104, rest: 4 });
      expect(app.errors).toEqual([]);
    } finally {
      await app.stop();
      await sim.close();
    }
  });
});
