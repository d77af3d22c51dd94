import { describe, expect, it } from "vitest";
import { parseMarker, findTargetComment } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import { PRODUCTION_POLICY } from "../../src/triage/render.js";
import type { Item, Plan } from "../../src/triage/types.js";
import {
  APP_LOGIN,
  HOUR,
  MIN,
  T0,
  aComment,
  aDiscussion,
  alice,
  anIssue,
  applyPlan,
  carol,
  cfg,
  ciBot,
  commented,
  dave,
  edited,
  input,
  labelEvent,
  labeled,
  mallory,
  ms,
  optionFor,
  opened,
  priorityLabels,
  run,
  supportBody,
  sweep,
  targetComments,
  template,
  unlabeled,
} from "./helpers.js";

const FORM = template("support.yml");
const builders = [
  ["issue", anIssue],
  ["discussion", aDiscussion],
] as const;

function stateOf(item: Item) {
  const ref = findTargetComment(item, APP_LOGIN);
  return ref?.state ?? null;
}

function added(plan: Plan): string[] {
  return plan.actions.flatMap((a) => (a.type === "addLabels" ? [...a.labels] : []));
}
function removed(plan: Plan): string[] {
  return plan.actions.flatMap((a) => (a.type === "removeLabels" ? [...a.labels] : []));
}
function posts(plan: Plan, purpose: string): string[] {
  return plan.actions.flatMap((a) => (a.type === "postComment" && a.purpose === purpose ? [a.body] : []));
}

