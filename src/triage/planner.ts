/**
 * The planner: item as it is now + trigger + config + now → the actions that bring the
 * item to the state the rules want, with the reasons.
 *
 * It is a reconciler, not an event interpreter. Everything it decides is derived from
 * current labels, the body, comments and the marker in its own target comment, so
 * applying a plan and planning again with the same trigger yields no actions. That
 * fixpoint is what makes redelivered, duplicated and out-of-order webhooks harmless.
 * The trigger is used only to attribute a change (who added a label, whether the author
 * edited the form).
 *
 * Pipeline: read the marker → closed items only record responses → resolve the priority
 * → production rule → plan → target → first response → escalation / warning → labels →
 * target comment → other comments, assignees, webhook.
 */
import type { Config, Priority } from "../config/types.js";
import { elapsedShare, escalationPayload, lateBy, shouldEscalate, shouldWarn } from "./escalation.js";
import { readFormAnswers } from "./form.js";
import type { FormAnswers } from "./form.js";
import { hasLabel, presentPriorities, specFor } from "./labels.js";
import { findTargetComment } from "./marker.js";
import { isAppActor, isAuthor, resolvePriority } from "./priority.js";
import type { PriorityContext, ResolvedPriority } from "./priority.js";
import { fallbackPriority, isRestricted, securityConfirmedBy } from "./production-rule.js";
import type { ProductionCause } from "./render.js";
import { renderEscalationComment, renderProductionNotice, renderTargetComment, renderWarningComment } from "./render.js";
import { firstResponse } from "./responders.js";
import { resolvePlan } from "./support-plan.js";
import { computeTarget, formatInZone } from "./target.js";
import type { TargetResult } from "./target.js";
import { loginKey } from "./text.js";
import type { Action, Decision, Item, ItemComment, MarkerState, Plan, PlanInput } from "./types.js";

const EMPTY: Plan = { actions: [], decisions: [], state: null };

