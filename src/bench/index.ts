/**
 * `npm run bench` (`node lib/bench/index.js [--json] [--deliveries N] …`): measures the
 * app through the simulator and the real HTTP server and prints every figure with its
 * goal — a table, or with `--json` exactly one JSON object. docs/benchmarks.md explains
 * the method of each figure and keeps the latest results.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import type { ItemKind } from "../simulator/model.js";
import { atLeast, atMost, below, context, fmt, renderTable, type BenchReport, type Figure } from "./figures.js";
import { measureIntake, type IntakeResult } from "./intake.js";
import { LoadGenerator, type WindowResult } from "./load.js";
import { benchConfig, startRig, type RequestTally } from "./rig.js";
import { measureSweep, type SweepResult } from "./sweep.js";
import { measureSweepPoints, type PointsRun, type SweepPointsResult } from "./sweep-points.js";
import { measureTargets } from "./targets.js";
import { measureProduction, median, type ProductionResult } from "./production.js";
import { measureRedis, SPLIT_WORKER_NICE, type AckRound, type RedisBenchResult } from "./redis.js";
import { measureCompare } from "./compare.js";
import { compareFigures } from "./compare-figures.js";

export interface BenchOptions {
  /** Deliveries in the memory run (the throughput window is part of it). */
  readonly deliveries: number;
  /** Deliveries measured for throughput and latency, after the warm-up. */
  readonly throughput: number;
  /** Deliveries before the first memory sample (and the warm-up of the throughput window). */
  readonly warmup: number;
  readonly concurrency: number;
  readonly sweepSizes: readonly number[];
  /** Tracked items of the points-per-sweep figures (100,000 are spread over 100 repositories). */
  readonly pointsSizes: readonly number[];
  /** Overdue items in the extra sweep that checks escalation writes (0 skips it). */
  readonly overdue: number;
  readonly targets: number;
  readonly warmSamples: number;
  /** Run the app in its own process (needs the compiled bench). */
  readonly isolate: boolean;
  /** Support repositories the load is spread over. */
  readonly repos: number;
  /** Interleaved rounds of the production-mode triage figures (0 skips them). */
  readonly productionRounds: number;
  /** Items per production-mode round (10 in the issue's figures). */
  readonly productionItems: number;
  /** Rounds of the Redis figures: acknowledgement latency, and 1/2/4 replicas interleaved (0 skips them). */
  readonly redisRounds: number;
  /** Deliveries per second of the open-loop acknowledgement run. */
  readonly redisRate: number;
  /** Deliveries per acknowledgement round (at the rate: 800 is 2 s). */
  readonly redisDeliveries: number;
  /** Intakes per replica round. */
  readonly redisIntakes: number;
  /** Interleaved rounds of the comparison with the bare and floor apps (0 skips it). */
  readonly compareRounds: number;
  /** Deliveries per app and stream in each comparison round (closed loop). */
  readonly compareDeliveries: number;
  /** Rates of the comparison's open-loop latency, deliveries per second. */
  readonly compareRates: readonly number[];
  /** Sending time of each open-loop run, ms. */
  readonly compareOpenMs: number;
  /** Another build of the project (a directory with its lib/) whose support-triage joins the comparison as "baseline". */
  readonly compareBaseline: string | null;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  deliveries: 100_000,
  throughput: 10_000,
  warmup: 1_000,
  concurrency: 16,
  sweepSizes: [1_000, 10_000],
  pointsSizes: [1_000, 10_000, 100_000],
  overdue: 10,
  targets: 200_000,
  warmSamples: 5,
  isolate: true,
  repos: 16,
  productionRounds: 3,
  productionItems: 10,
  redisRounds: 3,
  redisRate: 400,
  redisDeliveries: 800,
  redisIntakes: 150,
  compareRounds: 5,
  compareDeliveries: 400,
  compareRates: [100, 200, 400],
  compareOpenMs: 1500,
  compareBaseline: null,
};

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const USAGE =
  "usage: node lib/bench/index.js [--json] [--deliveries N] [--throughput N] [--warmup N] [--concurrency N] " +
  "[--sweep-sizes N,N] [--points-sizes N,N|0] [--overdue N] [--targets N] [--warm-samples N] [--repos N] [--production-rounds N] [--production-items N] " +
  "[--redis-rounds N] [--redis-rate N] [--redis-deliveries N] [--redis-intakes N] " +
  "[--compare-rounds N] [--compare-deliveries N] [--compare-rates N,N] [--compare-open-ms N] [--compare-baseline DIR] [--no-isolate] [--cpu-prof DIR]";

