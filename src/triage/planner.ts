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
 * Pipeline (numbered as in {@link planItem}): 1 read the marker and the form → 2 who
 * decides the priority → 3 production rule → 4 plan and target → 5 first response →
 * 6 escalation or early warning → 7 labels → 8 the actions, in a safe order.
 */
import type { Priority } from "../config/types.js";
import { elapsedShare, escalationPayload, lateBy, shouldEscalate, shouldWarn } from "./escalation.js";
import { readFormAnswers } from "./form.js";
import { FORM_MISSING_NOTICE, formMissingAction, needsFormComment } from "./form-missing.js";
import { hasLabel, presentPriorities, specFor } from "./labels.js";
import { findTargetComment, parseMarker, pendingNotifications } from "./marker.js";
import type { TargetCommentRef } from "./marker.js";
import { buildNotification } from "./notification.js";
import { resolvePriority } from "./priority.js";
import type { PriorityContext } from "./priority.js";
import { applyProductionRule, rememberPrevious, restoreRefused, SECURITY_NOTE_PREFIX, securityConfirmedBy } from "./production-rule.js";
import { mergeStates, readCommentTag, recall, SUPERSEDED_NOTE, withTag } from "./recall.js";
import type { Recalled } from "./recall.js";
import { renderEscalationComment, renderSecurityNote, renderTargetComment, renderWarningComment } from "./render.js";
import { recordResponse } from "./response.js";
import { resolvePlan } from "./support-plan.js";
import { computeTarget, formatInZone } from "./target.js";
import type { TargetResult } from "./target.js";
import { loginKey, sameLogin } from "./text.js";
import type { Action, Decision, Item, ItemComment, MarkerState, Plan, PlanInput } from "./types.js";

