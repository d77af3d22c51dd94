/**
 * The human-readable timeline of a simulation: the clock, each step in plain words, what
 * the app decided and why (from its `support-triage.plan` log lines), what it changed on
 * "GitHub", and the API requests it spent. Meant to be read top to bottom like a story,
 * so it leads with people's actions and keeps machinery (deliveries of the app's own
 * events, request counts) to one dim line each.
 */
import { DateTime } from "luxon";
import type { ScenarioResult, SimulationItem } from "./harness.js";
import type { Effect } from "./model.js";
import type { Step } from "./scenario.js";
import { renderReportTable } from "../triage/report-render.js";
import { parseMarker } from "../triage/marker.js";

export interface NarrateOptions {
  /** ANSI colours (only when writing to a terminal). */
  readonly color: boolean;
}

type Paint = (text: string) => string;

interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly step: Paint;
  readonly good: Paint;
  readonly warn: Paint;
  readonly bad: Paint;
  readonly clock: Paint;
}

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;

function palette(color: boolean): Palette {
  const plain: Paint = (text) => text;
  if (!color) return { bold: plain, dim: plain, step: plain, good: plain, warn: plain, bad: plain, clock: plain };
  return { bold: ansi(1, 22), dim: ansi(2, 22), step: ansi(36, 39), good: ansi(32, 39), warn: ansi(33, 39), bad: ansi(31, 39), clock: ansi(35, 39) };
}

/**
 * Text from users and the app goes to a terminal: control characters (escape sequences
 * included) are removed so a scenario cannot repaint or hijack the reader's terminal.
 */
export function safe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

const clip = (text: string, max: number): string => {
  const flat = safe(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** Width of a comment's text in the narration (after its indent), in characters. */
export const COMMENT_WIDTH = 96;

/** `line` broken at spaces into pieces of at most `width` (a longer word stands alone, whole). */
export function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(/\s+/).filter((w) => w.length > 0)) {
    if (current === "") current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      out.push(current);
      current = word;
    }
  }
  if (current !== "") out.push(current);
  return out;
}

/**
 * What a person reads in a comment, whole: markdown emphasis and HTML comments (the
 * machine-readable marker) dropped, each paragraph wrapped to COMMENT_WIDTH.
 */
