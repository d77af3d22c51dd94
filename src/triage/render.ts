/**
 * Comment bodies the app writes. Pure functions of the state they describe: the target
 * comment in particular must render identically for identical state, because the
 * planner decides whether to edit it by comparing bodies.
 *
 * Every piece of user-provided text (logins, environment answers, label names users may
 * have typed) goes through sanitize.ts. Only configured escalation contacts and
 * assignees are written as live mentions: pinging them is the point of escalation
 * (on discussions, which cannot be assigned, the assignees are asked to look instead).
 */
import { businessTimeBetween, calendarFromConfig } from "../calendar/calendar.js";
import type { Config, Priority } from "../config/types.js";
import type { TargetResult } from "./target.js";
import { describeDue, formatBusinessDuration } from "./target.js";
import type { Item, MarkerState } from "./types.js";
import { renderMarker } from "./marker.js";
import { codeSpan, quietLogin, userText } from "./sanitize.js";
import { priorityName } from "./labels.js";
import { sameLogin } from "./text.js";

/** The policy sentence quoted verbatim by the production-rule notice (seed policy). */
export const PRODUCTION_POLICY =
  "P1 (Urgent) and P2 (High) priority tickets are reserved exclusively for production database issues, excepting confirmed security incidents.";

function dueText(config: Config, iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? describeDue(config, ms) : userText(iso, 40);
}

function kindWord(item: Pick<Item, "kind">): string {
  return item.kind === "issue" ? "issue" : "discussion";
}

/** "met, 2 hours before the due time" / "missed by 1 business day 3 hours", in the target's own units. */
export function responseVerdict(config: Config, target: TargetResult, respondedMs: number): string {
  const due = target.dueMs;
  const [from, to] = respondedMs <= due ? [respondedMs, due] : [due, respondedMs];
  const span =
    target.coverageKind === "24x7" ? to - from : businessTimeBetween(calendarFromConfig(config), from, to);
  const amount = formatBusinessDuration(config, span, target.coverageKind);
  if (respondedMs <= due) return span === 0 ? "target met, at the due time" : `target met, ${amount} before the due time`;
  return span === 0 ? "target missed, outside business hours after the due time" : `target missed by ${amount}`;
}

export interface TargetCommentInput {
  readonly config: Config;
  readonly item: Pick<Item, "kind">;
  readonly state: MarkerState;
  /** The target for the state's plan and priority; null when untracked. */
  readonly target: TargetResult | null;
  /**
   * The app's login. A priority whose `setBy` is the app was applied by the app under
   * the production rule, and is described as such rather than as someone's label.
   */
  readonly appLogin?: string;
}

/** "support-triage[bot]" → "support-triage": how the app names itself in text. */
function appName(login: string): string {
  return login.replace(/\[bot\]$/i, "");
}

export function renderTargetComment(input: TargetCommentInput): string {
  const { config, item, state, target } = input;
  const lines: string[] = [];
  if (state.untracked === true || target === null) {
    lines.push(
      "**Support response target: not tracked**",
      "",
      `This ${kindWord(item)} has no priority label any more, so it has no response target and will not be escalated. ` +
        `To track it again, add one of the priority labels (${prioritiesList(config)}).`,
      "",
    );
  } else {
    const setter = quietLogin(state.setBy);
    const byApp = input.appLogin !== undefined && sameLogin(state.setBy, input.appLogin);
    const origin = byApp
      ? `applied by ${userText(appName(input.appLogin ?? state.setBy), 60)} under the production rule`
      : state.source === "form"
        ? `from the support form filled in by ${setter}`
        : `set by ${setter} with the ${codeSpan(config.labels.priorities[state.priority])} label`;
    lines.push(
      `**Support response target** for this ${kindWord(item)}`,
      "",
      `- **Priority:** ${priorityName(state.priority)}, ${origin}`,
      `- **Plan:** ${userText(state.plan, 60)}`,
      `- **Target:** first response within ${target.text}`,
      `- **First response due:** ${dueText(config, state.dueAt)}`,
    );
    if (state.securityBy !== undefined) {
      lines.push(`- **Security incident:** confirmed by ${quietLogin(state.securityBy)}`);
    }
  }
  if (state.respondedAt !== undefined) {
    const by = state.respondedBy === undefined ? "" : ` by ${quietLogin(state.respondedBy)}`;
    const respondedMs = Date.parse(state.respondedAt);
    const verdict =
      target !== null && state.untracked !== true && Number.isFinite(respondedMs)
        ? `: ${responseVerdict(config, target, respondedMs)}`
        : "";
    lines.push(`- **First response:** ${dueText(config, state.respondedAt)}${by}${verdict}`);
  } else if (state.untracked !== true) {
    lines.push("- **First response:** none yet");
  }
  if (state.escalatedAt !== undefined) {
    lines.push(`- **Escalated:** ${dueText(config, state.escalatedAt)}`);
  }
  if (lines.at(-1) !== "") lines.push("");
  lines.push(renderMarker(state));
  return lines.join("\n");
}

