/**
 * Starts the real app — `createApp` inside a real Probot `Server`, webhook signatures
 * checked — pointed at a simulator URL. Used in the bench's own process (the smoke test)
 * and in the child process that isolates the app for the throughput and memory figures.
 *
 * Octokit's throttling and retry plugins are off, as in the simulator: the throttler
 * spaces requests about a second apart by design, which would measure the throttler,
 * not the app. Everything else (signature verification, logging at info, the per-item
 * locks, the caches) is production code.
 */
import { pino } from "pino";
import { Probot, Server } from "probot";
import { createApp } from "../app.js";
import { SimulatorOctokit as NoThrottleOctokit, appPrivateKey as privateKey, freePort } from "../simulator/app-host.js";

export const BENCH_WEBHOOK_SECRET = "support-triage-bench-webhook-secret";
export const BENCH_SWEEP_SECRET = "support-triage-bench-sweep-secret";
export const WEBHOOK_PATH = "/api/github/webhooks";

export interface AppServerOptions {
  /** The simulator, e.g. http://127.0.0.1:4321. */
  readonly simUrl: string;
  /** Epoch ms the app's clock reads (the simulated world's "now"). */
  readonly clock: () => number;
}

export interface AppServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Lines the app logged at error level (pino level ≥ 50). */
  readonly errors: string[];
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
  const log = sinkLogger(errors);
  const port = await freePort();
  // The simulator owns the installation; these must not leak in from the caller's shell.
  delete process.env["SUPPORT_TRIAGE_APP_SLUG"];
  delete process.env["SUPPORT_TRIAGE_SWEEP_SHARD"];
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    webhookPath: WEBHOOK_PATH,
    Probot: Probot.defaults({
      appId: 1,
      privateKey: privateKey(),
      secret: BENCH_WEBHOOK_SECRET,
      baseUrl: `${options.simUrl}/api/v3`,
      log,
      Octokit: NoThrottleOctokit,
    }),
  });
  await server.load(createApp({ clock: options.clock, sweepTimer: false, sweepSecret: BENCH_SWEEP_SECRET, sendWebhook: async () => {} }));
  await server.start();
  return { url: `http://127.0.0.1:${port}`, errors, stop: () => server.stop() };
}
