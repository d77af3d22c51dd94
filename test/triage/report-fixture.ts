/** The hand-counted week of the SLA report tests (test/triage/report.test.ts): each item with its due time worked out by hand. */
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import type { Config, Priority } from "../../src/config/types.js";
import { computeReport, type ReportItem, type SlaReport } from "../../src/triage/report.js";
import { computeTarget } from "../../src/triage/target.js";
import type { MarkerState } from "../../src/triage/types.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const ms = (iso: string): number => Date.parse(iso);
export const pst = (local: string): string => `${local}:00.000-08:00`;

export interface Spec {
  n: number;
  kind?: "issue" | "discussion";
  plan: string;
  priority: Priority;
  opened: string;
  responded?: string;
  escalated?: string;
  closed?: string;
  untracked?: true;
}

export function item(s: Spec, config: Config = DEFAULT_CONFIG): ReportItem {
  const created = ms(pst(s.opened));
  const due = computeTarget(config, s.plan, s.priority, created).dueAt;
  const marker: MarkerState = {
    priority: s.priority,
    plan: s.plan,
    dueAt: due,
    source: "form",
    setBy: "alice",
    ...(s.responded ? { respondedAt: pst(s.responded), respondedBy: "carol" } : {}),
    ...(s.escalated ? { escalatedAt: pst(s.escalated) } : {}),
    ...(s.untracked ? { untracked: true as const } : {}),
  };
  const kind = s.kind ?? "issue";
  return {
    kind,
    number: s.n,
    title: `Item ${s.n}`,
    url: `https://github.com/acme/support/${kind === "issue" ? "issues" : "discussions"}/${s.n}`,
    createdAt: new Date(created).toISOString(),
    state: s.closed ? "closed" : "open",
    closedAt: s.closed ? pst(s.closed) : null,
    marker,
  };
}

// Due times worked out by hand (default policy):
export const ITEMS: Spec[] = [
  // business P1 1h 24x7: due Mon 11:00; answered 10:30 → met, 30 min.
  { n: 1, plan: "business", priority: "P1", opened: "2026-11-30T10:00", responded: "2026-11-30T10:30" },
  // business P1: opened Tue 20:00, due 21:00, escalated then, answered 22:00 → missed by 1 h, 2 h to respond.
  { n: 2, plan: "business", priority: "P1", opened: "2026-12-01T20:00", escalated: "2026-12-01T21:00", responded: "2026-12-01T22:00" },
  // business P3 1 business day (12 bh): opened Mon 17:00 → 1 h Mon + 11 h Tue: due Tue 17:00.
  // Answered Tue 08:00: 1 h (Mon 17–18) + 2 h (Tue 06–08) = 3 business hours → met.
  { n: 3, plan: "business", priority: "P3", opened: "2026-11-30T17:00", responded: "2026-12-01T08:00" },
  // enterprise P1 15 min: due Wed 09:15, never answered, escalated → overdue now (Fri 12:00), late by 2 d 2 h 45 m.
  { n: 4, plan: "enterprise", priority: "P1", opened: "2026-12-02T09:00", escalated: "2026-12-02T09:15" },
  // standard P3 2 business days (24 bh): opened Thu 06:00 → due Fri 18:00; now Fri 12:00: 12 + 6 = 18 of 24 bh = 75% → at risk.
  { n: 5, plan: "standard", priority: "P3", opened: "2026-12-03T06:00" },
  // standard P4: opened Fri 10:00, 2 of 24 bh → on track.
  { n: 6, plan: "standard", priority: "P4", opened: "2026-12-04T10:00" },
  // business P3: opened Wed 06:00, due Wed 18:00, closed Wed 12:00 unanswered → neither met nor missed.
  { n: 7, plan: "business", priority: "P3", opened: "2026-12-02T06:00", closed: "2026-12-02T12:00" },
  // business P3: opened Mon 06:00, due Mon 18:00, closed Tue 10:00 unanswered → missed by 4 bh (Tue 06–10).
  { n: 8, plan: "business", priority: "P3", opened: "2026-11-30T06:00", closed: "2026-12-01T10:00" },
  // Before the window: left out.
  { n: 9, plan: "business", priority: "P1", opened: "2026-11-29T10:00", responded: "2026-11-29T10:05" },
  // Untracked: left out.
  { n: 10, plan: "business", priority: "P1", opened: "2026-12-01T10:00", untracked: true },
  // enterprise P2 1 h 24x7 discussion: opened Thu 09:00, answered 09:20 → met, 20 min.
  { n: 11, kind: "discussion", plan: "enterprise", priority: "P2", opened: "2026-12-03T09:00", responded: "2026-12-03T09:20" },
];

export const WINDOW = { since: ms(pst("2026-11-30T00:00")), until: ms(pst("2026-12-04T12:00")), now: ms(pst("2026-12-04T12:00")) };

export function report(config: Config = DEFAULT_CONFIG, specs: Spec[] = ITEMS): SlaReport {
  return computeReport(config, "acme/support", specs.map((s) => item(s, config)), WINDOW);
}

