/**
 * Who decides an item's priority (SPEC §3 rules 1, 2 and 4), read from the item as it is
 * now plus the trigger that woke the app.
 *
 * The planner is a reconciler, so this is written as "what should the priority be",
 * never "what changed": a redelivered or late event must resolve to the same answer.
 * Attribution matters because a responder's label outranks the author's form, so every
 * label is traced to whoever added it: the trigger's sender first, then the issue
 * timeline (`labelEvents`), then what the marker recorded. The app's own label changes
 * never count as anyone's decision. docs/triage-rules.md walks through the cases.
 */
import type { Config, Priority } from "../config/types.js";
import type { FormAnswers } from "./form.js";
import { presentPriorities, priorityOfLabel } from "./labels.js";
import type { Actor, Item, LabelEvent, MarkerState, Trigger } from "./types.js";
import { loginKey, sameLogin } from "./text.js";

export interface PriorityContext {
  readonly config: Config;
  readonly item: Item;
  readonly trigger: Trigger;
  readonly appLogin: string;
  readonly prev: MarkerState | null;
  readonly form: FormAnswers;
  /**
   * Keys of the notices already on the item (tagged comments): posted, whatever the
   * marker recorded (see recall.ts).
   */
  readonly postedNotices?: readonly string[];
  /** Labels the item's form template applies at creation (its `labels:` key), when the template is known. */
  readonly templateLabels?: readonly string[];
  /** Members of the configured responder teams (lower-cased logins), when known. */
  readonly teamMembers?: ReadonlySet<string>;
}

/** The priority before the production rule, and where it came from. */
export interface ResolvedPriority {
  readonly priority: Priority;
  readonly source: "form" | "label";
  readonly setBy: string;
  readonly rule: string;
  readonly message: string;
  /** The label decision that was not yet recorded (a fresh label), with whoever made it. */
  readonly freshLabelBy: Actor | null;
}

export type Resolution =
  | { readonly kind: "tracked"; readonly resolved: ResolvedPriority }
  /** Someone removed every priority label: the item leaves tracking. */
  | { readonly kind: "untracked"; readonly message: string }
  /** Nothing makes this item a support item. */
  | { readonly kind: "none" };

export function isAppActor(ctx: Pick<PriorityContext, "appLogin">, actor: Actor): boolean {
  return sameLogin(actor.login, ctx.appLogin);
}

export function isAuthor(ctx: Pick<PriorityContext, "item">, actor: Actor): boolean {
  return sameLogin(actor.login, ctx.item.author.login);
}

/**
 * Whether the item's author speaks for the support desk (SPEC §5.1's responders, the
 * author exclusion aside): their association, or the configured users and teams.
 */
export function authorIsResponder(ctx: Pick<PriorityContext, "item" | "config" | "teamMembers">): boolean {
  const { item, config } = ctx;
  if (item.author.isBot || item.author.login.toLowerCase().endsWith("[bot]")) return false;
  const assoc = item.authorAssociation.toUpperCase();
  if (config.responders.associations.some((a) => a.toUpperCase() === assoc)) return true;
  const key = loginKey(item.author.login);
  if (config.responders.users.some((u) => loginKey(u) === key)) return true;
  return ctx.teamMembers !== undefined && (ctx.teamMembers.has(key) || ctx.teamMembers.has(item.author.login.toLowerCase()));
}

/**
 * A label GitHub applied when the item was created (a form's `labels:` key, applied as
 * the author): one the item's template applies when the template is known, else one the
 * timeline shows added in the creation second and never since.
 */
export function isCreationLabel(ctx: PriorityContext, label: string): boolean {
  const key = label.toLowerCase();
  if (ctx.trigger.type === "opened") return true;
  if (ctx.templateLabels !== undefined) return ctx.templateLabels.some((l) => l.toLowerCase() === key);
  const created = Math.floor(Date.parse(ctx.item.createdAt) / 1000);
  const events = ctx.item.labelEvents ?? [];
  const firstAdd = events.find((e) => e.added && e.label.toLowerCase() === key);
  const last = lastLabelEvent(events, label, true);
  return firstAdd !== undefined && last === firstAdd && Math.floor(Date.parse(firstAdd.createdAt) / 1000) === created;
}