export function planItem(input: PlanInput): Plan {
  const { item, config, appLogin } = input;
  const ref = findTargetComment(item, appLogin);
  const prev = ref?.state ?? null;
  const form = readFormAnswers(item.body, input.form, config);
  const ctx: PriorityContext = { config, item, trigger: input.trigger, appLogin, prev, form };
  const b = new PlanBuilder();

  if (ref !== null && prev === null) b.decide("marker", "The target comment's marker could not be read; it is rewritten.");
  if (item.state === "closed") return planClosed(input, ctx, ref?.comment ?? null, b);

  const resolution = resolvePriority(ctx);
  if (resolution.kind === "none") return EMPTY;
  if (resolution.kind === "untracked") {
    if (prev === null) return { actions: [], decisions: [{ rule: "untracked", message: resolution.message }], state: null };
    b.decide("untracked", resolution.message);
    const state = withResponse(input, { ...prev, untracked: true }, b);
    removeEscalatedOnResponse(input, prev, state, b);
    b.flushRemovals();
    upsertTargetComment(input, ref?.comment ?? null, state, null, b);
    return b.build(state);
  }

  const resolved = resolution.resolved;
  b.decide(resolved.rule, resolved.message);

  // Rule 1 (environment): production from the form on first sight and on the author's edits.
  const addProduction = shouldAddProduction(input, ctx);
  const hasProduction = addProduction || hasLabel(item.labels, config.labels.production);
  if (addProduction) b.decide("production-from-form", `The form's environment is production: adding ${config.labels.production}.`);

  // Rule 3: the production rule.
  const securityBy = securityConfirmedBy(ctx);
  const allowed = (p: Priority): boolean => !isRestricted(p) || hasProduction || securityBy !== null;
  let decided: Decided = { priority: resolved.priority, source: resolved.source, setBy: resolved.setBy, previous: false };
  const notices = [...(prev?.notices ?? [])];
  let notice: string | null = null;
  if (!allowed(resolved.priority)) {
    const cause = productionCause(input, ctx, resolved);
    decided = afterRejection(ctx, resolved, allowed);
    b.decide(
      "production-rule",
      `${resolved.priority} needs the ${config.labels.production} label or a confirmed security incident; applying ${decided.priority} instead.`,
    );
    const key = noticeKey(resolved.priority, cause);
    if (!notices.includes(key)) {
      notices.push(key);
      // The form's own restricted answer is part of the same problem: once the label is
      // gone the form would be rejected next, and must not be explained a second time.
      const formKey = formNoticeKey(form);
      if (formKey !== null && !notices.includes(formKey)) notices.push(formKey);
      notice = renderProductionNotice({
        config,
        item,
        rejected: resolved.priority,
        applied: decided.priority,
        appliedIsPrevious: decided.previous,
        cause,
        unconfirmedSecurity: hasLabel(item.labels, config.labels.security),
      });
    }
  } else if (isRestricted(resolved.priority) && !hasProduction) {
    b.decide("security-confirmed", `${resolved.priority} is allowed: ${securityBy ?? "a responder"} confirmed a security incident.`);
  }
  const { priority, source, setBy } = decided;

  // Rule 5 and the target.
  const plan = resolvePlan(config, item);
  const target = targetFor(input, plan.plan, priority, b);
  if (prev === null || prev.priority !== priority || prev.plan !== plan.plan || prev.dueAt !== target.dueAt) {
    b.decide("target", `${priority} on the ${plan.plan} plan (${plan.reason}): first response within ${target.text}, due ${target.dueAt}.`);
  }

  let state: MarkerState = {
    priority,
    plan: plan.plan,
    dueAt: target.dueAt,
    source,
    setBy,
    ...(prev?.escalatedAt !== undefined ? { escalatedAt: prev.escalatedAt } : {}),
    ...(prev?.warnedAt !== undefined ? { warnedAt: prev.warnedAt } : {}),
    ...(securityBy !== null ? { securityBy } : {}),
    ...(notices.length > 0 ? { notices } : {}),
  };
  state = withResponse(input, state, b, prev);
  removeEscalatedOnResponse(input, prev, state, b);

  // Labels (rule 2 and the production label): add first, so the item never shows zero priority labels.
  const add: string[] = [];
  if (!hasLabel(item.labels, config.labels.priorities[priority])) add.push(config.labels.priorities[priority]);
  if (addProduction) add.push(config.labels.production);
  const remove = presentPriorities(config, item.labels)
    .filter((p) => p !== priority)
    .map((p) => actualLabel(item, config.labels.priorities[p]));
  if (remove.length > 0) b.decide("one-priority", `Removing ${remove.join(", ")}: an item carries one priority label.`);

  // Escalation and the early warning.
  const facts = {
    open: true,
    tracked: true,
    responded: state.respondedAt !== undefined,
    escalated: state.escalatedAt !== undefined,
    dueMs: target.dueMs,
    now: input.now,
  };
  let escalationBody: string | null = null;
  let warningBody: string | null = null;
  if (shouldEscalate(facts)) {
    const late = lateBy(config, target, input.now);
    state = { ...state, escalatedAt: formatInZone(config, input.now) };
    if (!hasLabel(item.labels, config.labels.escalated)) add.push(config.labels.escalated);
    escalationBody = renderEscalationComment({ config, item, target, lateBy: late.text });
    b.decide("escalate", `No first response by ${target.dueAt} (${late.text} late): escalating.`);
  } else if (shouldWarn(config, target, { ...facts, warned: state.warnedAt !== undefined })) {
    const share = elapsedShare(config, target, input.now);
    state = { ...state, warnedAt: formatInZone(config, input.now) };
    warningBody = renderWarningComment({ config, item, target, share });
    b.decide("at-risk", `${Math.floor(share * 100)}% of the target has elapsed without a first response.`);
  }

  if (add.length > 0) {
    b.push({ type: "ensureLabels", labels: add.map((name) => specFor(config, name)) });
    b.push({ type: "addLabels", labels: add });
  }
  if (remove.length > 0) b.push({ type: "removeLabels", labels: remove });
  b.flushRemovals();

  upsertTargetComment(input, ref?.comment ?? null, state, target, b);
  if (notice !== null) b.push({ type: "postComment", purpose: "notice", body: notice });
  if (escalationBody !== null) {
    b.push({ type: "postComment", purpose: "escalation", body: escalationBody });
    const missing = config.escalation.assignees.filter(
      (a) => !item.assignees.some((x) => loginKey(x) === loginKey(a.replace(/^@/, ""))),
    );
    if (missing.length > 0) b.push({ type: "addAssignees", logins: missing.map((a) => a.replace(/^@/, "")) });
    const hook = config.escalation.webhook;
    if (hook !== null) {
      b.push({ type: "sendWebhook", url: hook.url, secretEnv: hook.secret_env, payload: escalationPayload(config, item, target, input.now) });
    }
  }
  if (warningBody !== null) b.push({ type: "postComment", purpose: "warning", body: warningBody });
  return b.build(state);
}

