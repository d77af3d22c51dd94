/**
 * The SLA report as text: a terminal table, Markdown with Mermaid charts (the pinned
 * report issue and `--format markdown`), CSV and JSON. Pure.
 *
 * Nothing a user wrote reaches the Markdown unneutralised: titles go through `userText`
 * (no mentions, no Markdown or HTML structure); the charts hold only priorities, plan
 * names (plain names: a hand-edited marker's other plan is reported as "unknown", see
 * `reportPlan` in report.ts) and numbers.
 */
import { PRIORITY_NAMES } from "../config/types.js";
import { userText } from "./sanitize.js";
import type { Breach, ReportStats, SlaReport } from "./report.js";

export const REPORT_TITLE = "Support response report";
export const REPORT_MARKER_PREFIX = "<!-- support-triage:report ";

const MINUTE = 60_000;

/** "45m", "3h 05m", "2d 4h" (24-hour days): a compact span. Business spans are shown in hours. */
export function shortDuration(ms: number | null, business = false): string {
  if (ms === null) return "–";
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (business || hours < 24) return `${hours}h ${String(rest).padStart(2, "0")}m`;
  const days = Math.floor(hours / 24);
  return `${days}d ${hours % 24}h${rest > 0 ? ` ${String(rest).padStart(2, "0")}m` : ""}`;
}

/** A span in its row's units: business hours carry "bh" (business hours), mixed rows say so. */
function span(ms: number | null, coverage: string): string {
  if (ms === null) return "–";
  if (coverage === "24x7") return shortDuration(ms);
  if (coverage === "mixed") return `${shortDuration(ms, true)}*`;
  return `${shortDuration(ms, true)} bh`;
}

const pctText = (v: number | null): string => (v === null ? "–" : `${v}%`);

function scope(s: ReportStats): string {
  if (s.priority === null && s.plan === null) return "total";
  if (s.priority === null) return `all · ${s.plan ?? ""}`;
  if (s.plan === null) return `${s.priority} · all`;
  return `${s.priority} · ${s.plan}`;
}

const HEAD = ["scope", "coverage", "tracked", "responded", "met", "missed", "met %", "median", "p90", "escalated", "overdue", "at risk", "on track"];

function row(s: ReportStats): string[] {
  return [
    scope(s),
    s.coverage,
    String(s.tracked),
    String(s.responded),
    String(s.met),
    String(s.missed),
    pctText(s.metPct),
    span(s.medianMs, s.coverage),
    span(s.p90Ms, s.coverage),
    String(s.escalated),
    String(s.open.overdue),
    String(s.open.atRisk),
    String(s.open.onTrack),
  ];
}

/** The rows shown in tables: cells, priorities and plans with items, then the total (CSV and JSON have every row). */
function shownRows(report: SlaReport): ReportStats[] {
  const some = (s: ReportStats) => s.tracked > 0;
  return [...report.cells.filter(some), ...report.byPriority.filter(some), ...report.byPlan.filter(some), report.total];
}

function lateText(b: Breach): string {
  return b.coverageKind === "24x7" ? shortDuration(b.lateByMs) : `${shortDuration(b.lateByMs, true)} bh`;
}

/** For a terminal: aligned columns, then the breaches. */
export function renderReportTable(report: SlaReport): string {
  const rows = shownRows(report).map(row);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  const out = [
    `Support response report — ${report.repo}, items created ${report.since.slice(0, 10)} to ${report.until.slice(0, 10)} (${report.timezone})`,
    "",
    line(HEAD),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    "Times to first response: 24x7 rows in wall-clock time, business rows in business hours (bh); * = rows that mix both.",
  ];
  if (report.breaches.length === 0) out.push("", "No breaches.");
  else {
    out.push("", `Breaches (${report.breaches.length}):`);
    for (const b of report.breaches) {
      out.push(
        `  ${b.kind === "issue" ? "#" : "discussion #"}${b.number}  ${b.priority} ${b.plan}  late by ${lateText(b)}${b.respondedAt === null ? ", no response" : ""}${b.escalated ? ", escalated" : ""}  ${b.url}`,
      );
    }
  }
  return out.join("\n");
}