export function planItem(input: PlanInput): Plan {
  const { item, config } = input;
  const decisions: Decision[] = [];

  // 1. The app's memory (the marker, and what its other comments prove) and the form's answers.
  const found = findTargetComment(item, input.appLogin);
  const memory = tamperedMemory(input, found);
  const ref = memory?.ref ?? found;
  const comment = ref?.comment ?? null;
  const recalled = recall(item, input.appLogin, config, comment);
  const prev = mergeStates(memory?.state ?? ref?.state ?? null, recalled.others);
  if (memory !== null) decisions.push({ rule: "marker", message: memory.message });
  else if (ref !== null && ref.state === null) {
    decisions.push({ rule: "marker", message: "The target comment's marker could not be read; it is rewritten." });
  }
  if (recalled.duplicates.length > 0) {
    decisions.push({
      rule: "duplicate",
      message: `${recalled.duplicates.length} of the app's comments repeat an earlier one (events handled at the same moment): they are marked as superseded.`,
    });
  }
  const ctx: PriorityContext = {
    config,
    item,
    trigger: input.trigger,
    appLogin: input.appLogin,
    prev,
    form: readFormAnswers(item.body, input.form, config),
    postedNotices: recalled.notices,
    ...(input.form !== null ? { templateLabels: input.form.labels } : {}),
    ...(input.teamMembers !== undefined ? { teamMembers: input.teamMembers } : {}),
  };
  if (item.state === "closed") return withSuperseded(planClosed(input, prev, comment, decisions, securityConfirmedBy(ctx)), recalled);

  // 2. Who decides the priority.
  const resolution = resolvePriority(ctx);
  if (resolution.kind === "none") {
    const plan = planSecurityNote(ctx, decisions);
    if (!needsFormComment(input, ctx.form, recalled.notices)) return withSuperseded(plan, recalled);
    decisions.push({ rule: "form-missing", message: "Opened without the support form and no priority label: one comment says how to give a priority; not tracked until then." });
    const action = formMissingAction(input, (text) => withTag(text, { kind: "notice", key: FORM_MISSING_NOTICE }));
    return withSuperseded({ ...plan, actions: [...plan.actions, action] }, recalled);
  }
  if (resolution.kind === "untracked") {
    decisions.push({ rule: "untracked", message: resolution.message });
    if (prev === null) return withSuperseded(planSecurityNote(ctx, decisions), recalled);
    return withSuperseded(planUntracked(input, prev, comment, decisions, securityConfirmedBy(ctx)), recalled);
  }
  const resolved = restoreRefused(ctx, resolution.resolved);
  decisions.push({ rule: resolved.rule, message: resolved.message });

  // 3. The production rule.
  const rule = applyProductionRule(ctx, resolved);
  decisions.push(...rule.decisions);
  const { priority, source, setBy } = rule.decided;

  // 4. Plan and target (recomputed from creation whenever either changes).
  const plan = resolvePlan(config, item);
  const target = targetFor(input, plan.plan, priority, decisions);
  if (prev === null || prev.priority !== priority || prev.plan !== plan.plan || prev.dueAt !== target.dueAt) {
    decisions.push({
      rule: "target",
      message: `${priority} on the ${plan.plan} plan (${plan.reason}): first response within ${target.text}, due ${target.dueAt}.`,
    });
  }

  // 5. First response.
  const previous = rememberPrevious(prev, priority);
  const base: MarkerState = {
    priority,
    plan: plan.plan,
    dueAt: target.dueAt,
    source,
    setBy,
    ...optional("escalatedAt", prev?.escalatedAt ?? recalled.escalatedAt ?? undefined),
    ...deliveryRecord(input, prev, recalled),
    ...optional("warnedAt", prev?.warnedAt ?? recalled.warnedAt ?? undefined),
    ...(rule.securityBy !== null ? { securityBy: rule.securityBy } : {}),
    ...(rule.productionOrigin !== undefined ? { production: rule.productionOrigin } : {}),
    ...(previous !== undefined ? { previous } : {}),
    ...refusedMemory(prev, rule.refused, rule.decided),
    ...(rule.notices.length > 0 ? { notices: rule.notices } : {}),
  };
  const response = recordResponse(item, config, input.appLogin, input.teamMembers, base, prev);
  if (response.decision !== null) decisions.push(response.decision);

  // 6. Escalation, or the early warning; notifications not yet delivered.
  const due = dueStep(input, target, response.state, comment, decisions);
  const state = due.state;

  // 7. Labels: rule 2, the form's production label, escalated on/off.
  const add: string[] = [];
  if (!hasLabel(item.labels, config.labels.priorities[priority])) add.push(config.labels.priorities[priority]);
  if (rule.addProduction) add.push(config.labels.production);
  if (due.escalation !== null && !hasLabel(item.labels, config.labels.escalated)) add.push(config.labels.escalated);
  const remove = presentPriorities(config, item.labels)
    .filter((p) => p !== priority)
    .map((p) => actualLabel(item, config.labels.priorities[p]));
  if (remove.length > 0) decisions.push({ rule: "one-priority", message: `Removing ${remove.join(", ")}: an item carries one priority label.` });
  if (rule.removeProduction) remove.push(actualLabel(item, config.labels.production));
  remove.push(...escalatedRemoval(input, response.firstRecorded, decisions));

  // 8. Actions. Labels first (added before removed, so the item never shows zero
  // priority labels), then the state, then what people read and what pings.
  const actions: Action[] = [];
  if (add.length > 0) {
    actions.push({ type: "ensureLabels", labels: add.map((name) => specFor(config, name)) });
    actions.push({ type: "addLabels", labels: add });
  }
  if (remove.length > 0) actions.push({ type: "removeLabels", labels: remove });
  actions.push(...targetCommentActions(input, comment, state, target));
  if (rule.notice !== null) actions.push({ type: "postComment", purpose: "notice", body: rule.notice });
  if (due.escalation !== null) actions.push(...due.escalation);
  if (due.warning !== null) actions.push({ type: "postComment", purpose: "warning", body: due.warning });
  // Notifications go out after everything GitHub shows (the GitHub layer sends them after the writes).
  actions.push(...due.notifications);
  return withSuperseded({ actions, decisions, state }, recalled);
}

/**
 * Someone else edited or deleted the app's target comment: its marker is the app's only
 * memory, so the text before the change (the webhook's `changes.body.from`, or the
 * deleted comment's last body) is what the app remembers, and the comment is rewritten
 * (or, when deleted, posted again) from it. Only while the change is the latest thing that
 * happened to the comment — a late or repeated delivery of an old edit must not roll back
 * what the app recorded since — and never for the app's own edits.
 */
function tamperedMemory(input: PlanInput, found: TargetCommentRef | null): { ref: TargetCommentRef | null; state: MarkerState; message: string } | null {
  const t = input.trigger;
  if (t.type !== "comment_edited" && t.type !== "comment_deleted") return null;
  if (sameLogin(t.sender.login, input.appLogin) || t.comment.author === null || !sameLogin(t.comment.author.login, input.appLogin)) return null;
  const who = t.sender.login;
  if (t.type === "comment_edited") {
    const current = input.item.comments.find((c) => c.id === t.comment.id);
    if (current === undefined || normaliseBody(current.body) !== normaliseBody(t.comment.body)) return null;
    const before = t.previousBody === null ? null : parseMarker(t.previousBody);
    if (before === null) return null;
    // The edited comment is the target comment (or was, until its marker was removed).
    if (found !== null && found.comment.id !== current.id && found.state !== null) return null;
    const now = found?.comment.id === current.id ? found.state : null;
    if (now !== null && JSON.stringify(now) === JSON.stringify(before)) return null;
    return { ref: { comment: current, state: before }, state: before, message: `${who} edited the app's target comment: its record is restored from the text before the edit.` };
  }
  if (found !== null || input.item.comments.some((c) => c.id === t.comment.id)) return null;
  const before = parseMarker(t.comment.body);
  if (before === null) return null;
  return { ref: null, state: before, message: `${who} deleted the app's target comment: it is posted again from its last record.` };
}

