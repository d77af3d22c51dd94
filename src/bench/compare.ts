/**
 * The comparison (issue 11, part 4): support-triage against two reference Probot apps on
 * the same payloads from the same load generator, each app in its own process, all three
 * started by the same `startServer` with the same Octokit stack (./compare-apps.ts):
 *
 * - **bare**: `app.onAny(() => {})` — what Probot costs per delivery;
 * - **floor**: one fixed GraphQL read and one batched write per intake — the least a
 *   triage app can do;
 * - **support-triage**: the real `createApp`.
 *
 * One simulator (this process) holds one world; every run opens fresh support-form items
 * in it (repositories round-robin, 3 issues : 1 discussion) and signs its deliveries before
 * the clock starts. Three streams, closed loop (`concurrency` in flight):
 *
 * - **intakes**: only `issues.opened` / `discussion.created` from the support forms;
 * - **mix**: intakes plus the app's own echoes in the ratio support-triage causes them. The
 *   echoes are the webhooks GitHub sent for support-triage's own writes during the warm-up
 *   (labels added, the target comment: its bot is the sender), recorded once and replayed
 *   to every app, so the three get byte-identical echoes; each app ignores them by sender;
 * - **echoes**: those echoes alone — what ignoring one costs, against a bare delivery.
 *
 * Then **open loop** (./open-loop.ts): the mix sent at fixed rates (100, 200, 400/s by
 * default) whether or not earlier deliveries were answered, to support-triage and the
 * floor; the latency of each delivery (p50, p99, max).
 *
 * Everything runs in interleaved rounds: each round rotates the order of the apps, of the
 * streams and of the rates (A B C, B C A, C A B, …), so a machine that drifts (other
 * processes, thermal state) weighs on every app alike; figures are medians over rounds
 * with the min–max. App CPU is `process.cpuUsage()` in the app's process over the run
 * (asked for over IPC, without a forced GC), and is the figure to compare on a busy machine.
 *
 * With `baseline` (a directory holding another build of this project, e.g. the commit before
 * a change), that build's support-triage joins every round as a fourth app, "baseline": a
 * change is then measured side by side with what it changed, on the same payloads.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { OutgoingWebhook, SimItem } from "../simulator/model.js";
import { BOT_LOGIN } from "../simulator/model.js";
import { GitHubSimulator } from "../simulator/server.js";
import { startAppHost, type AppHost } from "./app-host.js";
import { BENCH_APPS, type BenchAppKind } from "./compare-apps.js";
import { openFormItem, percentile } from "./load.js";
import { startSender } from "./sender.js";
import { benchWorld, Deliverer, keepConnectionsOpen, signDelivery, tally, type SignedDelivery } from "./rig.js";

export type CompareStream = "intakes" | "mix" | "echoes";
export const COMPARE_STREAMS: readonly CompareStream[] = ["intakes", "mix", "echoes"];
/** The apps of the open-loop runs: support-triage, and the floor for comparison (and the baseline, when given). */
export const OPEN_LOOP_APPS: readonly BenchAppKind[] = ["floor", "support-triage"];

/** An app of the comparison: one of the three, or "baseline" (another build's support-triage). */
export type CompareApp = BenchAppKind | "baseline";

interface Contestant {
  readonly name: CompareApp;
  readonly kind: BenchAppKind;
  /** Child entry of another build (the baseline). */
  readonly entry?: string;
}

/** The child entry of a build in `dir` (its `lib/bench/app-process.js`), or an error saying what is missing. */
export function baselineEntry(dir: string): string {
  const entry = join(resolve(dir), "lib", "bench", "app-process.js");
  if (!existsSync(entry)) throw new Error(`--compare-baseline ${dir}: no ${entry} (build that checkout first: npm run build)`);
  return entry;
}

export interface CompareOptions {
  /** Interleaved rounds (≥ 1). */
  readonly rounds: number;
  /** Deliveries per app and stream in each round (closed loop). */
  readonly deliveries: number;
  /** Deliveries in flight in the closed-loop runs. */
  readonly concurrency: number;
  /** Open-loop rates, deliveries per second. */
  readonly rates: readonly number[];
  /** Sending time of each open-loop run, ms (deliveries = rate × this). */
  readonly openMs: number;
  readonly repos: number;
  /** Each app in its own process (needs the compiled bench); else all in this process. */
  readonly isolate: boolean;
  /** A directory with another build of the project whose support-triage runs as "baseline". */
  readonly baseline?: string | null;
  readonly progress?: (message: string) => void;
}

