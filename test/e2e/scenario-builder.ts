/**
 * Builders for end-to-end scenarios: forms rendered the way GitHub renders them, and a
 * scenario object turned into the YAML the `simulate` command reads, so every e2e test
 * goes through the same parser, simulator and real app as a user's scenario file.
 */
import { stringify } from "yaml";
import { runScenario, type ScenarioResult, type SimulationItem } from "../../src/simulator/harness.js";

const PRIORITY_OPTIONS = [
  "P1 (Urgent) – production down with no workaround, data at risk, or a confirmed security incident",
  "P2 (High) – production degraded or intermittent; operations continue in a restricted way",
  "P3 (Normal) – partial, non-critical loss of function, or a non-production app impaired or down",
  "P4 (Low) – general questions, feature requests, product feedback",
];

const FORM_BODY = `body:
  - type: dropdown
    id: priority
    attributes:
      label: Priority
      options:
${PRIORITY_OPTIONS.map((option) => `        - "${option}"`).join("\n")}
  - type: dropdown
    id: environment
    attributes:
      label: Environment
      options: [Production, Staging, Development]
  - type: textarea
    id: description
    attributes:
      label: Description
`;

export const ISSUE_FORM = `name: Support request\ndescription: Ask for help.\ntitle: "[Support]: "\n${FORM_BODY}`;
export const DISCUSSION_FORM = `title: "[Support]: "\n${FORM_BODY}`;

export const FORM_FILES = {
  ".github/ISSUE_TEMPLATE/support.yml": ISSUE_FORM,
  ".github/DISCUSSION_TEMPLATE/support.yml": DISCUSSION_FORM,
};

/** A form answer as GitHub renders it: `### Label`, blank line, value. */
export function formBody(answers: { priority?: "P1" | "P2" | "P3" | "P4" | null; environment?: string | null; description?: string }): string {
  const priority = answers.priority ? PRIORITY_OPTIONS.find((option) => option.startsWith(answers.priority ?? "")) : "None";
  return [
    "### Priority",
    "",
    priority,
    "",
    "### Environment",
    "",
    answers.environment ?? "None",
    "",
    "### Description",
    "",
    answers.description ?? "Something is wrong.",
  ].join("\n");
}

export interface ScenarioSpec {
  readonly now?: string;
  readonly members?: readonly string[];
  readonly config?: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly steps: readonly Record<string, unknown>[];
  /** Further top-level keys (`faults:`, `repo:`, `repos:` …), as in a scenario file. */
  readonly faults?: Readonly<Record<string, unknown>>;
  readonly top?: Readonly<Record<string, unknown>>;
}

export function scenarioText(spec: ScenarioSpec): string {
  return stringify({
    repo: "acme/support",
    now: spec.now ?? "2026-12-01T09:00:00-08:00",
    members: spec.members ?? ["carol"],
    ...(spec.config !== undefined ? { config: spec.config } : {}),
    files: { ...FORM_FILES, ...(spec.files ?? {}) },
    ...(spec.faults !== undefined ? { faults: spec.faults } : {}),
    ...(spec.top ?? {}),
    steps: spec.steps,
  });
}

export async function simulate(spec: ScenarioSpec): Promise<ScenarioResult> {
  const result = await runScenario(scenarioText(spec), "e2e.yml");
  return result;
}

export function item(result: ScenarioResult, number: number): SimulationItem {
  const found = result.state.items.find((candidate) => candidate.number === number);
  if (!found) throw new Error(`no item #${number} in ${result.json}`);
  return found;
}

export const botComments = (found: SimulationItem) => found.comments.filter((comment) => comment.author === "support-triage[bot]");

/** The target comment's machine-readable state (SPEC section 4). */
export function marker(found: SimulationItem): Record<string, unknown> | null {
  for (const comment of botComments(found)) {
    const match = /<!--\s*support-triage:target\s+(\{[\s\S]*?\})\s*-->/.exec(comment.body);
    if (match?.[1]) return JSON.parse(match[1]) as Record<string, unknown>;
  }
  return null;
}

/** Bot comments that are not the target comment (notices, escalations, warnings). */
export const notices = (found: SimulationItem) => botComments(found).filter((comment) => !comment.body.includes("support-triage:target"));
