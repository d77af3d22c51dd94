/**
 * SPEC §3 rule 3: P1 and P2 are for production, or for a security incident a responder
 * confirmed. A `security` label alone proves nothing, because a form template or the
 * author can put it there; what counts is who applied it.
 *
 * Like the rest of the planner this must reach a fixpoint: whatever it decides, the
 * same rules applied to the item *after* its actions must decide the same, and the
 * notice explaining a rejection must be recognisable as already posted.
 */
import type { Config, Priority } from "../config/types.js";
import { hasLabel } from "./labels.js";
import { isAppActor, isAuthor, labelDecides, lastLabelEvent, resolvePriority } from "./priority.js";
import type { PriorityContext, ResolvedPriority } from "./priority.js";
import { withTag } from "./recall.js";
import { renderProductionNotice } from "./render.js";
import type { ProductionCause } from "./render.js";
import { isBotActor } from "./responders.js";
import { loginKey } from "./text.js";
import type { Actor, Decision, MarkerState } from "./types.js";

export function isRestricted(p: Priority): boolean {
  return p === "P1" || p === "P2";
}

/**
 * Whether this person's `security` label confirms an incident: not the app, not a bot, and a
 * responder's decision — anyone but the author, or the author when they are themselves a
 * responder and the label is not one GitHub applied from the form at creation (a form's
 * `labels:` are applied as the author, so a customer cannot confirm through the form).
 */
function canConfirm(ctx: PriorityContext, actor: Actor): boolean {
  return !isAppActor(ctx, actor) && !isBotActor(actor) && labelDecides(ctx, actor, ctx.config.labels.security);
}

/** Notice key of the note that records a confirmation on an item the app does not track yet. */
export const SECURITY_NOTE_PREFIX = "security:";

/** The confirmer a live security note names (see {@link securityNote}), or null. */
export function notedSecurityBy(postedNotices: readonly string[] | undefined): string | null {
  const key = postedNotices?.find((k) => k.startsWith(SECURITY_NOTE_PREFIX));
  return key === undefined ? null : key.slice(SECURITY_NOTE_PREFIX.length) || null;
}

/**
 * Login of the responder who confirmed the security incident, or null. Confirmation
 * lapses when the `security` label is gone. Who added the label is a fact, however soon
 * after creation: GitHub applies a form's labels as the author, whom this never counts.
 * Sources, in order: the trigger's sender; the marker's `securityBy`; before any marker
 * exists, the app's security note (discussions, which have no timeline: the note is
 * written when the label arrives on an untracked discussion); the issue timeline's latest
 * addition of the label.
 */
export function securityConfirmedBy(ctx: PriorityContext): string | null {
  const name = ctx.config.labels.security;
  if (!hasLabel(ctx.item.labels, name)) return null;
  const t = ctx.trigger;
  if (t.type === "labeled" && t.label.toLowerCase() === name.toLowerCase() && canConfirm(ctx, t.sender)) {
    return t.sender.login;
  }
  if (ctx.prev?.securityBy !== undefined) return ctx.prev.securityBy;
  if (ctx.prev === null) {
    const noted = notedSecurityBy(ctx.postedNotices);
    if (noted !== null) return noted;
  }
  const added = lastLabelEvent(ctx.item.labelEvents, name, true);
  if (added?.actor == null || !canConfirm(ctx, added.actor)) return null;
  return added.actor.login;
}

/** The author edited the item's body: the form speaks again. */
function authorEdit(ctx: PriorityContext): boolean {
  const t = ctx.trigger;
  return t.type === "edited" && t.bodyChanged && isAuthor(ctx, t.sender);
}

/**
 * Where the `production` label stood before this event (MarkerState.production), with
 * what this event and the issue timeline say about it since: a person's removal makes it
 * `removed`; a responder's addition makes it theirs (absent); an addition GitHub made from
 * the form (as the author, at creation) makes it `form`. The app's own changes say nothing
 * new (the marker recorded why it made them).
 */