export interface ClosedRun {
  readonly app: CompareApp;
  readonly stream: CompareStream;
  readonly round: number;
  readonly deliveries: number;
  readonly intakes: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** App process CPU over the run, ms. */
  readonly appCpuMs: number;
  /** This process (simulator + load generator) over the run, ms; 0 when the app shares it. */
  readonly benchCpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  /** Intakes that did not end with a label and the bot's comment (the bare app does nothing: not counted). */
  readonly untriaged: number;
  /** Requests the app made to GitHub during the run (the simulator's log): reads, writes, all counted. */
  readonly reads: number;
  readonly writes: number;
  readonly counted: number;
}

export interface OpenRun {
  readonly app: CompareApp;
  readonly rate: number;
  readonly round: number;
  readonly deliveries: number;
  readonly intakes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly intakeP50: number;
  readonly intakeP99: number;
  readonly echoP99: number;
  /** How late the sends were against the schedule, p99, ms. */
  readonly lateP99: number;
  readonly appCpuPerDelivery: number;
  readonly failed: number;
}

export interface CompareResult {
  readonly rounds: number;
  readonly deliveries: number;
  readonly concurrency: number;
  readonly rates: readonly number[];
  readonly openMs: number;
  /** Echoes support-triage's writes caused per intake in the warm-up: the mix's ratio. */
  readonly echoesPerIntake: number;
  /** Distinct echo payloads recorded (replayed round-robin), from this many warm-up intakes. */
  readonly echoPool: number;
  readonly warmIntakes: number;
  /** Event names of the recorded echoes, with counts ("issues.labeled": 2, …). */
  readonly echoKinds: Readonly<Record<string, number>>;
  readonly closed: readonly ClosedRun[];
  readonly open: readonly OpenRun[];
  readonly isolated: boolean;
  /** The baseline build's directory, when one ran. */
  readonly baseline: string | null;
  readonly errors: readonly string[];
}

interface Delivery {
  readonly d: SignedDelivery;
  /** The intake's item, to check it was triaged; null for an echo. */
  readonly item: SimItem | null;
}

