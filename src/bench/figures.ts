/**
 * The bench's figures: one value each, with its goal and whether it was met, rendered as
 * a table for people and as one JSON object for tools. A figure without a goal (cold
 * intake, say) is context for the ones with goals and shows "—".
 */
export interface Figure {
  /** Stable id, e.g. "intake.issue.warm". */
  readonly id: string;
  readonly title: string;
  readonly value: number;
  readonly unit: string;
  /** Human form of the goal, e.g. "≤ 2"; null when the figure is context only. */
  readonly goal: string | null;
  readonly met: boolean | null;
  /** What the value is made of (breakdowns, the run's size). */
  readonly detail: string;
}

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryMb: number;
  /** 1-minute load average when the run started and when it ended: a busy machine slows wall-clock figures. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

export interface BenchReport {
  readonly bench: "support-triage";
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: MachineInfo;
  readonly options: Readonly<Record<string, number | boolean | string | null | readonly number[]>>;
  readonly figures: readonly Figure[];
  /** Every figure with a goal met. */
  readonly allMet: boolean;
  /** Errors the app logged or the simulator reported during the run (should be empty). */
  readonly errors: readonly string[];
}

export const atMost = (id: string, title: string, value: number, unit: string, limit: number, detail: string): Figure => ({
  id,
  title,
  value,
  unit,
  goal: `≤ ${fmt(limit)}`,
  met: value <= limit,
  detail,
});

export const below = (id: string, title: string, value: number, unit: string, limit: number, detail: string): Figure => ({
  id,
  title,
  value,
  unit,
  goal: `< ${fmt(limit)}`,
  met: value < limit,
  detail,
});

export const atLeast = (id: string, title: string, value: number, unit: string, limit: number, detail: string): Figure => ({
  id,
  title,
  value,
  unit,
  goal: `≥ ${fmt(limit)}`,
  met: value >= limit,
  detail,
});

export const context = (id: string, title: string, value: number, unit: string, detail: string): Figure => ({
  id,
  title,
  value,
  unit,
  goal: null,
  met: null,
  detail,
});

/** Thousands separated, at most one decimal (two below 10). */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Math.abs(n) >= 100 || Number.isInteger(n) ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return n.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** A plain-text table (also valid Markdown), one row per figure. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.title, `${fmt(f.value)} ${f.unit}`, f.goal ?? "—", f.met === null ? "—" : f.met ? "met" : "NOT MET", f.detail]);
  const head = ["figure", "value", "goal", "", "detail"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
