/**
 * Recording the first response in the state (SPEC §5.2).
 *
 * A recorded response is kept even if its comment is later deleted (the customer was
 * answered; history should not change), but an earlier responder comment that turns up
 * (a late webhook, a sweep that reads all comments) replaces it.
 */
import type { Config } from "../config/types.js";
import { firstResponse } from "./responders.js";
import { formatInZone } from "./target.js";
import type { Decision, Item, MarkerState } from "./types.js";

export interface ResponseOutcome {
  readonly state: MarkerState;
  /** A first response was recorded by this plan (none was recorded before). */
  readonly firstRecorded: boolean;
  readonly decision: Decision | null;
}

export function recordResponse(
  item: Item,
  config: Config,
  appLogin: string,
  teamMembers: ReadonlySet<string> | undefined,
  state: MarkerState,
  prev: MarkerState | null,
): ResponseOutcome {
  const recordedAt = prev?.respondedAt;
  const recordedBy = prev?.respondedBy;
  const keep: MarkerState = {
    ...state,
    ...(recordedAt !== undefined ? { respondedAt: recordedAt } : {}),
    ...(recordedBy !== undefined ? { respondedBy: recordedBy } : {}),
  };
  const first = firstResponse(item, config, appLogin, teamMembers);
  if (first === null || first.author === null) return { state: keep, firstRecorded: false, decision: null };
  const at = Date.parse(first.createdAt);
  const recordedMs = recordedAt === undefined ? Number.NaN : Date.parse(recordedAt);
  if (Number.isFinite(recordedMs) && recordedMs <= at) return { state: keep, firstRecorded: false, decision: null };
  return {
    state: { ...state, respondedAt: formatInZone(config, at), respondedBy: first.author.login },
    firstRecorded: recordedAt === undefined,
    decision: { rule: "first-response", message: `${first.author.login} responded at ${first.createdAt}.` },
  };
}
