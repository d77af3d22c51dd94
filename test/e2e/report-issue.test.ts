/**
 * The pinned "Support response report" issue (report.schedule): the sweep creates it once,
 * pins it, edits it in place when the next period's report is due, and never makes a
 * second one — not on a second sweep, not with three replicas sweeping at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runScenario, type ScenarioResult } from "../../src/simulator/harness.js";
import { parseReportMarker, REPORT_TITLE } from "../../src/triage/report-render.js";
import { FORM_FILES, formBody } from "./scenario-builder.js";
import { startRedis, type TestRedis } from "../support/redis.js";

const reportIssues = (result: ScenarioResult) => result.state.items.filter((i) => i.kind === "issue" && i.title === REPORT_TITLE);
const bodyOf = (result: ScenarioResult, number: number): string => result.world?.repo("acme", "support")?.items.get(number)?.body ?? "";

function scenario(config: string, steps: unknown[], extra: Record<string, unknown> = {}): string {
  return stringify({
    repo: "acme/support",
    now: "2026-12-01T09:00:00-08:00",
    members: ["carol"],
    config: `customers: { wanda: business }\n${config}`,
    files: FORM_FILES,
    ...extra,
    steps: [
      { open: { kind: "issue", number: 1, author: "wanda", title: "DB down, ping @everyone", body: formBody({ priority: "P1", environment: "Production" }) } },
      { advance: "30m" },
      { comment: { number: 1, author: "carol", body: "Looking now" } },
      { open: { kind: "issue", number: 2, author: "wanda", title: "Slow queries", body: formBody({ priority: "P2", environment: "Production" }) } },
      ...steps,
    ],
  });
}

describe("the pinned report issue", () => {
  it("is off by default: a sweep makes no report issue", async () => {
    const result = await runScenario(scenario("", [{ sweep: {} }]), "report-off.yml");
    expect(result.state.errors).toEqual([]);
    expect(reportIssues(result)).toEqual([]);
  });

  it("daily: created and pinned by the first sweep, left alone the same day, edited in place the next", async () => {
    const result = await runScenario(
      scenario("report: { schedule: daily }\n", [
        { sweep: {} },
        { sweep: {} },
        { advance: "1d" },
        { sweep: {} },
        { sweep: {} },
      ]),
      "report-daily.yml",
    );
    expect(result.state.errors).toEqual([]);
    const issues = reportIssues(result);
    expect(issues).toHaveLength(1);
    const number = issues[0]?.number ?? 0;
    expect(issues[0]?.author).toBe("support-triage[bot]");
    expect(result.world?.repo("acme", "support")?.items.get(number)?.pinned).toBe(true);
    const body = bodyOf(result, number);
    // Regenerated on the next day: the marker says when.
    expect(parseReportMarker(body)?.generatedAt).toBe("2026-12-02T09:30:00.000-08:00");
    expect(body.match(/```mermaid/g)?.length).toBeGreaterThanOrEqual(2);
    expect(body).toContain("| P1 · business | 24x7 | 1 | 1 | 1 | 0 | 100% | 30m | 30m | 0 | 0 | 0 | 0 |");
    // The escalated P2 (4 h, 24x7, due 13:30 Dec 1) is a breach a day later.
    expect(body).toContain("### Breaches (1)");
    expect(body).not.toContain("@everyone");
    // Created once, edited once: the second sweep of each day wrote nothing to it.
    const effects = result.timeline.flatMap((e) => (e.type === "effect" && e.effect.number === number ? [e.effect.kind] : []));
    expect(effects).toEqual(["issue", "pin", "edit-issue"]);
  });

  it("weekly: refreshed on the configured day only", async () => {
    // Tue Dec 1 → the first sweep makes it (none exists); Wed and Thu: not due; Fri (day: fri): refreshed.
    const result = await runScenario(
      scenario("report: { schedule: weekly, day: fri, window: 7d }\n", [{ sweep: {} }, { advance: "1d" }, { sweep: {} }, { advance: "1d" }, { sweep: {} }, { advance: "1d" }, { sweep: {} }]),
      "report-weekly.yml",
    );
    expect(result.state.errors).toEqual([]);
    const [issue] = reportIssues(result);
    const effects = result.timeline.flatMap((e) => (e.type === "effect" && e.effect.number === issue?.number ? [e.effect.kind] : []));
    expect(effects).toEqual(["issue", "pin", "edit-issue"]);
    expect(parseReportMarker(bodyOf(result, issue?.number ?? 0))?.generatedAt).toBe("2026-12-04T09:30:00.000-08:00");
  });
});

describe("the report issue while GitHub fails", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("seed %i: 30% of requests fail, 80% of failed writes applied anyway — still one report issue, and report steps never error", async (seed) => {
    const days = Array.from({ length: 3 }, () => [{ sweep: {} }, { sweep: {} }, { report: {} }, { advance: "1d" }]).flat();
    const result = await runScenario(
      scenario("report: { schedule: daily }\n", [...days, { faults: "off" }, { sweep: {} }, { report: {} }], { faults: { seed, error_rate: 0.3, applied_on_error: 0.8 } }),
      `report-faults-${seed}.yml`,
    );
    expect(result.state.errors).toEqual([]);
    expect(reportIssues(result)).toHaveLength(1);
    // Once GitHub is well again, the report is refreshed and a report step answers.
    expect(parseReportMarker(bodyOf(result, reportIssues(result)[0]?.number ?? 0))?.generatedAt).toBe("2026-12-04T09:30:00.000-08:00");
    expect(result.state.reports?.at(-1)?.total.tracked).toBe(2);
  }, 60_000);
});

describe("the report as a discussion (report.discussion_category)", () => {
  const welcome = { open: { kind: "discussion", number: 3, author: "carol", category: "announcements", title: "Welcome", body: "Hello." } };

  it("is created in the category, found again by its marker and edited in place the next day", async () => {
    const result = await runScenario(
      scenario("report: { schedule: daily, discussion_category: Announcements }\n", [welcome, { sweep: {} }, { sweep: {} }, { advance: "1d" }, { sweep: {} }]),
      "report-discussion.yml",
    );
    expect(result.state.errors).toEqual([]);
    const found = result.state.items.filter((i) => i.title === REPORT_TITLE);
    expect(found.map((i) => [i.kind, i.author])).toEqual([["discussion", "support-triage[bot]"]]);
    const number = found[0]?.number ?? 0;
    expect(result.world?.repo("acme", "support")?.items.get(number)?.category?.slug).toBe("announcements");
    expect(parseReportMarker(bodyOf(result, number))?.generatedAt).toBe("2026-12-02T09:30:00.000-08:00");
    const effects = result.timeline.flatMap((e) => (e.type === "effect" && e.effect.number === number ? [e.effect.kind] : []));
    expect(effects).toEqual(["issue", "edit-issue"]);
  });

  it("a category the repository does not have: a warning, no report, the sweep goes on", async () => {
    const result = await runScenario(scenario("report: { schedule: daily, discussion_category: news }\n", [welcome, { advance: "4h" }, { sweep: {} }]), "report-no-category.yml");
    expect(result.state.errors).toEqual([]);
    expect(result.state.items.filter((i) => i.title === REPORT_TITLE)).toEqual([]);
    expect(result.timeline.some((e) => e.type === "log" && /report issue could not be refreshed/.test(e.message))).toBe(true);
    // The overdue P2 was still escalated by that sweep.
    expect(result.state.items.find((i) => i.number === 2)?.labels).toContain("escalated");
  });
});

describe("the report issue with replicas", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("ten sweeps at once over three replica processes make one report issue, then edit it once the next day", async () => {
    const burst = () => ({ concurrently: Array.from({ length: 10 }, () => ({ sweep: {} })) });
    const result = await runScenario(scenario("report: { schedule: daily }\n", [burst(), { advance: "1d" }, burst()], { replicas: 3 }), "report-replicas.yml", {
      redisUrl: redis.url,
    });
    expect(result.state.errors).toEqual([]);
    const issues = reportIssues(result);
    expect(issues).toHaveLength(1);
    const number = issues[0]?.number ?? 0;
    const effects = result.timeline.flatMap((e) => (e.type === "effect" && e.effect.number === number ? [e.effect.kind] : []));
    expect(effects).toEqual(["issue", "pin", "edit-issue"]);
    expect(result.timeline.filter((e) => e.type === "sweep-summary")).toHaveLength(20);
  }, 120_000);
});
