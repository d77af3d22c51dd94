/**
 * The Redis figures of `npm run bench` (issue 10): with `redisUrl` the app stores every
 * delivery that needs work as a BullMQ job and answers at once; workers on every replica
 * take the jobs. Two figures:
 *
 * - **Acknowledgement latency**: open-loop load — deliveries sent on a fixed schedule
 *   (400/s by default), never waiting for answers — against one app server in its own
 *   process; the HTTP round trip of each (p50, p99, max) and how long the queue took to
 *   drain after the last one was answered. Deliveries are the support form's
 *   `issues.opened` and customers' `issue_comment.created`, from the simulator's world,
 *   signed as GitHub signs them. Interleaved with those rounds, the same load with the
 *   queue paused: what receiving and storing costs when no job runs in the same process.
 * - **Intakes per second with 1, 2 and 4 replica processes**, sharing one Redis and one
 *   simulator: deliveries spread round-robin, measured from the first delivery until every
 *   item is triaged and the queue is drained; CPU per intake is the replicas' CPU time over
 *   the intakes. The configurations run in interleaved rounds (1 2 4, 4 2 1, …).
 *
 * Redis is `SUPPORT_TRIAGE_BENCH_REDIS_URL` or `REDIS_URL` when given (the bench's keys live
 * under a prefix of their own and are deleted at the end), else a `redis-server` the bench
 * starts on a free loopback port (no persistence) and stops at the end, on failure too.
 */
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { Server as HttpServer } from "node:http";
import { createConnection } from "node:net";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUE_NAME } from "../handlers/queue.js";
import { freePort } from "../simulator/app-host.js";
import { BOT_LOGIN, type OutgoingWebhook, type SimItem, type SimRepo, type World } from "../simulator/model.js";
import { GitHubSimulator } from "../simulator/server.js";
import { MARKER_PREFIX } from "../triage/marker.js";
import { startAppServer, WEBHOOK_PATH } from "./app-server.js";
import { DelivererPool, signDelivery, type SignedDelivery } from "./deliverer.js";
import { percentile } from "./load.js";
import type { FromBenchReplica, ToBenchReplica } from "./replica-process.js";
import { BENCH_NOW, benchWorld, formBody, type DeliveryResult } from "./rig.js";
import { startSender } from "./sender.js";

// ------------------------------------------------------------------ the Redis server

export interface BenchRedis {
  readonly url: string;
  /** True when the bench started this redis-server itself (and stops it). */
  readonly own: boolean;
  /** "7.0.15", from INFO. */
  readonly version: string;
  /** CPU time the Redis server has used so far (user + system, all its threads), ms. */
  cpuMs(): Promise<number>;
  /** Deletes every key under `prefix` (a given Redis keeps nothing of the bench's). */
  clear(prefix: string): Promise<void>;
  stop(): Promise<void>;
}

const BENCH_HINT = "point SUPPORT_TRIAGE_BENCH_REDIS_URL (or REDIS_URL) at one, or skip the figures with --redis-rounds 0";

function redisBinary(hint: string): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  if (!found) {
    throw new Error(`redis-server is not installed: a real server is needed. Install it (Debian/Ubuntu: \`sudo apt-get install -y redis-server\`), or ${hint}.`);
  }
  return found;
}

async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/**
 * A redis-server on a free loopback port, killed when this process exits however it exits
 * (the bench's, and the Redis test suites' through test/support/redis.ts). `hint` says what
 * else to do when redis-server is not installed.
 */
