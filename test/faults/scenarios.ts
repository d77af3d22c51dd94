/**
 * Scenarios shared by the fault, redelivery and concurrency suites, written as the YAML
 * a user would write (through the same parser and runner as `simulate`).
 */
import { stringify } from "yaml";
import { runScenario, type RunOptions, type ScenarioResult } from "../../src/simulator/harness.js";
import { FORM_FILES, formBody } from "../e2e/scenario-builder.js";

export interface FaultScenario {
  readonly now?: string;
  readonly config?: string;
  readonly faults?: Record<string, unknown>;
  readonly files?: Readonly<Record<string, string>>;
  readonly steps: readonly Record<string, unknown>[];
}

export function faultScenarioText(spec: FaultScenario): string {
  return stringify({
    repo: "acme/support",
    now: spec.now ?? "2026-12-01T09:00:00-08:00",
    members: ["carol", "mike"],
    ...(spec.config !== undefined ? { config: spec.config } : {}),
    ...(spec.faults !== undefined ? { faults: spec.faults } : {}),
    files: { ...FORM_FILES, ...(spec.files ?? {}) },
    steps: spec.steps,
  });
}

export const run = (spec: FaultScenario, options: RunOptions = {}): Promise<ScenarioResult> => runScenario(faultScenarioText(spec), "faults.yml", options);

export const openIssue = (number: number, author: string, answers: Parameters<typeof formBody>[0], extra: Record<string, unknown> = {}) => ({
  open: { kind: "issue", number, author, title: `[Support]: item ${number}`, body: formBody(answers), ...extra },
});

export const openDiscussion = (number: number, author: string, answers: Parameters<typeof formBody>[0]) => ({
  open: { kind: "discussion", number, author, category: "support", title: `[Support]: discussion ${number}`, body: formBody(answers) },
});

export const BUSINESS = "customers:\n  wanda: business\n";

/**
 * A morning at the support desk that touches every rule the app keeps state for: form
 * priorities on issues and discussions, the production rule and its notice, a
 * maintainer's label, an author's edit, a first response, and (after the faults end)
 * an escalation by the sweep. Faults stop before the clock passes the due times, so
 * the fault-free run and the faulty run escalate at the same moment.
 */
export const DESK: readonly Record<string, unknown>[] = [
  openIssue(1, "wanda", { priority: "P2", environment: "Production" }),
  openIssue(2, "dana", { priority: "P1", environment: "Staging" }),
  openDiscussion(3, "erin", { priority: "P3", environment: "Development" }),
  openIssue(4, "alice", { priority: "P3", environment: "Production" }),
  { label: { number: 4, label: "P4", by: "carol" } },
  openIssue(5, "wanda", { priority: "P2", environment: "Production" }),
  { comment: { number: 5, author: "carol", body: "Looking at it now." } },
  openDiscussion(6, "wanda", { priority: "P1", environment: "Production" }),
  openIssue(7, "bob", { priority: "P4", environment: "Development" }),
  { edit: { number: 7, by: "bob", body: formBody({ priority: "P3", environment: "Development", description: "Worse than I thought." }) } },
  { comment: { number: 3, author: "carol", body: "Which region?" } },
  openIssue(8, "frank", { priority: "P2", environment: "Staging" }, { labels: ["security"] }),
];

/** The desk's morning, then faults end and one sweep runs two hours later. */
export const DESK_THEN_REPAIR: readonly Record<string, unknown>[] = [...DESK, { advance: "2h" }, { faults: "off" }, { sweep: {} }];