describe.each(builders)("planner on a %s", (_kind, build) => {
  it("form P1 + Staging → P3 with one notice quoting the policy", () => {
    const item = build({ body: supportBody({ priority: optionFor("P1"), environment: "Staging" }) });
    const r = run({ item, trigger: opened(), form: FORM });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(r.after.labels).not.toContain("production");
    const notices = posts(r.plan, "notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(PRODUCTION_POLICY);
    expect(notices[0]).toContain("Staging");
    expect(r.plan.decisions.map((d) => d.rule)).toContain("production-rule");
    // The app applied P3 itself: nobody chose it, so nobody is named as having set it.
    expect(r.plan.state).toMatchObject({ priority: "P3", source: "form", setBy: APP_LOGIN });
    expect(targetComments(r.after)[0]?.body).toContain("P3 (Normal), applied by support-triage under the production rule");
    expect(r.again.actions).toEqual([]);
    // Redelivering `opened` later, or an author edit that keeps P1 + Staging, does not explain it again.
    const later = planItem(input({ item: r.after, trigger: edited(alice), form: FORM }));
    expect(posts(later, "notice")).toEqual([]);
    expect(later.actions).toEqual([]);
  });

  it("form P2 + Production on a business customer → P2 + production + target due in 4 hours", () => {
    const config = cfg({ customers: { alice: "business" } });
    const item = build({ body: supportBody({ priority: optionFor("P2"), environment: "Production" }) });
    const r = run({ item, trigger: opened(), form: FORM, config });
    expect([...r.after.labels].sort()).toEqual(["P2", "production"]);
    expect(r.plan.actions[0]).toMatchObject({ type: "ensureLabels" });
    expect(r.plan.state).toMatchObject({ priority: "P2", plan: "business", dueAt: "2026-12-01T13:00:00.000-08:00", source: "form" });
    const target = targetComments(r.after);
    expect(target).toHaveLength(1);
    expect(target[0]?.body).toContain("4 hours, 24x7");
    expect(target[0]?.body).toContain("Tue, Dec 1, 2026, 1:00 PM PST");
    expect(r.again.actions).toEqual([]);
  });

  it("a maintainer's P1 without production is rejected and the previous priority kept", () => {
    const first = run({ item: build({ body: supportBody({ priority: optionFor("P4") }) }), trigger: opened(), form: FORM });
    expect(priorityLabels(first.after)).toEqual(["P4"]);
    const item = { ...first.after, labels: [...first.after.labels, "P1"] };
    const r = run({ item, trigger: labeled("P1", carol), form: FORM });
    expect(removed(r.plan)).toEqual(["P1"]);
    expect(priorityLabels(r.after)).toEqual(["P4"]);
    const notices = posts(r.plan, "notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("carol");
    expect(notices[0]).not.toMatch(/@carol/);
    expect(r.plan.state).toMatchObject({ priority: "P4", source: "form" });
    expect(r.again.actions).toEqual([]);
  });

  it("removing production from a P1 downgrades it to the default", () => {
    const item = build({ labels: ["P1", "production"], labelEvents: [labelEvent({ label: "P1", actor: carol, createdAt: T0 })] });
    const first = run({ item, trigger: labeled("P1", carol) });
    expect(first.plan.state).toMatchObject({ priority: "P1", source: "label", setBy: "carol" });
    const without = { ...first.after, labels: first.after.labels.filter((l) => l !== "production") };
    const r = run({ item: without, trigger: unlabeled("production", carol) });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(posts(r.plan, "notice")[0]).toContain("removed the `production` label");
    expect(r.again.actions).toEqual([]);
  });

  it("security from the template (applied as the author at creation) does not allow P1", () => {
    const item = build({
      body: supportBody({ priority: optionFor("P1"), environment: "Staging" }),
      labels: ["security"],
      ...(_kind === "issue" ? { labelEvents: [labelEvent({ label: "security", actor: alice, createdAt: T0 })] } : {}),
    });
    const r = run({ item, trigger: opened(), form: FORM });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(posts(r.plan, "notice")[0]).toContain("was not applied by a maintainer");
    expect(r.again.actions).toEqual([]);
    // The author adding it by hand later does not count either.
    const again = run({ item: r.after, trigger: labeled("security", alice), form: FORM });
    expect(priorityLabels(again.after)).toEqual(["P3"]);
  });

  it("security added by a maintainer allows P1 (and is remembered)", () => {
    const first = run({ item: build({ body: supportBody({ priority: optionFor("P1"), environment: "Staging" }) }), trigger: opened(), form: FORM });
    expect(priorityLabels(first.after)).toEqual(["P3"]);
    const withSecurity = { ...first.after, labels: [...first.after.labels, "security"] };
    const r = run({ item: withSecurity, trigger: labeled("security", carol), form: FORM });
    expect(priorityLabels(r.after)).toEqual(["P1"]);
    expect(r.plan.state).toMatchObject({ priority: "P1", securityBy: "carol" });
    expect(r.again.actions).toEqual([]);
    const later = planItem(input({ item: r.after, trigger: sweep, form: FORM }));
    expect(later.actions).toEqual([]);
  });

  it("an author's edit re-derives a form priority", () => {
    const first = run({ item: build({ body: supportBody({ priority: optionFor("P3") }) }), trigger: opened(), form: FORM });
    const edit = { ...first.after, body: supportBody({ priority: optionFor("P4") }) };
    const r = run({ item: edit, trigger: edited(alice), form: FORM });
    expect(priorityLabels(r.after)).toEqual(["P4"]);
    expect(r.again.actions).toEqual([]);
  });

  it("an author's edit does not override a maintainer's label", () => {
    const first = run({ item: build({ body: supportBody({ priority: optionFor("P3") }) }), trigger: opened(), form: FORM });
    const relabel = run({ item: { ...first.after, labels: [...first.after.labels, "P4"] }, trigger: labeled("P4", carol), form: FORM });
    expect(priorityLabels(relabel.after)).toEqual(["P4"]);
    expect(relabel.plan.state).toMatchObject({ source: "label", setBy: "carol" });
    const edit = { ...relabel.after, body: supportBody({ priority: optionFor("P3") }) };
    const r = run({ item: edit, trigger: edited(alice), form: FORM });
    expect(r.plan.actions).toEqual([]);
    expect(priorityLabels(r.after)).toEqual(["P4"]);
  });

  it("the form answer wins over template labels on opened", () => {
    const item = build({ body: supportBody({ priority: optionFor("P4") }), labels: ["P3", "support"] });
    const r = run({ item, trigger: opened(), form: FORM });
    expect(priorityLabels(r.after)).toEqual(["P4"]);
    expect(r.after.labels).toContain("support");
    expect(r.again.actions).toEqual([]);
  });

  it("an untracked item gets an empty plan (with `form.require: none`; the comment on items without the form is in form-missing.test.ts)", () => {
    const plan = planItem(input({ item: build({ body: "just a question" }), trigger: opened(), config: cfg({ form: { require: "none" } }) }));
    expect(plan).toEqual({ actions: [], decisions: [], state: null });
  });

  it.each([
    { who: "a maintainer", comment: () => aComment({ author: carol, association: "MEMBER" }), counts: true },
    { who: "a configured user", comment: () => aComment({ author: dave, association: "NONE" }), counts: true },
    { who: "the author", comment: () => aComment({ author: alice, association: "OWNER" }), counts: false },
    { who: "a bot", comment: () => aComment({ author: ciBot, association: "MEMBER" }), counts: false },
    { who: "a non-member", comment: () => aComment({ author: mallory, association: "CONTRIBUTOR" }), counts: false },
  ])("a comment by $who counts as first response: $counts", ({ comment, counts }) => {
    const config = cfg({ responders: { associations: ["OWNER", "MEMBER", "COLLABORATOR"], users: ["Dave"], teams: [] } });
    const first = run({ item: build({ labels: ["P3"] }), trigger: sweep, config });
    const c = { ...comment(), createdAt: "2026-12-01T10:00:00.000-08:00" };
    const r = run({ item: { ...first.after, comments: [...first.after.comments, c] }, trigger: commented(c), config });
    expect(r.plan.state?.respondedAt !== undefined).toBe(counts);
    if (counts) {
      expect(r.plan.state?.respondedAt).toBe("2026-12-01T10:00:00.000-08:00");
      expect(targetComments(r.after)[0]?.body).toMatch(/target met/);
    }
    expect(r.again.actions).toEqual([]);
  });

  it("closed items are never escalated, but a response is recorded", () => {
    const first = run({ item: build({ labels: ["P3"] }), trigger: sweep });
    const closed = { ...first.after, state: "closed" as const };
    const late = planItem(input({ item: closed, trigger: sweep, now: ms(T0) + 30 * 24 * HOUR }));
    expect(late.actions).toEqual([]);
    const c = aComment({ createdAt: "2026-12-05T10:00:00.000-08:00" });
    const r = run({ item: { ...closed, comments: [...closed.comments, c] }, trigger: commented(c), now: ms(T0) + 30 * 24 * HOUR });
    expect(r.plan.actions.map((a) => a.type)).toEqual(["updateTargetComment"]);
    expect(r.plan.state?.respondedAt).toBe("2026-12-05T10:00:00.000-08:00");
    expect(r.plan.state?.escalatedAt).toBeUndefined();
    expect(r.again.actions).toEqual([]);
  });

  it("a reopened item is evaluated again and escalates when overdue", () => {
    const first = run({ item: build({ labels: ["P3"] }), trigger: sweep });
    const reopened = { ...first.after, state: "open" as const };
    const plan = planItem(input({ item: reopened, trigger: { type: "reopened", sender: alice }, now: ms(T0) + 7 * 24 * HOUR }));
    expect(added(plan)).toContain("escalated");
  });
});

/** Adds `label` as `who` and plans with that trigger; returns the item after the plan (asserting the fixpoint). */
function step(item: Item, change: { add?: string; remove?: string }, who = carol, form: typeof FORM | null = null) {
  const at = "2026-12-01T10:00:00.000Z";
  let labels = [...item.labels];
  let events = item.labelEvents === undefined ? undefined : [...item.labelEvents];
  if (change.add !== undefined) {
    labels.push(change.add);
    events?.push(labelEvent({ label: change.add, actor: who, createdAt: at }));
  }
  if (change.remove !== undefined) {
    const gone = change.remove;
    labels = labels.filter((l) => l !== gone);
    events?.push(labelEvent({ label: gone, actor: who, createdAt: at, added: false }));
  }
  const trigger = change.add !== undefined ? labeled(change.add, who) : unlabeled(change.remove ?? "", who);
  const r = run({ item: { ...item, labels, ...(events !== undefined ? { labelEvents: events } : {}) }, trigger, form });
  expect(r.again.actions).toEqual([]);
  return r;
}

describe.each(builders)("the production rule keeps the previous priority on a %s", (_kind, build) => {
  it("P4 → production → P2 → production removed ⇒ P4, applied by the app", () => {
    const p4 = step(build({ body: "no form here" }), { add: "P4" });
    expect(p4.plan.state).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
    expect(p4.plan.state?.previous).toBeUndefined();
    const prod = step(p4.after, { add: "production" });
    const p2 = step(prod.after, { add: "P2" });
    expect(removed(p2.plan)).toEqual(["P4"]);
    expect(p2.plan.state).toMatchObject({ priority: "P2", source: "label", setBy: "carol", previous: "P4" });
    expect(stateOf(p2.after)?.previous).toBe("P4");

    const r = step(p2.after, { remove: "production" });
    expect(priorityLabels(r.after)).toEqual(["P4"]);
    expect(removed(r.plan)).toEqual(["P2"]);
    expect(r.plan.state).toMatchObject({ priority: "P4", source: "label", setBy: APP_LOGIN });
    expect(r.plan.state?.previous).toBeUndefined();
    const notice = posts(r.plan, "notice")[0] ?? "";
    expect(notice).toContain("removed the `production` label");
    expect(notice).toContain("The priority is now P4 (Low) (its previous priority).");
    const body = targetComments(r.after)[0]?.body ?? "";
    expect(body).toContain("P4 (Low), applied by support-triage under the production rule");
    expect(body).not.toContain("with the `P4` label");
    expect(body).not.toMatch(/carol/);
    // Later events leave it alone.
    expect(planItem(input({ item: r.after, trigger: sweep })).actions).toEqual([]);
  });

  it("the previous priority survives P2 → P1 while production stays", () => {
    const p4 = step(build({ body: "no form here" }), { add: "P4" });
    const prod = step(p4.after, { add: "production" });
    const p2 = step(prod.after, { add: "P2" });
    const p1 = step(p2.after, { add: "P1" }, dave);
    expect(p1.plan.state).toMatchObject({ priority: "P1", setBy: "dave", previous: "P4" });
    const r = step(p1.after, { remove: "production" }, dave);
    expect(priorityLabels(r.after)).toEqual(["P4"]);
  });

  it("form P3 → a maintainer's P1 without production ⇒ P3 kept (from the form)", () => {
    const first = run({ item: build({ body: supportBody({ priority: optionFor("P3") }) }), trigger: opened(), form: FORM });
    expect(priorityLabels(first.after)).toEqual(["P3"]);
    const r = step(first.after, { add: "P1" }, carol, FORM);
    expect(removed(r.plan)).toEqual(["P1"]);
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(r.plan.state).toMatchObject({ priority: "P3", source: "form", setBy: "alice" });
    expect(posts(r.plan, "notice")[0]).toContain("The priority is now P3 (Normal) (its previous priority).");
  });

  it("no previous priority ⇒ P3, applied by the app rather than credited to whoever added P1", () => {
    const p1 = step(build({ body: "no form here", labels: ["production"] }), { add: "P1" });
    expect(p1.plan.state).toMatchObject({ priority: "P1", source: "label", setBy: "carol" });
    expect(p1.plan.state?.previous).toBeUndefined();
    const r = step(p1.after, { remove: "production" });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(r.plan.state).toMatchObject({ priority: "P3", setBy: APP_LOGIN });
    expect(posts(r.plan, "notice")[0]).toContain("The priority is now P3 (Normal).");
    const body = targetComments(r.after)[0]?.body ?? "";
    expect(body).toContain("P3 (Normal), applied by support-triage under the production rule");
    expect(body).not.toMatch(/carol/);
    // A maintainer choosing a priority afterwards is credited again.
    const chosen = step(r.after, { add: "P4" }, dave);
    expect(chosen.plan.state).toMatchObject({ priority: "P4", source: "label", setBy: "dave" });
    expect(targetComments(chosen.after)[0]?.body).toContain("set by @\u200Bdave with the `P4` label");
  });
});

describe.each(builders)("escalation on a %s", (kind, build) => {
  const config = cfg({ plan: "business", escalation: { contacts: ["@acme/support-leads"], assignees: ["carol", "@dana"], webhooks: [], warn_at: null } });
  const now = ms("2026-12-01T11:30:00.000-08:00");

  it(kind === "issue" ? "assigns the assignees and says so" : "assigns nobody and asks the assignees to look", () => {
    const r = run({ item: build({ labels: ["P1", "production"] }), trigger: sweep, now, config });
    const esc = posts(r.plan, "escalation")[0] ?? "";
    const assigns = r.plan.actions.filter((a) => a.type === "addAssignees");
    if (kind === "issue") {
      expect(assigns).toEqual([{ type: "addAssignees", logins: ["carol", "dana"] }]);
      expect(esc).toContain("@acme/support-leads: please take a look.");
      expect(esc).toContain("Assigned to @carol, @dana.");
      expect(r.after.assignees).toEqual(["carol", "dana"]);
    } else {
      expect(assigns).toEqual([]);
      expect(esc).toContain("@acme/support-leads, @carol, @dana: please take a look.");
      expect(esc).not.toMatch(/assign/i);
      expect(r.after.assignees).toEqual([]);
    }
    expect(r.again.actions).toEqual([]);
  });
});

describe("escalation timing", () => {
  const business = cfg({ plan: "business" });

  it.each([
    { name: "24x7 1 minute before due", priority: "P1", now: "2026-12-01T09:59:00.000-08:00", escalate: false },
    { name: "24x7 at due", priority: "P1", now: "2026-12-01T10:00:00.000-08:00", escalate: true },
    { name: "24x7 after due", priority: "P1", now: "2026-12-01T12:00:00.000-08:00", escalate: true },
    { name: "12x5 just before due (next morning)", priority: "P3", now: "2026-12-02T08:59:59.999-08:00", escalate: false },
    { name: "12x5 overnight does not count", priority: "P3", now: "2026-12-01T23:00:00.000-08:00", escalate: false },
    { name: "12x5 at due", priority: "P3", now: "2026-12-02T09:00:00.000-08:00", escalate: true },
  ])("$name → escalate: $escalate", ({ priority, now, escalate }) => {
    const labels = priority === "P1" ? ["P1", "production"] : [priority];
    const item = anIssue({ labels });
    const plan = planItem(input({ item, trigger: sweep, now: ms(now), config: business }));
    expect(added(plan).includes("escalated")).toBe(escalate);
    expect(posts(plan, "escalation")).toHaveLength(escalate ? 1 : 0);
  });

  it("across Thanksgiving: a P3 opened Wed 16:00 is due Fri 16:00, not on the holiday", () => {
    const item = anIssue({ labels: ["P3"], createdAt: "2026-11-25T16:00:00.000-08:00" });
    const onThanksgiving = planItem(input({ item, trigger: sweep, now: ms("2026-11-26T17:00:00.000-08:00"), config: business }));
    expect(onThanksgiving.state?.dueAt).toBe("2026-11-27T16:00:00.000-08:00");
    expect(added(onThanksgiving)).not.toContain("escalated");
    const friday = planItem(input({ item, trigger: sweep, now: ms("2026-11-27T16:00:00.000-08:00"), config: business }));
    expect(added(friday)).toContain("escalated");
  });

  it("escalates exactly once, with assignees and webhook, and a response then removes the label", () => {
    const config = cfg({
      plan: "business",
      escalation: { contacts: ["@acme/support-leads"], assignees: ["dana"], webhooks: [{ name: "json", format: "json", url: "https://hooks.example/esc", url_env: null, secret_env: "ESC_SECRET" }], warn_at: null },
    });
    const now = ms("2026-12-01T11:30:00.000-08:00");
    const item = anIssue({ labels: ["P1", "production"], title: "@everyone DB <b>down</b>" });
    const r = run({ item, trigger: sweep, now, config });
    expect(r.plan.actions.map((a) => a.type)).toEqual([
      "ensureLabels",
      "addLabels",
      "createTargetComment",
      "postComment",
      "addAssignees",
      "sendWebhook",
    ]);
    expect(r.plan.state?.escalatedAt).toBe("2026-12-01T11:30:00.000-08:00");
    const esc = posts(r.plan, "escalation")[0] ?? "";
    expect(esc).toContain("@acme/support-leads");
    expect(esc).toContain("@dana");
    expect(esc).not.toContain("@everyone");
    expect(r.applied.webhooks[0]).toEqual({
      event: "support_triage.escalated",
      repository: "acme/support",
      kind: "issue",
      number: 1,
      title: "@everyone DB <b>down</b>",
      url: "https://github.com/acme/support/issues/1",
      priority: "P1",
      plan: "business",
      dueAt: "2026-12-01T10:00:00.000-08:00",
      escalatedAt: "2026-12-01T11:30:00.000-08:00",
      lateByMs: 90 * MIN,
      lateBy: "1 hour 30 minutes",
      deliveryId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    expect(r.plan.state?.notifiedAt).toEqual({ json: null });
    expect(r.again.actions).toEqual([]);
    const later = planItem(input({ item: r.after, trigger: sweep, now: now + 5 * HOUR, config }));
    expect(later.actions).toEqual([]);

    const c = aComment({ createdAt: "2026-12-01T12:00:00.000-08:00" });
    const answered = run({ item: { ...r.after, comments: [...r.after.comments, c] }, trigger: commented(c), now: now + HOUR, config });
    expect(removed(answered.plan)).toEqual(["escalated"]);
    expect(answered.plan.state).toMatchObject({ respondedBy: "carol", escalatedAt: "2026-12-01T11:30:00.000-08:00" });
    expect(targetComments(answered.after)[0]?.body).toContain("target missed by 2 hours");
    expect(answered.again.actions).toEqual([]);
  });

  it("a priority raised after the due time escalates in the same plan", () => {
    const item = anIssue({ labels: ["P4"], createdAt: "2026-12-01T06:00:00.000-08:00" });
    const first = run({ item, trigger: sweep, now: ms("2026-12-01T09:00:00.000-08:00"), config: business });
    expect(added(first.plan)).not.toContain("escalated");
    const raised = { ...first.after, labels: ["P4", "P1", "production"] };
    const plan = planItem(input({ item: raised, trigger: labeled("P1", carol), now: ms("2026-12-01T09:00:00.000-08:00"), config: business }));
    expect(removed(plan)).toEqual(["P4"]);
    expect(added(plan)).toEqual(["escalated"]);
    expect(plan.state?.dueAt).toBe("2026-12-01T07:00:00.000-08:00");
  });

  it("warns once when warn_at of the target has elapsed", () => {
    const config = cfg({ plan: "business", escalation: { warn_at: 0.75 } });
    const item = anIssue({ labels: ["P2", "production"] });
    const early = planItem(input({ item, trigger: sweep, now: ms(T0) + 2 * HOUR, config }));
    expect(posts(early, "warning")).toEqual([]);
    const r = run({ item, trigger: sweep, now: ms(T0) + 3 * HOUR, config });
    expect(posts(r.plan, "warning")).toHaveLength(1);
    expect(posts(r.plan, "warning")[0]).toContain("75%");
    expect(r.again.actions).toEqual([]);
  });
});

describe("priority attribution", () => {
  it("with several priority labels, keeps the one the trigger added when the timeline shows nothing newer", () => {
    const item = anIssue({
      labels: ["P3", "P4", "P2", "production"],
      labelEvents: [
        labelEvent({ label: "P2", actor: carol, createdAt: "2026-12-01T09:10:00Z" }),
        labelEvent({ label: "P3", actor: carol, createdAt: "2026-12-01T09:11:00Z" }),
        labelEvent({ label: "P4", actor: carol, createdAt: "2026-12-01T09:12:00Z" }),
      ],
    });
    const r = run({ item, trigger: labeled("P4", carol) });
    expect(priorityLabels(r.after)).toEqual(["P4"]);
    expect(r.again.actions).toEqual([]);
  });

  it("a late delivery of an older label does not undo a newer one (issue timeline)", () => {
    const item = anIssue({
      labels: ["P3", "P2", "production"],
      labelEvents: [
        labelEvent({ label: "P3", actor: carol, createdAt: "2026-12-01T09:10:00Z" }),
        labelEvent({ label: "P2", actor: dave, createdAt: "2026-12-01T09:10:00Z" }),
      ],
    });
    const r = run({ item, trigger: labeled("P3", carol) });
    expect(priorityLabels(r.after)).toEqual(["P2"]);
    expect(r.plan.state).toMatchObject({ priority: "P2", source: "label", setBy: "dave" });
    expect(r.again.actions).toEqual([]);
    // The later delivery of P2 itself changes nothing more.
    expect(planItem(input({ item: r.after, trigger: labeled("P2", dave) })).actions).toEqual([]);
  });

  it("the trigger's label wins when the timeline does not show its addition yet", () => {
    const item = anIssue({
      labels: ["P3", "P2", "production"],
      labelEvents: [labelEvent({ label: "P2", actor: dave, createdAt: "2026-12-01T09:10:00Z" })],
    });
    const r = run({ item, trigger: labeled("P3", carol) });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
  });

  it("discussions: a burst of priority labels the app never saw one by one gives the most urgent, whichever delivery comes first", () => {
    const item = aDiscussion({ labels: ["P4", "P3", "P2", "production"] });
    for (const first of ["P3", "P2", "P4"]) {
      const r = run({ item, trigger: labeled(first, carol) });
      expect(priorityLabels(r.after)).toEqual(["P2"]);
      expect(r.again.actions).toEqual([]);
    }
  });

  it("discussions: a label next to the recorded priority is the trigger's", () => {
    const first = run({ item: aDiscussion({ labels: ["P4", "production"] }), trigger: labeled("P4", carol) });
    const both = { ...first.after, labels: [...first.after.labels, "P3"] };
    const r = run({ item: both, trigger: labeled("P3", carol) });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
  });

  it("without a trigger, keeps the most recently added per the timeline", () => {
    const item = anIssue({
      labels: ["P2", "P4"],
      labelEvents: [
        labelEvent({ label: "P4", actor: carol, createdAt: "2026-12-01T09:10:00Z" }),
        labelEvent({ label: "P2", actor: dave, createdAt: "2026-12-01T09:20:00Z" }),
        labelEvent({ label: "production", actor: dave, createdAt: "2026-12-01T09:21:00Z" }),
      ],
    });
    const plan = planItem(input({ item: { ...item, labels: [...item.labels, "production"] }, trigger: sweep }));
    expect(removed(plan)).toEqual(["P4"]);
    expect(plan.state).toMatchObject({ priority: "P2", setBy: "dave", source: "label" });
  });

  it("without a trigger or timeline, keeps the highest", () => {
    const plan = planItem(input({ item: aDiscussion({ labels: ["P4", "P3"] }), trigger: sweep }));
    expect(removed(plan)).toEqual(["P4"]);
  });

  it("removing every priority label stops tracking; the form does not re-add it", () => {
    const first = run({ item: aDiscussion({ body: supportBody({ priority: optionFor("P3") }) }), trigger: opened(), form: FORM });
    const bare = { ...first.after, labels: [] };
    const r = run({ item: bare, trigger: unlabeled("P3", carol), form: FORM });
    expect(added(r.plan)).toEqual([]);
    expect(r.plan.state?.untracked).toBe(true);
    expect(targetComments(r.after)[0]?.body).toContain("not tracked");
    expect(r.again.actions).toEqual([]);
    const edit = planItem(input({ item: r.after, trigger: edited(alice), form: FORM }));
    expect(edit.actions).toEqual([]);
    const late = planItem(input({ item: r.after, trigger: sweep, now: ms(T0) + 30 * 24 * HOUR, form: FORM }));
    expect(late.actions).toEqual([]);
    // A maintainer's label tracks it again.
    const relabel = run({ item: { ...r.after, labels: ["P4"] }, trigger: labeled("P4", carol), form: FORM });
    expect(relabel.plan.state).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
    expect(relabel.plan.state?.untracked).toBeUndefined();
    expect(relabel.again.actions).toEqual([]);
  });

  it("a missing priority label is put back when nobody removed it (half-applied plan)", () => {
    const first = run({ item: anIssue({ labels: ["P3"] }), trigger: sweep });
    const lost = { ...first.after, labels: [] };
    const plan = planItem(input({ item: lost, trigger: sweep }));
    expect(added(plan)).toEqual(["P3"]);
  });

  it("the app's own label events are never treated as someone's decision", () => {
    const first = run({ item: anIssue({ labels: ["P3"] }), trigger: sweep });
    const plan = planItem(input({ item: first.after, trigger: labeled("P3", { login: "support-triage", isBot: true }) }));
    expect(plan.actions).toEqual([]);
  });

  it("plan label beats the customers map, which beats the default", () => {
    const config = cfg({ customers: { alice: "business" } });
    const base = planItem(input({ item: anIssue({ labels: ["P3"] }), trigger: sweep, config }));
    expect(base.state?.plan).toBe("business");
    const labelled = planItem(input({ item: anIssue({ labels: ["P3", "plan: Enterprise"] }), trigger: sweep, config }));
    expect(labelled.state?.plan).toBe("enterprise");
    const stranger = planItem(input({ item: anIssue({ labels: ["P3"], author: mallory }), trigger: sweep, config }));
    expect(stranger.state?.plan).toBe("standard");
  });

  it("a plan change recomputes the due time from creation", () => {
    const first = run({ item: anIssue({ labels: ["P3"] }), trigger: sweep });
    expect(first.plan.state?.dueAt).toBe("2026-12-03T09:00:00.000-08:00");
    const r = run({ item: { ...first.after, labels: [...first.after.labels, "plan: enterprise"] }, trigger: labeled("plan: enterprise", carol) });
    expect(r.plan.actions.map((a) => a.type)).toEqual(["updateTargetComment"]);
    expect(r.plan.state?.dueAt).toBe("2026-12-01T13:00:00.000-08:00");
    expect(r.again.actions).toEqual([]);
  });

  it("never removes production, security or plan labels", () => {
    const item = anIssue({ labels: ["P1", "P2", "security", "production", "plan: business", "escalated"] });
    const plan = planItem(input({ item, trigger: sweep, now: ms(T0) + 10 * 24 * HOUR }));
    for (const l of removed(plan)) expect(["P1", "P2", "P3", "P4"]).toContain(l);
  });

  it("an empty priority answer gets the default, an unreadable one too (with a decision)", () => {
    const empty = planItem(input({ item: anIssue({ body: supportBody({ priority: "None" }) }), trigger: opened(), form: FORM }));
    expect(empty.state?.priority).toBe("P3");
    const odd = planItem(input({ item: anIssue({ body: supportBody({ priority: "Critical!!" }) }), trigger: opened() }));
    expect(odd.state?.priority).toBe("P3");
    expect(odd.decisions.find((d) => d.rule === "priority-from-form")?.message).toContain("no P1–P4 token");
  });

  it("an author's edit adds production from the form while the form decides", () => {
    const first = run({ item: anIssue({ body: supportBody({ priority: optionFor("P2"), environment: "Staging" }) }), trigger: opened(), form: FORM });
    expect(priorityLabels(first.after)).toEqual(["P3"]);
    const fixed = { ...first.after, body: supportBody({ priority: optionFor("P2"), environment: "Production" }) };
    const r = run({ item: fixed, trigger: edited(alice), form: FORM });
    expect([...r.after.labels].sort()).toEqual(["P2", "production"]);
    expect(r.again.actions).toEqual([]);
  });

  it("the target comment's body never pings users and keeps the marker on its last line", () => {
    const item = anIssue({ labels: ["P3"], author: { login: "alice", isBot: false } });
    const first = run({ item, trigger: labeled("P3", dave) });
    const body = targetComments(first.after)[0]?.body ?? "";
    expect(body).not.toMatch(/@dave/);
    expect(parseMarker(body.split("\n").at(-1) ?? "")).toEqual(first.plan.state);
    expect(stateOf(first.after)).toEqual(first.plan.state);
  });

  it("applyPlan keeps ensureLabels before addLabels", () => {
    const plan = planItem(input({ item: anIssue({ labels: ["P1"] }), trigger: sweep }));
    expect(() => applyPlan(anIssue({ labels: ["P1"] }), plan, ms(T0))).not.toThrow();
  });
});