/**
 * `refused`/`refusedBy` after this plan: a new refusal, else the recorded one while the
 * priority the refusal left still stands (and no confirmation restored it).
 */
function refusedMemory(
  prev: MarkerState | null,
  fresh: { readonly priority: "P1" | "P2"; readonly by: string } | null,
  decided: { readonly priority: Priority; readonly source: "form" | "label"; readonly setBy: string },
): Pick<MarkerState, "refused" | "refusedBy"> {
  if (fresh !== null) return { refused: fresh.priority, refusedBy: fresh.by };
  if (prev?.refused === undefined || prev.refusedBy === undefined || prev.securityBy !== undefined) return {};
  if (decided.priority !== prev.priority || decided.source !== prev.source || !sameLogin(decided.setBy, prev.setBy)) return {};
  return { refused: prev.refused, refusedBy: prev.refusedBy };
}

/**
 * The marker's delivery record carried into the new state. An escalation the marker
 * records keeps its record as it is (absent = it predates delivery records: delivered).
 * An escalation known only from its tagged comment (the batch that posted it was cut
 * before the marker was written, so nothing was sent either) gets every configured
 * notification pending.
 */
function deliveryRecord(input: PlanInput, prev: MarkerState | null, recalled: Recalled): Pick<MarkerState, "notifiedAt"> {
  if (prev?.escalatedAt !== undefined) return prev.notifiedAt !== undefined ? { notifiedAt: prev.notifiedAt } : {};
  if (recalled.escalatedAt === null) return {};
  const pending = pendingRecord(input.config);
  return pending === undefined ? {} : { notifiedAt: pending };
}

/** Every configured notification, pending; undefined when none is configured. */
function pendingRecord(config: PlanInput["config"]): Readonly<Record<string, null>> | undefined {
  const hooks = config.escalation.webhooks;
  return hooks.length === 0 ? undefined : Object.fromEntries(hooks.map((h) => [h.name, null]));
}

/** sendWebhook actions for the named notifications of the item's escalation at `escalatedMs`. */
function notificationActions(
  input: PlanInput,
  target: TargetResult,
  escalatedMs: number,
  names: readonly string[],
  comment: ItemComment | null,
): Action[] {
  const { config, item } = input;
  const hooks = config.escalation.webhooks.filter((h) => names.includes(h.name));
  if (hooks.length === 0) return [];
  const payload = escalationPayload(config, item, target, escalatedMs);
  const record = { commentId: comment?.id ?? null, at: formatInZone(config, input.now) };
  return hooks.map((hook) => ({ type: "sendWebhook", notification: buildNotification(config, hook, payload), record }));
}

function optional<K extends "escalatedAt" | "warnedAt">(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: string });
}

/** The app's duplicate comments become a short note (edited last, after everything else). */
function withSuperseded(plan: Plan, recalled: Recalled): Plan {
  const edits: Action[] = recalled.duplicates
    .filter((c) => c.body !== SUPERSEDED_NOTE)
    .map((c) => ({ type: "updateTargetComment", commentId: c.id, body: SUPERSEDED_NOTE }));
  return edits.length === 0 ? plan : { ...plan, actions: [...plan.actions, ...edits] };
}

interface DueOutcome {
  readonly state: MarkerState;
  /** Escalation actions except the label and the notifications (comment, assignees). */
  readonly escalation: Action[] | null;
  readonly warning: string | null;
  /** sendWebhook actions: a new escalation's notifications, or the ones still pending. */
  readonly notifications: Action[];
}

/**
 * SPEC §5.3: escalate once when due and unanswered; otherwise maybe warn once. An
 * escalated open item whose notifications are not all delivered has them sent again by
 * the sweep (at least once; the idempotency id lets receivers drop repeats).
 */