export function parseBenchArgs(argv: readonly string[]): { json: boolean; help: boolean; cpuProf: string | null; options: BenchOptions } {
  const o: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = {
    ...DEFAULT_OPTIONS,
    sweepSizes: [...DEFAULT_OPTIONS.sweepSizes],
    pointsSizes: [...DEFAULT_OPTIONS.pointsSizes],
    compareRates: [...DEFAULT_OPTIONS.compareRates],
  };
  let json = false;
  let help = false;
  let cpuProf: string | null = null;
  const count = (flag: string, raw: string | undefined, min: number): number => {
    if (raw === undefined || !/^\d+$/.test(raw.replace(/_/g, ""))) throw new UsageError(`${flag} needs a whole number, got ${JSON.stringify(raw ?? "")}`);
    const n = Number(raw.replace(/_/g, ""));
    if (n < min) throw new UsageError(`${flag} must be at least ${min}, got ${n}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag = "", inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--json":
        json = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--no-isolate":
        o.isolate = false;
        break;
      case "--cpu-prof": {
        const dir = value();
        if (!dir || dir.startsWith("--")) throw new UsageError("--cpu-prof needs a directory for the app process's .cpuprofile");
        cpuProf = dir;
        break;
      }
      case "--deliveries":
        o.deliveries = count(flag, value(), 1);
        break;
      case "--throughput":
        o.throughput = count(flag, value(), 1);
        break;
      case "--warmup":
        o.warmup = count(flag, value(), 1);
        break;
      case "--concurrency":
        o.concurrency = count(flag, value(), 1);
        break;
      case "--overdue":
        o.overdue = count(flag, value(), 0);
        break;
      case "--targets":
        o.targets = count(flag, value(), 1);
        break;
      case "--warm-samples":
        o.warmSamples = count(flag, value(), 1);
        break;
      case "--repos":
        o.repos = count(flag, value(), 1);
        break;
      case "--production-rounds":
        o.productionRounds = count(flag, value(), 0);
        break;
      case "--production-items":
        o.productionItems = count(flag, value(), 1);
        break;
      case "--redis-rounds":
        o.redisRounds = count(flag, value(), 0);
        break;
      case "--redis-rate":
        o.redisRate = count(flag, value(), 1);
        break;
      case "--redis-deliveries":
        o.redisDeliveries = count(flag, value(), 1);
        break;
      case "--redis-intakes":
        o.redisIntakes = count(flag, value(), 1);
        break;
      case "--compare-rounds":
        o.compareRounds = count(flag, value(), 0);
        break;
      case "--compare-deliveries":
        o.compareDeliveries = count(flag, value(), 1);
        break;
      case "--compare-open-ms":
        o.compareOpenMs = count(flag, value(), 1);
        break;
      case "--compare-baseline": {
        const dir = value();
        if (!dir || dir.startsWith("--")) throw new UsageError("--compare-baseline needs the directory of another build of this project (with its lib/)");
        o.compareBaseline = dir;
        break;
      }
      case "--compare-rates": {
        const raw = value() ?? "";
        o.compareRates = raw.split(",").map((part) => count(flag, part, 1));
        break;
      }
      case "--sweep-sizes": {
        const raw = value() ?? "";
        o.sweepSizes = raw.split(",").map((part) => count(flag, part, 1));
        break;
      }
      case "--points-sizes": {
        const raw = value() ?? "";
        o.pointsSizes = raw === "0" ? [] : raw.split(",").map((part) => count(flag, part, 1));
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
    }
  }
  return { json, help, cpuProf, options: o };
}

function productionFigures(r: ProductionResult): Figure[] {
  const spread = (xs: readonly number[]) => `median of ${xs.length} interleaved rounds; min ${fmt(Math.min(...xs))} ms, max ${fmt(Math.max(...xs))} ms`;
  return [
    atMost(
      "production.one-repository",
      `Production mode: ${r.items} new items on one repository, all triaged`,
      median(r.oneRepository),
      "ms",
      r.pacingFloorMs + 2000,
      `${spread(r.oneRepository)}; GitHub's pacing (a write per second per installation) needs at least ${fmt(r.pacingFloorMs)} ms — the goal allows 2 s more, as for unpaced work`,
    ),
    below(
      "production.ten-installations",
      `Production mode: ${r.items} new items on ${r.items} installations, all triaged`,
      median(r.tenInstallations),
      "ms",
      2000,
      `${spread(r.tenInstallations)}; installations are paced apart, reads are not queued behind writes`,
    ),
  ];
}