/**
 * A label by this person is a responder's decision: anyone but the author (GitHub lets
 * only people with triage access label), or the author when they are themselves a
 * responder and the label is not one GitHub applied from the form at creation.
 */
export function labelDecides(ctx: PriorityContext, by: Actor, label: string): boolean {
  if (!isAuthor(ctx, by)) return true;
  return authorIsResponder(ctx) && !isCreationLabel(ctx, label);
}

/** The most recent timeline event for a label (case-insensitive), added or removed as asked. */
export function lastLabelEvent(events: readonly LabelEvent[] | undefined, label: string, added: boolean): LabelEvent | null {
  if (events === undefined) return null;
  const key = label.toLowerCase();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e !== undefined && e.added === added && e.label.toLowerCase() === key) return e;
  }
  return null;
}

/**
 * Whether a `labeled` delivery for this label is older than what the issue timeline shows:
 * the timeline's latest event for the label is the app's own addition, so the label was
 * removed since and the app put it back. Crediting the delivery's sender then would change
 * the record on every redelivery.
 */
function staleLabeled(ctx: PriorityContext, label: string): boolean {
  const events = ctx.item.labelEvents ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e === undefined || e.label.toLowerCase() !== label.toLowerCase()) continue;
    return e.added && e.actor !== null && isAppActor(ctx, e.actor);
  }
  return false;
}

/** The priority label the trigger added, when it is still on the item (and the delivery is not stale). */
function triggerAdded(ctx: PriorityContext, present: readonly Priority[]): Priority | null {
  const t = ctx.trigger;
  if (t.type !== "labeled") return null;
  const p = priorityOfLabel(ctx.config, t.label);
  return p !== null && present.includes(p) && !staleLabeled(ctx, t.label) ? p : null;
}

/** The survivor of rule 2 and who added it, when that is known. */
export interface ChosenLabel {
  readonly priority: Priority;
  /** Who added it: the trigger's sender, the timeline's actor, or null when unknown. */
  readonly by: Actor | null;
}

/**
 * The timeline's latest addition of a present priority label by someone other than the
 * app (the app's own additions are never a decision), with its index; null when none.
 */
function latestAddition(ctx: PriorityContext, present: readonly Priority[]): { index: number; priority: Priority; event: LabelEvent } | null {
  const events = ctx.item.labelEvents ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e === undefined || !e.added) continue;
    const p = priorityOfLabel(ctx.config, e.label);
    if (p === null || !present.includes(p)) continue;
    if (e.actor !== null && isAppActor(ctx, e.actor)) continue;
    return { index: i, priority: p, event: e };
  }
  return null;
}

/**
 * Rule 2's survivor when several priority labels are present. It must not depend on
 * which delivery the app is handling, nor on when it arrives (late, together, out of
 * order), so the trigger does not simply win:
 *  - issues: the most recently added priority label in GitHub's label timeline (not by
 *    the app). The trigger's label wins only when the timeline does not show its
 *    addition yet (the timeline lags a little behind webhooks);
 *  - discussions (no timeline): the trigger's label, unless other priority labels the
 *    marker does not hold are present too — a burst the app never saw one at a time.
 *    Their order cannot be known, so the most urgent of the burst wins, whichever of
 *    their deliveries comes first, credited to that delivery's sender;
 *  - no trigger label: the timeline's latest, else the recorded priority, else the highest.
 */