export async function spawnRedis(hint = BENCH_HINT): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(redisBinary(hint), ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  // A crash or a signal must not leave it running (Ctrl-C reaches it through the process group anyway).
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    kill();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    process.kill(process.pid, signal);
  };
  process.on("exit", kill);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const unguard = (): void => {
    process.removeListener("exit", kill);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  };
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(kill, 3000);
      await exited;
      clearTimeout(timer);
    }
    unguard();
  };
  try {
    for (let i = 0; ; i++) {
      if (await reachable(port)) break;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} at start`);
      if (i >= 200) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** `SUPPORT_TRIAGE_BENCH_REDIS_URL`, else `REDIS_URL`, else a redis-server of the bench's own. */
export async function startBenchRedis(env: NodeJS.ProcessEnv = process.env): Promise<BenchRedis> {
  const given = env["SUPPORT_TRIAGE_BENCH_REDIS_URL"] || env["REDIS_URL"] || "";
  const server = given ? null : await spawnRedis();
  const url = given || (server?.url ?? "");
  const client = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    await server?.stop();
    throw new Error(`cannot reach Redis at ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const info = async (section: string): Promise<Record<string, string>> => {
    const text = await client.info(section);
    return Object.fromEntries(
      text
        .split(/\r?\n/)
        .filter((l) => l.includes(":"))
        .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
    );
  };
  const version = (await info("server"))["redis_version"] ?? "unknown";
  return {
    url,
    own: server !== null,
    version,
    cpuMs: async () => {
      const c = await info("cpu");
      return (Number(c["used_cpu_user"] ?? 0) + Number(c["used_cpu_sys"] ?? 0)) * 1000;
    },
    clear: async (prefix) => {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== "0");
    },
    stop: async () => {
      await client.quit().catch(() => client.disconnect());
      await server?.stop();
    },
  };
}

// ------------------------------------------------------------------ replicas

/** One app server with Redis, as the Redis figures see it. */
export interface ReplicaHost {
  readonly url: string;
  /** In its own process (its CPU time is its own); else in the bench's. */
  readonly isolated: boolean;
  /** CPU time of its process so far (user + system), ms. */
  cpuMs(): Promise<number>;
  /** Resolves once nothing is in flight there and the queue holds no job; false after `maxMs`. */
  idle(maxMs: number): Promise<boolean>;
  errors(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface ReplicaSpec {
  readonly simUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** Fork a process for it (needs the compiled bench); else run it in this process. */
  readonly isolate: boolean;
  /** Settings read from the environment (SUPPORT_TRIAGE_WORKER_CONCURRENCY …). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A lower CPU priority for the process (`nice`; forked replicas only), as an operator
   * running a receiver and workers on one host would start the workers (docs/deploy.md).
   */
  readonly nice?: number;
}

/** The compiled child entry next to this file; absent when running from TypeScript sources. */
export function replicaEntry(): string | null {
  const path = fileURLToPath(new URL("./replica-process.js", import.meta.url));
  return existsSync(path) ? path : null;
}

const START_TIMEOUT_MS = 30_000;

async function forkedReplica(entry: string, spec: ReplicaSpec): Promise<ReplicaHost> {
  const prof = process.env["BENCH_CPU_PROF"];
  const child: ChildProcess = fork(entry, [], {
    execArgv: prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [],
    env: { ...process.env, ...(spec.env ?? {}), BENCH_SIM_URL: spec.simUrl, BENCH_NOW: String(BENCH_NOW), BENCH_REDIS_URL: spec.redisUrl, BENCH_REDIS_PREFIX: spec.redisPrefix },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (spec.nice && child.pid !== undefined) setPriority(child.pid, spec.nice);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const how = (): string => (child.signalCode ? `was killed (${child.signalCode})` : `exited with code ${String(child.exitCode)}`);
  let nextId = 1;
  const waiting = new Map<number, { resolve: (m: FromBenchReplica) => void; reject: (err: Error) => void }>();
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a bench replica did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once("error", reject);
      void exited.then(() => reject(new Error(`a bench replica ${how()} before it was ready`)));
      child.on("message", (raw) => {
        const m = raw as FromBenchReplica;
        if (m.type === "ready") {
          clearTimeout(timer);
          resolve(m.url);
        } else if (m.type === "failed") {
          clearTimeout(timer);
          reject(new Error(`a bench replica failed to start: ${m.message}`));
        } else {
          waiting.get(m.id)?.resolve(m);
          waiting.delete(m.id);
        }
      });
    });
  } catch (err) {
    if (alive()) child.kill("SIGKILL");
    await exited;
    throw err;
  }
  // A crashed replica must fail the run, not leave it waiting for an answer.
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`a bench replica ${how()}`));
    waiting.clear();
  });
  const ask = <T extends FromBenchReplica>(message: { type: "cpu" | "errors" } | { type: "idle"; maxMs: number }): Promise<T> =>
    new Promise((resolve, reject) => {
      if (!alive()) return reject(new Error(`a bench replica ${how()}`));
      const id = nextId++;
      waiting.set(id, { resolve: (m) => resolve(m as T), reject });
      child.send({ ...message, id } satisfies ToBenchReplica);
    });
  return {
    url,
    isolated: true,
    cpuMs: async () => (await ask<Extract<FromBenchReplica, { type: "cpu" }>>({ type: "cpu" })).cpuMs,
    idle: async (maxMs) => (await ask<Extract<FromBenchReplica, { type: "idle" }>>({ type: "idle", maxMs })).drained,
    errors: async () => (await ask<Extract<FromBenchReplica, { type: "errors" }>>({ type: "errors" })).errors,
    stop: async () => {
      if (alive()) {
        child.send({ type: "stop" } satisfies ToBenchReplica);
        const killer = setTimeout(() => child.kill("SIGKILL"), 8000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

async function inProcessReplica(spec: ReplicaSpec): Promise<ReplicaHost> {
  const server = await startAppServer({ simUrl: spec.simUrl, clock: () => BENCH_NOW, redisUrl: spec.redisUrl, redisPrefix: spec.redisPrefix, ...(spec.env ? { env: spec.env } : {}) });
  return {
    url: server.url,
    isolated: false,
    cpuMs: async () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    },
    idle: (maxMs) => server.idle(maxMs),
    errors: async () => [...server.errors],
    stop: () => server.stop(),
  };
}

export async function startReplica(spec: ReplicaSpec): Promise<ReplicaHost> {
  const entry = spec.isolate ? replicaEntry() : null;
  return entry ? forkedReplica(entry, spec) : inProcessReplica(spec);
}

/** Starts `count` replicas at once; if one fails, the others are stopped before the error is thrown. */
async function startReplicas(count: number, spec: ReplicaSpec): Promise<ReplicaHost[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startReplica(spec)));
  const up = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(up.map((r) => r.stop().catch(() => undefined)));
    throw failed.reason;
  }
  return up;
}

