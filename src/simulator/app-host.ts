/**
 * Where the simulated app runs: a real Probot `Server` with the app loaded, pointed at the
 * simulator. One scenario may run several of these ("replicas" sharing the one simulated
 * GitHub, like app servers behind a load balancer), either in this process or each in its
 * own Node process — the only way to show what an in-process lock cannot protect.
 *
 * The server is started by the same `startServer` as production, with the same Octokit
 * stack (plugins and options: src/github/octokit.ts). What differs is time, because a
 * simulation must be instant and reproducible: the app reads the simulator's clock, and
 * every wait — pacing between writes, back-off after a rate limit, retries — is spent on
 * an instant scheduler (the clock only moves on `advance`). Outgoing escalation webhooks
 * are recorded, not sent.
 */
import { fork, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import type { ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import type { Scheduler } from "../github/octokit.js";
import { startServer, type RunningServer } from "../server.js";

export const WEBHOOK_SECRET = "support-triage-simulator-webhook-secret";
export const SWEEP_SECRET = "support-triage-simulator-sweep-secret";
export const SWEEP_ROUTE = "/support-triage/sweep";
export const REPORT_ROUTE = "/support-triage/report";
export const WEBHOOK_PATH = "/api/github/webhooks";

/**
 * Environment the app reads while loading, set for the run and restored after: the sweep
 * route's secret, and no overrides from the caller's shell (an app slug or a sweep shard
 * there would make the simulated app miss its own events or skip the repository).
 */
export const APP_ENV: Readonly<Record<string, string | undefined>> = {
  SUPPORT_TRIAGE_SWEEP_SECRET: SWEEP_SECRET,
  SUPPORT_TRIAGE_APP_SLUG: undefined,
  SUPPORT_TRIAGE_SWEEP_SHARD: undefined,
};

let privateKey: string | null = null;

/** One RSA key per process: generating one costs ~100 ms, and any key is fine for the simulator. */
export function appPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return privateKey;
}

/** Probot's Server treats port 0 as "use 3000", so ask the OS for a free port first. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The app's retry waits cost no real time, and no simulated time either (the clock only moves on `advance`). */
export const noWait = (): Promise<void> => Promise.resolve();

/** The simulator's scheduler: its clock, and waits that resolve at once. */
export const simulatedScheduler = (clock: () => number): Scheduler => ({ now: clock, sleep: noWait });

/** Writes each pino line to `onLine` (one JSON object per line). */
export function lineLogger(onLine: (raw: string) => void) {
  return pino(
    { level: "info", base: null, timestamp: false },
    {
      write: (chunk: string): void => {
        for (const raw of chunk.split("\n")) if (raw.trim() !== "") onLine(raw);
      },
    },
  );
}

export interface AppServerSpec {
  readonly simUrl: string;
  readonly port: number;
  readonly privateKey: string;
  readonly clock: () => number;
  readonly onLogLine: (raw: string) => void;
  readonly onOutgoingWebhook: (url: string, id: string, body: unknown) => void;
  readonly createApp?: (options: AppOptions) => ApplicationFunction;
  /** Shared state for replicas (escalation claims, pacing), as in production. */
  readonly redisUrl?: string;
  /** Key prefix in Redis: a run of its own must not see another run's claims. */
  readonly redisPrefix?: string;
  readonly sweepIntervalMinutes?: number;
  /** The in-server timer on the simulated clock (run by `tick` steps), when no real-time interval is given. */
  readonly timer?: SimulatedTimer;
  /**
   * What the bench changes (src/bench/app-server.ts), all else being the simulator's host:
   * its own log sink (production's timestamps, errors kept), webhook and sweep secrets,
   * the scheduler (the real one for its production-mode figures), settings from the
   * environment, and the sweep timer off.
   */
  readonly log?: Logger;
  readonly secret?: string;
  readonly sweepSecret?: string;
  readonly scheduler?: Scheduler;
  readonly env?: NodeJS.ProcessEnv;
}

type Logger = ReturnType<typeof lineLogger>;

/**
 * The app's in-server sweep timer on the simulated clock: nothing fires on its own; a
 * `tick` step runs the sweeps that are due, each at its due instant (one that fell due
 * during an `advance`, which moves the clock only, runs once when the tick starts). Every
 * interval is exact (the production timer's ±10% jitter only spreads replicas), so runs
 * are reproducible.
 */
export class SimulatedTimer {
  private readonly entries: { interval: number; next: number; sweep: () => Promise<void>; stopped: boolean }[] = [];

  constructor(private readonly clock: () => number) {}

  readonly start = (intervalMinutes: number, sweep: () => Promise<void>): (() => void) => {
    const interval = intervalMinutes * 60_000;
    const entry = { interval, next: this.clock() + interval, sweep, stopped: false };
    this.entries.push(entry);
    return () => {
      entry.stopped = true;
    };
  };

  /** The earliest due instant, or null when no timer runs. */
  nextDue(): number | null {
    const live = this.entries.filter((e) => !e.stopped).map((e) => e.next);
    return live.length === 0 ? null : Math.min(...live);
  }

  /** Runs every sweep due at the clock's instant (one after another); how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (const entry of this.entries) {
      if (entry.stopped || entry.next > this.clock()) continue;
      // A timer left behind (the clock moved on by `advance`) sweeps once, now, and goes on from here.
      entry.next = Math.max(entry.next + entry.interval, this.clock() + entry.interval);
      await entry.sweep();
      ran++;
    }
    return ran;
  }
}

/** A real Probot server with the app loaded, listening on 127.0.0.1. */
export async function startAppServer(spec: AppServerSpec): Promise<RunningServer> {
  return startServer({
    host: "127.0.0.1",
    port: spec.port,
    log: spec.log ?? lineLogger(spec.onLogLine),
    webhookPath: WEBHOOK_PATH,
    appId: 1,
    privateKey: spec.privateKey,
    secret: spec.secret ?? WEBHOOK_SECRET,
    baseUrl: `${spec.simUrl}/api/v3`,
    scheduler: spec.scheduler ?? simulatedScheduler(spec.clock),
    ...(spec.redisUrl ? { redisUrl: spec.redisUrl } : {}),
    ...(spec.redisPrefix ? { redisPrefix: spec.redisPrefix } : {}),
    ...(spec.createApp ? { createApp: spec.createApp } : {}),
    app: {
      clock: spec.clock,
      sweepTimer: spec.sweepIntervalMinutes !== undefined || spec.timer !== undefined,
      ...(spec.sweepIntervalMinutes !== undefined ? { sweepIntervalMinutes: spec.sweepIntervalMinutes } : {}),
      ...(spec.sweepIntervalMinutes === undefined && spec.timer !== undefined ? { startTimer: spec.timer.start, sweepIntervalMinutes: 10 } : {}),
      sleep: noWait,
      sendWebhook: async (url, notification) => {
        spec.onOutgoingWebhook(url, notification.deliveryId, notification.body);
      },
      ...(spec.sweepSecret ? { sweepSecret: spec.sweepSecret } : {}),
      ...(spec.env ? { env: spec.env } : {}),
    },
  });
}

/** One app server as the scenario runner sees it. */
export interface AppHost {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Forked replicas keep their own copy of the simulated clock; this moves it. */
  setClock(now: number): Promise<void>;
  /** The process it runs in. */
  readonly pid: number;
  /** Ends it at once, as a crash would (SIGKILL for a forked replica). */
  kill(): Promise<void>;
  /** Resolves once the app has finished what it accepted (queued deliveries too) and every log line it wrote so far has been handed over. */
  flush(): Promise<void>;
  stop(): Promise<void>;
  /** The in-server timer on the simulated clock (in-process hosts; forked replicas keep theirs to themselves). */
  readonly timer?: SimulatedTimer;
}

export interface HostSpec {
  /** Minutes between the in-server timer's sweeps (real time); absent: no timer, as by default in simulations. */
  readonly sweepIntervalMinutes?: number;
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  readonly simUrl: string;
  readonly clock: () => number;
  readonly onLogLine: (raw: string) => void;
  readonly onOutgoingWebhook: (url: string, id: string, body: unknown) => void;
}

export async function inProcessHost(spec: HostSpec, createApp: (options: AppOptions) => ApplicationFunction): Promise<AppHost> {
  const port = await freePort();
  const timer = spec.sweepIntervalMinutes === undefined ? new SimulatedTimer(spec.clock) : undefined;
  const server = await startAppServer({ ...spec, port, privateKey: appPrivateKey(), createApp, ...(timer ? { timer } : {}) });
  return {
    ...(timer ? { timer } : {}),
    url: `http://127.0.0.1:${port}`,
    pid: process.pid,
    kill: async () => {
      await server.shutdown(0);
    },
    setClock: async () => {},
    flush: () => server.lifecycle.idle(),
    stop: async () => {
      await server.shutdown(5000);
    },
  };
}

/** Messages between the runner and a forked replica (replica.ts). */
export type ToReplica = { readonly type: "clock"; readonly now: number; readonly id: number } | { readonly type: "flush"; readonly id: number } | { readonly type: "stop" };
export type FromReplica =
  | { readonly type: "ready" }
  | { readonly type: "failed"; readonly message: string }
  | { readonly type: "ack"; readonly id: number }
  | { readonly type: "log"; readonly line: string }
  | { readonly type: "outgoing-webhook"; readonly url: string; readonly id: string; readonly body: unknown };

/** What a forked replica reads from its environment (JSON in SUPPORT_TRIAGE_SIM_REPLICA). */
export interface ReplicaEnv {
  readonly sweepIntervalMinutes?: number;
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  readonly simUrl: string;
  readonly port: number;
  readonly now: number;
}

/**
 * The replica entry and the Node options it needs. Compiled (lib/), `replica.js` runs as
 * it is; from TypeScript sources (tests) a small loader strips types on the fly.
 */
export function replicaEntry(): { readonly file: string; readonly execArgv: readonly string[] } {
  const fromSources = import.meta.url.endsWith(".ts");
  const file = fileURLToPath(new URL(fromSources ? "./replica.ts" : "./replica.js", import.meta.url));
  const hooks = fileURLToPath(new URL("./ts-hooks.mjs", import.meta.url));
  if (fromSources && !existsSync(hooks)) throw new Error(`the TypeScript loader for forked replicas is missing: ${hooks}`);
  return { file, execArgv: fromSources ? ["--import", new URL("./ts-hooks.mjs", import.meta.url).href] : [] };
}

/** Bound on a replica's start-up (loading Probot and the app from sources takes a second or two). */
const START_TIMEOUT_MS = 20_000;

export async function forkedHost(spec: HostSpec, execArgv?: readonly string[]): Promise<AppHost> {
  const entry = replicaEntry();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(APP_ENV)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const config: ReplicaEnv = {
    ...(spec.sweepIntervalMinutes !== undefined ? { sweepIntervalMinutes: spec.sweepIntervalMinutes } : {}),
    simUrl: spec.simUrl,
    port,
    now: spec.clock(),
    ...(spec.redisUrl ? { redisUrl: spec.redisUrl } : {}),
    ...(spec.redisPrefix ? { redisPrefix: spec.redisPrefix } : {}),
  };
  env["SUPPORT_TRIAGE_SIM_REPLICA"] = JSON.stringify(config);
  env["SUPPORT_TRIAGE_SIM_KEY"] = appPrivateKey();
  const child: ChildProcess = fork(entry.file, [], {
    execArgv: [...(execArgv ?? entry.execArgv)],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map<number, () => void>();
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => {
    exited = true;
    for (const done of waiting.values()) done();
    waiting.clear();
    resolve();
  }));
  child.on("message", (raw) => {
    const message = raw as FromReplica;
    if (message.type === "log") spec.onLogLine(message.line);
    else if (message.type === "outgoing-webhook") spec.onOutgoingWebhook(message.url, message.id, message.body);
    else if (message.type === "ack") {
      waiting.get(message.id)?.();
      waiting.delete(message.id);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a forked replica did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onMessage = (raw: unknown): void => {
      const message = raw as FromReplica;
      if (message.type === "ready" || message.type === "failed") {
        clearTimeout(timer);
        child.off("message", onMessage);
        if (message.type === "ready") resolve();
        else reject(new Error(`a forked replica failed to start: ${message.message}`));
      }
    };
    child.on("message", onMessage);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`a forked replica exited with code ${String(code)} before it was ready`));
    });
  });
  const ask = (message: { readonly type: "clock"; readonly now: number } | { readonly type: "flush" }): Promise<void> =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ ...message, id });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    kill: async () => {
      if (!exited) child.kill("SIGKILL");
      await exit;
    },
    setClock: (now) => ask({ type: "clock", now }),
    flush: () => ask({ type: "flush" }),
    stop: async () => {
      if (!exited) child.send({ type: "stop" } satisfies ToReplica);
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exit;
      clearTimeout(killer);
    },
  };
}