function redisFigures(r: RedisBenchResult): Figure[] {
  const { ack, replicas } = r;
  const range = (xs: readonly number[], unit: string) =>
    xs.length > 1 ? `median of ${xs.length} rounds (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))} ${unit})` : `one round`;
  const where = (isolated: boolean, what: string) => (isolated ? `${what} in its own process` : `${what} in the bench's process (--no-isolate): CPU figures are the whole process's`);
  const server = `Redis ${r.redis.version}${r.redis.own ? " (started by the bench)" : " (given)"}`;
  // The goal is measured on the deployment docs/deploy.md gives for this rate on one host: a
  // receive-only replica and a worker replica at a lower CPU priority ("split"). One replica
  // doing both (the default, "paced") is reported beside it.
  const rounds = ack.split.length > 0 ? ack.split : ack.rounds;
  const split = ack.split.length > 0;
  const first = rounds[0];
  const med = (xs: readonly AckRound[], f: (x: AckRound) => number) => fmt(median(xs.map(f)));
  const figures: Figure[] = [
    below(
      "redis.ack.p99",
      split
        ? `Acknowledgement latency with Redis, p99 at ${fmt(ack.rate)} deliveries/s: a receive-only replica + a worker replica at nice ${SPLIT_WORKER_NICE}`
        : `Acknowledgement latency with Redis, p99 at ${fmt(ack.rate)} deliveries/s`,
      median(rounds.map((x) => x.p99)),
      "ms",
      20,
      `${range(rounds.map((x) => x.p99), "ms")}; p50 ${med(rounds, (x) => x.p50)} ms, max ${fmt(Math.max(...rounds.map((x) => x.max)))} ms; open loop, ${first?.deliveries ?? 0} deliveries a round ` +
        `(${first?.opened ?? 0} support-form issues.opened, ${first?.comments ?? 0} customer issue_comment.created), each answered once stored as a BullMQ job; ` +
        (split
          ? `SUPPORT_TRIAGE_WORKER_CONCURRENCY=0 on the replica that answers, a second replica process working the queue at nice ${SPLIT_WORKER_NICE} (docs/deploy.md: both roles on one host); queue drained ${med(rounds, (x) => x.drainMs)} ms after the last answer; `
          : `the app's workers taking jobs meanwhile at a concurrency that follows the event loop's delay (the default); `) +
        `sends late by p99 ${med(rounds, (x) => x.lateP99)} ms (the sender runs in its own thread); app CPU ${med(rounds, (x) => x.appCpuPerDelivery)} ms, Redis ${med(rounds, (x) => x.redisCpuPerDelivery)} ms per delivery (ingest and the job); ` +
        `${rounds.reduce((a, x) => a + x.failed, 0)} failed; ${where(ack.isolated, "app")}; ${server}`,
    ),
    context(
      "redis.ack.ingest.p99",
      `Acknowledgement latency, workers paused (ingest alone), p99`,
      median(ack.ingest.map((x) => x.p99)),
      "ms",
      `${range(ack.ingest.map((x) => x.p99), "ms")}, interleaved with the rounds above; p50 ${med(ack.ingest, (x) => x.p50)} ms, max ${fmt(Math.max(...ack.ingest.map((x) => x.max)))} ms; ` +
        `the same load with the queue paused, so the app only verifies, parses and stores: app CPU ${med(ack.ingest, (x) => x.appCpuPerDelivery)} ms, Redis ${med(ack.ingest, (x) => x.redisCpuPerDelivery)} ms per delivery; ` +
        `${ack.ingest.reduce((a, x) => a + x.failed, 0)} failed`,
    ),
    context(
      "redis.ack.drain",
      "Queue drained after the last acknowledgement",
      median(ack.rounds.map((x) => x.drainMs)),
      "ms",
      `${range(ack.rounds.map((x) => x.drainMs), "ms")}: one replica doing both; from the last answer until every job was processed — the backlog the workers had left${ack.rounds.every((x) => x.drained) ? "" : " — the queue did NOT drain"}`,
    ),
  ];
  // The same load on the other configurations, interleaved with the rounds above.
  const alike = (id: string, title: string, xs: readonly AckRound[], what: string): Figure =>
    context(
      id,
      title,
      median(xs.map((x) => x.p99)),
      "ms",
      `${range(xs.map((x) => x.p99), "ms")}; p50 ${med(xs, (x) => x.p50)} ms, max ${fmt(Math.max(0, ...xs.map((x) => x.max)))} ms; ${what}; ` +
        `queue drained ${med(xs, (x) => x.drainMs)} ms after the last answer; app CPU ${med(xs, (x) => x.appCpuPerDelivery)} ms per delivery; ${xs.reduce((a, x) => a + x.failed, 0)} failed`,
    );
  if (ack.fixed.length > 0) figures.push(alike("redis.ack.fixed.p99", "Acknowledgement latency, fixed concurrency (16 jobs at once), p99", ack.fixed, "SUPPORT_TRIAGE_LOOP_DELAY_MS=0: the workers do not yield to the acknowledgements (the behaviour before pacing)"));
  if (split && ack.rounds.length > 0) figures.push(alike("redis.ack.paced.p99", "Acknowledgement latency, one replica receiving and working (the default), p99", ack.rounds, "the app's workers take jobs meanwhile at a concurrency that follows the event loop's delay; receiving and working share one event loop"));
  const of = (c: number) => replicas.rounds.get(c) ?? [];
  const rate1 = median(of(1).map((x) => x.perSecond));
  for (const c of replicas.counts) {
    const xs = of(c);
    const rate = median(xs.map((x) => x.perSecond));
    const scale = c === 1 ? "" : `; ×${fmt(rate / rate1)} the rate of 1 replica — 2 cores cannot scale linearly: the simulator, the load generator, Redis and the replicas share them`;
    figures.push(
      context(
        `redis.replicas.${c}.rate`,
        `Intakes per second, ${c} replica process${c === 1 ? "" : "es"} on Redis`,
        rate,
        "intakes/s",
        `${range(xs.map((x) => x.perSecond), "/s")}, 1-2-4 interleaved; ${replicas.intakes} new form items (3 issues : 1 discussion) round-robin, ${replicas.concurrency} in flight, ` +
          `timed until all triaged and the queue drained; the app's ${fmt(median(xs.map((x) => x.echoes)))} echoes delivered too; ` +
          `this run kept ${fmt(median(xs.map((x) => x.coresBusy)))} of ${cpus().length} cores busy${scale}`,
      ),
    );
  }
  for (const c of replicas.counts) {
    const xs = of(c);
    figures.push(
      context(
        `redis.replicas.${c}.cpu`,
        `Replica CPU per intake, ${c} replica process${c === 1 ? "" : "es"}`,
        median(xs.map((x) => x.cpuPerIntake)),
        "ms",
        `${range(xs.map((x) => x.cpuPerIntake), "ms")}: the replicas' CPU time together ÷ intakes (queue, lease, read, write, echoes); ` +
          (replicas.isolated ? `simulator + load generator ${fmt(median(xs.map((x) => x.benchCpuPerIntake)))} ms, ` : "") +
          `Redis ${fmt(median(xs.map((x) => x.redisCpuPerIntake)))} ms per intake; ${where(replicas.isolated, "each replica")}`,
      ),
    );
  }
  return figures;
}