// ------------------------------------------------------------------ deliveries

/** A delivery serialised and signed ahead of time, so the load generator only sends. */
type Prepared = SignedDelivery;

const prepare = (hook: OutgoingWebhook): Prepared => signDelivery(hook);

/** POSTs prepared deliveries as GitHub does, to whichever replica is named: a keep-alive pool per replica. */
class Poster {
  private readonly pools = new DelivererPool();

  post(target: URL, d: Prepared): Promise<DeliveryResult> {
    return this.pools.for(target).send(d);
  }

  close(): void {
    this.pools.close();
  }
}

const webhookUrl = (appUrl: string): URL => new URL(WEBHOOK_PATH, appUrl);

/** Same as rig.ts's `keepConnectionsOpen` (private there): GitHub keeps connections for minutes. */
function keepConnectionsOpen(sim: GitHubSimulator): void {
  const server = (sim as unknown as { server?: unknown }).server;
  if (server instanceof HttpServer) server.keepAliveTimeout = 60_000;
}

const ENVIRONMENTS = ["Production", "Staging", "Development"] as const;
const AUTHORS = ["alice", "bob", "wanda", "erin", "frank", "grace"];

/** Opens support-form items in the world and hands out their `opened`/`created` deliveries. */
class Intakes {
  private n = 0;
  readonly opened: SimItem[] = [];

  constructor(
    private readonly world: World,
    private readonly repos: readonly SimRepo[],
    private readonly discussions: boolean,
  ) {}

