/**
 * What makes the app exactly-once when GitHub half-applies a batch or two app servers
 * race (src/triage/recall.ts, the write order in src/github/apply.ts):
 *  - the write layer posts notices and escalations before it writes the marker, so a cut
 *    batch leaves a comment without its record, never a record without its comment;
 *  - the planner recognises the app's tagged comments, so such a comment is not posted
 *    twice, and folds it into the marker;
 *  - a second target comment (or notice, or escalation) is edited into a short note,
 *    and what it remembered is merged into the kept one;
 *  - a label another handler created meanwhile is looked up, not a reason to fail.
 */
import { describe, expect, it } from "vitest";
import { applyActions } from "../../src/github/apply.js";
import type { GitHubClient } from "../../src/github/client.js";
import { hasMarker, parseMarker, renderMarker } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import { readCommentTag, renderCommentTag, SUPERSEDED_NOTE, withTag } from "../../src/triage/recall.js";
import type { Action, Item, ItemComment, Plan } from "../../src/triage/types.js";
import { HOUR, T0, aDiscussion, anIssue, app, applyPlan, carol, cfg, input, ms, opened, optionFor, supportBody, sweep, template } from "../triage/helpers.js";

const FORM = template("support.yml");
const BUSINESS = cfg({ plan: "business" });
const appComment = (id: string, body: string, createdAt = T0): ItemComment => ({ id, author: app, authorAssociation: "NONE", createdAt, body });
const markers = (item: Item) => item.comments.filter((c) => hasMarker(c.body));
const purposes = (plan: Plan) => plan.actions.flatMap((a) => (a.type === "postComment" ? [a.purpose] : []));
/** The plan's writes up to (not including) the first action of `type`: a batch cut there. */
const cutBefore = (plan: Plan, type: Action["type"]): Plan => {
  const at = plan.actions.findIndex((a) => a.type === type);
  return { ...plan, actions: at < 0 ? plan.actions : plan.actions.slice(0, at) };
};
/** The plan without the actions of `type`: what GitHub applied when the write order puts them last and the batch was cut. */
const without = (plan: Plan, type: Action["type"]): Plan => ({ ...plan, actions: plan.actions.filter((a) => a.type !== type) });

describe("comment tags", () => {
  it.each([
    [{ kind: "notice", key: "production:P1:label:carol" } as const],
    [{ kind: "escalation" } as const],
    [{ kind: "warning" } as const],
  ])("round-trip %j on the last line of a body", (tag) => {
    expect(readCommentTag(withTag("**Hello**", tag))).toEqual(tag);
  });

  it("cannot be closed early or forged from the middle of a body", () => {
    expect(renderCommentTag({ kind: "notice", key: "x --> <script>" })).toBe("<!-- support-triage:notice x-script -->");
    expect(readCommentTag(`${renderCommentTag({ kind: "escalation" })}\nand then more text`)).toBeNull();
  });
});

describe.each([
  ["issue", anIssue],
  ["discussion", aDiscussion],
] as const)("on a %s, a batch GitHub applied only in part", (_kind, build) => {
  it("a notice posted without its record is not posted again, and is recorded", () => {
    const item = build({ body: supportBody({ priority: optionFor("P1"), environment: "Staging" }) });
    const first = planItem(input({ item, trigger: opened(), form: FORM }));
    expect(purposes(first)).toEqual(["notice"]);
    // The write layer writes the target comment last; the batch was cut before it.
    const cut = applyPlan(item, without(first, "createTargetComment"), ms(T0)).item;
    const retry = planItem(input({ item: cut, trigger: opened(), form: FORM, now: ms(T0) + 1000 }));
    expect(purposes(retry)).toEqual([]);
    const created = retry.actions.find((a) => a.type === "createTargetComment");
    expect(created?.type === "createTargetComment" ? parseMarker(created.body)?.notices : null).toEqual(["production:P1:form"]);
    const after = applyPlan(cut, retry, ms(T0) + 1000).item;
    expect(planItem(input({ item: after, trigger: sweep, form: FORM, now: ms(T0) + HOUR })).actions).toEqual([]);
  });

  it("an escalation posted without its record is not escalated again, and is recorded at its time", () => {
    const item = build({ labels: ["P1", "production"], createdAt: T0 });
    const tracked = applyPlan(item, planItem(input({ item, trigger: sweep, config: BUSINESS })), ms(T0)).item;
    const late = ms(T0) + 2 * HOUR;
    const escalate = planItem(input({ item: tracked, trigger: sweep, config: BUSINESS, now: late }));
    expect(purposes(escalate)).toEqual(["escalation"]);
    const cut = applyPlan(tracked, without(escalate, "updateTargetComment"), late).item;
    const retry = planItem(input({ item: cut, trigger: sweep, config: BUSINESS, now: late + HOUR }));
    expect(purposes(retry)).toEqual([]);
    expect(retry.state?.escalatedAt).toBe("2026-12-01T11:00:00.000-08:00");
    expect(retry.actions.map((a) => a.type)).toEqual(["updateTargetComment"]);
  });

  it("a batch cut after its labels is simply planned again", () => {
    const item = build({ body: supportBody({ priority: optionFor("P2"), environment: "Production" }) });
    const first = planItem(input({ item, trigger: opened(), form: FORM }));
    const cut = applyPlan(item, cutBefore(first, "createTargetComment"), ms(T0)).item;
    const retry = planItem(input({ item: cut, trigger: opened(), form: FORM }));
    expect(retry.actions.map((a) => a.type)).toEqual(["createTargetComment"]);
  });
});