export function chooseLabel(ctx: PriorityContext, present: readonly Priority[]): ChosenLabel | null {
  const first = present[0];
  if (first === undefined) return null;
  const t = ctx.trigger;
  const byTrigger = triggerAdded(ctx, present);
  const sender = t.type === "labeled" ? t.sender : null;
  const latest = latestAddition(ctx, present);
  if (present.length === 1) {
    if (byTrigger === first) return { priority: first, by: sender };
    return { priority: first, by: lastLabelEvent(ctx.item.labelEvents, ctx.config.labels.priorities[first], true)?.actor ?? null };
  }
  const hasTimeline = (ctx.item.labelEvents?.length ?? 0) > 0;
  if (byTrigger !== null) {
    if (hasTimeline && latest !== null) {
      const shown = lastLabelEvent(ctx.item.labelEvents, ctx.config.labels.priorities[byTrigger], true) !== null;
      if (shown) return { priority: latest.priority, by: latest.priority === byTrigger ? sender : latest.event.actor };
      return { priority: byTrigger, by: sender };
    }
    if (!hasTimeline) {
      const known = ctx.prev !== null && ctx.prev.untracked !== true ? ctx.prev.priority : null;
      const burst = present.filter((p) => p !== known);
      // `present` is highest first, so burst[0] is the most urgent unseen label.
      if (burst.length > 1 && burst[0] !== undefined) return { priority: burst[0], by: sender };
    }
    return { priority: byTrigger, by: sender };
  }
  if (latest !== null) return { priority: latest.priority, by: latest.event.actor };
  if (ctx.prev !== null && present.includes(ctx.prev.priority)) return { priority: ctx.prev.priority, by: null };
  return { priority: first, by: null };
}

/** {@link chooseLabel}'s priority only. */
export function chooseLabelPriority(ctx: PriorityContext, present: readonly Priority[]): Priority | null {
  return chooseLabel(ctx, present)?.priority ?? null;
}

/**
 * Whether the last priority label went away through someone other than the app: the
 * trigger says so, or the timeline's latest priority-label event is such a removal.
 * (The app's own removals are rule 2 and rule 3 at work, not a wish to stop tracking.)
 */
function removedByOther(ctx: PriorityContext): { by: Actor | null } | null {
  const t = ctx.trigger;
  if (t.type === "unlabeled" && priorityOfLabel(ctx.config, t.label) !== null && !isAppActor(ctx, t.sender)) {
    return { by: t.sender };
  }
  const events = ctx.item.labelEvents ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e === undefined || priorityOfLabel(ctx.config, e.label) === null) continue;
    if (e.added) return null;
    return e.actor !== null && isAppActor(ctx, e.actor) ? null : { by: e.actor };
  }
  return null;
}

export interface ResolveOptions {
  /**
   * Skip the "someone removed the last priority label" check: used when asking what
   * applies once a rejected label is taken away (that removal is the app's, not a wish).
   */
  readonly keepTracking?: boolean;
}