  open(): OutgoingWebhook {
    const i = this.n++;
    const repo = this.repos[i % this.repos.length];
    if (!repo) throw new Error("no repositories");
    const kind = this.discussions && i % 4 === 3 ? "discussion" : "issue";
    const at = this.world.outbox.length;
    const item = this.world.openItem(repo, {
      kind,
      number: repo.nextNumber,
      author: this.world.user(AUTHORS[i % AUTHORS.length] ?? "alice"),
      title: `[Support]: import stopped (${i})`,
      body: formBody({ priority: i % 4, environment: ENVIRONMENTS[i % 3] ?? "Production" }),
      labels: [],
      category: kind === "discussion" ? "support" : null,
    });
    this.opened.push(item);
    const [hook] = this.world.outbox.splice(at);
    if (!hook) throw new Error("opening an item queued no webhook");
    return hook;
  }

  /** A customer comment (by the item's author) on an item opened `behind` openings ago. */
  comment(behind: number): OutgoingWebhook {
    const item = this.opened[Math.max(0, this.opened.length - behind)];
    if (!item) return this.open();
    const at = this.world.outbox.length;
    this.world.addComment(item, item.author, `Any news? It is still failing (${this.n}).`);
    const [hook] = this.world.outbox.splice(at);
    if (!hook) throw new Error("a comment queued no webhook");
    return hook;
  }
}

const triaged = (item: SimItem): boolean => item.labels.length > 0 && item.comments.some((c) => c.author.login === BOT_LOGIN && c.body.includes(MARKER_PREFIX));

const failure = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
};

const cpuMsOf = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

// ------------------------------------------------------------------ acknowledgement latency

/**
 * The configurations measured side by side, each its own app process(es) and queue:
 * - "paced": the default — the workers' concurrency follows the event loop's delay
 *   (src/handlers/worker-pace.ts), so acknowledgements come first;
 * - "fixed": 16 jobs at once whatever the loop's delay (SUPPORT_TRIAGE_LOOP_DELAY_MS=0), the
 *   behaviour before pacing;
 * - "split": a receive-only replica (SUPPORT_TRIAGE_WORKER_CONCURRENCY=0) answers, a second
 *   replica works the queue at a lower CPU priority (nice 10), as docs/deploy.md tells an
 *   operator to run both roles on one host: the receiver then gets a core whenever a
 *   delivery arrives, and the workers take what is left;
 * - "ingest": the paced replica with the queue paused (BullMQ's global pause), so the app
 *   only receives and stores — what the acknowledgement costs alone. Its jobs are dropped.
 */
export type AckMode = "paced" | "fixed" | "split" | "ingest";

/** The worker replica's niceness in the "split" configuration. */
export const SPLIT_WORKER_NICE = 10;

export interface AckRound {
  readonly mode: AckMode;
  readonly deliveries: number;
  readonly opened: number;
  readonly comments: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** How late the schedule's sends were (the bench process busy), p99 and max, ms. */
  readonly lateP99: number;
  readonly lateMax: number;
  /** Answers other than 2xx, and requests that failed outright. */
  readonly failed: number;
  /** From the last answer until every job was processed, ms. */
  readonly drainMs: number;
  readonly drained: boolean;
  /** App CPU per delivery (every process of the configuration), ms: receiving and the job's work; receiving alone for "ingest". */
  readonly appCpuPerDelivery: number;
  /** Redis CPU per delivery, ms. */
  readonly redisCpuPerDelivery: number;
  /** Sending took this long (deliveries ÷ rate, if on schedule), s. */
  readonly seconds: number;
}

export interface AckResult {
  readonly rate: number;
  /** The default configuration ("paced"), in the order the rounds ran. */
  readonly rounds: readonly AckRound[];
  /** Fixed concurrency, interleaved with the others. */
  readonly fixed: readonly AckRound[];
  /** A receive-only replica and a worker replica, interleaved with the others. */
  readonly split: readonly AckRound[];
  /** Queue paused (ingest alone), interleaved with the others. */
  readonly ingest: readonly AckRound[];
  readonly isolated: boolean;
  readonly errors: readonly string[];
}

