/**
 * SPEC §3 rule 5: which support plan an item is under. A plan label is the most specific
 * statement (a maintainer put it there), the customers map is the account-level default,
 * and the configured plan catches everyone else.
 */
import type { Config } from "../config/types.js";
import type { Item } from "./types.js";

export interface ResolvedPlan {
  readonly plan: string;
  readonly reason: "label" | "customer" | "default";
}

/**
 * Plan labels name plans case-insensitively ("plan: Business"). Labels naming unknown
 * plans are ignored. With several, the plan listed last in `plans` wins: the seed lists
 * plans from the least to the most generous, and a customer who pays for more should
 * not be held to less because of a stale label.
 */
export function resolvePlan(config: Config, item: Pick<Item, "labels" | "author">): ResolvedPlan {
  const prefix = config.labels.plan_prefix.toLowerCase();
  let best = -1;
  for (const label of item.labels) {
    const lower = label.toLowerCase();
    if (!lower.startsWith(prefix)) continue;
    const name = lower.slice(prefix.length).trim();
    const index = config.plans.findIndex((p) => p.toLowerCase() === name);
    if (index > best) best = index;
  }
  const fromLabel = config.plans[best];
  if (fromLabel !== undefined) return { plan: fromLabel, reason: "label" };
  const customer = Object.hasOwn(config.customers, item.author.login.toLowerCase())
    ? config.customers[item.author.login.toLowerCase()]
    : undefined;
  if (customer !== undefined && config.plans.includes(customer)) return { plan: customer, reason: "customer" };
  return { plan: config.plan, reason: "default" };
}
