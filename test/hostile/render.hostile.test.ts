/**
 * Mentions and markup in what the app writes. Titles, bodies, form answers, logins and
 * comments are user text; whatever the planner and the renderers make of them must not
 * notify anyone or inject HTML, links or an early end to the marker comment. Only the
 * configured escalation contacts and assignees may be live mentions: pinging them is
 * the point of escalating. See markdown-safety.ts for how "safe" is judged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { PRIORITIES, type Config, type Priority } from "../../src/config/types.js";
import { planItem } from "../../src/triage/planner.js";
import {
  renderEscalationComment,
  renderProductionNotice,
  renderTargetComment,
  renderWarningComment,
  type ProductionCause,
} from "../../src/triage/render.js";
import { computeTarget } from "../../src/triage/target.js";
import type { Actor, Item, ItemComment, MarkerState, Plan, Trigger } from "../../src/triage/types.js";
import { applyPlan } from "../triage/helpers.js";
import { hostileLogin, hostileText, runs } from "./arbitraries.js";
import { assertInert, inspect } from "./markdown-safety.js";

const APP_LOGIN = "support-triage[bot]";
const T0 = Date.parse("2026-12-01T09:00:00.000-08:00");

const ESCALATING: Config = {
  ...DEFAULT_CONFIG,
  escalation: { ...DEFAULT_CONFIG.escalation, contacts: ["@acme/support-leads", "@dana"], assignees: ["erin"], warn_at: 0.5 },
};
const CONFIGS = [DEFAULT_CONFIG, ESCALATING];
/** The live mentions the configuration asks for, and only those. */
const allowed = (config: Config): string[] => [
  ...config.escalation.contacts.map((c) => (c.startsWith("@") ? c : `@${c}`).split("/")[0] ?? ""),
  ...config.escalation.assignees.map((a) => `@${a.replace(/^@/, "")}`),
];

describe("the safety checker itself", () => {
  it.each([
    ["a plain mention", "hello @alice", "pings"],
    ["a team mention", "cc @acme/leads", "pings"],
    ["an escaped @", "\\@alice", "pings"],
    ["an entity @", "&#64;alice", "pings"],
    ["a mention after a lone backtick", "`@alice", "pings"],
    ["a mention after a code span", "`x` @alice", "pings"],
    ["a mention after a zero-width space", "\u200b@alice", "pings"],
    ["an img tag", "<img src=x onerror=alert(1)>", "html"],
    ["a closing details tag", "</details>", "html"],
    ["an inline link", "[x](javascript:alert(1))", "links"],
    ["a reference definition", "[x]: https://evil.test", "links"],
    ["an open comment", "text <!-- hidden", "unbalancedComment"],
  ])("flags %s", (_name, body, what) => {
    const r = inspect(body);
    const flagged = what === "unbalancedComment" ? r.unbalancedComment : (r[what as "pings" | "html" | "links"]).length > 0;
    expect(flagged).toBe(true);
  });

  it.each([
    ["a neutralised mention", "hello @\u200balice"],
    ["a mention in a code span", "`@alice`"],
    ["a mention in a double-backtick span", "`` a`@alice ``"],
    ["an e-mail address", "mail foo@example.com"],
    ["escaped HTML", "&lt;img src=x&gt;"],
    ["escaped link syntax", "\\[x\\]\\(javascript:alert(1)\\)"],
    ["a closed comment", "<!-- support-triage:target {} -->"],
    ["HTML in a code span", "`<img src=x>`"],
  ])("passes %s", (_name, body) => {
    expect(() => assertInert(body)).not.toThrow();
  });
});

const isoTime = (t: number): string => new Date(t).toISOString();

const markerState = fc.record({
  priority: fc.constantFrom(...PRIORITIES),
  plan: hostileText(4).filter((s) => s.trim() !== ""),
  source: fc.constantFrom("form" as const, "label" as const),
  setBy: hostileLogin,
  respondedBy: fc.option(hostileLogin, { nil: undefined }),
  responded: fc.option(fc.integer({ min: 0, max: 10 * 86_400_000 }), { nil: undefined }),
  securityBy: fc.option(hostileLogin, { nil: undefined }),
  untracked: fc.boolean(),
});