export interface AckOptions {
  readonly redis: BenchRedis;
  readonly prefix: string;
  readonly rate: number;
  /** Deliveries per round (rate × seconds). */
  readonly deliveries: number;
  readonly rounds: number;
  readonly repos: number;
  readonly isolate: boolean;
  readonly progress?: (message: string) => void;
}

/** One configuration of the acknowledgement figure: the replica that answers, and every process it runs. */
interface AckGroup {
  readonly answering: ReplicaHost;
  readonly hosts: readonly ReplicaHost[];
  readonly control: Queue;
}

export async function measureAck(o: AckOptions): Promise<AckResult> {
  const { world, repos } = benchWorld(o.repos);
  const sim = new GitHubSimulator(world);
  const errors: string[] = [];
  const simUrl = await sim.listen();
  keepConnectionsOpen(sim);
  // The load generator runs in its own thread, so the simulator's work does not delay the timings (./sender.ts).
  const sender = await startSender();
  // The bench's own handle on each configuration's queue: to pause it for the ingest rounds.
  const controlConnection = new Redis(o.redis.url, { maxRetriesPerRequest: null });
  controlConnection.on("error", () => undefined);
  const started: ReplicaHost[] = [];
  const controls: Queue[] = [];
  const group = async (name: string, specs: readonly { env: Record<string, string>; nice?: number }[]): Promise<AckGroup> => {
    const prefix = `${o.prefix}${name}:`;
    const hosts: ReplicaHost[] = [];
    for (const { env, nice } of specs) {
      const host = await startReplica({ simUrl, redisUrl: o.redis.url, redisPrefix: prefix, isolate: o.isolate, env, ...(nice ? { nice } : {}) });
      started.push(host);
      hosts.push(host);
    }
    const control = new Queue(QUEUE_NAME, { connection: controlConnection, prefix: `${prefix}bull` });
    controls.push(control);
    return { answering: hosts[0] as ReplicaHost, hosts, control };
  };
  try {
    const paced = await group("paced", [{ env: {} }]);
    const fixed = await group("fixed", [{ env: { SUPPORT_TRIAGE_LOOP_DELAY_MS: "0" } }]);
    const split = await group("split", [{ env: { SUPPORT_TRIAGE_WORKER_CONCURRENCY: "0" } }, { env: {}, nice: SPLIT_WORKER_NICE }]);
    const groups: Record<AckMode, AckGroup> = { paced, fixed, split, ingest: paced };
    const intakes = new Intakes(world, repos, false);
    // Half new support-form issues, half customer comments on issues opened ≈ 250 ms earlier.
    const batch = (n: number): { prepared: Prepared[]; opened: number } => {
      world.outbox.length = 0; // echoes of the app's own writes: not part of this figure
      const prepared: Prepared[] = [];
      let opened = 0;
      for (let k = 0; k < n; k++) {
        const comment = k % 2 === 1 && intakes.opened.length > 0;
        if (!comment) opened++;
        prepared.push(prepare(comment ? intakes.comment(Math.max(1, Math.round(o.rate / 8))) : intakes.open()));
      }
      return { prepared, opened };
    };
    const idle = async (g: AckGroup): Promise<boolean> => (await Promise.all(g.hosts.map((h) => h.idle(120_000)))).every(Boolean);
    const cpu = async (g: AckGroup): Promise<number> => (await Promise.all(g.hosts.map((h) => h.cpuMs()))).reduce((x, y) => x + y, 0);
    // Warm-up of each configuration: connections, JIT, the installation token, caches.
    for (const g of [paced, fixed, split]) {
      await sender.run(g.answering.url, batch(Math.min(o.deliveries, Math.max(50, Math.round(o.rate / 4)))).prepared, o.rate);
      await idle(g);
    }
    const round = async (mode: AckMode, r: number): Promise<AckRound> => {
      const g = groups[mode];
      const { prepared, opened } = batch(o.deliveries);
      if (mode === "ingest") await g.control.pause();
      const app0 = await cpu(g);
      const redis0 = await o.redis.cpuMs();
      const run = await sender.run(g.answering.url, prepared, o.rate);
      let drained = true;
      let drainMs = 0;
      let appMs: number;
      let redisMs: number;
      if (mode === "ingest") {
        // What receiving cost; then the stored jobs are dropped, not worked.
        appMs = (await cpu(g)) - app0;
        redisMs = (await o.redis.cpuMs()) - redis0;
        await g.control.drain(true);
        await g.control.resume();
        drained = await idle(g);
      } else {
        // What receiving and working the jobs cost.
        drained = await idle(g);
        drainMs = Math.max(0, performance.now() - run.lastAnswerAt);
        appMs = (await cpu(g)) - app0;
        redisMs = (await o.redis.cpuMs()) - redis0;
      }
      const sorted = [...run.latencies].sort((a, b) => a - b);
      const late = [...run.lateness].sort((a, b) => a - b);
      const label = `acknowledgement round ${r + 1}, ${mode}`;
      o.progress?.(`redis: ${label}: p99 ${percentile(sorted, 99).toFixed(1)} ms${mode === "ingest" ? "" : `, drained ${(drainMs / 1000).toFixed(1)} s after the last answer`}`);
      if (!drained) errors.push(`${label}: the queue did not drain within 120 s`);
      if (run.failed > 0) errors.push(`${label}: ${run.failed} deliveries failed (${run.reasons.join(", ")})`);
      return {
        mode,
        deliveries: prepared.length,
        opened,
        comments: prepared.length - opened,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? 0,
        lateP99: percentile(late, 99),
        lateMax: late[late.length - 1] ?? 0,
        failed: run.failed,
        drainMs,
        drained,
        appCpuPerDelivery: appMs / prepared.length,
        redisCpuPerDelivery: redisMs / prepared.length,
        seconds: run.seconds,
      };
    };
    const by: Record<AckMode, AckRound[]> = { paced: [], fixed: [], split: [], ingest: [] };
    const modes: AckMode[] = ["paced", "fixed", "split", "ingest"];
    for (let r = 0; r < o.rounds; r++) {
      // The order rotates each round, so no configuration always runs first or last.
      const order = modes.map((_, k) => modes[(k + r) % modes.length] as AckMode);
      for (const mode of order) by[mode].push(await round(mode, r));
    }
    world.outbox.length = 0;
    for (const h of started) errors.push(...(await h.errors()));
    errors.push(...sim.errors);
    return { rate: o.rate, rounds: by.paced, fixed: by.fixed, split: by.split, ingest: by.ingest, isolated: started.every((h) => h.isolated), errors };
  } finally {
    await sender.close();
    for (const c of controls) await c.resume().catch(() => undefined);
    await Promise.all(started.map((h) => h.stop().catch(() => undefined)));
    for (const c of controls) await c.close().catch(() => undefined);
    controlConnection.disconnect();
    await sim.close();
  }
}