function dueStep(input: PlanInput, target: TargetResult, state: MarkerState, comment: ItemComment | null, decisions: Decision[]): DueOutcome {
  const { config, item, now } = input;
  const facts = {
    // An answered discussion is settled: like a closed item, it is neither escalated nor warned about.
    open: item.answered !== true,
    tracked: true,
    responded: state.respondedAt !== undefined,
    escalated: state.escalatedAt !== undefined,
    dueMs: target.dueMs,
    now,
  };
  if (shouldEscalate(facts)) {
    const late = lateBy(config, target, now);
    decisions.push({ rule: "escalate", message: `No first response by ${target.dueAt} (${late.text} late): escalating.` });
    const body = withTag(renderEscalationComment({ config, item, target, lateBy: late.text }), { kind: "escalation" });
    const actions: Action[] = [{ type: "postComment", purpose: "escalation", body }];
    // Discussions cannot be assigned: there the comment asks the assignees to look instead.
    if (item.kind === "issue") {
      const wanted = config.escalation.assignees.map((a) => a.replace(/^@/, ""));
      const missing = wanted.filter((a) => !item.assignees.some((x) => loginKey(x) === loginKey(a)));
      if (missing.length > 0) actions.push({ type: "addAssignees", logins: missing });
    }
    const pending = pendingRecord(config);
    const notifications = notificationActions(input, target, now, Object.keys(pending ?? {}), comment);
    const { notifiedAt: _old, ...rest } = state;
    return {
      state: { ...rest, escalatedAt: formatInZone(config, now), ...(pending !== undefined ? { notifiedAt: pending } : {}) },
      escalation: actions,
      warning: null,
      notifications,
    };
  }
  // Re-sends are the sweep's job: it visits every open tracked item on a timer, so a
  // receiver that was down gets the notification within one interval of coming back, and
  // an event on the item (a response, a label) is never held up by a receiver's outage.
  if (state.escalatedAt !== undefined && input.trigger.type === "sweep") {
    const configured = new Set(config.escalation.webhooks.map((h) => h.name));
    const pending = pendingNotifications(state).filter((name) => configured.has(name));
    if (pending.length > 0) {
      decisions.push({
        rule: "notify",
        message: `The escalation's notification${pending.length === 1 ? "" : "s"} ${pending.join(", ")} ${pending.length === 1 ? "was" : "were"} not delivered yet: sending again.`,
      });
      return { state, escalation: null, warning: null, notifications: notificationActions(input, target, Date.parse(state.escalatedAt), pending, comment) };
    }
  }
  if (shouldWarn(config, target, { ...facts, warned: state.warnedAt !== undefined })) {
    const share = elapsedShare(config, target, now);
    decisions.push({ rule: "at-risk", message: `${Math.floor(share * 100)}% of the target has elapsed without a first response.` });
    return {
      state: { ...state, warnedAt: formatInZone(config, now) },
      escalation: null,
      warning: withTag(renderWarningComment({ config, item, target, share }), { kind: "warning" }),
      notifications: [],
    };
  }
  return { state, escalation: null, warning: null, notifications: [] };
}

/** Closed items: no label rules, no escalation; a response is still recorded (SPEC §3.7). */
function planClosed(input: PlanInput, prev: MarkerState | null, comment: ItemComment | null, decisions: Decision[], securityBy: string | null): Plan {
  if (prev === null) return { actions: [], decisions: [], state: null };
  decisions.push({ rule: "closed", message: "The item is closed: no label rules and no escalation." });
  if (prev.untracked === true) return planUntracked(input, prev, comment, decisions, securityBy);
  const response = recordResponse(input.item, input.config, input.appLogin, input.teamMembers, prev, prev);
  if (response.decision !== null) decisions.push(response.decision);
  // A plan the configuration no longer knows is re-resolved; the priority stays as recorded.
  const plan = input.config.plans.includes(prev.plan) ? prev.plan : resolvePlan(input.config, input.item).plan;
  const target = targetFor(input, plan, prev.priority, decisions);
  const state: MarkerState = plan === prev.plan ? response.state : { ...response.state, plan, dueAt: target.dueAt };
  const remove = escalatedRemoval(input, response.firstRecorded, decisions);
  return {
    actions: [...(remove.length > 0 ? [{ type: "removeLabels" as const, labels: remove }] : []), ...targetCommentActions(input, comment, state, target)],
    decisions,
    state,
  };
}