const breakdown = (t: RequestTally): string => {
  const parts = [
    t.graphqlReads ? `${t.graphqlReads} GraphQL read` : "",
    t.graphqlWrites ? `${t.graphqlWrites} GraphQL write` : "",
    t.restReads ? `${t.restReads} REST read` : "",
    t.restWrites ? `${t.restWrites} REST write` : "",
    t.tokens ? `${t.tokens} token` : "",
    t.appReads ? `${t.appReads} app-level read` : "",
  ].filter(Boolean);
  return `${parts.join(" + ") || "nothing"}; ${t.notModified} answered 304 (free)`;
};

function intakeFigures(r: IntakeResult): Figure[] {
  const k = r.kind;
  const ok = r.triaged ? "" : " — an intake did NOT end triaged";
  return [
    context(`intake.${k}.cold`, `Requests per ${k} intake, cold`, r.cold.counted, "requests", `${breakdown(r.cold)} (${r.cold.requests.join(", ")})${ok}`),
    atMost(`intake.${k}.warm`, `Requests per ${k} intake, warm`, r.warmWorst.counted, "requests", 2, `worst of ${r.warmSamples}, mean ${fmt(r.warmMean)}: ${breakdown(r.warmWorst)}${ok}`),
    atMost(`intake.${k}.warm.reads`, `Reads per ${k} intake, warm`, r.warmWorst.reads, "requests", 1, "the limit: one GraphQL document with the item, labels, config and form"),
  ];
}

