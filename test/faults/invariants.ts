/**
 * The properties that must hold at the end of any run, however the deliveries were
 * repeated, reordered, lost, raced or failed — checked on the simulated GitHub itself
 * (the world), so label provenance comes from GitHub's own label history, not from what
 * the app wrote about itself.
 *
 * Default label names only (the scenarios here use the default configuration's labels).
 */
import type { ScenarioResult, SimulationItem } from "../../src/simulator/harness.js";
import { BOT_LOGIN, type SimItem } from "../../src/simulator/model.js";
import { SUPERSEDED_NOTE } from "../../src/triage/recall.js";

const PRIORITY = /^P[1-4]$/;
const MARKER = "<!-- support-triage:target ";

export type CommentKind = "target" | "notice" | "escalation" | "warning" | "superseded" | "other";

/** What one of the app's comments is, read from its body. */
export function kindOf(body: string): CommentKind {
  if (body.includes(MARKER)) return "target";
  if (body.startsWith("**Priority changed from")) return "notice";
  if (body.startsWith("**First-response target missed")) return "escalation";
  if (body.startsWith("**First-response target at risk")) return "warning";
  if (body === SUPERSEDED_NOTE) return "superseded";
  return "other";
}

export const appComments = (item: { comments: readonly { author: string; body: string }[] }) =>
  item.comments.filter((comment) => comment.author === BOT_LOGIN);

/** Who last added `label` to the item, per GitHub's label history. */
function lastAdder(item: SimItem, label: string): string | null {
  const key = label.toLowerCase();
  const events = item.events.filter((event) => event.added && event.label.name.toLowerCase() === key);
  return events.at(-1)?.actor.login ?? null;
}

/**
 * Every violation found, as readable lines (empty = all invariants hold):
 *  1. at most one priority label; exactly one on an item the app tracks;
 *  2. an open item with P1/P2 also has `production`, or a `security` label a member added;
 *  3. exactly one target comment (app comment with a marker) on a tracked item, none otherwise,
 *     and its marker's priority is the label's;
 *  4. at most one escalation comment;
 *  5. no notice (or warning) posted twice.
 */
export function violations(result: ScenarioResult): string[] {
  const world = result.world;
  if (!world) throw new Error("runScenario did not return the world");
  const repo = [...world.repos.values()][0];
  if (!repo) throw new Error("no repository");
  const members = new Set([...repo.members]);
  const out: string[] = [];
  for (const item of [...repo.items.values()].filter((candidate) => candidate.author.login !== BOT_LOGIN)) {
    const at = `#${item.number}`;
    const labels = item.labels.map((label) => label.name);
    const priorities = labels.filter((name) => PRIORITY.test(name));
    const comments = item.comments.filter((comment) => comment.author.login === BOT_LOGIN);
    const kinds = comments.map((comment) => kindOf(comment.body));
    const targets = comments.filter((_, i) => kinds[i] === "target");
    if (priorities.length > 1) out.push(`${at}: ${priorities.length} priority labels (${priorities.join(", ")})`);
    if (item.state === "open" && priorities.some((p) => p === "P1" || p === "P2")) {
      const production = labels.includes("production");
      const adder = labels.includes("security") ? lastAdder(item, "security") : null;
      const confirmed = adder !== null && members.has(adder.toLowerCase());
      if (!production && !confirmed) out.push(`${at}: ${priorities.join(", ")} without production or a member's security label`);
    }
    if (priorities.length > 0 && targets.length !== 1) out.push(`${at}: ${targets.length} target comments`);
    if (priorities.length === 0 && targets.length > 0) {
      const untracked = targets.every((comment) => comment.body.includes('"untracked":true'));
      if (!untracked) out.push(`${at}: a target comment but no priority label`);
    }
    const first = targets[0];
    if (priorities.length === 1 && first) {
      const match = /"priority":"(P[1-4])"/.exec(first.body);
      if (match?.[1] !== priorities[0]) out.push(`${at}: marker says ${String(match?.[1])}, label says ${String(priorities[0])}`);
    }
    const escalations = kinds.filter((kind) => kind === "escalation").length;
    if (escalations > 1) out.push(`${at}: ${escalations} escalation comments`);
    const seen = new Set<string>();
    for (const [i, comment] of comments.entries()) {
      if (kinds[i] !== "notice" && kinds[i] !== "warning") continue;
      if (seen.has(comment.body)) out.push(`${at}: the same ${kinds[i] ?? "notice"} posted twice`);
      seen.add(comment.body);
    }
  }
  const configIssues = [...repo.items.values()].filter((item) => item.author.login === BOT_LOGIN && item.state === "open" && item.title === "support-triage: configuration error");
  if (configIssues.length > 1) out.push(`${configIssues.length} open configuration-error issues`);
  return out;
}

/**
 * What people see on an item, for comparing a run with faults against the same run
 * without: labels, state, assignees, what others wrote, and the app's comments by kind
 * with their exact text (order and timestamps aside: a comment the sweep repairs is
 * posted later than it would have been).
 */
export function visible(item: SimulationItem): Record<string, unknown> {
  const mine = appComments(item);
  const byKind: Record<string, string[]> = {};
  for (const comment of mine) (byKind[kindOf(comment.body)] ??= []).push(comment.body);
  for (const bodies of Object.values(byKind)) bodies.sort();
  const app = Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    number: item.number,
    kind: item.kind,
    state: item.state,
    labels: item.labels,
    assignees: [...item.assignees].sort(),
    others: item.comments.filter((comment) => comment.author !== BOT_LOGIN).map((comment) => `${comment.author}: ${comment.body}`),
    app,
  };
}