/** No longer tracked (see docs/triage-rules.md): keep the history, record responses, say so. */
function planUntracked(input: PlanInput, prev: MarkerState, comment: ItemComment | null, decisions: Decision[], securityBy: string | null): Plan {
  // Who confirmed a security incident is kept while untracked too (it lapses with the label),
  // so a priority given later is judged on the same facts as if it had come first.
  const { securityBy: _was, ...rest } = prev;
  const kept: MarkerState = { ...rest, untracked: true, ...(securityBy !== null ? { securityBy } : {}) };
  const response = recordResponse(input.item, input.config, input.appLogin, input.teamMembers, kept, prev);
  if (response.decision !== null) decisions.push(response.decision);
  const remove = escalatedRemoval(input, response.firstRecorded, decisions);
  return {
    actions: [
      ...(remove.length > 0 ? [{ type: "removeLabels" as const, labels: remove }] : []),
      ...targetCommentActions(input, comment, response.state, null),
    ],
    decisions,
    state: response.state,
  };
}

/**
 * An item the app does not track (no marker): on discussions, which have no label
 * history, a responder's `security` label is recorded in a short tagged note, so that a
 * priority given later can still be judged as a confirmed security incident; the note is
 * edited to say so when the label goes (the confirmation lapses). Issues need no note:
 * their timeline says who added the label.
 */
function planSecurityNote(ctx: PriorityContext, decisions: Decision[]): Plan {
  const { item, config } = ctx;
  const actions: Action[] = [];
  const notes = item.comments.filter((c) => c.author !== null && sameLogin(c.author.login, ctx.appLogin)).flatMap((c) => {
    const tag = readCommentTag(c.body);
    return tag?.kind === "notice" && tag.key.startsWith(SECURITY_NOTE_PREFIX) ? [{ comment: c, by: tag.key.slice(SECURITY_NOTE_PREFIX.length) }] : [];
  });
  if (!hasLabel(item.labels, config.labels.security)) {
    for (const note of notes) {
      actions.push({
        type: "updateTargetComment",
        commentId: note.comment.id,
        body: withTag(renderSecurityNote(config, note.by, true), { kind: "notice", key: `security-lapsed:${note.by}` }),
      });
    }
    if (actions.length > 0) decisions.push({ rule: "security-lapsed", message: `The ${config.labels.security} label is gone: the recorded confirmation lapses.` });
    return { actions, decisions, state: null };
  }
  if (item.kind !== "discussion" || item.state !== "open" || notes.length > 0) return { actions, decisions, state: null };
  const by = securityConfirmedBy(ctx);
  if (by === null) return { actions, decisions, state: null };
  decisions.push({ rule: "security-confirmed", message: `${by} confirmed a security incident; recorded for a priority given later.` });
  actions.push({
    type: "postComment",
    purpose: "notice",
    body: withTag(renderSecurityNote(config, by, false), { kind: "notice", key: `${SECURITY_NOTE_PREFIX}${loginKey(by)}` }),
  });
  return { actions, decisions, state: null };
}

function targetFor(input: PlanInput, plan: string, priority: Priority, decisions: Decision[]): TargetResult {
  let opened = Date.parse(input.item.createdAt);
  if (!Number.isFinite(opened)) {
    decisions.push({ rule: "target", message: `The item's creation time ${JSON.stringify(input.item.createdAt)} is unreadable; the clock starts now.` });
    opened = input.now;
  }
  return computeTarget(input.config, plan, priority, opened);
}

/**
 * SPEC §5.2: the first response takes `escalated` off. Only when the response is first
 * recorded: a maintainer who puts the label back later means it.
 */
function escalatedRemoval(input: PlanInput, firstRecorded: boolean, decisions: Decision[]): string[] {
  const name = input.config.labels.escalated;
  if (!firstRecorded || !hasLabel(input.item.labels, name)) return [];
  decisions.push({ rule: "first-response", message: `Removing ${name}: the item has its first response.` });
  return [actualLabel(input.item, name)];
}

/** Create the target comment when missing, edit it when its body would change, else nothing. */
function targetCommentActions(input: PlanInput, comment: ItemComment | null, state: MarkerState, target: TargetResult | null): Action[] {
  const body = renderTargetComment({ config: input.config, item: input.item, state, target, appLogin: input.appLogin });
  if (comment === null) return [{ type: "createTargetComment", body }];
  if (normaliseBody(comment.body) !== normaliseBody(body)) return [{ type: "updateTargetComment", commentId: comment.id, body }];
  return [];
}

/** GitHub may hand bodies back with CRLF or a trailing newline; neither is a change. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, "\n").trimEnd();
}

/** The label's spelling on the item (GitHub matches names case-insensitively; logs read better exact). */
function actualLabel(item: Item, name: string): string {
  const key = name.toLowerCase();
  return item.labels.find((l) => l.toLowerCase() === key) ?? name;
}
