/**
 * Who counts as a responder, and which comment is an item's first response (SPEC §5.1).
 *
 * The clock measures how long a customer waited for the support desk, so only people
 * speaking for the desk count: never the author (a customer's follow-up is not an
 * answer), never a bot (the app's own target comment, CI bots, auto-responders).
 */
import type { Config } from "../config/types.js";
import type { Actor, Item, ItemComment } from "./types.js";
import { loginKey, sameLogin } from "./text.js";

export function isBotActor(actor: Actor): boolean {
  return actor.isBot || actor.login.toLowerCase().endsWith("[bot]");
}

export function isResponder(
  actor: Actor | null,
  association: string,
  item: Item,
  config: Config,
  appLogin: string,
  teamMembers?: ReadonlySet<string>,
): boolean {
  if (actor === null) return false;
  if (isBotActor(actor) || sameLogin(actor.login, appLogin)) return false;
  if (sameLogin(actor.login, item.author.login)) return false;
  const assoc = association.toUpperCase();
  if (config.responders.associations.some((a) => a.toUpperCase() === assoc)) return true;
  const key = loginKey(actor.login);
  if (config.responders.users.some((u) => loginKey(u) === key)) return true;
  return teamMembers !== undefined && (teamMembers.has(key) || teamMembers.has(actor.login.toLowerCase()));
}

/** The earliest responder comment (replies included for discussions), or null. */
export function firstResponse(
  item: Item,
  config: Config,
  appLogin: string,
  teamMembers?: ReadonlySet<string>,
): ItemComment | null {
  let best: ItemComment | null = null;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const c of item.comments) {
    if (!isResponder(c.author, c.authorAssociation, item, config, appLogin, teamMembers)) continue;
    const at = Date.parse(c.createdAt);
    if (!Number.isFinite(at)) continue;
    if (at < bestAt) {
      best = c;
      bestAt = at;
    }
  }
  return best;
}