function sweepFigures(r: SweepResult): Figure[] {
  const n = r.items;
  const limit = Math.ceil(n / 100) + 1;
  const w = r.warm.requests;
  const label = n.toLocaleString("en-US");
  return [
    atMost(`sweep.${n}.reads`, `Reads per sweep of ${label} items, warm`, w.reads, "requests", limit, `${breakdown(w)}; cold: ${breakdown(r.cold.requests)}`),
    atMost(`sweep.${n}.writes`, `Writes per sweep of ${label} items, none overdue`, r.cold.requests.writes + w.writes, "requests", 0, "cold and warm sweep together"),
    atLeast(
      `sweep.${n}.items`,
      `Items seen by the first sweep of ${label}`,
      r.cold.summary.items,
      "items",
      n,
      `seeded in ${fmt(r.seedMs)} ms; the warm sweep looked only at the ${fmt(r.warm.summary.items)} changed in the last sweep's ten-minute margin`,
    ),
  ];
}

/** GitHub's hourly points for an installation with this many repositories (5,000 + 50 per repository over 20, at most 12,500). */
const installationPoints = (repos: number): number => Math.min(12_500, 5_000 + 50 * Math.max(0, repos - 20));

function pointsFigures(r: SweepPointsResult): Figure[] {
  const n = r.items;
  const label = `${n.toLocaleString("en-US")} items${r.repos > 1 ? ` on ${r.repos} repositories` : ""}`;
  const run = (x: PointsRun) => `${x.graphql} GraphQL + ${x.rest} REST requests, ${x.items} items looked at, ${x.escalated} escalated, ${x.writes} writes`;
  const first = `first sweep after a start (no ledger): ${run(r.first)}`;
  const figures: Figure[] = [];
  figures.push(
    n === 10_000 && r.repos === 1
      ? atMost(`points.${n}.first`, `Points of the first sweep after a start, ${label}`, r.first.points, "points", 500, first)
      : context(`points.${n}.first`, `Points of the first sweep after a start, ${label}`, r.first.points, "points", first),
  );
  figures.push(context(`points.${n}.warm`, `Points of a warm sweep, ${label}, nothing changed or due`, r.warm.points, "points", run(r.warm)));
  const due = `${r.due} due (woken from the ledger): ${run(r.warmDue)}; each escalation is one mutation, 1 point`;
  if (n === 10_000 && r.repos === 1) {
    figures.push(atMost(`points.${n}.due`, `Points of a warm sweep, ${label}, ${r.due} due`, r.warmDue.points, "points", 150, `${due}; moonshot ≤ 50`));
    figures.push(atMost(`points.${n}.due.reads`, `Reads of a warm sweep, ${label}, ${r.due} due`, r.warmDue.graphql + r.warmDue.rest, "requests", 10, "GraphQL and REST reads; the escalation writes are counted above"));
  } else if (n === 100_000) {
    figures.push(atMost(`points.${n}.due`, `Points of a warm sweep, ${label}, ${r.due} due`, r.warmDue.points, "points", 1500, due));
  } else {
    figures.push(context(`points.${n}.due`, `Points of a warm sweep, ${label}, ${r.due} due`, r.warmDue.points, "points", due));
  }
  return figures;
}

