/**
 * GitHub's points per sweep (issue 11): the sweep's real route on the app's real server
 * (in this process, so that its clock can move), against the simulator, which charges each
 * GraphQL document what GitHub's documented formula gives (src/simulator/cost.ts).
 *
 * N tracked items are seeded across R repositories (seed.ts: opened in the three hours
 * before the bench's "now", labelled by a maintainer, triaged — none due). Then:
 * 1. **first sweep after a start** (a fresh process: no ledger, no watermark);
 * 2. **warm sweep**, nothing changed and nothing due: what every timed sweep pays;
 * 3. the clock moves to the due time of the `due`-th earliest item: a **warm sweep with
 *    `due` items due**, which escalates them.
 * Points are what the simulator charged; requests are GraphQL and REST calls of the sweep.
 * Counts, not timings: the figures are the same on any machine.
 */
import { GitHubSimulator } from "../simulator/server.js";
import type { RequestRecord } from "../simulator/server.js";
import { parseMarker } from "../triage/marker.js";
import { BENCH_SWEEP_SECRET, startAppServer } from "./app-server.js";
import { benchConfig, benchWorld, keepConnectionsOpen } from "./rig.js";
import { seedTracked } from "./seed.js";

export interface PointsRun {
  readonly points: number;
  /** GraphQL documents (queries) the sweep sent. */
  readonly graphql: number;
  /** REST calls (config, teams, installation repositories; a 304 is free but counted here). */
  readonly rest: number;
  readonly items: number;
  readonly escalated: number;
  readonly writes: number;
}

export interface SweepPointsResult {
  readonly items: number;
  readonly repos: number;
  readonly due: number;
  readonly first: PointsRun;
  readonly warm: PointsRun;
  readonly warmDue: PointsRun;
  readonly seedMs: number;
  readonly errors: readonly string[];
}

function runOf(records: readonly RequestRecord[], summary: { items?: number; escalated?: number; writes?: number }): PointsRun {
  let points = 0;
  let graphql = 0;
  let rest = 0;
  for (const r of records) {
    const rec = r as RequestRecord & { cost?: number; kind?: string; mutation?: boolean };
    points += rec.cost ?? 0;
    if (rec.kind === "graphql") {
      if (!rec.mutation) graphql++;
    } else if (!r.path.includes("/access_tokens") && !/^\/api\/v3\/app(\/|$)/.test(r.path)) rest++;
  }
  return { points, graphql, rest, items: summary.items ?? 0, escalated: summary.escalated ?? 0, writes: summary.writes ?? 0 };
}

export async function measureSweepPoints(options: { items: number; repos: number; due: number; budget?: number }): Promise<SweepPointsResult> {
  const { world, repos, members } = benchWorld(options.repos);
  // GitHub's hourly points of an installation (5,000 at least), unless told otherwise.
  world.rateLimits.configure({ graphqlPoints: options.budget ?? 5000 });
  const config = benchConfig();
  const maintainer = members[0];
  if (!maintainer) throw new Error("bench world without a maintainer");
  const started = performance.now();
  // Seeded in the three business hours before the bench's "now" (each its own due time), and
  // swept a quarter of an hour later: the last sweep's margin for GitHub's search index (ten
  // minutes) then holds no item, as on a desk between two sweeps.
  const now = world.now;
  const perRepo = Math.ceil(options.items / repos.length);
  let left = options.items;
  for (const repo of repos) {
    const count = Math.min(perRepo, left);
    left -= count;
    seedTracked(world, repo, { count, overdue: 0, maintainer, config });
  }
  world.now = now + 15 * 60_000;
  const seedMs = performance.now() - started;
  // When the `due`-th earliest due time passes, that many items are due.
  const dues = repos
    .flatMap((repo) => [...repo.items.values()])
    .flatMap((item) => item.comments.flatMap((c) => (c.author.login === world.bot.login ? [parseMarker(c.body)] : [])))
    .flatMap((m) => (m ? [Date.parse(m.dueAt)] : []))
    .sort((a, b) => a - b);
  const dueAt = options.due > 0 ? dues[Math.min(options.due, dues.length) - 1] : undefined;
  const sim = new GitHubSimulator(world);
  const simUrl = await sim.listen();
  keepConnectionsOpen(sim);
  const app = await startAppServer({ simUrl, clock: () => world.now });
  try {
    const sweep = async (): Promise<PointsRun> => {
      const mark = sim.log.length;
      const res = await fetch(`${app.url}/support-triage/sweep?wait=1`, { method: "POST", headers: { authorization: `Bearer ${BENCH_SWEEP_SECRET}` } });
      const text = await res.text();
      if (!res.ok) throw new Error(`the sweep route answered ${res.status}: ${text.slice(0, 200)}`);
      const run = runOf(sim.log.slice(mark), JSON.parse(text) as { items?: number; escalated?: number; writes?: number });
      // The app's writes would come back as webhooks; this figure is about the sweep alone.
      world.outbox.length = 0;
      world.effects.length = 0;
      return run;
    };
    const first = await sweep();
    world.now += 60_000;
    const warm = await sweep();
    if (dueAt !== undefined) world.now = Math.max(world.now + 60_000, dueAt + 1);
    const warmDue = await sweep();
    return { items: options.items, repos: repos.length, due: options.due, first, warm, warmDue, seedMs, errors: [...app.errors, ...sim.errors] };
  } finally {
    await app.stop();
    await sim.close();
  }
}