export function productionOrigin(ctx: PriorityContext): "form" | "removed" | undefined {
  const name = ctx.config.labels.production;
  const key = name.toLowerCase();
  const present = hasLabel(ctx.item.labels, name);
  const prev = ctx.prev;
  const known = prev === null ? (present && ctx.form.production ? "form" : undefined) : prev.production;
  const fromAddition = (by: Actor | null): "form" | undefined => (by !== null && labelDecides(ctx, by, name) ? undefined : "form");
  // The issue timeline, when it shows the label: its latest event is the fact.
  const events = ctx.item.labelEvents ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e === undefined || e.label.toLowerCase() !== key) continue;
    // The app's own change: what it recorded when it made it.
    if (e.actor !== null && isAppActor(ctx, e.actor)) return known;
    if (!e.added) return present ? known : "removed";
    return present ? fromAddition(e.actor) : known;
  }
  // No timeline (discussions) or nothing in it yet: the trigger, unless the marker
  // already accounts for the label as it is (a repeated or stale delivery).
  const t = ctx.trigger;
  if ((t.type === "labeled" || t.type === "unlabeled") && t.label.toLowerCase() === key && !isAppActor(ctx, t.sender)) {
    if (t.type === "unlabeled" && !present) return "removed";
    if (t.type === "labeled" && present && !(prev !== null && prev.production === "form")) return fromAddition(t.sender);
  }
  return known;
}

/**
 * The production label is added from the form only when the form speaks: on first sight
 * of the item, or when its author edits the body while the form decides the priority —
 * never after a person removed it (their removal stands against the form, like a
 * responder's priority label). Re-adding it on every event would undo them.
 */
export function shouldAddProduction(ctx: PriorityContext, origin: "form" | "removed" | undefined = productionOrigin(ctx)): boolean {
  if (!ctx.form.production || hasLabel(ctx.item.labels, ctx.config.labels.production)) return false;
  const prev = ctx.prev;
  if (prev === null) return origin !== "removed";
  return authorEdit(ctx) && prev.source === "form" && prev.untracked !== true && origin !== "removed";
}

/**
 * A `production` label that came from the form follows the form: when the author edits
 * the environment to a non-production one, it is removed (and the production rule then
 * judges P1/P2 without it). A label a responder added stays.
 */
export function shouldRemoveProduction(ctx: PriorityContext, origin: "form" | "removed" | undefined = productionOrigin(ctx)): boolean {
  if (ctx.form.production || !hasLabel(ctx.item.labels, ctx.config.labels.production)) return false;
  return origin === "form" && authorEdit(ctx) && ctx.prev?.untracked !== true;
}

/**
 * The priority to apply when the rule is broken: the item's previous priority if it was
 * allowed (the marker's priority when P3/P4, else the last P3/P4 it remembered while
 * P1/P2), else the form's answer if that is allowed, else the configured default (P3
 * should the default itself be restricted).
 */
export function fallbackPriority(ctx: PriorityContext): { priority: Priority; previous: boolean } {
  const before = lastAllowed(ctx.prev);
  if (before !== undefined) return { priority: before, previous: true };
  const formP = ctx.form.hasPriorityField ? ctx.form.priority : null;
  if (formP !== null && !isRestricted(formP)) return { priority: formP, previous: true };
  return { priority: safeDefault(ctx.config), previous: false };
}

/** The last allowed priority a marker knows of: its own when P3/P4, else the one it remembered. */
function lastAllowed(state: MarkerState | null): "P3" | "P4" | undefined {
  if (state === null) return undefined;
  const p = state.priority;
  return p === "P3" || p === "P4" ? p : state.previous;
}

/**
 * What the marker's `previous` holds after this plan: while the new priority is P1/P2,
 * the last allowed priority before it (carried forward from marker to marker); nothing
 * while it is P3/P4, which is then the answer itself. Derived from the previous marker
 * only, so planning twice gives the same value (the planner's fixpoint).
 */
export function rememberPrevious(prev: MarkerState | null, priority: Priority): "P3" | "P4" | undefined {
  return isRestricted(priority) ? lastAllowed(prev) : undefined;
}

function safeDefault(config: Config): Priority {
  const d = config.form.default_priority;
  return isRestricted(d) ? "P3" : d;
}

export interface Decided {
  readonly priority: Priority;
  readonly source: "form" | "label";
  /** Who set it; the app's login when the app applied a fallback under this rule. */
  readonly setBy: string;
}

