import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findTargetComment } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import type { Actor, Item, LabelEvent, Trigger } from "../../src/triage/types.js";
import {
  APP_LOGIN,
  HOUR,
  T0,
  aComment,
  aDiscussion,
  alice,
  anIssue,
  app,
  applyPlan,
  carol,
  cfg,
  ciBot,
  input,
  mallory,
  ms,
  optionFor,
  priorityLabels,
  supportBody,
  targetComments,
  template,
} from "./helpers.js";

const FORM = template("support.yml");
const LABELS = ["P1", "P2", "P3", "P4", "production", "security", "escalated", "plan: business", "plan: enterprise", "plan: gold", "support"];
const ACTORS: Actor[] = [alice, carol, mallory, ciBot, app, { login: "support-triage", isBot: true }];
const CONFIGS = [
  cfg(),
  cfg({ plan: "business", escalation: { contacts: ["@acme/leads"], assignees: ["dana"], webhooks: [{ name: "json", format: "json", url: "https://example.test/h", url_env: null, secret_env: null }], warn_at: 0.5 } }),
  cfg({ customers: { alice: "enterprise" }, form: { default_priority: "P4" } }),
];

const actor = fc.constantFrom(...ACTORS);
const label = fc.constantFrom(...LABELS);
const labelSet = fc.subarray(LABELS).chain((ls) =>
  fc.array(fc.boolean(), { minLength: ls.length, maxLength: ls.length }).map((lower) => ls.map((l, i) => (lower[i] ? l.toLowerCase() : l))),
);
const body = fc.oneof(
  fc.record({
    p: fc.constantFrom<"P1" | "P2" | "P3" | "P4">("P1", "P2", "P3", "P4"),
    env: fc.constantFrom("Production", "Staging", "None", "production"),
  }).map(({ p, env }) => supportBody({ priority: optionFor(p), environment: env })),
  fc.constantFrom("", "no form here", supportBody({ priority: "None" }), supportBody({ priority: "whatever" })),
  fc.string({ maxLength: 200 }),
);
const trigger: fc.Arbitrary<Trigger> = fc.oneof(
  actor.map((sender): Trigger => ({ type: "opened", sender })),
  actor.map((sender): Trigger => ({ type: "edited", sender, bodyChanged: true })),
  fc.tuple(label, actor).map(([l, sender]): Trigger => ({ type: "labeled", label: l, sender })),
  fc.tuple(label, actor).map(([l, sender]): Trigger => ({ type: "unlabeled", label: l, sender })),
  actor.map((sender): Trigger => ({ type: "reopened", sender })),
  fc.tuple(actor, fc.constantFrom("MEMBER", "NONE")).map(
    ([author, association]): Trigger => ({ type: "comment", comment: aComment({ author, association, createdAt: "2026-12-01T18:00:00.000Z" }) }),
  ),
  fc.constant<Trigger>({ type: "sweep" }),
  // Someone edits or deletes a comment, possibly the app's own (its previous text a marker or not).
  fc.tuple(actor, actor, fc.constantFrom<string | null>(null, "", "plain text", '<!-- support-triage:target {"priority":"P2","plan":"standard","dueAt":"2026-12-03T09:00:00.000-08:00","source":"label","setBy":"carol"} -->')).map(
    ([author, sender, previousBody]): Trigger => ({ type: "comment_edited", comment: aComment({ author, createdAt: "2026-12-01T17:00:00.000Z", id: "APP_1" }), previousBody, sender }),
  ),
  fc.tuple(actor, actor).map(
    ([author, sender]): Trigger => ({
      type: "comment_deleted",
      comment: aComment({ author, createdAt: "2026-12-01T17:00:00.000Z", id: "GONE", body: '<!-- support-triage:target {"priority":"P4","plan":"standard","dueAt":"2026-12-03T09:00:00.000-08:00","source":"label","setBy":"carol"} -->' }),
      sender,
    }),
  ),
);
const comments = fc.array(
  fc.record({
    author: actor,
    association: fc.constantFrom("OWNER", "MEMBER", "NONE", "CONTRIBUTOR"),
    minutes: fc.integer({ min: 1, max: 5000 }),
  }),
  { maxLength: 3 },
);
const events = fc.array(
  fc.record({ label, actor, added: fc.boolean(), seconds: fc.integer({ min: 0, max: 100_000 }) }),
  { maxLength: 5 },
);

interface Scenario {
  kind: "issue" | "discussion";
  state: "open" | "closed";
  labels: string[];
  body: string;
  withForm: boolean;
  trigger: Trigger;
  comments: { author: Actor; association: string; minutes: number }[];
  events: { label: string; actor: Actor; added: boolean; seconds: number }[];
  nowHours: number;
  config: number;
  /** A second round: labels changed by someone, then another trigger. */
  change: string[];
  trigger2: Trigger;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  kind: fc.constantFrom<"issue" | "discussion">("issue", "discussion"),
  state: fc.constantFrom<"open" | "closed">("open", "open", "closed"),
  labels: labelSet,
  body,
  withForm: fc.boolean(),
  trigger,
  comments,
  events,
  nowHours: fc.integer({ min: 0, max: 24 * 14 }),
  config: fc.integer({ min: 0, max: CONFIGS.length - 1 }),
  change: labelSet,
  trigger2: trigger,
});

function build(s: Scenario): Item {
  const created = ms(T0);
  const cs = s.comments.map((c) =>
    aComment({ author: c.author, association: c.association, createdAt: new Date(created + c.minutes * 60_000).toISOString() }),
  );
  const o = { labels: s.labels, body: s.body, state: s.state, comments: cs };
  if (s.kind === "discussion") return aDiscussion(o);
  const labelEvents: LabelEvent[] = s.events
    .map((e) => ({ label: e.label, actor: e.actor, added: e.added, createdAt: new Date(created + e.seconds * 1000).toISOString() }))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return anIssue({ ...o, labelEvents });
}

function checkRound(item: Item, trigger: Trigger, s: Scenario, now: number): Item {
  const config = CONFIGS[s.config] ?? cfg();
  const form = s.withForm ? FORM : null;
  const plan = planItem(input({ item, trigger, now, config, form }));
  const after = applyPlan(item, plan, now).item;
  const again = planItem(input({ item: after, trigger, now, config, form }));
  expect(again.actions).toEqual([]);
  expect(targetComments(after).filter((c) => c.author?.login === APP_LOGIN).length).toBeLessThanOrEqual(1);
  if (after.state === "open") {
    const ps = priorityLabels(after).map((p) => p.toUpperCase());
    expect(ps.length).toBeLessThanOrEqual(1);
    if (ps.includes("P1") || ps.includes("P2")) {
      const lower = after.labels.map((l) => l.toLowerCase());
      const state = findTargetComment(after, APP_LOGIN)?.state;
      const confirmed = lower.includes("security") && state?.securityBy !== undefined;
      expect(lower.includes("production") || confirmed).toBe(true);
    }
  }
  return after;
}

describe("planner properties", () => {
  it("never throws, reaches a fixpoint in one step and keeps the invariants", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const now = ms(T0) + s.nowHours * HOUR;
        const after = checkRound(build(s), s.trigger, s, now);
        // Someone changes the labels, then another event arrives later.
        const changed = { ...after, labels: s.change, state: after.state };
        checkRound(changed, s.trigger2, s, now + HOUR);
      }),
      { numRuns: 1500 },
    );
  });
});
