/**
 * At-least-once and all-at-once delivery, through the real Probot server: the same
 * delivery ten times (one after another, and all at once), and fifty events about one
 * item delivered in parallel — labels added and removed, form edits, comments — on
 * issues and discussions, to one app server and to two (each with its own per-item
 * lock). Whatever the interleaving, every invariant holds at the end.
 */
import { describe, expect, it } from "vitest";
import { formBody } from "../e2e/scenario-builder.js";
import { appComments, kindOf, violations } from "./invariants.js";
import { openDiscussion, openIssue, run } from "./scenarios.js";

type Kind = "issue" | "discussion";
const opener = (kind: Kind, answers: Parameters<typeof formBody>[0]) => (kind === "issue" ? openIssue(1, "alice", answers) : openDiscussion(1, "alice", answers));

/**
 * Fifty things people do to item #1 at about the same moment, each one a webhook:
 * maintainers add and remove priority, production and security labels (a label is added
 * when absent and removed when present, so every step changes something), the author
 * edits the form (P1–P4, production or not) and comments, a maintainer answers.
 * Deterministic, so a failure is replayable. `present` is what the item starts with.
 */
function fifty(present: readonly string[]): Record<string, unknown>[] {
  const labels = ["P4", "P2", "P1", "production", "P3", "security", "P2"];
  const on = new Set(present);
  const steps: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    const label = labels[i % labels.length] ?? "P3";
    switch (i % 5) {
      case 0:
      case 1:
      case 2: {
        const by = i % 2 === 0 ? "carol" : "mike";
        steps.push(on.has(label) ? { unlabel: { number: 1, label, by } } : { label: { number: 1, label, by } });
        if (on.has(label)) on.delete(label);
        else on.add(label);
        break;
      }
      case 3: {
        const priority = (["P1", "P2", "P3", "P4"] as const)[i % 4] ?? "P3";
        steps.push({ edit: { number: 1, by: "alice", body: formBody({ priority, environment: i % 3 === 0 ? "Staging" : "Production", description: `edit ${i}` }) } });
        break;
      }
      default:
        steps.push({ comment: { number: 1, author: i % 3 === 0 ? "carol" : "alice", body: `comment ${i}` } });
    }
  }
  return steps;
}

describe.each(["issue", "discussion"] as const)("on a %s", (kind) => {
  it.each([
    ["one after another", false],
    ["all at once", true],
  ])("the same delivery ten times, %s, changes nothing after the first", async (_how, concurrently) => {
    const once = await run({ steps: [opener(kind, { priority: "P1", environment: "Staging" }), { label: { number: 1, label: "P2", by: "carol" } }] });
    const tenTimes = await run({
      steps: [
        opener(kind, { priority: "P1", environment: "Staging" }),
        { redeliver: { times: 10, concurrently } },
        { label: { number: 1, label: "P2", by: "carol" } },
        { redeliver: { times: 10, concurrently } },
      ],
    });
    const redeliveries = tenTimes.timeline.filter((entry) => entry.type === "delivery" && entry.redelivery);
    expect(redeliveries).toHaveLength(20);
    expect(violations(tenTimes)).toEqual([]);
    expect(tenTimes.state.errors).toEqual([]);
    // Byte for byte what one delivery of each gives (bodies, labels, comment times).
    expect(tenTimes.state.items).toEqual(once.state.items);
  });

  it.each([1, 2])("fifty events at once, to %i app server(s), keep every invariant", async (replicas) => {
    const result = await run(
      { steps: [opener(kind, { priority: "P2", environment: "Production" }), { concurrently: fifty(["P2", "production"]) }, { redeliver: { times: 10, concurrently: true } }] },
      { replicas },
    );
    const parallel = result.timeline.filter((entry) => entry.type === "delivery" && entry.cause === "user" && !entry.redelivery);
    expect(parallel.length).toBeGreaterThanOrEqual(51);
    expect(violations(result)).toEqual([]);
    expect(result.state.errors).toEqual([]);
    const found = result.state.items[0];
    const kinds = appComments(found ?? { comments: [] }).map((c) => kindOf(c.body));
    expect(kinds.filter((k) => k === "target")).toHaveLength(1);
  });

  it("fifty events at once, opened in the same moment, to two app servers: the state converges after a sweep", async () => {
    const result = await run(
      {
        faults: { seed: 3, latency_ms: 2 },
        steps: [{ concurrently: [opener(kind, { priority: "P1", environment: "Staging" }), ...fifty([])] }, { sweep: {} }],
      },
      { replicas: 2 },
    );
    expect(violations(result)).toEqual([]);
    expect(result.state.errors).toEqual([]);
  });
});

describe("labels the repository lacks", () => {
  it("are created once when several items need them at the same moment, without failing any handler", async () => {
    // GitHub fails the installation's set-up, so the priority labels do not exist yet.
    const result = await run({
      faults: { error_rate: 1, until: "2026-12-01T09:01:00-08:00" },
      steps: [
        { advance: "2m" },
        { concurrently: [1, 2, 3, 4].map((n) => openIssue(n, "alice", { priority: "P3", environment: "Production" })) },
      ],
    });
    expect(result.state.errors).toEqual([]);
    expect(result.state.items.map((found) => found.labels)).toEqual(Array.from({ length: 4 }, () => ["P3", "production"]));
    expect(violations(result)).toEqual([]);
  });
});
