/**
 * The SLA report of a week (examples/report.yml): 20 items across the three plans, issues
 * and discussions, answered in time, late, escalated, still open — run through the real
 * app and simulator. Every number of the report is checked against the hand count below,
 * worked out from the scenario's comments (bh = business hours, 6am–6pm Pacific, Mon–Fri).
 *
 *  #  kind        plan        prio  what happened                                   ttfr      outcome
 *  1  issue       business    P1    answered after 30 min                            30m       met
 *  2  discussion  enterprise  P1    answered after 10 min                            10m       met
 *  3  issue       standard    P3    answered Tue 09:00 (Mon 9.5 bh + Tue 3 bh)        12.5 bh   met
 *  4  issue       enterprise  P2    escalated, answered 1 h late                     2h        missed, late 1h
 *  5  issue       business    P3    answered after 3 bh                              3 bh      met
 *  6  discussion  standard    P4    escalated, never answered, open                  –         missed, late 22.5 bh, overdue
 *  7  issue       business    P2    escalated, never answered, open                  –         missed, late 71h, overdue
 *  8  discussion  enterprise  P3    escalated, answered 1 bh late                    5 bh      missed, late 1 bh
 *  9  issue       standard    P1    answered Wed 10:00 (Tue 4 bh + Wed 4 bh)         8 bh      met
 * 10  issue       business    P4    answered Thu 08:00 (4 + 12 + 2 bh)               18 bh     met
 * 11  discussion  enterprise  P1    answered after 5 min                             5m        met
 * 12  issue       standard    P3    never answered, due Fri 10:05, not yet swept      –         missed, late 1h55m bh, overdue
 * 13  issue       business    P2    answered after 1 h, closed                       1h        met
 * 14  issue       enterprise  P4    escalated, never answered, open                  –         missed, late 4 bh, overdue
 * 15  discussion  standard    P2    answered after 2 bh                              2 bh      met
 * 16  issue       business    P1    escalated, answered 6.5 h late                   7.5h      missed, late 6.5h
 * 17  issue       enterprise  P3    escalated, closed unanswered 2 bh after due      –         missed, late 2 bh
 * 18  discussion  enterprise  P3    open, 3 of 4 bh elapsed                          –         at risk
 * 19  issue       standard    P4    open, 3 of 24 bh elapsed                         –         on track
 * 20  issue       standard    P3    closed unanswered before its due time            –         neither
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario, type ScenarioResult } from "../../src/simulator/harness.js";
import { narrate } from "../../src/simulator/narrate.js";
import type { Priority } from "../../src/config/types.js";
import type { ReportStats, SlaReport } from "../../src/triage/report.js";
import { renderReportMarkdown, REPORT_TITLE } from "../../src/triage/report-render.js";
import { loadMermaid, mermaidBlocks } from "../support/mermaid.js";

const M = 60_000;
const H = 60 * M;
const FILE = "examples/report.yml";

let result: ScenarioResult;
let report: SlaReport;
beforeAll(async () => {
  result = await runScenario(readFileSync(FILE, "utf8"), FILE);
  const r = result.state.reports?.[0];
  if (!r) throw new Error("the scenario produced no report");
  report = r;
}, 120_000);

type Row = [tracked: number, responded: number, met: number, missed: number, metPct: number | null, median: number | null, p90: number | null, escalated: number, overdue: number, atRisk: number, onTrack: number];
const asRow = (s: ReportStats | undefined): Row | undefined =>
  s && [s.tracked, s.responded, s.met, s.missed, s.metPct, s.medianMs, s.p90Ms, s.escalated, s.open.overdue, s.open.atRisk, s.open.onTrack];

describe("the SLA report of a week, against the hand count", () => {
  it("ran cleanly", () => {
    expect(result.state.errors).toEqual([]);
    expect(report.repo).toBe("acme/support");
    expect(report.generatedAt).toBe("2026-12-04T12:00:00.000-08:00");
  });

  //                                      tracked resp met missed met%  median      p90        esc  overdue risk track
  const TOTAL: Row = /*               */ [20, 12, 9, 8, 52.9, 2.5 * H, 12.5 * H, 7, 4, 1, 1];
  it("total", () => expect(asRow(report.total)).toEqual(TOTAL));

  it.each([
    ["P1", [5, 5, 4, 1, 80, 30 * M, 8 * H, 1, 0, 0, 0]],
    ["P2", [4, 3, 2, 2, 50, 2 * H, 2 * H, 2, 1, 0, 0]],
    ["P3", [7, 3, 2, 3, 40, 5 * H, 12.5 * H, 2, 1, 1, 0]],
    ["P4", [4, 1, 1, 2, 33.3, 18 * H, 18 * H, 2, 2, 0, 1]],
  ] as [Priority, Row][])("priority %s", (priority, row) => {
    expect(asRow(report.byPriority.find((s) => s.priority === priority))).toEqual(row);
  });

  it.each([
    ["standard", [7, 3, 3, 2, 60, 8 * H, 12.5 * H, 1, 2, 0, 1]],
    ["business", [6, 5, 4, 2, 66.7, 3 * H, 18 * H, 2, 1, 0, 0]],
    ["enterprise", [7, 4, 2, 4, 33.3, 65 * M, 5 * H, 4, 1, 1, 0]],
  ] as [string, Row][])("plan %s", (plan, row) => {
    expect(asRow(report.byPlan.find((s) => s.plan === plan))).toEqual(row);
  });

  it.each([
    ["P1", "standard", [1, 1, 1, 0, 100, 8 * H, 8 * H, 0, 0, 0, 0]],
    ["P1", "business", [2, 2, 1, 1, 50, 4 * H, 7.5 * H, 1, 0, 0, 0]],
    ["P1", "enterprise", [2, 2, 2, 0, 100, 7.5 * M, 10 * M, 0, 0, 0, 0]],
    ["P2", "standard", [1, 1, 1, 0, 100, 2 * H, 2 * H, 0, 0, 0, 0]],
    ["P2", "business", [2, 1, 1, 1, 50, 1 * H, 1 * H, 1, 1, 0, 0]],
    ["P2", "enterprise", [1, 1, 0, 1, 0, 2 * H, 2 * H, 1, 0, 0, 0]],
    ["P3", "standard", [3, 1, 1, 1, 50, 12.5 * H, 12.5 * H, 0, 1, 0, 0]],
    ["P3", "business", [1, 1, 1, 0, 100, 3 * H, 3 * H, 0, 0, 0, 0]],
    ["P3", "enterprise", [3, 1, 0, 2, 0, 5 * H, 5 * H, 2, 0, 1, 0]],
    ["P4", "standard", [2, 0, 0, 1, 0, null, null, 1, 1, 0, 1]],
    ["P4", "business", [1, 1, 1, 0, 100, 18 * H, 18 * H, 0, 0, 0, 0]],
    ["P4", "enterprise", [1, 0, 0, 1, 0, null, null, 1, 1, 0, 0]],
  ] as [Priority, string, Row][])("%s × %s", (priority, plan, row) => {
    expect(asRow(report.cells.find((s) => s.priority === priority && s.plan === plan))).toEqual(row);
  });

  it("coverage of the rows: 24x7 and business-hours targets apart, mixed where both meet", () => {
    expect(report.cells.filter((c) => c.coverage === "24x7").map((c) => `${c.priority} ${c.plan}`)).toEqual(["P1 business", "P1 enterprise", "P2 business", "P2 enterprise"]);
    expect(report.byPlan.map((s) => s.coverage)).toEqual(["12x5", "mixed", "mixed"]);
    expect(report.total.coverage).toBe("mixed");
  });

  it("the breaches, latest first, with links and how late (in the target's units)", () => {
    expect(report.breaches.map((b) => [b.number, b.kind, b.lateByMs, b.respondedAt !== null, b.escalated])).toEqual([
      [7, "issue", 71 * H, false, true],
      [6, "discussion", 22.5 * H, false, true],
      [16, "issue", 6.5 * H, true, true],
      [14, "issue", 4 * H, false, true],
      [17, "issue", 2 * H, false, true],
      [12, "issue", 115 * M, false, false],
      [4, "issue", 1 * H, true, true],
      [8, "discussion", 1 * H, true, true],
    ]);
    expect(report.breaches[1]?.url).toBe("https://github.com/acme/support/discussions/6");
    expect(report.breaches[0]?.url).toBe("https://github.com/acme/support/issues/7");
  });

  it("the week's row: median first response at 51% of the target", () => {
    // Shares of the target: 1/12 (#15), 1/4 (#5, #13), 1/3 (#9, #11), 1/2 (#1), 25/48 (#3), 2/3 (#2), 3/4 (#10), 5/4 (#8), 2 (#4), 7.5 (#16):
    // the middle two are 1/2 and 25/48 → 0.5104.
    expect(report.weeks.at(-1)).toEqual({ week: "2026-11-30", tracked: 20, responded: 12, met: 9, missed: 8, metPct: 52.9, medianPctOfTarget: 51 });
    expect(report.weeks.slice(0, -1).every((w) => w.tracked === 0)).toBe(true);
  });

  it("the days of the week (the chart's fallback with one week of data): median share of the target", () => {
    // Mon: #5 1/4, #1 1/2, #3 25/48, #2 2/3, #4 2 → 25/48; Tue: #9 1/3, #10 3/4, #8 5/4 → 3/4;
    // Wed: #13 1/4, #11 1/3 → 7/24; Thu: #15 1/12, #16 7.5 → 91/24; Fri: no response yet.
    const days = report.days.filter((d) => d.week >= "2026-11-30").map((d) => [d.week, d.tracked, d.responded, d.medianPctOfTarget]);
    expect(days).toEqual([
      ["2026-11-30", 6, 5, 52.1],
      ["2026-12-01", 4, 3, 75],
      ["2026-12-02", 3, 2, 29.2],
      ["2026-12-03", 4, 2, 379.2],
      ["2026-12-04", 3, 0, null],
    ]);
  });

  it("its Markdown's charts all parse with Mermaid's parser (by day here: one week of data)", async () => {
    const mermaid = await loadMermaid();
    const blocks = mermaidBlocks(renderReportMarkdown(report, { marker: true }));
    expect(blocks).toHaveLength(3);
    expect(blocks[2]).toContain('x-axis ["Mon 11-30", "Tue 12-01", "Wed 12-02", "Thu 12-03"]');
    expect(blocks[2]).toContain("bar [52.1, 75, 29.2, 379.2]");
    for (const block of blocks) await expect(mermaid.parse(block)).resolves.toMatchObject({ diagramType: "xychart" });
  }, 60_000);

  it("appears in the narration, and the pinned report issue exists once", () => {
    const text = narrate(result, { color: false });
    expect(text).toContain("the SLA report is asked for");
    expect(text).toMatch(/total\s+mixed\s+20\s+12\s+9\s+8\s+52\.9%/);
    expect(result.state.items.filter((i) => i.title === REPORT_TITLE)).toHaveLength(1);
    expect(result.state.items.filter((i) => i.title === REPORT_TITLE)[0]?.number).toBe(21);
  });
});