describe("render.ts with hostile fields", () => {
  it("the target comment is inert", () => {
    fc.assert(
      fc.property(markerState, fc.constantFrom(...CONFIGS), fc.constantFrom("issue" as const, "discussion" as const), (m, config, kind) => {
        const target = computeTarget(config, "business", m.priority, T0);
        const state: MarkerState = {
          priority: m.priority,
          plan: m.plan,
          dueAt: target.dueAt,
          source: m.source,
          setBy: m.setBy,
          ...(m.responded !== undefined ? { respondedAt: isoTime(T0 + m.responded) } : {}),
          ...(m.respondedBy !== undefined ? { respondedBy: m.respondedBy } : {}),
          ...(m.securityBy !== undefined ? { securityBy: m.securityBy } : {}),
          ...(m.untracked ? { untracked: true as const } : {}),
        };
        assertInert(renderTargetComment({ config, item: { kind }, state, target: m.untracked ? null : target }));
      }),
      { numRuns: runs(1500) },
    );
  });

  const cause: fc.Arbitrary<ProductionCause> = fc.oneof(
    fc.record({ kind: fc.constant("form" as const), environment: fc.option(hostileText(6), { nil: null }) }),
    fc.record({ kind: fc.constant("label" as const), by: hostileLogin }),
    fc.record({ kind: fc.constant("production-removed" as const), by: fc.option(hostileLogin, { nil: null }) }),
    fc.constant({ kind: "other" as const }),
  );

  it("the production-rule notice is inert", () => {
    fc.assert(
      fc.property(cause, fc.constantFrom<Priority>("P1", "P2"), fc.constantFrom<Priority>("P3", "P4"), fc.boolean(), fc.boolean(), (c, rejected, applied, prev, sec) => {
        assertInert(
          renderProductionNotice({ config: DEFAULT_CONFIG, item: { kind: "issue" }, rejected, applied, appliedIsPrevious: prev, cause: c, unconfirmedSecurity: sec }),
        );
      }),
      { numRuns: runs(1000) },
    );
  });

  it("escalation and warning comments mention only the configured contacts", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRIORITIES), fc.integer({ min: 0, max: 5 * 86_400_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (p, late, share) => {
        const target = computeTarget(ESCALATING, "enterprise", p, T0);
        assertInert(renderEscalationComment({ config: ESCALATING, item: { kind: "issue" }, target, lateBy: `${Math.round(late / 60_000)} minutes` }), { allowMentions: allowed(ESCALATING) });
        // The at-risk warning names the contacts escalation would call (and nobody else).
        assertInert(renderWarningComment({ config: ESCALATING, item: { kind: "discussion" }, target, share }), { allowMentions: allowed(ESCALATING) });
      }),
      { numRuns: runs(200) },
    );
  });
});

/** The body GitHub renders for the shipped support form, with hostile answers. */
function formBody(priority: string, environment: string, description: string): string {
  return ["### Priority", "", priority, "", "### Environment", "", environment, "", "### Description", "", description, ""].join("\n");
}

const OPTIONS: Record<Priority, string> = {
  P1: "P1 (Urgent) – production down",
  P2: "P2 (High) – production degraded",
  P3: "P3 (Normal) – partial loss",
  P4: "P4 (Low) – question",
};

const actor = (login: string): Actor => ({ login, isBot: false });