export interface ProductionOutcome {
  readonly decided: Decided;
  /** Add the `production` label (the form says production). */
  readonly addProduction: boolean;
  /** Remove the `production` label (it came from the form, and the form no longer says production). */
  readonly removeProduction: boolean;
  /** MarkerState.production after this plan. */
  readonly productionOrigin: "form" | "removed" | undefined;
  readonly securityBy: string | null;
  /** Notice keys after this plan (previous ones plus any new). */
  readonly notices: readonly string[];
  /** Body of the notice to post, when this violation was not explained before. */
  readonly notice: string | null;
  /** A responder's P1/P2 refused while an unconfirmed `security` label was on the item (see MarkerState.refused). */
  readonly refused: { readonly priority: "P1" | "P2"; readonly by: string } | null;
  readonly decisions: readonly Decision[];
}

export function applyProductionRule(ctx: PriorityContext, resolved: ResolvedPriority): ProductionOutcome {
  const { config } = ctx;
  const decisions: Decision[] = [];
  const origin = productionOrigin(ctx);
  const addProduction = shouldAddProduction(ctx, origin);
  const removeProduction = shouldRemoveProduction(ctx, origin);
  const originAfter = addProduction ? "form" : origin;
  if (addProduction) {
    decisions.push({ rule: "production-from-form", message: `The form's environment is production: adding ${config.labels.production}.` });
  }
  if (removeProduction) {
    decisions.push({ rule: "production-from-form", message: `The form's environment is no longer production: removing ${config.labels.production}, which came from the form.` });
  }
  const hasProduction = (addProduction || hasLabel(ctx.item.labels, config.labels.production)) && !removeProduction;
  const common = { addProduction, removeProduction, productionOrigin: originAfter };
  const securityBy = securityConfirmedBy(ctx);
  const allowed = (p: Priority): boolean => !isRestricted(p) || hasProduction || securityBy !== null;
  const notices = [...new Set([...(ctx.prev?.notices ?? []), ...(ctx.postedNotices ?? [])])];
  const keep: Decided = { priority: resolved.priority, source: resolved.source, setBy: resolved.setBy };

  if (allowed(resolved.priority)) {
    if (isRestricted(resolved.priority) && !hasProduction) {
      decisions.push({ rule: "security-confirmed", message: `${resolved.priority} is allowed: ${securityBy ?? "a responder"} confirmed a security incident.` });
    }
    return { decided: keep, ...common, securityBy, notices, notice: null, decisions, refused: null };
  }
  const refusedP = resolved.priority === "P1" || resolved.priority === "P2" ? resolved.priority : null;
  const refused =
    refusedP !== null &&
    resolved.freshLabelBy !== null &&
    resolved.source === "label" &&
    labelDecides(ctx, resolved.freshLabelBy, config.labels.priorities[refusedP]) &&
    hasLabel(ctx.item.labels, config.labels.security)
      ? { priority: refusedP, by: resolved.freshLabelBy.login }
      : null;

  const { decided, previous } = afterRejection(ctx, resolved, allowed);
  decisions.push({
    rule: "production-rule",
    message: `${resolved.priority} needs the ${config.labels.production} label or a confirmed security incident; applying ${decided.priority} instead.`,
  });
  const cause: ProductionCause = removeProduction ? { kind: "form", environment: ctx.form.environment } : productionCause(ctx, resolved);
  const key = noticeKey(resolved.priority, cause);
  if (notices.includes(key)) return { decided, ...common, securityBy, notices, notice: null, decisions, refused };
  notices.push(key);
  // The form's own restricted answer is part of the same problem: once the label is
  // gone the form would be rejected next, and must not be explained a second time.
  const formKey = formNoticeKey(ctx);
  if (formKey !== null && !notices.includes(formKey)) notices.push(formKey);
  const text = renderProductionNotice({
    config,
    item: ctx.item,
    rejected: resolved.priority,
    applied: decided.priority,
    appliedIsPrevious: previous,
    cause,
    unconfirmedSecurity: hasLabel(ctx.item.labels, config.labels.security),
  });
  // Tagged, so a notice that was posted but not recorded (a half-applied batch) is seen.
  const notice = withTag(text, { kind: "notice", key });
  return { decided, ...common, securityBy, notices, notice, decisions, refused };
}