function overdueFigures(r: SweepResult): Figure[] {
  const c = r.cold.requests;
  return [
    atMost(
      `sweep.overdue.writes`,
      `Writes per sweep with ${r.overdue} of ${r.items.toLocaleString("en-US")} overdue`,
      c.writes,
      "requests",
      r.overdue,
      `one batched document per escalated item; ${r.cold.summary.escalated} escalated (model: ${r.escalatedInModel}); reads ${c.reads}; the next sweep wrote ${r.warm.requests.writes}`,
    ),
  ];
}

function loadFigures(w: WindowResult, appCpuMs: number, benchCpuMs: number, concurrency: number, isolated: boolean): Figure[] {
  const perDelivery = appCpuMs / w.deliveries;
  const simPerDelivery = benchCpuMs / w.deliveries;
  const cls = `work ${w.work.count}, ignored ${w.ignored.count}`;
  return [
    atLeast("webhooks.throughput", "Webhook deliveries per second", w.perSecond, "deliveries/s", 1000, `${w.deliveries} deliveries (${cls}), ${concurrency} in flight, ${w.failed} failed`),
    below("webhooks.p99", "Delivery latency p99, all", w.all.p99, "ms", 50, `p50 ${fmt(w.all.p50)} ms, max ${fmt(w.all.max)} ms`),
    context("webhooks.work.p50", "Latency of events that need work, p50", w.work.p50, "ms", `p99 ${fmt(w.work.p99)} ms over ${w.work.count} (read + batched write)`),
    context("webhooks.ignored.p50", "Latency of events ignored (the app's own), p50", w.ignored.p50, "ms", `p99 ${fmt(w.ignored.p99)} ms over ${w.ignored.count}`),
    context(
      "webhooks.cpu",
      "App CPU per delivery",
      perDelivery,
      "ms",
      isolated
        ? `capacity ≈ ${fmt(1000 / perDelivery)} deliveries/s per core for the app alone`
        : "app, simulator and load generator together (--no-isolate): not the app's own cost",
    ),
    context(
      "webhooks.simulator.cpu",
      "Simulator + load generator CPU per delivery",
      simPerDelivery,
      "ms",
      isolated
        ? "the other side of the loopback, on the same cores (GraphQL validation against GitHub's schema, payloads, signing)"
        : "not measured apart when the app shares the bench's process",
    ),
  ];
}

type Progress = (message: string) => void;

