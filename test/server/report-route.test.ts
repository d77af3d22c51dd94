/**
 * GET /support-triage/report on a real app server against the simulator: the sweep's secret,
 * its parameters, and the formats.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_SWEEP_SECRET, startAppServer, type AppServer } from "../../src/bench/app-server.js";
import { benchConfig, benchWorld } from "../../src/bench/rig.js";
import { seedTracked } from "../../src/bench/seed.js";
import { GitHubSimulator } from "../../src/simulator/server.js";

let sim: GitHubSimulator;
let app: AppServer;
beforeAll(async () => {
  const { world, repos, members } = benchWorld(1);
  seedTracked(world, repos[0]!, { count: 10, overdue: 2, maintainer: members[0]!, config: benchConfig() });
  sim = new GitHubSimulator(world);
  app = await startAppServer({ simUrl: await sim.listen(), clock: () => world.now });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

const get = (query: string, secret: string | null = BENCH_SWEEP_SECRET) =>
  fetch(`${app.url}/support-triage/report${query}`, secret === null ? {} : { headers: { authorization: `Bearer ${secret}` } });

describe("GET /support-triage/report", () => {
  it.each([
    ["no secret", "?repo=acme/support", null, 401],
    ["a wrong secret", "?repo=acme/support", "nope", 401],
    ["no repository", "", BENCH_SWEEP_SECRET, 400],
    ["a bad format", "?repo=acme/support&format=xml", BENCH_SWEEP_SECRET, 400],
    ["a bad since", "?repo=acme/support&since=yesterday", BENCH_SWEEP_SECRET, 400],
    ["a repository the app is not installed on", "?repo=acme/elsewhere", BENCH_SWEEP_SECRET, 404],
  ] as const)("%s → %i", async (_name, query, secret, status) => {
    expect((await get(query, secret)).status).toBe(status);
  });

  it("refuses other methods", async () => {
    const res = await fetch(`${app.url}/support-triage/report?repo=acme/support`, { method: "POST", headers: { authorization: `Bearer ${BENCH_SWEEP_SECRET}` } });
    expect(res.status).toBe(405);
  });

  it("answers the report as JSON, Markdown, CSV or a table", async () => {
    const json = (await (await get("?repo=acme/support")).json()) as { report: { total: { tracked: number; missed: number; escalated: number } }; complete: boolean };
    // 10 seeded items, 2 of them opened eight days ago and overdue (not swept: not escalated).
    expect(json.complete).toBe(true);
    expect(json.report.total).toMatchObject({ tracked: 10, missed: 2, escalated: 0 });
    const md = await get("?repo=acme/support&format=markdown");
    expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await md.text()).toContain("### Breaches (2)");
    const csv = await (await get("?repo=acme/support&format=csv&since=2d")).text();
    expect(csv.split("\r\n")[0]).toMatch(/^scope,priority,plan,coverage,tracked/);
    expect(csv).toMatch(/^total,,,\w+,8,/m);
    expect(await (await get("?repo=acme/support&format=table")).text()).toMatch(/^total\s/m);
    expect(app.errors).toEqual([]);
  });
});