/** Closed items: no label rules, no escalation; a response is still recorded (SPEC §3.7). */
function planClosed(input: PlanInput, ctx: PriorityContext, comment: ItemComment | null, b: PlanBuilder): Plan {
  const prev = ctx.prev;
  if (prev === null) return EMPTY;
  b.decide("closed", "The item is closed: no label rules and no escalation.");
  const state = withResponse(input, prev, b, prev);
  removeEscalatedOnResponse(input, prev, state, b);
  b.flushRemovals();
  if (prev.untracked === true) {
    upsertTargetComment(input, comment, state, null, b);
    return b.build(state);
  }
  // A plan the configuration no longer knows is re-resolved; the priority stays as recorded.
  const plan = input.config.plans.includes(prev.plan) ? prev.plan : resolvePlan(input.config, input.item).plan;
  const target = targetFor(input, plan, prev.priority, b);
  const current: MarkerState = plan === prev.plan ? state : { ...state, plan, dueAt: target.dueAt };
  upsertTargetComment(input, comment, current, target, b);
  return b.build(current);
}

function targetFor(input: PlanInput, plan: string, priority: Priority, b: PlanBuilder): TargetResult {
  let opened = Date.parse(input.item.createdAt);
  if (!Number.isFinite(opened)) {
    b.decide("target", `The item's creation time ${JSON.stringify(input.item.createdAt)} is unreadable; the clock starts now.`);
    opened = input.now;
  }
  return computeTarget(input.config, plan, priority, opened);
}

/**
 * The production label is added from the form only when the form speaks: on first sight
 * of the item, or when its author edits the body while the form decides the priority.
 * Re-adding it on every event would undo a maintainer who removed it on purpose.
 */
function shouldAddProduction(input: PlanInput, ctx: PriorityContext): boolean {
  if (!ctx.form.production || hasLabel(input.item.labels, input.config.labels.production)) return false;
  const prev = ctx.prev;
  if (prev === null) return true;
  const t = input.trigger;
  const authorEdit = t.type === "edited" && t.bodyChanged && isAuthor(ctx, t.sender);
  return authorEdit && prev.source === "form" && prev.untracked !== true;
}

interface Decided {
  readonly priority: Priority;
  readonly source: "form" | "label";
  readonly setBy: string;
  /** The applied priority is the item's previous one (not the configured default). */
  readonly previous: boolean;
}

/**
 * What applies once `rejected` broke the production rule. A rejected new label is
 * treated as if it had not been added, and the rules are asked again (the form, an
 * earlier label decision…), because that is exactly what the next event would see once
 * the label is gone: deciding it now keeps the plan a fixpoint. Whatever is still
 * restricted falls back to the previous allowed priority or the default.
 */
function afterRejection(ctx: PriorityContext, rejected: ResolvedPriority, allowed: (p: Priority) => boolean): Decided {
  const fb = fallbackPriority(ctx);
  if (rejected.freshLabelBy !== null) {
    const name = ctx.config.labels.priorities[rejected.priority].toLowerCase();
    const without = { ...ctx, item: { ...ctx.item, labels: ctx.item.labels.filter((l) => l.toLowerCase() !== name) } };
    const again = resolvePriority(without, { keepTracking: true });
    if (again.kind === "tracked") {
      const r = again.resolved;
      return allowed(r.priority)
        ? { priority: r.priority, source: r.source, setBy: r.setBy, previous: true }
        : { priority: fb.priority, source: r.source, setBy: r.setBy, previous: fb.previous };
    }
  }
  return { priority: fb.priority, source: rejected.source, setBy: rejected.setBy, previous: fb.previous };
}

/**
 * Why the rule was broken, for the notice. The form comes first when it decided the
 * priority, so that the same situation always yields the same notice key (see
 * {@link noticeKey}); a removed `production` label is then mentioned in its wording.
 */
function productionCause(input: PlanInput, ctx: PriorityContext, resolved: ResolvedPriority): ProductionCause {
  const t = input.trigger;
  const removedBy =
    t.type === "unlabeled" &&
    t.label.toLowerCase() === input.config.labels.production.toLowerCase() &&
    !isAppActor(ctx, t.sender)
      ? t.sender.login
      : null;
  if (resolved.rule === "priority-from-form") {
    return ctx.form.production
      ? { kind: "production-removed", by: removedBy }
      : { kind: "form", environment: ctx.form.environment };
  }
  if (removedBy !== null) return { kind: "production-removed", by: removedBy };
  if (resolved.freshLabelBy !== null) return { kind: "label", by: resolved.freshLabelBy.login };
  return { kind: "other" };
}