export async function runBench(options: BenchOptions, progress: Progress = () => {}): Promise<BenchReport> {
  const startedAt = new Date();
  const load0 = loadavg()[0] ?? 0;
  const figures: Figure[] = [];
  const errors: string[] = [];
  const config = benchConfig();

  for (const kind of ["issue", "discussion"] as const satisfies readonly ItemKind[]) {
    progress(`intake: ${kind}s`);
    const r = await measureIntake(kind, { isolate: options.isolate, warmSamples: options.warmSamples });
    figures.push(...intakeFigures(r));
    errors.push(...r.errors);
  }

  for (const n of options.sweepSizes) {
    progress(`sweep: ${n} items`);
    const r = await measureSweep({ items: n, overdue: 0, isolate: options.isolate });
    figures.push(...sweepFigures(r));
    errors.push(...r.errors);
  }
  for (const n of options.pointsSizes) {
    const repos = n >= 100_000 ? 100 : 1;
    progress(`points per sweep: ${n} items on ${repos} repositories`);
    const r = await measureSweepPoints({ items: n, repos, due: Math.min(50, Math.max(1, Math.floor(n / 10))), budget: installationPoints(repos) });
    figures.push(...pointsFigures(r));
    errors.push(...r.errors);
  }
  if (options.overdue > 0) {
    const n = Math.max(options.overdue, Math.min(...options.sweepSizes));
    progress(`sweep: ${n} items, ${options.overdue} overdue`);
    const r = await measureSweep({ items: n, overdue: options.overdue, isolate: options.isolate });
    figures.push(...overdueFigures(r));
    errors.push(...r.errors);
  }

  if (options.productionRounds > 0) {
    progress(`production mode: ${options.productionRounds} interleaved rounds of ${options.productionItems} items (real pacing)`);
    const r = await measureProduction({ items: options.productionItems, rounds: options.productionRounds });
    figures.push(...productionFigures(r));
    errors.push(...r.errors);
  }

  progress(`due times: ${options.targets} computations`);
  const t = measureTargets(config, options.targets);
  figures.push(
    atLeast(
      "targets.rate",
      "Due-time computations per second, cold",
      t.cold.perSecond,
      "computations/s",
      100_000,
      `computeTarget × ${t.computations} over random plans, priorities and instants on ${t.days} days, calendar caches fresh (every day and holiday year computed on first use)`,
    ),
    atLeast(
      "targets.warm",
      "Due-time computations per second, warm",
      t.warm.perSecond,
      "computations/s",
      100_000,
      `the same ${t.computations} inputs again, every day cached; ×${fmt(t.warm.perSecond / t.cold.perSecond)} the cold rate`,
    ),
  );

  const warmup = Math.min(options.warmup, Math.max(1, Math.floor(options.deliveries / 2)));
  const window = Math.max(1, Math.min(options.throughput, options.deliveries - warmup));
  progress(`webhooks: ${options.deliveries} deliveries (${warmup} warm-up, ${window} measured), ${options.concurrency} in flight`);
  const rig = await startRig({ isolate: options.isolate, repos: options.repos });
  try {
    const gen = new LoadGenerator(rig, options.concurrency);
    await gen.run(warmup, false);
    const first = await rig.host.memory();
    const benchCpu = process.cpuUsage();
    const w = await gen.run(window, true);
    const benchCpuUsed = process.cpuUsage(benchCpu);
    const afterWindow = await rig.host.memory();
    // In one process the app's CPU is the bench's too: the split is only known when isolated.
    const benchMs = rig.host.isolated ? (benchCpuUsed.user + benchCpuUsed.system) / 1000 : 0;
    figures.push(...loadFigures(w, afterWindow.cpuMs - first.cpuMs, benchMs, options.concurrency, rig.host.isolated));
    let done = warmup + window;
    while (done < options.deliveries) {
      const step = Math.min(10_000, options.deliveries - done);
      await gen.run(step, false);
      done += step;
      progress(`webhooks: ${done} delivered`);
    }
    const last = await rig.host.memory();
    const growth = (100 * (last.rss - first.rss)) / first.rss;
    const mb = (b: number) => `${fmt(b / 1_048_576)} MB`;
    figures.push(
      below(
        "memory.growth",
        `Resident memory growth, ${gen.delivered.toLocaleString("en-US")} vs ${warmup.toLocaleString("en-US")} deliveries`,
        growth,
        "%",
        20,
        `RSS ${mb(first.rss)} → ${mb(last.rss)}; V8 heap used ${mb(first.heapUsed)} → ${mb(last.heapUsed)} of ${mb(first.heapTotal)} → ${mb(last.heapTotal)} reserved${last.gc ? ", after forced GC" : ", GC not forced (no --expose-gc)"}${rig.host.isolated ? ", app in its own process" : ", app shares the bench's process"}`,
      ),
    );
    errors.push(...(await rig.host.errors()), ...rig.sim.errors);
  } finally {
    await rig.stop();
  }

  if (options.compareRounds > 0) {
    progress(
      `compare: bare, floor and support-triage, ${options.compareRounds} interleaved rounds of ${options.compareDeliveries} deliveries per app and stream, ` +
        `open loop at ${options.compareRates.join(", ")}/s for ${options.compareOpenMs} ms${options.compareBaseline ? `, baseline ${options.compareBaseline}` : ""}`,
    );
    const r = await measureCompare({
      rounds: options.compareRounds,
      deliveries: options.compareDeliveries,
      concurrency: options.concurrency,
      rates: options.compareRates,
      openMs: options.compareOpenMs,
      repos: options.repos,
      isolate: options.isolate,
      baseline: options.compareBaseline,
      progress,
    });
    figures.push(...compareFigures(r));
    errors.push(...r.errors);
  }

  if (options.redisRounds > 0) {
    const r = await measureRedis({
      rounds: options.redisRounds,
      rate: options.redisRate,
      deliveries: options.redisDeliveries,
      intakes: options.redisIntakes,
      repos: options.repos,
      isolate: options.isolate,
      concurrency: options.concurrency,
      progress,
    });
    figures.push(...redisFigures(r));
    errors.push(...r.ack.errors, ...r.replicas.errors);
  }

  const cpuList = cpus();
  return {
    bench: "support-triage",
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? "unknown",
      memoryMb: Math.round(totalmem() / 1_048_576),
      loadAverage: { start: load0, end: loadavg()[0] ?? 0 },
    },
    options: { ...options },
    figures,
    allMet: figures.every((f) => f.met !== false),
    errors: [...new Set(errors)],
  };
}