export function readable(body: string): string[] {
  return safe(body.replace(/<!--[\s\S]*?-->/g, ""))
    .split("\n")
    .map((line) => line.replace(/\*\*|__/g, "").replace(/^#+\s*/, "").trim())
    .filter((line) => line.length > 0)
    .flatMap((line) => {
      // A list item's continuation lines are indented under its text.
      const bullet = /^([-*>] |\d+\. )/.exec(line)?.[0] ?? "";
      return wrap(line.slice(bullet.length), COMMENT_WIDTH - bullet.length).map((piece, i) => (i === 0 ? bullet : " ".repeat(bullet.length)) + piece);
    });
}

function describeStep(step: Step): string {
  switch (step.type) {
    case "open": {
      const what =
        step.kind === "issue" ? `issue #${step.number}` : step.kind === "pull_request" ? `pull request #${step.number}` : `discussion #${step.number} in ${step.category ?? "general"}`;
      const labels = step.labels.length > 0 ? ` with ${step.labels.length === 1 ? "label" : "labels"} ${step.labels.join(", ")} from the form` : "";
      return `${step.author} opens ${what} "${clip(step.title, 70)}"${labels}`;
    }
    case "label":
      return `${step.by} adds label ${step.label} to #${step.number}`;
    case "unlabel":
      return `${step.by} removes label ${step.label} from #${step.number}`;
    case "comment": {
      const reply = step.replyTo === null ? "" : ` (replying to ${typeof step.replyTo === "number" ? `comment ${step.replyTo}` : step.replyTo})`;
      return `${step.author} comments on #${step.number}${reply}: "${clip(step.body, 80)}"`;
    }
    case "edit": {
      const parts = [step.title !== undefined ? "title" : null, step.body !== undefined ? "body" : null, step.category !== undefined ? `category → ${step.category}` : null].filter(
        (part): part is string => part !== null,
      );
      return `${step.by} edits #${step.number} (${parts.join(", ")})`;
    }
    case "transfer":
      return `${step.by} transfers #${step.number} to ${step.to} (#${step.as} there)`;
    case "convert":
      return `${step.by} converts issue #${step.number} into a discussion in ${step.category}`;
    case "lock":
      return `${step.by} locks the conversation on #${step.number}`;
    case "unlock":
      return `${step.by} unlocks the conversation on #${step.number}`;
    case "answer":
      return `${step.by} marks ${typeof step.comment === "number" ? `comment ${step.comment}` : `${step.comment}'s comment`} as the answer on #${step.number}`;
    case "edit_comment":
      return `${step.by} edits ${typeof step.comment === "number" ? `comment ${step.comment}` : `${step.comment}'s comment`} on #${step.number}: "${clip(step.body, 80)}"`;
    case "delete_comment":
      return `${step.by} deletes ${typeof step.comment === "number" ? `comment ${step.comment}` : `${step.comment}'s comment`} on #${step.number}`;
    case "close":
      return `${step.by} closes #${step.number}`;
    case "reopen":
      return `${step.by} reopens #${step.number}`;
    case "advance":
      return `time passes: ${step.text}`;
    case "sweep":
      if (step.token !== undefined) return `someone calls the sweep route with ${step.token === "none" ? "no" : "a wrong"} token`;
      return "an escalation sweep runs";
    case "tick":
      return `time passes: ${step.text} (the in-server sweep timer runs when due)`;
    case "report":
      return `the SLA report is asked for${step.since !== null ? ` (since ${step.since}` : ""}${step.until !== null ? `${step.since !== null ? ", " : " ("}until ${step.until}` : ""}${step.since !== null || step.until !== null ? ")" : ""}`;
    case "redeliver": {
      const times = step.times ?? 1;
      if (times === 1) return "GitHub redelivers the last event (same delivery id)";
      return `GitHub redelivers the last event ${times} times${step.concurrently === true ? ", all at once" : ""} (same delivery id)`;
    }
    case "faults":
      return step.on ? "GitHub starts failing again (fault injection on)" : "GitHub recovers (fault injection off)";
    case "push":
      return `${step.by} pushes "${clip(step.message, 70)}" to the default branch (${step.files.map(([path, text]) => `${text === null ? "deletes " : ""}${path}`).join(", ")})`;
    case "install":
      return step.by === null ? "the app is installed again (installation.created)" : `${step.by} installs the app again (installation.created)`;
    case "merge":
      return `${step.by} merges the pull request from ${step.branch}`;
    case "close_pull":
      return `${step.by} closes the pull request from ${step.branch} without merging`;
    case "concurrently":
      return clip(`at the same moment (${plural(step.steps.length, "event")}, delivered in parallel): ${step.steps.map((inner) => describeStep(inner)).join("; ")}`, 400);
  }
}

/** The sweep route's JSON answer in words, when it has the usual counters. */
function sweepSummary(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    const record = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    const count = (key: string): number => (typeof record[key] === "number" ? (record[key] as number) : 0);
    if (typeof record["items"] === "number") {
      const parts = [`${plural(count("items"), "open tracked item")} checked`, `${count("escalated")} escalated`];
      if (count("responded") > 0) parts.push(`${plural(count("responded"), "late response")} recorded`);
      if (count("failures") > 0) parts.push(`${plural(count("failures"), "repository", "repositories")} failed`);
      return `sweep: ${parts.join(", ")}`;
    }
  } catch {
    // Not JSON: show it as it is.
  }
  return `sweep answered: ${clip(text, 160)}`;
}

function itemLine(item: SimulationItem, zone: string): string {
  const labels = item.labels.length > 0 ? item.labels.join(", ") : "no labels";
  const assignees = item.assignees.length > 0 ? ` · assigned ${item.assignees.join(", ")}` : "";
  const target = [...item.comments].reverse().map((comment) => parseMarker(comment.body)).find((marker) => marker !== null);
  const parts: string[] = [];
  if (target?.priority) parts.push(`${target.priority}${target.plan ? `/${target.plan}` : ""}`);
  if (target?.dueAt) parts.push(`due ${formatTime(Date.parse(target.dueAt), zone)}`);
  if (target?.respondedAt) parts.push(`answered ${formatTime(Date.parse(target.respondedAt), zone)}`);
  if (target?.escalatedAt) parts.push(`escalated ${formatTime(Date.parse(target.escalatedAt), zone)}`);
  const tracked = parts.length > 0 ? `\n      ${parts.join(" · ")}` : "";
  return `  #${item.number} ${item.kind} (${item.state}) "${clip(item.title, 60)}" by ${item.author} — ${labels}${assignees} · ${plural(item.comments.length, "comment")}${tracked}`;
}

/** An instant the way the app's comments show it ("Tue, Dec 1, 2026, 9:00 AM PST"): one format throughout. */
export function formatTime(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) return "?";
  return DateTime.fromMillis(ms, { zone, locale: "en-US" }).toFormat("ccc, LLL d, yyyy, h:mm a ZZZZ");
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** ISO-8601 instants in the app's log messages, shown in the narration's one format. */
export function humanTimes(text: string, zone: string): string {
  return text.replace(ISO_INSTANT, (iso) => {
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? formatTime(ms, zone) : iso;
  });
}

/** Renders the whole run. */
export function narrate(result: ScenarioResult, options: NarrateOptions): string {
  const paint = palette(options.color);
  const { scenario, state } = result;
  const zone = scenario.timezone;
  const out: string[] = [];
  out.push(paint.bold(`support-triage simulation · ${scenario.repo} · ${scenario.file}`));
  if (scenario.description) for (const line of scenario.description.trim().split("\n")) out.push(paint.dim(safe(line)));
  if (scenario.members.length > 0) out.push(paint.dim(`Members (responders): ${scenario.members.join(", ")}`));
  if (scenario.collaborators.length > 0) out.push(paint.dim(`Outside collaborators (responders): ${safe(scenario.collaborators.join(", "))}`));
  if (scenario.repositories.length > 0) out.push(paint.dim(`Further repositories: ${safe(scenario.repositories.map((r) => r.name).join(", "))}`));
  out.push("");

  let clock: number | null = null;
  let appEvents = 0;
  // The app logs its plan after applying it; the story reads better as "why, then what",
  // so effects wait here until the plan that caused them (or anything else) is printed.
  let pendingEffects: Effect[] = [];
  const flushAppEvents = (): void => {
    if (appEvents > 0) out.push(paint.dim(`      ↺ ${plural(appEvents, "event")} from the app's own writes delivered back to it`));
    appEvents = 0;
  };
  const flushEffects = (): void => {
    const effects = pendingEffects;
    pendingEffects = [];
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i] as Effect;
      // Effects in a further repository (`repositories:`) say where they happened.
      const where = effect.repo.toLowerCase() === scenario.repo.toLowerCase() ? "" : `${effect.repo}: `;
      if (effect.kind === "create-label") {
        const names: string[] = [];
        while (effects[i]?.kind === "create-label" && (effects[i] as Effect).repo === effect.repo) {
          names.push(/"(.*)"/.exec((effects[i] as Effect).text)?.[1] ?? "?");
          i++;
        }
        i--;
        out.push(`       ${paint.good("✔")} ${safe(where)}created ${names.length === 1 ? "label" : "labels"} ${safe(names.join(", "))}`);
        continue;
      }
      out.push(`       ${paint.good("✔")} ${safe(where)}${safe(effect.text)}`);
      if (effect.body !== undefined && (effect.kind === "comment" || effect.kind === "edit-comment" || effect.kind === "issue" || effect.kind === "pull")) {
        for (const line of readable(effect.body)) out.push(paint.dim(`         │ ${line}`));
      }
    }
  };
  const showClock = (at: number): void => {
    if (clock === at) return;
    out.push(paint.clock(`⏱  ${formatTime(at, zone)}`));
    clock = at;
  };
  for (const entry of result.timeline) {
    if (entry.type === "effect") {
      pendingEffects.push(entry.effect);
      continue;
    }
    if (entry.type === "api") continue;
    if (entry.type === "delivery") {
      if (entry.cause === "app" && !entry.redelivery) appEvents += 1;
      continue;
    }
    if (entry.type !== "plan") flushEffects();
    switch (entry.type) {
      case "install":
        showClock(entry.at);
        out.push(`   ${paint.step("▸")} ${paint.bold(`${entry.by} installs support-triage on ${entry.repo}`)}`);
        break;
      case "step":
        flushAppEvents();
        if (entry.step.type === "advance") out.push(paint.dim(`   … ${describeStep(entry.step)}`));
        else {
          showClock(entry.at);
          out.push(`   ${paint.step("▸")} ${paint.bold(describeStep(entry.step))}`);
        }
        break;
      case "plan": {
        flushAppEvents();
        const plan = entry.plan;
        out.push(`     ${paint.good("app")} · ${plan.kind} #${plan.number} · on ${plan.trigger}:`);
        for (const decision of plan.decisions) out.push(`       • ${paint.bold(decision.rule)}: ${clip(humanTimes(decision.message, zone), 220)}`);
        if (plan.actions.length > 0) out.push(`       → ${plan.actions.map((action) => clip(action, 60)).join(" · ")}`);
        else if (plan.decisions.length === 0) out.push(paint.dim("       nothing to do"));
        flushEffects();
        break;
      }
      case "note":
        out.push(paint.dim(`     ${safe(entry.text)}`));
        break;
      case "sweep-summary":
        out.push(paint.dim(`     ${sweepSummary(entry.text)}`));
        break;
      case "report":
        for (const line of renderReportTable(entry.report).split("\n")) out.push(`     ${safe(line)}`);
        out.push(paint.dim(`     (${plural(entry.requests, "request")} to read the report's items)`));
        break;
      case "outgoing-webhook":
        out.push(`       ${paint.good("✔")} escalation webhook to ${safe(entry.url)} (recorded by the simulator, not sent)`);
        break;
      case "log":
        out.push(paint.warn(`     ⚠ ${clip(entry.message, 160)}`));
        break;
      case "fault":
        out.push(paint.dim(`     ⚡ ${clip(entry.text, 160)}`));
        break;
      case "error":
        out.push(paint.bad(`     ✖ ${clip(entry.message, 200)}`));
        break;
      case "requests": {
        flushAppEvents();
        const extra = entry.rest304 > 0 ? `, ${entry.rest304} answered 304 (free)` : "";
        out.push(paint.dim(`      ⇄ ${plural(entry.rest, "REST request")}, ${plural(entry.graphql, "GraphQL request")}${extra}`));
        break;
      }
    }
  }
  flushEffects();
  flushAppEvents();
  out.push("");
  out.push(paint.bold(`Final state at ${formatTime(Date.parse(state.now), zone)}`));
  for (const item of state.items) out.push(itemLine(item, zone));
  out.push("");
  out.push(`API requests made by the app: ${state.requests.rest} REST, ${state.requests.graphql} GraphQL`);
  if (result.faults) {
    const c = result.faults.counts;
    out.push(
      paint.dim(
        `Injected faults: ${plural(c.errors, "failed request")}, ${c.appliedErrors} failed after applying, ${plural(c.rateLimited, "rate limit")}, ${c.dropped} lost and ${plural(c.delayed, "late delivery", "late deliveries")}` +
          (result.faults.expected.length > 0 ? `; ${plural(result.faults.expected.length, "expected consequence")} (the app gave up or answered a delivery with an error)` : ""),
      ),
    );
  }
  if (state.errors.length === 0) out.push(paint.good("Errors: none"));
  else {
    out.push(paint.bad(`Errors (${state.errors.length}):`));
    for (const error of state.errors) out.push(paint.bad(`  ✖ ${clip(error, 300)}`));
  }
  return `${out.join("\n")}\n`;
}