// ------------------------------------------------------------------ intakes per second, 1/2/4 replicas

export interface ReplicaRound {
  readonly replicas: number;
  readonly intakes: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Sum of the replicas' CPU time over the round ÷ intakes, ms. */
  readonly cpuPerIntake: number;
  /** The bench process (simulator + load generator) ÷ intakes, ms. */
  readonly benchCpuPerIntake: number;
  readonly redisCpuPerIntake: number;
  /** CPU of replicas, bench and Redis together ÷ wall time: cores kept busy. */
  readonly coresBusy: number;
  /** The app's own writes echoed back (delivered too, ignored by the app). */
  readonly echoes: number;
  readonly failed: number;
  readonly reasons: readonly string[];
}

export interface ReplicaResult {
  readonly counts: readonly number[];
  readonly intakes: number;
  /** Rounds per replica count, in the order they ran. */
  readonly rounds: ReadonlyMap<number, readonly ReplicaRound[]>;
  readonly isolated: boolean;
  readonly concurrency: number;
  readonly errors: readonly string[];
}

export interface ReplicaOptions {
  readonly redis: BenchRedis;
  readonly prefix: string;
  readonly counts: readonly number[];
  readonly intakes: number;
  readonly rounds: number;
  readonly repos: number;
  readonly isolate: boolean;
  /** Deliveries in flight from the load generator (closed loop). */
  readonly concurrency: number;
  readonly progress?: (message: string) => void;
}