export function renderReport(r: BenchReport): string {
  const m = r.machine;
  return [
    `support-triage bench — ${r.startedAt}, ${fmt(r.seconds)} s`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.memoryMb)} MB, Node ${m.node} (${m.platform}), load average ${m.loadAverage.start.toFixed(2)} → ${m.loadAverage.end.toFixed(2)}`,
    "",
    renderTable(r.figures),
    "",
    r.allMet ? "Every goal met." : `Goals NOT met: ${r.figures.filter((f) => f.met === false).map((f) => f.id).join(", ")}`,
    ...(r.errors.length ? ["", "Errors during the run:", ...r.errors.map((e) => `  ${e}`)] : []),
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // In-process runs sample this process's memory: re-run with a GC we can force.
  if (!parsed.options.isolate && typeof (globalThis as { gc?: unknown }).gc !== "function" && !process.env["SUPPORT_TRIAGE_BENCH_CHILD"]) {
    const child = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...argv], {
      stdio: "inherit",
      env: { ...process.env, SUPPORT_TRIAGE_BENCH_CHILD: "1" },
    });
    return child.status ?? 1;
  }
  // The isolated app process reads this (app-host.ts) and writes its profile when it exits.
  if (parsed.cpuProf) process.env["BENCH_CPU_PROF"] = parsed.cpuProf;
  const progress: Progress = parsed.json && !process.stderr.isTTY ? () => {} : (message) => process.stderr.write(`bench: ${message}\n`);
  const report = await runBench(parsed.options, progress);
  process.stdout.write(parsed.json ? `${JSON.stringify(report)}\n` : `${renderReport(report)}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
