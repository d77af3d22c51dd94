/**
 * The SLA report's numbers, against hand counts. Default policy; all times Pacific.
 * The week of Mon 2026-11-30 to Fri 2026-12-04 has no US holiday.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import type { Priority } from "../../src/config/types.js";
import { computeReport, median, percentile, reportItemOf, reportPeriodStart, resolveBound, type SlaReport } from "../../src/triage/report.js";
import { renderMarker } from "../../src/triage/marker.js";
import type { Item } from "../../src/triage/types.js";
import { HOUR, ITEMS, MIN, WINDOW, item, ms, pst, report, type Spec } from "./report-fixture.js";

const cellOf = (r: SlaReport, priority: Priority, plan: string) => r.cells.find((c) => c.priority === priority && c.plan === plan);

describe("computeReport: hand-counted week", () => {
  const r = report();

  it.each([
    { row: "total", get: (x: SlaReport) => x.total, tracked: 9, responded: 4, met: 3, missed: 3, metPct: 50, median: 75 * MIN, p90: 3 * HOUR, escalated: 2, open: { overdue: 1, atRisk: 1, onTrack: 1 } },
    { row: "P1", get: (x: SlaReport) => x.byPriority[0], tracked: 3, responded: 2, met: 1, missed: 2, metPct: 33.3, median: 75 * MIN, p90: 2 * HOUR, escalated: 2, open: { overdue: 1, atRisk: 0, onTrack: 0 } },
    { row: "P3", get: (x: SlaReport) => x.byPriority[2], tracked: 4, responded: 1, met: 1, missed: 1, metPct: 50, median: 3 * HOUR, p90: 3 * HOUR, escalated: 0, open: { overdue: 0, atRisk: 1, onTrack: 0 } },
    { row: "business", get: (x: SlaReport) => x.byPlan[1], tracked: 5, responded: 3, met: 2, missed: 2, metPct: 50, median: 2 * HOUR, p90: 3 * HOUR, escalated: 1, open: { overdue: 0, atRisk: 0, onTrack: 0 } },
    { row: "standard", get: (x: SlaReport) => x.byPlan[0], tracked: 2, responded: 0, met: 0, missed: 0, metPct: null, median: null, p90: null, escalated: 0, open: { overdue: 0, atRisk: 1, onTrack: 1 } },
    { row: "P1 business", get: (x: SlaReport) => cellOf(x, "P1", "business"), tracked: 2, responded: 2, met: 1, missed: 1, metPct: 50, median: 75 * MIN, p90: 2 * HOUR, escalated: 1, open: { overdue: 0, atRisk: 0, onTrack: 0 } },
    { row: "P1 enterprise", get: (x: SlaReport) => cellOf(x, "P1", "enterprise"), tracked: 1, responded: 0, met: 0, missed: 1, metPct: 0, median: null, p90: null, escalated: 1, open: { overdue: 1, atRisk: 0, onTrack: 0 } },
    { row: "P2 enterprise", get: (x: SlaReport) => cellOf(x, "P2", "enterprise"), tracked: 1, responded: 1, met: 1, missed: 0, metPct: 100, median: 20 * MIN, p90: 20 * MIN, escalated: 0, open: { overdue: 0, atRisk: 0, onTrack: 0 } },
    { row: "P3 business", get: (x: SlaReport) => cellOf(x, "P3", "business"), tracked: 3, responded: 1, met: 1, missed: 1, metPct: 50, median: 3 * HOUR, p90: 3 * HOUR, escalated: 0, open: { overdue: 0, atRisk: 0, onTrack: 0 } },
    { row: "P4 enterprise (empty)", get: (x: SlaReport) => cellOf(x, "P4", "enterprise"), tracked: 0, responded: 0, met: 0, missed: 0, metPct: null, median: null, p90: null, escalated: 0, open: { overdue: 0, atRisk: 0, onTrack: 0 } },
  ])("$row", ({ get, tracked, responded, met, missed, metPct, median: med, p90, escalated, open }) => {
    const s = get(r);
    expect(s).toBeDefined();
    expect(s).toMatchObject({ tracked, responded, met, missed, metPct, medianMs: med, p90Ms: p90, escalated, open });
  });

  it("has every priority × plan cell, with the cell's coverage", () => {
    expect(r.cells).toHaveLength(12);
    expect(cellOf(r, "P1", "business")?.coverage).toBe("24x7");
    expect(cellOf(r, "P3", "business")?.coverage).toBe("12x5");
    expect(r.byPlan[1]?.coverage).toBe("mixed");
    expect(r.byPlan[0]?.coverage).toBe("12x5");
  });

  it("lists the breaches, latest first, with how late in the target's units", () => {
    expect(r.breaches.map((b) => [b.number, b.lateByMs, b.respondedAt === null, b.escalated])).toEqual([
      [4, 2 * 24 * HOUR + 2 * HOUR + 45 * MIN, true, true],
      [8, 4 * HOUR, true, false],
      [2, 1 * HOUR, false, true],
    ]);
    expect(r.breaches[0]?.url).toBe("https://github.com/acme/support/issues/4");
  });

  it("builds the weekly series: median first response as a share of the target", () => {
    // Shares: #1 30/60, #2 120/60, #3 3/12, #11 20/60 → sorted .25 .333 .5 2 → median .4167.
    expect(r.weeks).toEqual([{ week: "2026-11-30", tracked: 9, responded: 4, met: 3, missed: 3, metPct: 50, medianPctOfTarget: 41.7 }]);
  });

  it("states the window in the configured zone", () => {
    expect(r.since).toBe("2026-11-30T00:00:00.000-08:00");
    expect(r.until).toBe("2026-12-04T12:00:00.000-08:00");
    expect(r.atRiskShare).toBe(0.75);
  });
});

describe("computeReport: single items", () => {
  it.each([
    // A response exactly at the due time meets the target (SPEC: the due instant is already late only without a response).
    { name: "answered at the due time", spec: { n: 1, plan: "business", priority: "P1", opened: "2026-12-01T09:00", responded: "2026-12-01T10:00" }, met: 1, missed: 0 },
    { name: "answered a minute late", spec: { n: 1, plan: "business", priority: "P1", opened: "2026-12-01T09:00", responded: "2026-12-01T10:01" }, met: 0, missed: 1 },
    { name: "open, due exactly now", spec: { n: 1, plan: "enterprise", priority: "P2", opened: "2026-12-04T11:00" }, met: 0, missed: 1 },
    { name: "closed unanswered after its due time", spec: { n: 1, plan: "enterprise", priority: "P1", opened: "2026-12-01T09:00", closed: "2026-12-01T09:30" }, met: 0, missed: 1 },
    { name: "closed unanswered before its due time", spec: { n: 1, plan: "enterprise", priority: "P1", opened: "2026-12-01T09:00", closed: "2026-12-01T09:10" }, met: 0, missed: 0 },
  ] as { name: string; spec: Spec; met: number; missed: number }[])("$name", ({ spec, met, missed }) => {
    const r = report(DEFAULT_CONFIG, [spec]);
    expect(r.total).toMatchObject({ tracked: 1, met, missed });
  });

  it("measures business time over a weekend for business targets", () => {
    // standard P3 opened Fri 17:00, answered Mon 07:00: 1 h Fri + 1 h Mon = 2 bh (the weekend does not count).
    const r = computeReport(DEFAULT_CONFIG, "acme/support", [item({ n: 1, plan: "standard", priority: "P3", opened: "2026-11-27T17:00", responded: "2026-11-30T07:00" })], {
      since: ms(pst("2026-11-23T00:00")),
      until: WINDOW.until,
      now: WINDOW.now,
    });
    expect(r.total.medianMs).toBe(2 * HOUR);
    expect(r.total.met).toBe(1);
    expect(r.weeks.map((w) => w.week)).toEqual(["2026-11-23", "2026-11-30"]);
  });

  it("uses escalation.warn_at as the at-risk share when it is set", () => {
    const at80 = { ...DEFAULT_CONFIG, escalation: { ...DEFAULT_CONFIG.escalation, warn_at: 0.8 } };
    const at70 = { ...DEFAULT_CONFIG, escalation: { ...DEFAULT_CONFIG.escalation, warn_at: 0.7 } };
    const spec: Spec = { n: 5, plan: "standard", priority: "P3", opened: "2026-12-03T06:00" }; // 75% elapsed
    expect(report(at80, [spec]).total.open).toEqual({ overdue: 0, atRisk: 0, onTrack: 1 });
    expect(report(at70, [spec]).total.open).toEqual({ overdue: 0, atRisk: 1, onTrack: 0 });
  });

  it("counts open items created before the window in open now, and nowhere else", () => {
    const before: Spec[] = [
      // business P1 three weeks before, never answered: overdue now.
      { n: 40, plan: "business", priority: "P1", opened: "2026-11-10T10:00", escalated: "2026-11-10T11:00" },
      // standard P4 opened the Friday before at 17:00: due 24 bh later (1 + 12 + 11 → Tue 17:00) — overdue at Fri noon too.
      { n: 41, plan: "standard", priority: "P4", opened: "2026-11-27T17:00" },
      // Answered, or closed: nothing to do now.
      { n: 42, plan: "business", priority: "P1", opened: "2026-11-10T10:00", responded: "2026-11-10T10:20" },
      { n: 43, plan: "business", priority: "P1", opened: "2026-11-10T10:00", closed: "2026-11-12T10:00" },
    ];
    const r = report(DEFAULT_CONFIG, [...ITEMS, ...before]);
    expect(r.total).toMatchObject({ tracked: 9, met: 3, missed: 3, escalated: 2, open: { overdue: 3, atRisk: 1, onTrack: 1 } });
    expect(cellOf(r, "P1", "business")).toMatchObject({ tracked: 2, open: { overdue: 1, atRisk: 0, onTrack: 0 } });
    expect(cellOf(r, "P4", "standard")).toMatchObject({ tracked: 1, open: { overdue: 1, atRisk: 0, onTrack: 1 } });
    expect(r.breaches.map((b) => b.number)).toEqual([4, 8, 2]);
  });

  it("counts an item seen twice once", () => {
    const spec: Spec = { n: 1, plan: "business", priority: "P1", opened: "2026-12-01T09:00", responded: "2026-12-01T09:10" };
    const r = computeReport(DEFAULT_CONFIG, "acme/support", [item(spec), item(spec)], WINDOW);
    expect(r.total.tracked).toBe(1);
  });
});

describe("median and p90", () => {
  it.each([
    { values: [], median: null, p90: null },
    { values: [5], median: 5, p90: 5 },
    { values: [3, 1], median: 2, p90: 3 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], median: 5.5, p90: 9 },
    { values: [10, 1, 7, 3, 5, 2, 9, 4, 8, 6, 11], median: 6, p90: 10 },
  ])("$values", ({ values, median: m, p90 }) => {
    expect(median(values)).toBe(m);
    expect(percentile(values, 0.9)).toBe(p90);
  });
});

describe("reportItemOf", () => {
  const base: Item = {
    kind: "issue",
    owner: "acme",
    repo: "support",
    number: 3,
    nodeId: "I_3",
    title: "t",
    body: "",
    author: { login: "alice", isBot: false },
    authorAssociation: "NONE",
    createdAt: "2026-12-01T17:00:00.000Z",
    state: "closed",
    labels: ["P2"],
    categorySlug: null,
    assignees: [],
    comments: [],
  };
  const marker = renderMarker({ priority: "P2", plan: "business", dueAt: "2026-12-01T13:00:00.000-08:00", source: "form", setBy: "alice" });

  it("takes the marker of the app's target comment, and the closing time of a closed item", () => {
    const withComment: Item = { ...base, comments: [{ id: "c1", author: { login: "support-triage", isBot: true }, authorAssociation: "NONE", createdAt: base.createdAt, body: `x\n${marker}` }] };
    const r = reportItemOf(withComment, "support-triage[bot]", "2026-12-02T00:00:00Z");
    expect(r?.marker.priority).toBe("P2");
    expect(r?.closedAt).toBe("2026-12-02T00:00:00Z");
    expect(r?.url).toBe("https://github.com/acme/support/issues/3");
  });

  it("ignores a marker someone else posted, and items without one", () => {
    const forged: Item = { ...base, comments: [{ id: "c1", author: { login: "mallory", isBot: false }, authorAssociation: "NONE", createdAt: base.createdAt, body: marker }] };
    expect(reportItemOf(forged, "support-triage[bot]", null)).toBeNull();
    expect(reportItemOf(base, "support-triage[bot]", null)).toBeNull();
  });
});

describe("resolveBound and reportPeriodStart", () => {
  const now = ms(pst("2026-12-04T12:00")); // a Friday
  it.each([
    { text: "30d", end: false, expected: now - 30 * 24 * HOUR },
    { text: "2w", end: false, expected: now - 14 * 24 * HOUR },
    { text: "2026-11-01", end: false, expected: ms("2026-11-01T00:00:00-07:00") },
    { text: "2026-11-30", end: true, expected: ms("2026-12-01T00:00:00-08:00") },
    { text: "2026-12-01T09:00:00Z", end: false, expected: ms("2026-12-01T09:00:00Z") },
    { text: "yesterday", end: false, expected: null },
    { text: "2026-13-01", end: false, expected: null },
  ])("$text (end: $end)", ({ text, end, expected }) => {
    expect(resolveBound(text, DEFAULT_CONFIG, now, end)).toBe(expected);
  });

  it.each([
    { schedule: "daily", day: 1, expected: "2026-12-04T00:00:00-08:00" },
    { schedule: "weekly", day: 1, expected: "2026-11-30T00:00:00-08:00" },
    { schedule: "weekly", day: 5, expected: "2026-12-04T00:00:00-08:00" },
    { schedule: "weekly", day: 6, expected: "2026-11-28T00:00:00-08:00" },
  ] as const)("$schedule on day $day", ({ schedule, day, expected }) => {
    const config = { ...DEFAULT_CONFIG, report: { ...DEFAULT_CONFIG.report, schedule, day } };
    expect(reportPeriodStart(config, now)).toBe(ms(expected));
  });
});
