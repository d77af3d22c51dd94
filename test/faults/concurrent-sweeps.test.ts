/**
 * Sweeps that overlap — cron calls on several replicas at once, a timer and a cron — must
 * escalate each overdue item exactly once: one escalation comment, one notification.
 *
 * A scenario with `replicas: 3` runs three app servers, each its own Node process with
 * its own per-item locks, sharing one simulated GitHub and (as `REDIS_URL` does in
 * production) one Redis; a `concurrently:` list of ten `sweep` steps calls the sweep
 * route ten times at once, round-robin over the replicas. Inside a process the calls
 * join the running sweep; across processes each escalation is claimed in Redis before
 * it is posted, and every item is read again inside its lock before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runScenario } from "../../src/simulator/harness.js";
import { FORM_FILES, formBody } from "../e2e/scenario-builder.js";
import { startRedis, type TestRedis } from "../support/redis.js";
import { appComments, kindOf, violations } from "./invariants.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const ITEMS = 10;

function scenario(kind: "issue" | "discussion", extra: Record<string, unknown> = {}): string {
  return stringify({
    repo: "acme/support",
    now: "2026-12-01T09:00:00-08:00",
    members: ["carol"],
    replicas: 3,
    config: "customers:\n  wanda: enterprise\nescalation:\n  contacts: ['@acme/support-leads']\n  webhook:\n    url: https://hooks.example.com/support\n",
    files: FORM_FILES,
    ...extra,
    steps: [
      ...Array.from({ length: ITEMS }, (_, i) => ({
        open: { kind, number: i + 1, author: "wanda", ...(kind === "discussion" ? { category: "support" } : {}), title: `[Support]: outage ${i + 1}`, body: formBody({ priority: "P1", environment: "Production" }) },
      })),
      // Enterprise P1: 15 minutes, around the clock.
      { advance: "20m" },
      { concurrently: Array.from({ length: 10 }, () => ({ sweep: {} })) },
      // Later sweeps find nothing more to do.
      { concurrently: Array.from({ length: 4 }, () => ({ sweep: {} })) },
    ],
  });
}

describe("10 concurrent sweeps over 3 replica processes (shared Redis)", () => {
  it.each(["issue", "discussion"] as const)("escalate each overdue %s exactly once: one comment, one notification", async (kind) => {
    const result = await runScenario(scenario(kind), "concurrent-sweeps.yml", { redisUrl: redis.url });
    expect(result.state.errors).toEqual([]);
    expect(violations(result)).toEqual([]);
    const tracked = result.state.items.filter((item) => item.number <= ITEMS);
    expect(tracked).toHaveLength(ITEMS);
    for (const item of tracked) {
      expect(appComments(item).filter((c) => kindOf(c.body) === "escalation"), `#${item.number}`).toHaveLength(1);
      expect(item.labels).toContain("escalated");
    }
    const notifications = result.timeline.filter((entry) => entry.type === "outgoing-webhook");
    expect(notifications).toHaveLength(ITEMS);
    // The sweep calls really did reach all three replicas.
    const sweeps = result.timeline.filter((entry) => entry.type === "sweep-summary");
    expect(sweeps).toHaveLength(14);
  });
});
