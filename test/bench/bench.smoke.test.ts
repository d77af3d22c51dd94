/**
 * Smoke test of `npm run bench`: with tiny numbers and the app in this process, the bench
 * runs end to end and produces every figure, each with a goal or marked as context. No
 * timing assertions: only that the figures exist and the request counts — which do not
 * depend on the machine — are what the app is built to spend. The Redis figures start a
 * redis-server of their own (or use SUPPORT_TRIAGE_BENCH_REDIS_URL / REDIS_URL). The
 * comparison with the bare and floor apps runs one tiny round: its figures must all be
 * there, and what each app spends in requests is checked from the simulator's side.
 */
import { describe, expect, it } from "vitest";
import { parseBenchArgs, renderReport, runBench, UsageError } from "../../src/bench/index.js";

describe("bench", () => {
  it("produces every figure with tiny numbers", async () => {
    const report = await runBench({
      deliveries: 120,
      throughput: 60,
      warmup: 40,
      concurrency: 8,
      sweepSizes: [30, 150],
      pointsSizes: [200],
      overdue: 3,
      targets: 500,
      warmSamples: 2,
      isolate: false,
      repos: 2,
      productionRounds: 1,
      productionItems: 3,
      redisRounds: 1,
      redisRate: 400,
      redisDeliveries: 40,
      redisIntakes: 8,
      compareRounds: 1,
      compareDeliveries: 24,
      compareRates: [100, 400],
      compareOpenMs: 100,
      compareBaseline: null,
    });
    const ids = report.figures.map((f) => f.id);
    expect(ids).toEqual([
      "intake.issue.cold",
      "intake.issue.warm",
      "intake.issue.warm.reads",
      "intake.discussion.cold",
      "intake.discussion.warm",
      "intake.discussion.warm.reads",
      "sweep.30.reads",
      "sweep.30.writes",
      "sweep.30.items",
      "sweep.150.reads",
      "sweep.150.writes",
      "sweep.150.items",
      "points.200.first",
      "points.200.warm",
      "points.200.due",
      "sweep.overdue.writes",
      "production.one-repository",
      "production.ten-installations",
      "targets.rate",
      "targets.warm",
      "webhooks.throughput",
      "webhooks.p99",
      "webhooks.work.p50",
      "webhooks.ignored.p50",
      "webhooks.cpu",
      "webhooks.simulator.cpu",
      "memory.growth",
      ...(["intakes", "mix"] as const).flatMap((s) => [
        `compare.${s}.rate.bare`,
        `compare.${s}.rate.floor`,
        `compare.${s}.rate.support-triage`,
        `compare.${s}.rate.ratio-floor`,
        `compare.${s}.rate.ratio-bare`,
        `compare.${s}.cpu.bare`,
        `compare.${s}.cpu.floor`,
        `compare.${s}.cpu.support-triage`,
        `compare.${s}.cpu.ratio-floor`,
        `compare.${s}.cpu.ratio-bare`,
        ...(s === "intakes" ? ["compare.intakes.requests.bare", "compare.intakes.requests.floor", "compare.intakes.requests.support-triage"] : []),
      ]),
      "compare.echoes.cpu.bare",
      "compare.echoes.cpu.floor",
      "compare.echoes.cpu.support-triage",
      "compare.echoes.cpu.ratio-bare",
      "compare.open.100.p99",
      "compare.open.100.floor.p99",
      "compare.open.400.p99",
      "compare.open.400.floor.p99",
      "redis.ack.p99",
      "redis.ack.ingest.p99",
      "redis.ack.drain",
      "redis.ack.fixed.p99",
      "redis.ack.paced.p99",
      "redis.replicas.1.rate",
      "redis.replicas.2.rate",
      "redis.replicas.4.rate",
      "redis.replicas.1.cpu",
      "redis.replicas.2.cpu",
      "redis.replicas.4.cpu",
    ]);
    for (const f of report.figures) {
      expect(Number.isFinite(f.value), f.id).toBe(true);
      expect(f.met === null ? f.goal : typeof f.met, f.id).toBe(f.met === null ? null : "boolean");
    }
    const value = (id: string) => report.figures.find((f) => f.id === id)?.value;
    // Machine-independent: one read and one batched write per warm intake, nothing written by
    // a sweep where nothing is overdue, one document per escalated item, every item seen.
    expect(value("intake.issue.warm")).toBe(2);
    expect(value("intake.discussion.warm")).toBe(2);
    expect(value("sweep.150.writes")).toBe(0);
    expect(value("sweep.150.items")).toBe(150);
    expect(value("sweep.overdue.writes")).toBe(3);
    // Points as the simulator charges them: the first sweep scans 200 items (two searches, 4
    // and 5 points a page); 20 woke due and were escalated, one mutation point each.
    expect(value("points.200.first")).toBeGreaterThan(0);
    expect(report.figures.find((f) => f.id === "points.200.due")?.detail).toContain("20 escalated");
    // The comparison's apps: Probot alone asks GitHub for nothing; the floor and support-triage
    // both make one read and one batched write per intake (support-triage is warm by then).
    expect(value("compare.intakes.requests.bare")).toBe(0);
    expect(value("compare.intakes.requests.floor")).toBe(2);
    expect(value("compare.intakes.requests.support-triage")).toBe(2);
    expect(report.figures.find((f) => f.id === "compare.intakes.requests.floor")?.detail).toContain("0 not triaged");
    expect(report.figures.find((f) => f.id === "compare.mix.rate.floor")?.detail).toMatch(/echoes per intake [1-9]/);
    // Real pacing: three writes on one installation cannot take less than two seconds.
    expect(value("production.one-repository")).toBeGreaterThanOrEqual(2000);
    expect(report.errors).toEqual([]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(renderReport(report)).toContain("| Webhook deliveries per second");
    // Every Redis delivery was answered and the queues drained (the figures say so in their details).
    expect(report.figures.find((f) => f.id === "redis.ack.drain")?.detail).not.toContain("NOT");
    expect(report.figures.find((f) => f.id === "redis.replicas.4.rate")?.detail).toContain("2 cores cannot scale linearly");
  }, 60_000);

  it.each([
    [["--json", "--deliveries", "500", "--sweep-sizes=10,20"], { json: true, deliveries: 500, sweepSizes: [10, 20] }],
    [["--no-isolate", "--concurrency", "16"], { json: false, isolate: false, concurrency: 16 }],
    [["--redis-rounds", "0"], { redisRounds: 0 }],
    [["--compare-rounds", "0"], { compareRounds: 0 }],
    [
      ["--compare-rounds=7", "--compare-deliveries", "300", "--compare-rates", "50,150", "--compare-open-ms", "500"],
      { compareRounds: 7, compareDeliveries: 300, compareRates: [50, 150], compareOpenMs: 500 },
    ],
    [["--compare-baseline", "/tmp/before"], { compareBaseline: "/tmp/before" }],
    [["--redis-rounds=2", "--redis-rate", "200", "--redis-deliveries", "400", "--redis-intakes", "50"], { redisRounds: 2, redisRate: 200, redisDeliveries: 400, redisIntakes: 50 }],
  ])("parses %j", (argv, expected) => {
    const parsed = parseBenchArgs(argv);
    expect({ json: parsed.json, ...parsed.options }).toMatchObject(expected);
  });

  it.each([[["--deliveries", "many"]], [["--frobnicate"]], [["--concurrency", "0"]], [["--redis-rate", "0"]], [["--compare-rates", "100,x"]], [["--compare-deliveries", "0"]]])("refuses %j with a usage error", (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
  });
});
