/**
 * Requests per escalation sweep over N open tracked items, through the app's real sweep
 * route (`POST /support-triage/sweep`, as an external cron calls it). The repository is
 * seeded directly (seed.ts). The sweep runs twice: the first in a fresh process (cold:
 * installation token, configuration read), the second as every later timed sweep would
 * (warm: token cached, configuration revalidated with its ETag for free). The goal is on
 * the warm sweep.
 */
import { BENCH_SWEEP_SECRET } from "./app-server.js";
import { benchConfig, startRig, tally, type RequestTally } from "./rig.js";
import { seedTracked } from "./seed.js";

export interface SweepRunResult {
  readonly requests: RequestTally;
  /** What the sweep route answered: items looked at, escalations, writes. */
  readonly summary: { readonly items: number; readonly escalated: number; readonly writes: number };
}

export interface SweepResult {
  readonly items: number;
  readonly overdue: number;
  readonly cold: SweepRunResult;
  readonly warm: SweepRunResult;
  /** Items escalated in the model after both sweeps (must equal `overdue`). */
  readonly escalatedInModel: number;
  readonly seedMs: number;
  readonly errors: readonly string[];
}

async function sweepOnce(appUrl: string): Promise<{ items: number; escalated: number; writes: number }> {
  const res = await fetch(`${appUrl}/support-triage/sweep?wait=1`, { method: "POST", headers: { authorization: `Bearer ${BENCH_SWEEP_SECRET}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`the sweep route answered ${res.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { items?: number; escalated?: number; writes?: number };
  return { items: body.items ?? 0, escalated: body.escalated ?? 0, writes: body.writes ?? 0 };
}

export async function measureSweep(options: { items: number; overdue: number; isolate: boolean }): Promise<SweepResult> {
  let seedMs = 0;
  const config = benchConfig();
  const rig = await startRig({ isolate: options.isolate }, (world, repos) => {
    const repo = repos[0];
    const maintainer = world.findUser("carol");
    if (!repo || !maintainer) throw new Error("bench world without repository or maintainer");
    const started = performance.now();
    seedTracked(world, repo, { count: options.items, overdue: options.overdue, maintainer, config });
    seedMs = performance.now() - started;
  });
  try {
    const run = async (): Promise<SweepRunResult> => {
      const mark = rig.sim.log.length;
      const summary = await sweepOnce(rig.host.url);
      const requests = tally(rig.sim.log.slice(mark));
      // The app's own writes cause webhooks; deliver them so the app sees them as a server would.
      await rig.drain(100_000);
      return { requests, summary };
    };
    const cold = await run();
    const warm = await run();
    const repo = rig.repos[0];
    const escalatedInModel = repo ? [...repo.items.values()].filter((i) => i.labels.some((l) => l.name === "escalated")).length : 0;
    return {
      items: options.items,
      overdue: options.overdue,
      cold,
      warm,
      escalatedInModel,
      seedMs,
      errors: [...(await rig.host.errors()), ...rig.sim.errors],
    };
  } finally {
    await rig.stop();
  }
}