/** RFC 4180 field. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_COLUMNS = [
  "scope",
  "priority",
  "plan",
  "coverage",
  "tracked",
  "responded",
  "met",
  "missed",
  "met_pct",
  "median_ms",
  "p90_ms",
  "escalated",
  "overdue",
  "at_risk",
  "on_track",
] as const;

/** One row per priority × plan, per priority, per plan and the total; durations in ms of the row's units. */
export function renderReportCsv(report: SlaReport): string {
  const rows = [...report.cells, ...report.byPriority, ...report.byPlan, report.total].map((s) => [
    s.priority === null && s.plan === null ? "total" : s.priority === null ? "plan" : s.plan === null ? "priority" : "cell",
    s.priority ?? "",
    s.plan ?? "",
    s.coverage,
    String(s.tracked),
    String(s.responded),
    String(s.met),
    String(s.missed),
    s.metPct === null ? "" : String(s.metPct),
    s.medianMs === null ? "" : String(Math.round(s.medianMs)),
    s.p90Ms === null ? "" : String(Math.round(s.p90Ms)),
    String(s.escalated),
    String(s.open.overdue),
    String(s.open.atRisk),
    String(s.open.onTrack),
  ]);
  return [[...CSV_COLUMNS], ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function renderReportJson(report: SlaReport): string {
  return JSON.stringify(report);
}

/** Markdown table cell: the app's own text, pipes escaped. */
const cell = (v: string): string => v.replace(/(?<!\\)\|/g, "\\|");

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.map(cell).join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** A Mermaid label: the app's own words and config names only; quotes and brackets cannot appear. */
const mermaidLabel = (s: string): string => `"${s.replace(/["[\]\\]/g, "")}"`;

function barChart(title: string, rows: readonly { label: string; value: number }[], yLabel: string): string {
  return [
    "```mermaid",
    "xychart-beta",
    `    title ${mermaidLabel(title)}`,
    `    x-axis [${rows.map((r) => mermaidLabel(r.label)).join(", ")}]`,
    `    y-axis ${mermaidLabel(yLabel)} 0 --> 100`,
    `    bar [${rows.map((r) => String(r.value)).join(", ")}]`,
    "```",
  ].join("\n");
}

const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Tue 12-01" for a YYYY-MM-DD day. */
function dayLabel(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  return `${WEEKDAY_NAMES[(d.getUTCDay() + 6) % 7] ?? ""} ${day.slice(5)}`;
}

/** The Mermaid charts of a report (each a fenced block), in the order the Markdown shows them. */
export function reportCharts(report: SlaReport): string[] {
  const charts: string[] = [];
  const withPct = (list: readonly ReportStats[], label: (s: ReportStats) => string) =>
    list.flatMap((s) => (s.metPct === null ? [] : [{ label: label(s), value: s.metPct }]));
  const priorities = withPct(report.byPriority, (s) => `${s.priority ?? ""} ${s.priority ? PRIORITY_NAMES[s.priority] : ""}`.trim());
  if (priorities.length > 0) charts.push(barChart("Targets met by priority (%)", priorities, "met %"));
  const plans = withPct(report.byPlan, (s) => s.plan ?? "");
  if (plans.length > 0) charts.push(barChart("Targets met by plan (%)", plans, "met %"));
  // Weekly; by day when fewer than two weeks have responses (a line needs two points).
  const weekly = report.weeks.filter((w) => w.medianPctOfTarget !== null);
  const daily = (report.days ?? []).filter((w) => w.medianPctOfTarget !== null);
  const byDay = weekly.length < 2 && daily.length >= 2;
  const points = byDay ? daily : weekly;
  if (points.length > 0) {
    const top = Math.max(100, ...points.map((w) => w.medianPctOfTarget ?? 0));
    const ceiling = Math.ceil((top * 11) / 100) * 10; // 10% headroom, in tens
    const label = (w: { week: string }) => (byDay ? dayLabel(w.week) : `week of ${w.week.slice(5)}`);
    charts.push(
      [
        "```mermaid",
        "xychart-beta",
        `    title ${mermaidLabel(`Median first response by ${byDay ? "day" : "week"} (% of target; the line is the target)`)}`,
        `    x-axis [${points.map((w) => mermaidLabel(label(w))).join(", ")}]`,
        `    y-axis ${mermaidLabel("% of target")} 0 --> ${ceiling}`,
        `    bar [${points.map((w) => String(w.medianPctOfTarget)).join(", ")}]`,
        `    line [${points.map(() => "100").join(", ")}]`,
        "```",
      ].join("\n"),
    );
  }
  return charts;
}

/** The hidden line that says "this issue is the report" and when it was made. */
export function renderReportMarker(data: { generatedAt: string; since: string; until: string }): string {
  const json = JSON.stringify({ generatedAt: data.generatedAt, since: data.since, until: data.until })
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
  return `${REPORT_MARKER_PREFIX}${json} -->`;
}

/** The marker's data, or null when the body has none. */
export function parseReportMarker(body: string): { generatedAt: string; since: string; until: string } | null {
  const start = body.indexOf(REPORT_MARKER_PREFIX);
  if (start < 0) return null;
  const end = body.indexOf("-->", start + REPORT_MARKER_PREFIX.length);
  if (end < 0) return null;
  try {
    const o = JSON.parse(body.slice(start + REPORT_MARKER_PREFIX.length, end)) as Record<string, unknown>;
    const { generatedAt, since, until } = o;
    if (typeof generatedAt !== "string" || !Number.isFinite(Date.parse(generatedAt))) return null;
    return { generatedAt, since: typeof since === "string" ? since : "", until: typeof until === "string" ? until : "" };
  } catch {
    return null;
  }
}

/**
 * The report in Markdown: charts, the tables beneath them, the breaches. With `marker`
 * (the pinned issue) the first line is the hidden report marker.
 */
export function renderReportMarkdown(report: SlaReport, opts: { marker?: boolean; maxBreaches?: number } = {}): string {
  const out: string[] = [];
  if (opts.marker === true) out.push(renderReportMarker(report), "");
  out.push(
    `Items created from **${report.since.slice(0, 10)}** to **${report.until.slice(0, 10)}** (${report.timezone}); generated ${report.generatedAt}.`,
    "",
  );
  const t = report.total;
  out.push(
    `**${t.tracked}** tracked · **${t.responded}** responded · **${t.met}** met · **${t.missed}** missed · met **${pctText(t.metPct)}** · **${t.escalated}** escalated · open now: **${t.open.overdue}** overdue, **${t.open.atRisk}** at risk, **${t.open.onTrack}** on track`,
    "",
  );
  const charts = reportCharts(report);
  if (charts.length === 0) out.push("_No item in this window has been answered or has missed its target yet: no charts._", "");
  for (const c of charts) out.push(c, "");
  out.push("### By priority and plan", "", markdownTable(HEAD, shownRows(report).map(row)), "");
  out.push(
    `Times to first response run from the item's creation: 24x7 targets in wall-clock time, business-hours targets in business hours (bh); * = rows that mix both. At risk = ${Math.round(report.atRiskShare * 100)}% of the target elapsed without a response.`,
    "",
  );
  out.push(
    "### By week",
    "",
    "Weeks of the window with items (by creation).",
    "",
    markdownTable(
      ["week of", "tracked", "responded", "met", "missed", "met %", "median, % of target"],
      report.weeks.filter((w) => w.tracked > 0).map((w) => [w.week, String(w.tracked), String(w.responded), String(w.met), String(w.missed), pctText(w.metPct), pctText(w.medianPctOfTarget)]),
    ),
    "",
  );
  out.push(`### Breaches (${report.breaches.length})`, "");
  if (report.breaches.length === 0) out.push("None: every answered item met its target.");
  else {
    out.push(
      markdownTable(
        ["item", "title", "priority", "plan", "due", "response", "late by"],
        report.breaches.slice(0, opts.maxBreaches ?? report.breaches.length).map((b) => [
          `[${b.kind === "issue" ? "#" : "discussion #"}${b.number}](${b.url})`,
          userText(b.title, 80),
          b.priority,
          b.plan,
          b.dueAt.slice(0, 16).replace("T", " "),
          b.respondedAt === null ? (b.escalated ? "none (escalated)" : "none") : `${b.respondedAt.slice(0, 16).replace("T", " ")}${b.escalated ? " (escalated)" : ""}`,
          lateText(b),
        ]),
      ),
    );
    const hidden = report.breaches.length - Math.min(report.breaches.length, opts.maxBreaches ?? report.breaches.length);
    if (hidden > 0) out.push("", `…and ${hidden} more (the ${report.breaches.length - hidden} latest are shown, by how late; the report command (\`node bin/support-triage.js report --format csv\` or \`--format json\`, from a clone) lists every one).`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}