describe("the write order", () => {
  it("puts the target comment (the record) after the notice and escalation comments in the one batch", async () => {
    const item = anIssue({ labels: ["P1"], body: supportBody({ priority: optionFor("P1"), environment: "Staging" }), createdAt: "2026-11-30T09:00:00.000-08:00" });
    const plan = planItem(input({ item, trigger: opened(), form: FORM, config: BUSINESS }));
    expect(plan.actions.map((a) => a.type)).toContain("createTargetComment");
    expect(purposes(plan)).toEqual(["notice", "escalation"]);
    const sent: { query: string; variables: Record<string, unknown> }[] = [];
    const client: GitHubClient = {
      graphql: async <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => {
        sent.push({ query, variables: variables ?? {} });
        return {} as T;
      },
      request: async () => ({ status: 200, data: {}, headers: {} }),
    };
    const labels = { repositoryId: "R_1", ids: new Map([["p1", "L1"], ["p3", "L3"], ["escalated", "L9"], ["production", "L5"]]), total: 4 };
    await applyActions(client, item, labels, plan.actions);
    const batch = sent.at(-1);
    const bodies = Object.keys(batch?.variables ?? {})
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .flatMap((key) => {
        const body = (batch?.variables[key] as { body?: string }).body;
        return body === undefined ? [] : [body];
      });
    expect(bodies.map((body) => (hasMarker(body) ? "record" : readCommentTag(body)?.kind))).toEqual(["notice", "escalation", "record"]);
  });
});