export function resolvePriority(ctx: PriorityContext, options: ResolveOptions = {}): Resolution {
  const { prev, form, item } = ctx;
  const present = presentPriorities(ctx.config, item.labels);
  const untrackedBefore = prev?.untracked === true;

  if (present.length === 0 && options.keepTracking !== true) {
    if (untrackedBefore) return { kind: "untracked", message: "No priority label: the item stays untracked." };
    const removal = removedByOther(ctx);
    if (removal !== null) {
      const who = removal.by === null ? "someone" : removal.by.login;
      return {
        kind: "untracked",
        message: `${who} removed the last priority label: the item is no longer tracked and the form will not re-add a priority.`,
      };
    }
  }

  const chosen = chooseLabel(ctx, present);
  const label = chosen?.priority ?? null;
  const adder = chosen?.by ?? null;
  // A label is a new decision only if the marker does not already hold that priority:
  // otherwise the trigger is a redelivery, or stale (the label has since been re-added
  // by the app), and re-attributing it would flip the state back and forth.
  const fresh =
    label !== null &&
    adder !== null &&
    !isAppActor(ctx, adder) &&
    (prev === null || untrackedBefore || prev.priority !== label);
  const freshBy = fresh ? adder : null;

  // 1. A responder's (any non-author's) new label decides, and then stands.
  if (label !== null && freshBy !== null && labelDecides(ctx, freshBy, ctx.config.labels.priorities[label])) {
    return tracked(label, "label", freshBy.login, "priority-from-label", `${freshBy.login} labelled the item ${label}.`, freshBy);
  }
  // 2. A recorded label decision stands against the form; the labels themselves are its truth.
  if (prev !== null && !untrackedBefore && prev.source === "label") {
    if (label === null) {
      // The credit moves as it would with the label present (see ownDelivery), so the
      // redelivery that then finds the restored label changes nothing.
      const by = ownDelivery(ctx, prev.priority, prev.setBy) ?? prev.setBy;
      return tracked(prev.priority, "label", by, "priority-restored", `The priority label was missing; ${prev.priority} (set by ${by}) is put back.`, null);
    }
    const setBy = freshBy?.login ?? ownDelivery(ctx, label, prev.setBy) ?? prev.setBy;
    const message =
      label === prev.priority ? `${label}, set by ${setBy}, stands.` : `The priority label is now ${label} (set by ${setBy}).`;
    return tracked(label, "label", setBy, "priority-from-label", message, freshBy);
  }
  // 3. The form decides while nobody has overruled it (or on first sight).
  if (form.hasPriorityField && form.priority !== null && !untrackedBefore && (prev === null || prev.source === "form")) {
    const note = form.priorityUnreadable
      ? ` (the answer has no P1–P4 token, so the default ${form.priority} applies)`
      : form.priorityRaw === null
        ? ` (no answer, so the default ${form.priority} applies)`
        : "";
    return tracked(form.priority, "form", item.author.login, "priority-from-form", `The support form gives ${form.priority}${note}.`, null);
  }
  // 4. A label nobody has overruled (template labels, an author's own label, a label after untracking).
  if (label !== null) {
    if (prev !== null && !untrackedBefore && freshBy === null) {
      return tracked(label, prev.source, prev.setBy, "priority-from-label", `The item keeps ${label}.`, null);
    }
    const setBy = adder !== null && !isAppActor(ctx, adder) ? adder.login : item.author.login;
    return tracked(label, "label", setBy, "priority-from-label", `The item carries ${label} (added by ${setBy}).`, freshBy);
  }
  // 5. Tracked before, label lost without anyone asking (e.g. a half-applied plan): restore.
  if (prev !== null && !untrackedBefore) {
    return tracked(prev.priority, prev.source, prev.setBy, "priority-restored", `The priority label was missing; ${prev.priority} is put back.`, null);
  }
  return untrackedBefore ? { kind: "untracked", message: "No priority label: the item stays untracked." } : { kind: "none" };
}

/**
 * A label whose adder was not known when it was recorded is credited to the author (a
 * discussion's label seen before its own delivery). When that delivery comes, its sender
 * is who really added it: the credit moves to them (only away from the author, so an old
 * delivery never takes a decision away from the responder it is credited to).
 */
function ownDelivery(ctx: PriorityContext, label: Priority, setBy: string): string | null {
  const t = ctx.trigger;
  if (t.type !== "labeled" || priorityOfLabel(ctx.config, t.label) !== label || staleLabeled(ctx, t.label)) return null;
  if (!sameLogin(setBy, ctx.item.author.login) || isAppActor(ctx, t.sender) || isAuthor(ctx, t.sender)) return null;
  return t.sender.isBot ? null : t.sender.login;
}

function tracked(
  priority: Priority,
  source: "form" | "label",
  setBy: string,
  rule: string,
  message: string,
  freshLabelBy: Actor | null,
): Resolution {
  return { kind: "tracked", resolved: { priority, source, setBy, rule, message, freshLabelBy } };
}
