/**
 * SPEC §3 rule 3: P1 and P2 are for production, or for a security incident a responder
 * confirmed. A `security` label alone proves nothing, because a form template or the
 * author can put it there; what counts is who applied it.
 */
import type { Config, Priority } from "../config/types.js";
import { hasLabel } from "./labels.js";
import { isAppActor, isAuthor, lastLabelEvent } from "./priority.js";
import type { PriorityContext } from "./priority.js";
import { isBotActor } from "./responders.js";
import type { Actor } from "./types.js";

/**
 * Labels GitHub applies from a form arrive as the author at creation time; anything a
 * non-author adds this long after creation is a deliberate act.
 */
export const CREATION_GRACE_MS = 10_000;

export function isRestricted(p: Priority): boolean {
  return p === "P1" || p === "P2";
}

function canConfirm(ctx: PriorityContext, actor: Actor): boolean {
  return !isAppActor(ctx, actor) && !isBotActor(actor) && !isAuthor(ctx, actor);
}

/**
 * Login of the responder who confirmed the security incident, or null. Confirmation
 * lapses when the `security` label is gone.
 */
export function securityConfirmedBy(ctx: PriorityContext): string | null {
  const name = ctx.config.labels.security;
  if (!hasLabel(ctx.item.labels, name)) return null;
  const t = ctx.trigger;
  if (t.type === "labeled" && t.label.toLowerCase() === name.toLowerCase() && canConfirm(ctx, t.sender)) {
    return t.sender.login;
  }
  if (ctx.prev?.securityBy !== undefined) return ctx.prev.securityBy;
  const added = lastLabelEvent(ctx.item.labelEvents, name, true);
  if (added?.actor == null || !canConfirm(ctx, added.actor)) return null;
  const created = Date.parse(ctx.item.createdAt);
  const at = Date.parse(added.createdAt);
  return Number.isFinite(created) && Number.isFinite(at) && at - created > CREATION_GRACE_MS ? added.actor.login : null;
}

/**
 * The priority to apply when `rejected` breaks the rule: the item's previous priority
 * if it was allowed (P3/P4), else the form's answer if that is allowed, else the
 * configured default (P3 should the default itself be restricted).
 */
export function fallbackPriority(ctx: PriorityContext): { priority: Priority; previous: boolean } {
  const prev = ctx.prev?.priority;
  if (prev !== undefined && !isRestricted(prev)) return { priority: prev, previous: true };
  const formP = ctx.form.hasPriorityField ? ctx.form.priority : null;
  if (formP !== null && !isRestricted(formP)) return { priority: formP, previous: true };
  return { priority: safeDefault(ctx.config), previous: false };
}

function safeDefault(config: Config): Priority {
  const d = config.form.default_priority;
  return isRestricted(d) ? "P3" : d;
}