describe("two app servers handled the same item at the same moment", () => {
  const P3_FORM = renderMarker({ priority: "P3", plan: "standard", dueAt: "2026-12-03T09:00:00.000-08:00", source: "form", setBy: "alice" });
  const P4_CAROL = renderMarker({
    priority: "P4",
    plan: "standard",
    dueAt: "2026-12-03T09:00:00.000-08:00",
    source: "label",
    setBy: "carol",
    notices: ["production:P1:label:carol"],
  });

  it("keeps the earliest target comment, supersedes the later one and keeps what it remembered", () => {
    // A discussion: no label history, so the later comment's memory is all there is.
    const item = aDiscussion({
      labels: ["P4"],
      body: supportBody({ priority: optionFor("P3"), environment: "Staging" }),
      comments: [appComment("A", `target\n${P3_FORM}`, T0), appComment("B", `target\n${P4_CAROL}`, T0)],
    });
    const plan = planItem(input({ item, trigger: sweep, form: FORM }));
    expect(plan.decisions.map((d) => d.rule)).toContain("duplicate");
    expect(plan.actions.filter((a) => a.type === "updateTargetComment").map((a) => (a.type === "updateTargetComment" ? a.commentId : ""))).toEqual(["A", "B"]);
    expect(plan.state).toMatchObject({ priority: "P4", source: "label", setBy: "carol", notices: ["production:P1:label:carol"] });
    expect(plan.actions).not.toContainEqual(expect.objectContaining({ type: "removeLabels" }));
    const after = applyPlan(item, plan, ms(T0) + 1000).item;
    expect(markers(after).map((c) => c.id)).toEqual(["A"]);
    expect(after.comments.find((c) => c.id === "B")?.body).toBe(SUPERSEDED_NOTE);
    expect(planItem(input({ item: after, trigger: sweep, form: FORM })).actions).toEqual([]);
  });

  it.each([
    ["escalation comments", withTag("**First-response target missed: escalating**", { kind: "escalation" }), ["P1", "production"], 3 * HOUR],
    ["notices", withTag("**Priority changed from P1 to P3**", { kind: "notice", key: "production:P1:form" }), ["P3"], HOUR],
  ])("supersedes the later of two %s and posts no third", (_what, body, labels, later) => {
    const item = anIssue({
      labels,
      createdAt: T0,
      body: supportBody({ priority: optionFor("P1"), environment: "Staging" }),
      comments: [appComment("T", `target\n${P3_FORM}`, T0), appComment("X1", body, "2026-12-01T11:00:00.000-08:00"), appComment("X2", body, "2026-12-01T11:00:00.000-08:00")],
    });
    const plan = planItem(input({ item, trigger: sweep, config: BUSINESS, form: FORM, now: ms(T0) + later }));
    expect(purposes(plan)).toEqual([]);
    expect(plan.actions).toContainEqual({ type: "updateTargetComment", commentId: "X2", body: SUPERSEDED_NOTE });
    expect(plan.actions).not.toContainEqual(expect.objectContaining({ commentId: "X1" }));
    const after = applyPlan(item, plan, ms(T0) + later).item;
    expect(planItem(input({ item: after, trigger: sweep, config: BUSINESS, form: FORM, now: ms(T0) + later + HOUR })).actions).toEqual([]);
  });

  it("ignores a comment by someone else that imitates the app's tags or marker", () => {
    const forged = { ...appComment("F", withTag("fake", { kind: "escalation" })), author: carol, authorAssociation: "MEMBER" };
    const item = anIssue({ labels: ["P1", "production"], createdAt: T0, comments: [forged] });
    const plan = planItem(input({ item, trigger: sweep, config: BUSINESS, now: ms(T0) + 3 * HOUR }));
    // carol's comment is a first response, not an escalation: nothing is superseded.
    expect(plan.actions).not.toContainEqual(expect.objectContaining({ commentId: "F" }));
    expect(plan.state?.respondedBy).toBe("carol");
  });
});

describe("a label created by another handler meanwhile", () => {
  const duplicate = Object.assign(new Error("Request failed due to following response errors:\n - Name has already been taken"), { name: "GraphqlResponseError" });

  function client(lookup: Record<string, { id: string; name: string } | null>): { client: GitHubClient; sent: string[] } {
    const sent: string[] = [];
    return {
      sent,
      client: {
        graphql: async <T,>(query: string): Promise<T> => {
          sent.push(query.split("(")[0] ?? "");
          if (query.startsWith("mutation CreateLabels")) throw duplicate;
          if (query.startsWith("query LookupLabels")) return { repository: lookup } as T;
          return {} as T;
        },
        request: async () => ({ status: 200, data: {}, headers: {} }),
      },
    };
  }

  it("is looked up by name and the plan's writes go ahead", async () => {
    const item = anIssue({ body: supportBody({ priority: optionFor("P3"), environment: "Staging" }) });
    const plan = planItem(input({ item, trigger: opened(), form: FORM }));
    const fake = client({ l0: { id: "LA_P3", name: "P3" } });
    const labels = { repositoryId: "R_1", ids: new Map<string, string>(), total: 0 };
    const applied = await applyActions(fake.client, item, labels, plan.actions);
    expect(fake.sent).toEqual(["mutation CreateLabels", "query LookupLabels", "mutation Apply"]);
    expect(labels.ids.get("p3")).toBe("LA_P3");
    expect(applied.writeRequests).toBe(3);
  });

  it("still fails when the label cannot be found either", async () => {
    const item = anIssue({ body: supportBody({ priority: optionFor("P3"), environment: "Staging" }) });
    const plan = planItem(input({ item, trigger: opened(), form: FORM }));
    const fake = client({ l0: null });
    await expect(applyActions(fake.client, item, { repositoryId: "R_1", ids: new Map(), total: 0 }, plan.actions)).rejects.toBe(duplicate);
  });
});
