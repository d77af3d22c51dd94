/**
 * The SLA report's text forms: every Mermaid block is checked with Mermaid's own parser
 * (in a jsdom window, as Mermaid needs one for its sanitiser), CSV with a CSV parser,
 * JSON as one object, and user text is neutralised.
 */
import { parse as parseCsv } from "csv-parse/sync";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { computeReport, type SlaReport } from "../../src/triage/report.js";
import {
  CSV_COLUMNS,
  parseReportMarker,
  renderReportCsv,
  renderReportJson,
  renderReportMarkdown,
  renderReportTable,
  reportCharts,
  shortDuration,
} from "../../src/triage/report-render.js";
import { loadMermaid, mermaidBlocks } from "../support/mermaid.js";
import { ITEMS, WINDOW, item, report } from "./report-fixture.js";

let mermaid: Awaited<ReturnType<typeof loadMermaid>>;

beforeAll(async () => {
  mermaid = await loadMermaid();
}, 60_000);

const hostile = ITEMS.map((s) => item(s));
hostile[1] = { ...hostile[1]!, title: "@everyone <img src=x onerror=alert(1)> | [link](https://evil.example) `code` \u202Eevil" };
const r: SlaReport = computeReport(DEFAULT_CONFIG, "acme/support", hostile, WINDOW);

describe("Markdown with Mermaid charts", () => {
  const md = renderReportMarkdown(r, { marker: true });
  const blocks = mermaidBlocks(md);

  it("has the three charts: met % by priority, by plan, median first response against the target", () => {
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toContain('x-axis ["P1 Urgent", "P2 High", "P3 Normal"]');
    expect(blocks[0]).toContain("bar [33.3, 100, 50]");
    expect(blocks[1]).toContain('x-axis ["business", "enterprise"]');
    expect(blocks[1]).toContain("bar [50, 50]");
    // One week of responses: by day instead (a line needs two points). Mon: #1 1/2 and #3 1/4
    // → 37.5%; Tue: #2 200%; Thu: #11 33.3%.
    expect(blocks[2]).toContain("Median first response by day");
    expect(blocks[2]).toContain('x-axis ["Mon 11-30", "Tue 12-01", "Thu 12-03"]');
    expect(blocks[2]).toContain("y-axis \"% of target\" 0 --> 220");
    expect(blocks[2]).toContain("bar [37.5, 200, 33.3]");
    expect(blocks[2]).toContain("line [100, 100, 100]");
  });

  it("charts by week when two weeks or more have responses", async () => {
    // The weekend item of the week before: standard P3, 2 bh of 24 → 8.3%.
    const two = computeReport(DEFAULT_CONFIG, "acme/support", [...ITEMS.map((s) => item(s)), item({ n: 30, plan: "standard", priority: "P3", opened: "2026-11-27T17:00", responded: "2026-11-30T07:00" })], {
      ...WINDOW,
      since: WINDOW.since - 7 * 86_400_000,
    });
    const weekly = mermaidBlocks(`${reportCharts(two)[2] ?? ""}\n`)[0] ?? "";
    expect(weekly).toContain('x-axis ["week of 11-23", "week of 11-30"]');
    expect(weekly).toContain("bar [8.3, 41.7]");
    expect(weekly).toContain("line [100, 100]");
    await expect(mermaid.parse(weekly)).resolves.toMatchObject({ diagramType: "xychart" });
  });

  it("every block parses with Mermaid's parser", async () => {
    for (const block of blocks) await expect(mermaid.parse(block)).resolves.toMatchObject({ diagramType: "xychart" });
  });

  it("the parser does reject a broken chart (the check can fail)", async () => {
    const broken = (blocks[0] ?? "").replace("bar [", "bar [x");
    await expect(mermaid.parse(broken)).rejects.toThrow(/Parse error/);
  });

  it("charts of a report with many weeks and no data parse too", async () => {
    const long = computeReport(DEFAULT_CONFIG, "acme/support", ITEMS.map((s) => item(s)), { ...WINDOW, since: WINDOW.since - 70 * 86_400_000 });
    for (const block of reportCharts(long).map((c) => mermaidBlocks(`${c}\n`)[0] ?? "")) await expect(mermaid.parse(block)).resolves.toBeTruthy();
    const empty = computeReport(DEFAULT_CONFIG, "acme/support", [], WINDOW);
    expect(reportCharts(empty)).toEqual([]);
    expect(renderReportMarkdown(empty)).toContain("no charts");
  });

  it("neutralises user text: no mention, no HTML, no link, no table break", () => {
    expect(md).not.toContain("@everyone");
    expect(md).toContain("@\u200Beveryone");
    expect(md).not.toContain("<img");
    expect(md).not.toContain("](https://evil.example)");
    expect(md).not.toContain("\u202E");
    const row = md.split("\n").find((l) => l.includes("everyone")) ?? "";
    // 7 columns: 8 unescaped pipes.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(8);
  });

  it("starts with the hidden report marker", () => {
    expect(md.startsWith("<!-- support-triage:report ")).toBe(true);
    expect(parseReportMarker(md)).toEqual({ generatedAt: r.generatedAt, since: r.since, until: r.until });
    expect(parseReportMarker("no marker")).toBeNull();
  });

  it("shows the breaches with links and how late", () => {
    expect(md).toContain("### Breaches (3)");
    expect(md).toContain("| [#4](https://github.com/acme/support/issues/4) | Item 4 | P1 | enterprise | 2026-12-02 09:15 | none (escalated) | 2d 2h 45m |");
    expect(md).toContain("| [#8](https://github.com/acme/support/issues/8) | Item 8 | P3 | business | 2026-11-30 18:00 | none | 4h 00m bh |");
  });
});