/**
 * A P1/P2 that a responder set was refused only because the `security` label on the item
 * could not yet be traced to a responder (on a discussion, its delivery came after the
 * priority's). Once a responder's `security` is known, the refused label is the
 * responder's decision again — as if the deliveries had come in order. Only while the
 * priority the refusal left still stands: anyone's later priority label wins over the memory.
 */
export function restoreRefused(ctx: PriorityContext, resolved: ResolvedPriority): ResolvedPriority {
  const prev = ctx.prev;
  if (prev?.refused === undefined || prev.refusedBy === undefined || prev.securityBy !== undefined) return resolved;
  if (resolved.freshLabelBy !== null || resolved.priority !== prev.priority) return resolved;
  const by = securityConfirmedBy(ctx);
  if (by === null) return resolved;
  return {
    priority: prev.refused,
    source: "label",
    setBy: prev.refusedBy,
    rule: "priority-from-label",
    message: `${by} confirmed the security incident: ${prev.refused}, set by ${prev.refusedBy} and refused while the ${ctx.config.labels.security} label was unconfirmed, is put back.`,
    freshLabelBy: null,
  };
}

/**
 * What applies once `rejected` broke the rule. A rejected new label is treated as if it
 * had not been added and the rules are asked again (the form, an earlier label
 * decision…), because that is exactly what the next event will see once the label is
 * gone: deciding it now keeps the plan a fixpoint. Whatever is still restricted falls
 * back to the previous allowed priority or the default, which the app applies itself:
 * `setBy` is then the app (nobody chose that label), while the source stays what it was,
 * so a form can still be re-derived by its author and a label decision still stands
 * against the form.
 */
function afterRejection(
  ctx: PriorityContext,
  rejected: ResolvedPriority,
  allowed: (p: Priority) => boolean,
): { decided: Decided; previous: boolean } {
  const fb = fallbackPriority(ctx);
  if (rejected.freshLabelBy !== null) {
    const name = ctx.config.labels.priorities[rejected.priority].toLowerCase();
    const without = { ...ctx, item: { ...ctx.item, labels: ctx.item.labels.filter((l) => l.toLowerCase() !== name) } };
    const again = resolvePriority(without, { keepTracking: true });
    if (again.kind === "tracked") {
      const r = again.resolved;
      return allowed(r.priority)
        ? { decided: { priority: r.priority, source: r.source, setBy: r.setBy }, previous: true }
        : { decided: { priority: fb.priority, source: r.source, setBy: ctx.appLogin }, previous: fb.previous };
    }
  }
  return { decided: { priority: fb.priority, source: rejected.source, setBy: ctx.appLogin }, previous: fb.previous };
}

/**
 * Why the rule was broken, for the notice. The form comes first when it decided the
 * priority, so the same situation always yields the same notice key; a form that says
 * production while the label is gone means someone removed the label.
 */
function productionCause(ctx: PriorityContext, resolved: ResolvedPriority): ProductionCause {
  const t = ctx.trigger;
  const removedBy =
    t.type === "unlabeled" && t.label.toLowerCase() === ctx.config.labels.production.toLowerCase() && !isAppActor(ctx, t.sender)
      ? t.sender.login
      : null;
  if (resolved.rule === "priority-from-form") {
    return ctx.form.production ? { kind: "production-removed", by: removedBy } : { kind: "form", environment: ctx.form.environment };
  }
  if (removedBy !== null) return { kind: "production-removed", by: removedBy };
  if (resolved.freshLabelBy !== null) return { kind: "label", by: resolved.freshLabelBy.login };
  return { kind: "other" };
}

/**
 * Notices are deduplicated by key: one per rejected priority and cause (and per person
 * for labels), so the same violation is explained once however often it is re-seen.
 */
export function noticeKey(rejected: Priority, cause: ProductionCause): string {
  return cause.kind === "label" ? `production:${rejected}:label:${loginKey(cause.by)}` : `production:${rejected}:${cause.kind}`;
}

/** The key the form's own answer would be rejected under, when that answer is P1/P2. */
function formNoticeKey(ctx: PriorityContext): string | null {
  const { form } = ctx;
  if (!form.hasPriorityField || form.priority === null || !isRestricted(form.priority)) return null;
  return noticeKey(form.priority, form.production ? { kind: "production-removed", by: null } : { kind: "form", environment: null });
}
