/**
 * Due-time computations per second: `computeTarget` over random plans, priorities and
 * opening instants (a seeded generator, so every run computes the same inputs). Instants
 * span three years. Two passes over the same inputs, reported apart:
 *
 * - **cold**: the calendar caches are dropped first (`resetCalendarCaches`), so every local
 *   day and every year's holidays the inputs touch are computed on first use, as in a
 *   freshly started server;
 * - **warm**: the same inputs again: every day is in the cache, as in a server that has run
 *   for a while.
 */
import type { Config, Priority } from "../config/types.js";
import { PRIORITIES } from "../config/types.js";
import { resetCalendarCaches } from "../calendar/calendar.js";
import { computeTarget } from "../triage/target.js";

export interface TargetsPass {
  readonly seconds: number;
  readonly perSecond: number;
  /** Sum of due instants: keeps the work observable, so it cannot be optimised away. */
  readonly checksum: number;
}

export interface TargetsResult {
  readonly computations: number;
  /** Distinct local days the inputs fall on (what the cold pass computes). */
  readonly days: number;
  readonly cold: TargetsPass;
  readonly warm: TargetsPass;
}

/** Mulberry32: small, fast and good enough to pick inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FROM = Date.parse("2026-01-01T00:00:00Z");
const SPAN = 3 * 365 * 86_400_000;

export function measureTargets(config: Config, computations: number): TargetsResult {
  const random = prng(20261201);
  const inputs: { plan: string; priority: Priority; at: number }[] = [];
  for (let i = 0; i < computations; i++) {
    const plan = config.plans[Math.floor(random() * config.plans.length)] ?? config.plan;
    const priority = PRIORITIES[Math.floor(random() * 4)] ?? "P3";
    inputs.push({ plan, priority, at: FROM + Math.floor(random() * SPAN) });
  }
  const pass = (): TargetsPass => {
    let checksum = 0;
    const t0 = performance.now();
    for (const { plan, priority, at } of inputs) checksum += computeTarget(config, plan, priority, at).dueMs % 1000;
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, perSecond: computations / seconds, checksum };
  };
  resetCalendarCaches();
  const cold = pass();
  const warm = pass();
  const days = new Set(inputs.map((x) => Math.floor(x.at / 86_400_000))).size;
  return { computations, days, cold, warm };
}
