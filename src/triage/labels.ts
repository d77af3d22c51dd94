/**
 * The labels the app relies on, and how the planner recognises them on an item.
 *
 * GitHub label names are case-insensitive ("p1" and "P1" are the same label), so every
 * comparison here ignores case. Descriptions are the seed policy's, shortened to
 * GitHub's 100-character limit, so a repository's label list explains the policy.
 */
import { PRIORITIES, PRIORITY_NAMES } from "../config/types.js";
import type { Config, Priority } from "../config/types.js";
import type { LabelSpec } from "./types.js";

const PRIORITY_DESCRIPTIONS: Readonly<Record<Priority, string>> = {
  P1: "Urgent: production down, no workaround, data at risk, or a confirmed security incident",
  P2: "High: production app degraded, intermittent issues, or a workaround for a former P1",
  P3: "Normal: partial non-critical loss, non-production app impaired, or a workaround exists",
  P4: "Low: general platform and workflow questions, feature requests, product feedback",
};

const PRIORITY_COLOURS: Readonly<Record<Priority, string>> = {
  P1: "b60205",
  P2: "d93f0b",
  P3: "fbca04",
  P4: "0e8a16",
};

/** GitHub rejects label descriptions longer than this. */
export const MAX_LABEL_DESCRIPTION = 100;

export function labelSpecs(config: Config): LabelSpec[] {
  const l = config.labels;
  const specs: LabelSpec[] = [
    ...PRIORITIES.map((p) => ({ name: l.priorities[p], color: PRIORITY_COLOURS[p], description: PRIORITY_DESCRIPTIONS[p] })),
    {
      name: l.production,
      color: "5319e7",
      description: "Affects a production environment; P1 (Urgent) and P2 (High) require it",
    },
    {
      name: l.security,
      color: "ee0701",
      description: "Confirmed security incident when applied by a maintainer; allows P1/P2 outside production",
    },
    {
      name: l.escalated,
      color: "000000",
      description: "First-response target missed; escalated to the support leads",
    },
    ...config.plans.map((plan) => ({
      name: planLabel(config, plan),
      color: "c5def5",
      description: `Support plan: ${plan} (sets the response targets for this item)`,
    })),
  ];
  const seen = new Set<string>();
  return specs
    .filter((s) => {
      const key = s.name.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((s) => ({ ...s, description: clip(s.description) }));
}

function clip(text: string): string {
  return text.length <= MAX_LABEL_DESCRIPTION ? text : `${text.slice(0, MAX_LABEL_DESCRIPTION - 1)}…`;
}

export function planLabel(config: Config, plan: string): string {
  return `${config.labels.plan_prefix}${plan}`;
}

export function priorityLabel(config: Config, priority: Priority): string {
  return config.labels.priorities[priority];
}

export function priorityName(priority: Priority): string {
  return `${priority} (${PRIORITY_NAMES[priority]})`;
}

export function hasLabel(labels: readonly string[], name: string): boolean {
  const key = name.toLowerCase();
  return labels.some((l) => l.toLowerCase() === key);
}

/** The priority a label name stands for under this configuration, or null. */
export function priorityOfLabel(config: Config, label: string): Priority | null {
  const key = label.toLowerCase();
  return PRIORITIES.find((p) => config.labels.priorities[p].toLowerCase() === key) ?? null;
}

/** The priorities whose labels the item carries, highest first. */
export function presentPriorities(config: Config, labels: readonly string[]): Priority[] {
  return PRIORITIES.filter((p) => hasLabel(labels, config.labels.priorities[p]));
}

/** The label spec for a name (for `ensureLabels`), falling back to a plain grey label. */
export function specFor(config: Config, name: string): LabelSpec {
  const key = name.toLowerCase();
  return labelSpecs(config).find((s) => s.name.toLowerCase() === key) ?? { name, color: "ededed", description: "" };
}