function prioritiesList(config: Config): string {
  return (["P1", "P2", "P3", "P4"] as const).map((p) => codeSpan(config.labels.priorities[p])).join(", ");
}

/** What broke the production rule, for the notice's "why". */
export type ProductionCause =
  | { readonly kind: "form"; readonly environment: string | null }
  | { readonly kind: "label"; readonly by: string }
  | { readonly kind: "production-removed"; readonly by: string | null }
  | { readonly kind: "other" };

export interface ProductionNoticeInput {
  readonly config: Config;
  readonly item: Pick<Item, "kind">;
  /** The priority that was not allowed. */
  readonly rejected: Priority;
  /** The priority applied instead. */
  readonly applied: Priority;
  /** Whether `applied` is the item's previous priority (else the configured default). */
  readonly appliedIsPrevious: boolean;
  readonly cause: ProductionCause;
  /** A `security` label is present but was not applied by a responder. */
  readonly unconfirmedSecurity: boolean;
}

export function renderProductionNotice(n: ProductionNoticeInput): string {
  const { config } = n;
  const production = codeSpan(config.labels.production);
  const security = codeSpan(config.labels.security);
  const rejected = priorityName(n.rejected);
  let why: string;
  switch (n.cause.kind) {
    case "form":
      why =
        n.cause.environment === null
          ? `The support form asked for ${rejected}, but no production environment was chosen.`
          : `The support form asked for ${rejected}, but the environment given is “${userText(n.cause.environment, 80)}”, not production.`;
      break;
    case "label":
      why = `${quietLogin(n.cause.by)} added ${codeSpan(config.labels.priorities[n.rejected])}, but this ${kindWord(n.item)} has no ${production} label and no confirmed security incident.`;
      break;
    case "production-removed":
      why =
        n.cause.by === null
          ? `The ${production} label was removed, so ${rejected} no longer applies.`
          : `${quietLogin(n.cause.by)} removed the ${production} label, so ${rejected} no longer applies.`;
      break;
    case "other":
      why = `This ${kindWord(n.item)} carried ${rejected} without the ${production} label or a confirmed security incident.`;
      break;
  }
  if (n.unconfirmedSecurity) {
    why += ` The ${security} label was not applied by a maintainer, so it does not confirm a security incident.`;
  }
  const applied = `${priorityName(n.applied)}${n.appliedIsPrevious ? " (its previous priority)" : ""}`;
  const value = codeSpan(config.form.production_values[0] ?? "Production", 40);
  const field = codeSpan(config.form.environment_field, 40);
  const kind = kindWord(n.item);
  // Customers cannot add labels (GitHub gives that to people with triage access): what they
  // can do is correct the form's answer — only where the form decides — or ask; what the
  // support team can do follows.
  const author =
    n.cause.kind === "form"
      ? `**What you can do:** if this affects production, edit this ${kind}'s description and change the answer under ${field} to ${value}; ` +
        `the priority you chose in the form is then applied again. For a confirmed security incident, ` +
        `or if the form does not fit your case, reply here and ask the support team (labels are theirs to set).`
      : `**What you can do:** if this affects production, or is a confirmed security incident, reply here and ask the support team: ` +
        `they set the labels that allow ${rejected}${n.cause.kind === "production-removed" ? ` (editing the form does not bring the ${production} label back once it was removed)` : ""}.`;
  const team =
    `**Support team:** add the ${production} label for a production issue, or the ${security} label for a confirmed security incident, ` +
    `then set the priority again.`;
  return [
    `**Priority changed from ${n.rejected} to ${n.applied}** under the production rule of the support policy:`,
    "",
    `> ${PRODUCTION_POLICY}`,
    "",
    `${why} The priority is now ${applied}.`,
    "",
    author,
    "",
    team,
  ].join("\n");
}