const scenario = fc.record({
  config: fc.constantFrom(...CONFIGS),
  kind: fc.constantFrom("issue" as const, "discussion" as const),
  author: hostileLogin,
  title: hostileText(8),
  body: fc.oneof(
    fc.tuple(fc.constantFrom(...PRIORITIES), fc.oneof(hostileText(4), fc.constantFrom("Production", "Staging", "None")), hostileText(10)).map(([p, env, d]) => formBody(OPTIONS[p], env, d)),
    hostileText(16),
  ),
  labels: fc.subarray(["P1", "P2", "P3", "P4", "production", "security", "plan: business", "escalated"]),
  comments: fc.array(
    fc.record({ login: hostileLogin, association: fc.constantFrom("MEMBER", "OWNER", "NONE", "CONTRIBUTOR"), after: fc.integer({ min: 0, max: 3 * 86_400_000 }), body: hostileText(8) }),
    { maxLength: 3 },
  ),
  trigger: fc.oneof(
    fc.constant("opened"),
    fc.constant("sweep"),
    fc.tuple(fc.constantFrom("labeled", "unlabeled"), fc.constantFrom("P1", "P2", "production", "security"), hostileLogin),
    fc.constant("comment"),
  ),
  elapsed: fc.integer({ min: 0, max: 10 * 86_400_000 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildItem(s: Scenario): { item: Item; trigger: Trigger } {
  const comments: ItemComment[] = s.comments.map((c, i) => ({
    id: `C_${i}`,
    author: actor(c.login),
    authorAssociation: c.association,
    createdAt: isoTime(T0 + c.after),
    body: c.body,
  }));
  const item: Item = {
    kind: s.kind,
    owner: "acme",
    repo: "support",
    number: 1,
    nodeId: "I_1",
    title: s.title,
    body: s.body,
    author: actor(s.author),
    authorAssociation: "NONE",
    createdAt: isoTime(T0),
    state: "open",
    labels: s.labels,
    categorySlug: s.kind === "discussion" ? "support" : null,
    assignees: [],
    comments,
    ...(s.kind === "issue" ? { labelEvents: [] } : {}),
  };
  const t = s.trigger;
  let trigger: Trigger;
  if (t === "opened") trigger = { type: "opened", sender: item.author };
  else if (t === "sweep") trigger = { type: "sweep" };
  else if (t === "comment") {
    const last = comments[comments.length - 1];
    trigger = last !== undefined ? { type: "comment", comment: last } : { type: "sweep" };
  } else trigger = { type: t[0] as "labeled" | "unlabeled", label: t[1], sender: actor(t[2]) };
  return { item, trigger };
}

function bodiesOf(plan: Plan): string[] {
  return plan.actions.flatMap((a) =>
    a.type === "createTargetComment" || a.type === "updateTargetComment" || a.type === "postComment" ? [a.body] : [],
  );
}

describe("planner output for items full of mentions and markup", () => {
  it("every comment the planner writes is inert, on the first event and the next", () => {
    let written = 0;
    const purposes = new Map<string, number>();
    fc.assert(
      fc.property(scenario, (s) => {
        const { item, trigger } = buildItem(s);
        const now = T0 + s.elapsed;
        const input = { item, config: s.config, now, trigger, appLogin: APP_LOGIN, form: null };
        const plan = planItem(input);
        for (const a of plan.actions) if (a.type === "postComment") purposes.set(a.purpose, (purposes.get(a.purpose) ?? 0) + 1);
        for (const body of bodiesOf(plan)) {
          assertInert(body, { allowMentions: allowed(s.config) });
          written++;
        }
        // A later sweep reads the marker it wrote back and re-renders from it.
        const after = applyPlan(item, plan, now, { login: APP_LOGIN, isBot: true }).item;
        const again = planItem({ ...input, item: after, trigger: { type: "sweep" }, now: now + 86_400_000 });
        for (const body of bodiesOf(again)) assertInert(body, { allowMentions: allowed(s.config) });
      }),
      { numRuns: runs(1500) },
    );
    // The property only proves something if every kind of comment was written often.
    expect(written).toBeGreaterThan(runs(500));
    expect(purposes.get("notice") ?? 0).toBeGreaterThan(runs(20));
    expect(purposes.get("escalation") ?? 0).toBeGreaterThan(runs(20));
    expect(purposes.get("warning") ?? 0).toBeGreaterThan(runs(5));
  });
});