/** A round that takes longer has gone wrong (a replica stuck, jobs failing): the run fails instead of hanging. */
const ROUND_LIMIT_MS = 120_000;

/** One round: `intakes` new items delivered round-robin to the group, timed until all are triaged and the queue is empty. */
async function replicaRound(world: World, group: readonly ReplicaHost[], intakes: Intakes, n: number, o: ReplicaOptions, poster: Poster): Promise<ReplicaRound> {
  world.outbox.length = 0;
  const batch = Array.from({ length: n }, () => prepare(intakes.open()));
  const remaining = new Set(intakes.opened.slice(-n));
  const targets = group.map((r) => webhookUrl(r.url));
  const cpu0 = (await Promise.all(group.map((r) => r.cpuMs()))).reduce((a, b) => a + b, 0);
  const redis0 = await o.redis.cpuMs();
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let rr = 0;
  let failed = 0;
  const reasons = new Set<string>();
  let echoes = 0;
  let wake: (() => void) | null = null;
  let woken = new Promise<void>((r) => (wake = r));
  let timedOut = false;
  // Items are checked off and idle senders woken every few ms (echoes appear as the app writes).
  const poll = setInterval(() => {
    for (const item of remaining) if (triaged(item)) remaining.delete(item);
    if (performance.now() - t0 > ROUND_LIMIT_MS) timedOut = true;
    if (world.outbox.length > 0 || remaining.size === 0 || timedOut) {
      const w = wake;
      woken = new Promise<void>((r) => (wake = r));
      w?.();
    }
  }, 3);
  const sender = async (): Promise<void> => {
    for (;;) {
      const echo = world.outbox.shift();
      const d = echo ? prepare(echo) : next < batch.length ? batch[next++] : undefined;
      if (timedOut) return;
      if (!d) {
        if (remaining.size === 0 && world.outbox.length === 0) return;
        await woken;
        continue;
      }
      if (echo) echoes++;
      const target = targets[rr++ % targets.length] as URL;
      try {
        const r = await poster.post(target, d);
        if (r.status < 200 || r.status >= 300) {
          failed++;
          reasons.add(`answered ${r.status}`);
        }
      } catch (err) {
        failed++;
        reasons.add(failure(err));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => sender()));
  } finally {
    clearInterval(poll);
  }
  if (timedOut) throw new Error(`${group.length} replica(s): ${remaining.size} of ${n} items not triaged after ${ROUND_LIMIT_MS / 1000} s`);
  const drained = (await Promise.all(group.map((r) => r.idle(120_000)))).every(Boolean);
  const seconds = (performance.now() - t0) / 1000;
  const benchMs = cpuMsOf(process.cpuUsage(bench0));
  const cpuMs = (await Promise.all(group.map((r) => r.cpuMs()))).reduce((a, b) => a + b, 0) - cpu0;
  const redisMs = (await o.redis.cpuMs()) - redis0;
  if (!drained) throw new Error(`${group.length} replica(s): the queue did not drain within 120 s of the last item being triaged`);
  // In one process the replicas' CPU is the bench's too.
  const isolated = group.every((r) => r.isolated);
  return {
    replicas: group.length,
    intakes: n,
    seconds,
    perSecond: n / seconds,
    cpuPerIntake: cpuMs / n,
    benchCpuPerIntake: isolated ? benchMs / n : 0,
    redisCpuPerIntake: redisMs / n,
    coresBusy: ((isolated ? cpuMs + benchMs : cpuMs) + redisMs) / 1000 / seconds,
    echoes,
    failed,
    reasons: [...reasons],
  };
}

