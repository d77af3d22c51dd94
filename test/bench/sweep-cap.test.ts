/**
 * The sweep past GitHub's 1,000-results-per-search cap, against the simulator (which caps
 * search like GitHub): every seeded item is seen exactly once, in few extra queries, and
 * nothing is written when nothing is overdue. The bench found the sweep stopping at the
 * first 1,000 items of each kind; this keeps it from coming back.
 */
import { TestOctokit } from "../helpers/octokit.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchConfig, benchWorld } from "../../src/bench/rig.js";
import { seedTracked } from "../../src/bench/seed.js";
import type { GitHubClient } from "../../src/github/client.js";
import { createServices, type Logger } from "../../src/handlers/services.js";
import { SEARCH_CAP, sweepRepository } from "../../src/handlers/sweep.js";
import { GitHubSimulator } from "../../src/simulator/server.js";

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
let sim: GitHubSimulator;
let now = 0;

beforeAll(async () => {
  const { world, repos } = benchWorld(1);
  const repo = repos[0];
  const carol = world.findUser("carol");
  if (!repo || !carol) throw new Error("bench world incomplete");
  // 2,300 items: 1,150 issues and 1,150 discussions, more than one search returns per kind.
  seedTracked(world, repo, { count: 2300, overdue: 0, maintainer: carol, config: benchConfig() });
  now = world.now;
  sim = new GitHubSimulator(world);
  await sim.listen();
});

afterAll(async () => {
  await sim.close();
});

describe("sweep beyond the search cap", () => {
  it("sees every item once, writes nothing, and pays few extra queries", async () => {
    const client = new (TestOctokit())({ auth: { token: "ghs_bench_test" }, baseUrl: `${sim.url}/api/v3` }) as unknown as GitHubClient;
    const services = createServices({ now: () => now, appLogin: async () => "support-triage[bot]" });
    const before = sim.log.length;
    const report = await sweepRepository(client, services, { owner: "acme", repo: "support" }, quiet, { remaining: Infinity });
    expect(report).toMatchObject({ items: 2300, writes: 0, error: null, escalated: 0 });
    const mutations = sim.log.slice(before).filter((r) => r.kind === "graphql" && r.mutation);
    expect(mutations).toEqual([]);
    // Per kind: one page that shows the cap, then 1,150 items in creation order (12 pages, an
    // overlap of one item at each restart) — far from paging the first 1,000 twice.
    expect(SEARCH_CAP).toBe(1000);
    expect(report.reads).toBeLessThanOrEqual(2 * (1 + 12 + 1));
    expect(sim.errors).toEqual([]);
  });
});