/**
 * Notices are deduplicated by key: one per rejected priority and cause (and per person
 * for labels), so the same violation is explained once however often it is re-seen.
 */
function noticeKey(rejected: Priority, cause: ProductionCause): string {
  return cause.kind === "label" ? `production:${rejected}:label:${loginKey(cause.by)}` : `production:${rejected}:${cause.kind}`;
}

/** The key the form's own answer would be rejected under, when that answer is P1/P2. */
function formNoticeKey(form: FormAnswers): string | null {
  if (!form.hasPriorityField || form.priority === null || !isRestricted(form.priority)) return null;
  return noticeKey(form.priority, form.production ? { kind: "production-removed", by: null } : { kind: "form", environment: null });
}

/**
 * Records the first response: the earliest responder comment. A recorded response is
 * kept (the comment may have been deleted since) unless an earlier one turns up.
 */
function withResponse(input: PlanInput, state: MarkerState, b: PlanBuilder, prev: MarkerState | null = state): MarkerState {
  const first = firstResponse(input.item, input.config, input.appLogin, input.teamMembers);
  const recordedAt = prev?.respondedAt;
  const recordedBy = prev?.respondedBy;
  const keep: MarkerState = {
    ...state,
    ...(recordedAt !== undefined ? { respondedAt: recordedAt } : {}),
    ...(recordedBy !== undefined ? { respondedBy: recordedBy } : {}),
  };
  if (first === null || first.author === null) return keep;
  const at = Date.parse(first.createdAt);
  const recordedMs = recordedAt === undefined ? Number.NaN : Date.parse(recordedAt);
  if (Number.isFinite(recordedMs) && recordedMs <= at) return keep;
  b.decide("first-response", `${first.author.login} responded at ${first.createdAt}.`);
  b.newResponse = true;
  return { ...state, respondedAt: formatInZone(input.config, at), respondedBy: first.author.login };
}

/** SPEC §5.2: the first response takes `escalated` off (only then: a maintainer may re-add it). */
function removeEscalatedOnResponse(input: PlanInput, prev: MarkerState | null, state: MarkerState, b: PlanBuilder): void {
  if (!b.newResponse || state.respondedAt === undefined || prev?.respondedAt !== undefined) return;
  const name = input.config.labels.escalated;
  if (!hasLabel(input.item.labels, name)) return;
  b.decide("first-response", `Removing ${name}: the item has its first response.`);
  b.pendingRemovals.push(actualLabel(input.item, name));
}

function upsertTargetComment(
  input: PlanInput,
  comment: ItemComment | null,
  state: MarkerState,
  target: TargetResult | null,
  b: PlanBuilder,
): void {
  const body = renderTargetComment({ config: input.config, item: input.item, state, target });
  if (comment === null) {
    b.push({ type: "createTargetComment", body });
  } else if (normaliseBody(comment.body) !== normaliseBody(body)) {
    b.push({ type: "updateTargetComment", commentId: comment.id, body });
  }
}

/** GitHub may hand bodies back with CRLF or a trailing newline; neither is a change. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, "\n").trimEnd();
}

/** The label's spelling on the item (removal by name is case-insensitive on GitHub, but exact is kinder to logs). */
function actualLabel(item: Item, name: string): string {
  const key = name.toLowerCase();
  return item.labels.find((l) => l.toLowerCase() === key) ?? name;
}

class PlanBuilder {
  private readonly actions: Action[] = [];
  private readonly decisions: Decision[] = [];
  newResponse = false;
  readonly pendingRemovals: string[] = [];

  decide(rule: string, message: string): void {
    this.decisions.push({ rule, message });
  }

  push(action: Action): void {
    this.actions.push(action);
  }

  /** Label removals collected outside the label step (the `escalated` label) join one removeLabels action. */
  flushRemovals(): void {
    if (this.pendingRemovals.length === 0) return;
    const existing = this.actions.findIndex((a) => a.type === "removeLabels");
    const found = this.actions[existing];
    if (found !== undefined && found.type === "removeLabels") {
      this.actions[existing] = { type: "removeLabels", labels: [...found.labels, ...this.pendingRemovals] };
    } else {
      this.actions.push({ type: "removeLabels", labels: [...this.pendingRemovals] });
    }
    this.pendingRemovals.length = 0;
  }

  build(state: MarkerState | null): Plan {
    this.flushRemovals();
    return { actions: this.actions, decisions: this.decisions, state };
  }
}
