/**
 * Where the app under measurement runs. `isolated` forks a child Node process (with
 * `--expose-gc`) so that its resident memory is the app's alone — the simulator and the
 * load generator grow with every item they hold, the app must not — and so that app and
 * simulator each get a core, as they would on GitHub's side and ours. `inProcess` keeps
 * everything in one process: what the smoke test uses (no build needed).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startAppServer } from "./app-server.js";
import type { BenchAppKind } from "./compare-apps.js";

export interface MemorySample {
  /** Resident set size, bytes. */
  readonly rss: number;
  readonly heapUsed: number;
  /** V8 heap reserved (used or not): grows to fit the allocation rate, then stays. */
  readonly heapTotal: number;
  /** Memory outside the V8 heap held by JS objects (buffers). */
  readonly external: number;
  /** Whether a full GC ran first (`--expose-gc`). */
  readonly gc: boolean;
  /** CPU time the process has used so far (user + system), ms: immune to a busy machine. */
  readonly cpuMs: number;
}

export interface AppHost {
  readonly url: string;
  readonly isolated: boolean;
  /** Which app it runs (support-triage, or a reference app of the comparison). */
  readonly app: BenchAppKind;
  memory(): Promise<MemorySample>;
  /** CPU time its process has used so far (user + system), ms — without the forced GC of `memory()`. */
  cpuMs(): Promise<number>;
  errors(): Promise<string[]>;
  stop(): Promise<void>;
}

type GcFn = () => void;
const gcFn = (): GcFn | null => {
  const g = (globalThis as { gc?: unknown }).gc;
  return typeof g === "function" ? (g as GcFn) : null;
};

/** A full collection, twice: the second one frees what finalisers of the first released. */
export function sampleMemory(): MemorySample {
  const gc = gcFn();
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, gc: gc !== null, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const processCpuMs = (): number => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
};

async function inProcess(simUrl: string, now: number, app: BenchAppKind): Promise<AppHost> {
  const server = await startAppServer({ simUrl, clock: () => now, app });
  return {
    url: server.url,
    isolated: false,
    app,
    memory: async () => sampleMemory(),
    cpuMs: async () => processCpuMs(),
    errors: async () => [...server.errors],
    stop: () => server.stop(),
  };
}

type ChildMessage =
  | { type: "ready"; url: string }
  | { type: "memory"; id: number; sample: MemorySample }
  | { type: "cpu"; id: number; cpuMs: number }
  | { type: "errors"; id: number; errors: string[] }
  | { type: "failed"; message: string };

/** The compiled child entry next to this file; absent when running from TypeScript sources. */
export function childEntry(): string | null {
  const path = fileURLToPath(new URL("./app-process.js", import.meta.url));
  return existsSync(path) ? path : null;
}

/**
 * `BENCH_CPU_PROF=<dir>` profiles the app process (`node --cpu-prof`): the profile is
 * written when it exits, for docs/benchmarks.md's "where the time goes".
 */
function profileArgs(): string[] {
  const dir = process.env["BENCH_CPU_PROF"];
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

async function isolated(entry: string, simUrl: string, now: number, app: BenchAppKind): Promise<AppHost> {
  // The app to run is the child's argument (a build that predates it runs support-triage).
  const child: ChildProcess = fork(entry, [app], {
    execArgv: ["--expose-gc", ...profileArgs()],
    env: { ...process.env, BENCH_SIM_URL: simUrl, BENCH_NOW: String(now) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (m: ChildMessage) => void; reject: (err: Error) => void }>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench app process exited with code ${String(code)} before it was ready`)));
    child.on("message", (raw) => {
      const m = raw as ChildMessage;
      if (m.type === "ready") resolve(m.url);
      else if (m.type === "failed") reject(new Error(`bench app process failed: ${m.message}`));
      else {
        waiting.get(m.id)?.resolve(m);
        waiting.delete(m.id);
      }
    });
  });
  child.removeAllListeners("exit");
  // A crashed app process must fail the run, not leave it waiting for an answer.
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`bench app process exited with code ${String(code)}`));
    waiting.clear();
  });
  const ask = <T extends ChildMessage>(type: "memory" | "cpu" | "errors"): Promise<T> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error(`bench app process exited with code ${String(child.exitCode)}`));
      const id = nextId++;
      waiting.set(id, { resolve: (m) => resolve(m as T), reject });
      child.send({ type, id });
    });
  return {
    url,
    isolated: true,
    app,
    memory: async () => (await ask<Extract<ChildMessage, { type: "memory" }>>("memory")).sample,
    cpuMs: async () => (await ask<Extract<ChildMessage, { type: "cpu" }>>("cpu")).cpuMs,
    errors: async () => (await ask<Extract<ChildMessage, { type: "errors" }>>("errors")).errors,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send({ type: "stop" });
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/**
 * Starts the app (support-triage unless another is named): in a child process when asked
 * and the compiled entry exists. `entry` overrides the child entry (another build's
 * `lib/bench/app-process.js`, for a side-by-side comparison of two versions).
 */
export async function startAppHost(simUrl: string, now: number, isolate: boolean, app: BenchAppKind = "support-triage", entry?: string): Promise<AppHost> {
  const child = entry ?? (isolate ? childEntry() : null);
  return child ? isolated(child, simUrl, now, app) : inProcess(simUrl, now, app);
}
