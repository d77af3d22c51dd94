/**
 * Starts the real app — `createApp` inside a real Probot `Server`, webhook signatures
 * checked — pointed at a simulator URL. Used in the bench's own process (the smoke test)
 * and in the child process that isolates the app for the throughput and memory figures.
 *
 * It is the simulator's app host (src/simulator/app-host.ts: the production Octokit stack,
 * started by the same `startServer` as production) with the bench's log sink and secrets. The throughput and latency figures spend its
 * waits (pacing between writes, back-off) on the simulator's instant scheduler, so they
 * measure the app, not the pacing; the "production mode" figures pass the real scheduler
 * and measure how long GitHub's documented pacing makes triage take.
 */
import { pino } from "pino";
import type { ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import type { Scheduler } from "../github/octokit.js";
import { appPrivateKey as privateKey, freePort, startAppServer as startSimulatedAppServer } from "../simulator/app-host.js";
import { bareApp, floorApp, type BenchAppKind } from "./compare-apps.js";
import { BENCH_WEBHOOK_SECRET, WEBHOOK_PATH } from "./deliverer.js";

export { BENCH_WEBHOOK_SECRET, WEBHOOK_PATH };

export const BENCH_SWEEP_SECRET = "support-triage-bench-sweep-secret";

export interface AppServerOptions {
  /** The simulator, e.g. http://127.0.0.1:4321. */
  readonly simUrl: string;
  /** Epoch ms the app's clock reads (the simulated world's "now"). */
  readonly clock: () => number;
  /** How the stack's waits are spent; default the simulator's instant scheduler. */
  readonly scheduler?: Scheduler;
  /** With Redis: deliveries queued durably (BullMQ) and answered at once, shared state for replicas. */
  readonly redisUrl?: string;
  /** Prefix of the app's keys in Redis: one per bench run and configuration. */
  readonly redisPrefix?: string;
  /**
   * Which Probot app the server loads: the real one (default), or one of the comparison
   * bench's reference apps (src/bench/compare-apps.ts) — the same server, the same Octokit stack.
   */
  readonly app?: BenchAppKind;
  /** Settings read from the environment, over this process's (e.g. SUPPORT_TRIAGE_WORKER_CONCURRENCY). */
  readonly env?: Readonly<Record<string, string>>;
}

const REFERENCE_APPS: Record<Exclude<BenchAppKind, "support-triage">, (options: AppOptions) => ApplicationFunction> = {
  bare: bareApp,
  floor: floorApp,
};

export interface AppServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Lines the app logged at error level (pino level ≥ 50). */
  readonly errors: string[];
  /**
   * Resolves once nothing is in flight here and no job waits in the queue (with Redis: the
   * whole queue, every replica's jobs), at most `maxMs`; false when that time ran out.
   */
  idle(maxMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Logs go through pino at info, as in production, into a sink that keeps only errors:
 * the cost of building every log line is measured, the cost of a terminal is not.
 */
function sinkLogger(errors: string[]) {
  return pino(
    { level: "info", base: null },
    {
      write: (chunk: string): void => {
        if (!chunk.includes('"level":5') && !chunk.includes('"level":6')) return;
        for (const raw of chunk.split("\n")) {
          if (raw.trim() === "") continue;
          try {
            const line = JSON.parse(raw) as { level?: number; msg?: string; err?: unknown };
            if ((line.level ?? 0) >= 50 && errors.length < 100) errors.push(`${line.msg ?? ""} ${typeof line.err === "string" ? line.err : ""}`.trim());
          } catch {
            // not JSON: not ours to count
          }
        }
      },
    },
  );
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const errors: string[] = [];
  const port = await freePort();
  // The simulator owns the installation; these must not leak in from the caller's shell.
  delete process.env["SUPPORT_TRIAGE_APP_SLUG"];
  delete process.env["SUPPORT_TRIAGE_SWEEP_SHARD"];
  const running = await startSimulatedAppServer({
    simUrl: options.simUrl,
    port,
    privateKey: privateKey(),
    clock: options.clock,
    log: sinkLogger(errors),
    secret: BENCH_WEBHOOK_SECRET,
    sweepSecret: BENCH_SWEEP_SECRET,
    onLogLine: () => {},
    onOutgoingWebhook: () => {},
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    ...(options.app && options.app !== "support-triage" ? { createApp: REFERENCE_APPS[options.app] } : {}),
  });
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    idle: async (maxMs = 60_000) => {
      const deadline = Date.now() + maxMs;
      await running.lifecycle.idle(maxMs);
      return Date.now() < deadline;
    },
    stop: async () => {
      await running.shutdown(5000);
    },
  };
}