/** `xs` rotated left by `r`: A B C → B C A → C A B. */
export function rotate<T>(xs: readonly T[], r: number): T[] {
  const n = xs.length;
  if (n === 0) return [];
  const k = ((r % n) + n) % n;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

const cpuMsOf = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const eventName = (h: OutgoingWebhook): string => (h.action ? `${h.name}.${h.action}` : h.name);
const isTriaged = (item: SimItem): boolean => item.labels.length > 0 && item.comments.some((c) => c.author.login === BOT_LOGIN);

export async function measureCompare(o: CompareOptions): Promise<CompareResult> {
  const { world, repos } = benchWorld(o.repos);
  const sim = new GitHubSimulator(world);
  const simUrl = await sim.listen();
  keepConnectionsOpen(sim);
  const baseline = o.baseline ? baselineEntry(o.baseline) : null;
  const contestants: Contestant[] = [
    ...BENCH_APPS.map((kind) => ({ name: kind, kind })),
    ...(baseline ? [{ name: "baseline" as const, kind: "support-triage" as const, entry: baseline }] : []),
  ];
  const names = contestants.map((c) => c.name);
  const openApps: CompareApp[] = [...OPEN_LOOP_APPS, ...(baseline ? ["baseline" as const] : [])];
  const hosts = new Map<CompareApp, AppHost>();
  const deliverers = new Map<CompareApp, Deliverer>();
  // The open-loop sender in its own thread: the simulator's work does not delay its timings (./sender.ts).
  const sender = await startSender();
  const errors: string[] = [];
  let opened = 0;
  const intake = (): Delivery => {
    const { hook, item } = openFormItem(world, repos, opened++);
    return { d: signDelivery(hook), item };
  };
  const pool: SignedDelivery[] = [];
  const echoKinds: Record<string, number> = {};
  let echoesPerIntake = 0;
  let nextEcho = 0;
  const echo = (): Delivery => {
    const d = pool[nextEcho++ % pool.length];
    if (!d) throw new Error("no echoes recorded");
    return { d, item: null };
  };
  /** `n` deliveries of a stream, prepared before any clock starts. */
  const stream = (kind: CompareStream, n: number): Delivery[] => {
    if (kind === "intakes") return Array.from({ length: n }, intake);
    if (kind === "echoes") return Array.from({ length: n }, echo);
    // Each intake followed by its share of echoes, so that after k intakes ≈ k × ratio echoes have come.
    const out: Delivery[] = [];
    let intakes = 0;
    let echoes = 0;
    while (out.length < n) {
      out.push(intake());
      intakes++;
      while (out.length < n && echoes < Math.round(intakes * echoesPerIntake)) {
        out.push(echo());
        echoes++;
      }
    }
    return out;
  };
  const host = (app: CompareApp): { host: AppHost; deliverer: Deliverer } => {
    const h = hosts.get(app);
    const d = deliverers.get(app);
    if (!h || !d) throw new Error(`${app} is not running`);
    return { host: h, deliverer: d };
  };
  /** The outbox fills with the echoes of the apps' writes as they run: not delivered (the mix replays recorded ones). */
  const dropEchoes = (): void => void (world.outbox.length = 0);

  const closedLoop = async (app: CompareApp, kind: CompareStream, round: number, n: number): Promise<ClosedRun> => {
    const { host: h, deliverer } = host(app);
    const batch = stream(kind, n);
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const mark = sim.log.length;
    const cpu0 = await h.cpuMs();
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const x = batch[next++] as Delivery;
        try {
          const r = await deliverer.send(x.d);
          latencies.push(r.ms);
          if (r.status < 200 || r.status >= 300) failed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, batch.length)) }, () => worker()));
    const seconds = (performance.now() - t0) / 1000;
    const benchCpuMs = cpuMsOf(process.cpuUsage(bench0));
    const appCpuMs = (await h.cpuMs()) - cpu0;
    const requests = tally(sim.log.slice(mark));
    sim.log.length = mark; // the log would otherwise hold every request of the run
    dropEchoes();
    const items = batch.flatMap((x) => (x.item ? [x.item] : []));
    const untriaged = app === "bare" ? 0 : items.filter((i) => !isTriaged(i)).length;
    if (failed > 0) errors.push(`compare: ${app}, ${kind}, round ${round + 1}: ${failed} deliveries failed`);
    if (untriaged > 0) errors.push(`compare: ${app}, ${kind}, round ${round + 1}: ${untriaged} of ${items.length} intakes not triaged`);
    const sorted = latencies.sort((a, b) => a - b);
    return {
      app,
      stream: kind,
      round,
      deliveries: batch.length,
      intakes: items.length,
      seconds,
      perSecond: batch.length / seconds,
      appCpuMs,
      benchCpuMs: h.isolated ? benchCpuMs : 0,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      failed,
      untriaged,
      reads: requests.reads,
      writes: requests.writes,
      counted: requests.counted,
    };
  };

  const openRun = async (app: CompareApp, rate: number, round: number): Promise<OpenRun> => {
    const { host: h } = host(app);
    const batch = stream("mix", Math.max(1, Math.round((rate * o.openMs) / 1000)));
    const intakeMs: number[] = [];
    const echoMs: number[] = [];
    const mark = sim.log.length;
    const cpu0 = await h.cpuMs();
    const run = await sender.run(h.url, batch.map((x) => x.d), rate);
    batch.forEach((x, i) => {
      const ms = run.byIndex[i];
      if (ms !== null && ms !== undefined) (x.item ? intakeMs : echoMs).push(ms);
    });
    const appCpuMs = (await h.cpuMs()) - cpu0;
    sim.log.length = mark;
    dropEchoes();
    const items = batch.flatMap((x) => (x.item ? [x.item] : []));
    const untriaged = items.filter((i) => !isTriaged(i)).length;
    if (run.failed > 0) errors.push(`compare: ${app}, open loop at ${rate}/s, round ${round + 1}: ${run.failed} deliveries failed (${run.reasons.join(", ")})`);
    if (untriaged > 0) errors.push(`compare: ${app}, open loop at ${rate}/s, round ${round + 1}: ${untriaged} of ${items.length} intakes not triaged`);
    const sorted = [...run.latencies].sort((a, b) => a - b);
    const byKind = (xs: number[]) => xs.sort((a, b) => a - b);
    const late = [...run.lateness].sort((a, b) => a - b);
    const intakes = byKind(intakeMs);
    return {
      app,
      rate,
      round,
      deliveries: batch.length,
      intakes: items.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? 0,
      intakeP50: percentile(intakes, 50),
      intakeP99: percentile(intakes, 99),
      echoP99: percentile(byKind(echoMs), 99),
      lateP99: percentile(late, 99),
      appCpuPerDelivery: appCpuMs / batch.length,
      failed: run.failed,
    };
  };

  try {
    // One process per app, started one after the other (their start-up is not measured).
    for (const c of contestants) {
      const h = await startAppHost(simUrl, world.now, o.isolate, c.kind, c.entry);
      hosts.set(c.name, h);
      deliverers.set(c.name, new Deliverer(h.url, 256));
    }
    const isolated = [...hosts.values()].every((h) => h.isolated);
    const warm = Math.max(20, Math.min(400, Math.round(o.deliveries / 3)));

    // Warm-up of support-triage with its live echoes (as GitHub sends them), which are recorded for the mix.
    o.progress?.(`compare: warm-up, ${warm} intakes to support-triage with the echoes of its writes (recorded for the mix)`);
    {
      const { deliverer } = host("support-triage");
      let started = 0;
      const recorded: OutgoingWebhook[] = [];
      const worker = async (): Promise<void> => {
        for (;;) {
          const queued = world.outbox.shift();
          if (queued) recorded.push(queued);
          if (!queued && started >= warm) return;
          const d = queued ? signDelivery(queued) : (started++, intake().d);
          const r = await deliverer.send(d);
          if (r.status < 200 || r.status >= 300) errors.push(`compare: warm-up delivery answered ${r.status}`);
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, () => worker()));
      for (const hook of recorded) {
        if (hook.cause !== "app") continue;
        pool.push(signDelivery(hook));
        echoKinds[eventName(hook)] = (echoKinds[eventName(hook)] ?? 0) + 1;
      }
      echoesPerIntake = pool.length / warm;
      if (pool.length === 0) throw new Error("compare: support-triage's writes caused no echoes in the warm-up");
    }
    // The other apps (and support-triage's mix path) warm up on the mix, then every app in the open loop's sockets.
    for (const app of names) await closedLoop(app, "mix", -1, warm);
    for (const app of openApps) await openRun(app, Math.max(...o.rates), -1);

    const closed: ClosedRun[] = [];
    const open: OpenRun[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const apps = rotate(names, r);
      for (const kind of rotate(COMPARE_STREAMS, r)) {
        for (const app of apps) closed.push(await closedLoop(app, kind, r, o.deliveries));
      }
      const line = (kind: CompareStream) =>
        apps.map((a) => `${a} ${Math.round(closed.find((c) => c.round === r && c.app === a && c.stream === kind)?.perSecond ?? 0)}/s`).join(", ");
      o.progress?.(`compare: round ${r + 1}/${o.rounds}: intakes ${line("intakes")}; mix ${line("mix")}`);
      for (const rate of rotate(o.rates, r)) {
        for (const app of rotate(openApps, r)) open.push(await openRun(app, rate, r));
      }
      o.progress?.(
        `compare: round ${r + 1}/${o.rounds}: open loop p99 ${open
          .filter((x) => x.round === r && x.app === "support-triage")
          .sort((a, b) => a.rate - b.rate)
          .map((x) => `${x.rate}/s ${x.p99.toFixed(1)} ms`)
          .join(", ")}`,
      );
    }
    for (const h of hosts.values()) errors.push(...(await h.errors()));
    errors.push(...sim.errors);
    return {
      rounds: o.rounds,
      deliveries: o.deliveries,
      concurrency: o.concurrency,
      rates: o.rates,
      openMs: o.openMs,
      echoesPerIntake,
      echoPool: pool.length,
      warmIntakes: warm,
      echoKinds,
      closed,
      open,
      isolated,
      baseline: o.baseline ?? null,
      errors,
    };
  } finally {
    for (const d of deliverers.values()) d.close();
    await sender.close();
    await Promise.all([...hosts.values()].map((h) => h.stop().catch(() => undefined)));
    await sim.close();
  }
}
