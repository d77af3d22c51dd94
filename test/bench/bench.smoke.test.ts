/**
 * Smoke test of `npm run bench`: with tiny numbers and the app in this process, the bench
 * runs end to end and produces every figure, each with a goal or marked as context. No
 * timing assertions: only that the figures exist and the request counts — which do not
 * depend on the machine — are what the app is built to spend.
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
      overdue: 3,
      targets: 500,
      warmSamples: 2,
      isolate: false,
      repos: 2,
      productionRounds: 1,
      productionItems: 3,
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
      "sweep.overdue.writes",
      "production.one-repository",
      "production.ten-installations",
      "targets.rate",
      "webhooks.throughput",
      "webhooks.p99",
      "webhooks.work.p50",
      "webhooks.ignored.p50",
      "webhooks.cpu",
      "webhooks.simulator.cpu",
      "memory.growth",
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
    // Real pacing: three writes on one installation cannot take less than two seconds.
    expect(value("production.one-repository")).toBeGreaterThanOrEqual(2000);
    expect(report.errors).toEqual([]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(renderReport(report)).toContain("| Webhook deliveries per second");
  });

  it.each([
    [["--json", "--deliveries", "500", "--sweep-sizes=10,20"], { json: true, deliveries: 500, sweepSizes: [10, 20] }],
    [["--no-isolate", "--concurrency", "16"], { json: false, isolate: false, concurrency: 16 }],
  ])("parses %j", (argv, expected) => {
    const parsed = parseBenchArgs(argv);
    expect({ json: parsed.json, ...parsed.options }).toMatchObject(expected);
  });

  it.each([[["--deliveries", "many"]], [["--frobnicate"]], [["--concurrency", "0"]]])("refuses %j with a usage error", (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
  });
});