export async function measureReplicas(o: ReplicaOptions): Promise<ReplicaResult> {
  const { world, repos } = benchWorld(o.repos);
  const sim = new GitHubSimulator(world);
  const simUrl = await sim.listen();
  keepConnectionsOpen(sim);
  const poster = new Poster();
  const groups = new Map<number, ReplicaHost[]>();
  const errors: string[] = [];
  try {
    // Every configuration at once, each with a queue (a key prefix) of its own: only the
    // group under measurement has work; the others' workers wait blocked in Redis.
    for (const count of o.counts) groups.set(count, []);
    const started = performance.now();
    await Promise.all(o.counts.map(async (count) => groups.set(count, await startReplicas(count, { simUrl, redisUrl: o.redis.url, redisPrefix: `${o.prefix}r${count}:`, isolate: o.isolate }))));
    o.progress?.(`redis: ${[...groups.values()].flat().length} replicas started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const intakes = new Intakes(world, repos, true);
    // Warm-up of every replica (JIT, token, caches): not measured.
    for (const count of o.counts) await replicaRound(world, groups.get(count) ?? [], intakes, Math.min(o.intakes, 50), o, poster);
    const rounds = new Map<number, ReplicaRound[]>(o.counts.map((c) => [c, []]));
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? [...o.counts] : [...o.counts].reverse();
      for (const count of order) {
        const round = await replicaRound(world, groups.get(count) ?? [], intakes, o.intakes, o, poster);
        o.progress?.(`redis: round ${r + 1}, ${count} replica(s): ${Math.round(round.perSecond)} intakes/s, ${round.cpuPerIntake.toFixed(1)} ms CPU per intake`);
        if (round.failed > 0) errors.push(`${count} replica(s), round ${r + 1}: ${round.failed} deliveries failed (${round.reasons.join(", ")})`);
        rounds.get(count)?.push(round);
      }
    }
    for (const group of groups.values()) for (const replica of group) errors.push(...(await replica.errors()));
    errors.push(...sim.errors);
    const isolated = [...groups.values()].every((g) => g.every((r) => r.isolated));
    return { counts: o.counts, intakes: o.intakes, rounds, isolated, concurrency: o.concurrency, errors };
  } finally {
    poster.close();
    await Promise.all([...groups.values()].flat().map((r) => r.stop().catch(() => undefined)));
    await sim.close();
  }
}

// ------------------------------------------------------------------ both, with one Redis

export interface RedisBenchOptions {
  readonly rounds: number;
  readonly rate: number;
  readonly deliveries: number;
  readonly intakes: number;
  readonly repos: number;
  readonly isolate: boolean;
  readonly concurrency: number;
  readonly progress?: (message: string) => void;
}

export interface RedisBenchResult {
  readonly redis: { readonly own: boolean; readonly version: string };
  readonly ack: AckResult;
  readonly replicas: ReplicaResult;
}

/** Both Redis figures against one Redis (started here unless given), which is stopped or cleaned at the end. */
export async function measureRedis(o: RedisBenchOptions): Promise<RedisBenchResult> {
  const redis = await startBenchRedis();
  const prefix = `support-triage:bench-${process.pid}-${randomUUID().slice(0, 8)}:`;
  try {
    o.progress?.(`redis: acknowledgement latency, ${o.rounds} rounds of ${o.deliveries} deliveries at ${o.rate}/s (open loop)${redis.own ? "" : ` on ${redis.url.replace(/\/\/[^@]*@/, "//")}`}`);
    const ack = await measureAck({ redis, prefix: `${prefix}ack:`, rate: o.rate, deliveries: o.deliveries, rounds: o.rounds, repos: o.repos, isolate: o.isolate, ...(o.progress ? { progress: o.progress } : {}) });
    o.progress?.(`redis: intakes per second with 1, 2 and 4 replicas, ${o.rounds} interleaved rounds of ${o.intakes} intakes`);
    const replicas = await measureReplicas({ redis, prefix, counts: [1, 2, 4], intakes: o.intakes, rounds: o.rounds, repos: o.repos, isolate: o.isolate, concurrency: o.concurrency, ...(o.progress ? { progress: o.progress } : {}) });
    return { redis: { own: redis.own, version: redis.version }, ack, replicas };
  } finally {
    if (!redis.own) await redis.clear(prefix).catch(() => undefined);
    await redis.stop();
  }
}