describe("a report with many breaches", () => {
  it("keeps the issue body within GitHub's limit by listing the latest breaches and saying how many more", () => {
    const many = Array.from({ length: 2000 }, (_, i) => item({ n: 100 + i, plan: "enterprise", priority: "P1", opened: "2026-12-01T09:00", escalated: "2026-12-01T09:15" }));
    const big = computeReport(DEFAULT_CONFIG, "acme/support", many, WINDOW);
    expect(big.breaches).toHaveLength(2000);
    expect(renderReportMarkdown(big, { marker: true }).length).toBeGreaterThan(60_000);
    const capped = renderReportMarkdown(big, { marker: true, maxBreaches: 50 });
    expect(capped.length).toBeLessThan(60_000);
    expect(capped).toContain("…and 1950 more (the 50 latest are shown, by how late;");
    expect(capped.match(/^\| \[#\d+\]/gm)).toHaveLength(50);
  });
});

describe("any title", () => {
  it("never reaches the Markdown able to ping, inject HTML or break the table", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.constantFrom("@", "<", "|", "[", "`", "\n"), (text, special) => {
        const title = `${special}${text}${special}carol`;
        const items = [{ ...item(ITEMS[1]!), title }];
        const md = renderReportMarkdown(computeReport(DEFAULT_CONFIG, "acme/support", items, WINDOW));
        const row = md.split("\n").find((l) => l.startsWith("| [#2]")) ?? "";
        expect(row.match(/(?<!\\)\|/g)).toHaveLength(8);
        expect(md).not.toMatch(/(^|[^\u200B])@(?=[\p{L}\p{N}_-])/u);
        expect(md).not.toContain("<");
      }),
      { numRuns: 200 },
    );
  });
});

describe("CSV", () => {
  const rows = parseCsv(renderReportCsv(report()), { columns: true }) as Record<string, string>[];

  it("parses with a CSV parser into one row per cell, priority, plan and the total", () => {
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(12 + 4 + 3 + 1);
    expect(rows.at(-1)).toMatchObject({ scope: "total", tracked: "9", responded: "4", met: "3", missed: "3", met_pct: "50", median_ms: String(75 * 60_000), p90_ms: String(3 * 3_600_000), escalated: "2", overdue: "1", at_risk: "1", on_track: "1" });
    expect(rows.find((x) => x.scope === "cell" && x.priority === "P1" && x.plan === "enterprise")).toMatchObject({ tracked: "1", missed: "1", met_pct: "0", median_ms: "" });
  });
});

describe("JSON and table", () => {
  it("JSON is one object", () => {
    const text = renderReportJson(report());
    expect(text.trim().split("\n")).toHaveLength(1);
    const o = JSON.parse(text) as SlaReport;
    expect(o.total.tracked).toBe(9);
    expect(o.breaches).toHaveLength(3);
  });

  it("the table lists the rows with items and the breaches", () => {
    const t = renderReportTable(report());
    expect(t).toMatch(/^total\s+mixed\s+9\s+4\s+3\s+3\s+50%\s+1h 15m\*\s+3h 00m\*\s+2\s+1\s+1\s+1$/m);
    expect(t).toMatch(/^P2 · enterprise\s+24x7\s+1\s+1\s+1\s+0\s+100%\s+20m\s+20m/m);
    expect(t).not.toMatch(/^P4 · enterprise/m);
    expect(t).toContain("Breaches (3):");
  });

  it.each([
    { ms: 0, business: false, text: "0m" },
    { ms: 59 * 60_000, business: false, text: "59m" },
    { ms: 65 * 60_000, business: false, text: "1h 05m" },
    { ms: 50 * 3_600_000, business: false, text: "2d 2h" },
    { ms: 50 * 3_600_000, business: true, text: "50h 00m" },
  ])("shortDuration($ms, $business) = $text", ({ ms, business, text }) => {
    expect(shortDuration(ms, business)).toBe(text);
  });
});

describe("a hand-edited marker's plan", () => {
  it("is reported as 'unknown', so its text never reaches the tables or the charts", () => {
    const forged = { ...item({ n: 21, plan: "business", priority: "P3", opened: "2026-12-01T09:00" }) };
    const evil = { ...forged, marker: { ...forged.marker, plan: "@everyone <b>x</b>\n| y" } };
    const r = computeReport(DEFAULT_CONFIG, "acme/support", [...ITEMS.map((s) => item(s)), evil], WINDOW);
    const md = renderReportMarkdown(r);
    expect(md).not.toContain("@everyone");
    expect(md).not.toContain("<b>");
    expect(r.cells.some((c) => c.plan === "unknown")).toBe(true);
  });
});