/** A configured contact as a live mention ("acme/leads" → "@acme/leads"). */
function mention(contact: string): string {
  const c = contact.trim();
  return c.startsWith("@") ? c : `@${c}`;
}

export interface EscalationCommentInput {
  readonly config: Config;
  readonly item: Pick<Item, "kind">;
  readonly target: TargetResult;
  readonly lateBy: string;
}

export function renderEscalationComment(e: EscalationCommentInput): string {
  const { config, target } = e;
  const lines = [
    "**First-response target missed: escalating**",
    "",
    `This ${priorityName(target.priority)} ${kindWord(e.item)} on the ${userText(target.plan, 60)} plan ` +
      `(first response within ${target.text}) was due for a first response at ${describeDue(config, target.dueMs)} ` +
      `and has had none; it is ${e.lateBy === "0 minutes" ? "due now" : `${e.lateBy} late`}.`,
  ];
  const contacts = config.escalation.contacts.map(mention);
  const assignees = config.escalation.assignees.map(mention);
  if (e.item.kind === "issue") {
    if (contacts.length > 0) lines.push("", `${contacts.join(", ")}: please take a look.`);
    if (assignees.length > 0) lines.push("", `Assigned to ${assignees.join(", ")}.`);
  } else {
    // Discussions cannot be assigned: the assignees are asked to look, like the contacts.
    const seen = new Set<string>();
    const asked = [...contacts, ...assignees].filter((m) => {
      const key = m.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (asked.length > 0) lines.push("", `${asked.join(", ")}: please take a look.`);
  }
  return lines.join("\n");
}

export interface WarningCommentInput {
  readonly config: Config;
  readonly item: Pick<Item, "kind">;
  readonly target: TargetResult;
  /** Share of the target elapsed, 0..1. */
  readonly share: number;
}

export function renderWarningComment(w: WarningCommentInput): string {
  const pct = Math.min(99, Math.floor(w.share * 100));
  const lines = [
    "**First-response target at risk**",
    "",
    `${pct}% of this ${kindWord(w.item)}'s ${priorityName(w.target.priority)} target (first response within ${w.target.text}) ` +
      `has passed without a first response. It is due at ${describeDue(w.config, w.target.dueMs)}.`,
  ];
  // The people escalation would call, told before it comes to that.
  const contacts = w.config.escalation.contacts.map(mention);
  if (contacts.length > 0) lines.push("", `${contacts.join(", ")}: please answer before then, or it is escalated to you.`);
  return lines.join("\n");
}

/**
 * The note that records a confirmed security incident on a discussion the app does not
 * track yet (discussions have no label history: without it, who applied `security` would
 * be lost by the time a priority arrives). `lapsed` once the label has been removed.
 */
export function renderSecurityNote(config: Config, by: string, lapsed: boolean): string {
  const security = codeSpan(config.labels.security);
  if (lapsed) {
    return `_The ${security} label was removed: the security incident ${quietLogin(by)} confirmed no longer allows P1 (Urgent) or P2 (High) here._`;
  }
  return [
    `**Security incident confirmed:** ${quietLogin(by)} added the ${security} label.`,
    "",
    `While the label stays, this discussion may carry P1 (Urgent) or P2 (High) without the ${codeSpan(config.labels.production)} label, as the support policy allows for confirmed security incidents:`,
    "",
    `> ${PRODUCTION_POLICY}`,
  ].join("\n");
}
