/**
 * Notifications through the planner: a new escalation's notifications are pending until
 * the GitHub layer records their delivery; every later plan of the open item re-sends
 * what is pending, with the same idempotency id; old markers are not re-sent.
 */
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/types.js";
import { parseMarker, renderMarker } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import { withTag } from "../../src/triage/recall.js";
import type { Action, Item, Plan } from "../../src/triage/types.js";
import {
  HOUR,
  MIN,
  aComment,
  aDiscussion,
  alice,
  anIssue,
  app,
  applyPlan,
  carol,
  cfg,
  commented,
  input,
  ms,
  sweep,
  targetComments,
} from "./helpers.js";

const JSON_HOOK = { name: "json", format: "json" as const, url: "https://hooks.example.com/support", url_env: null, secret_env: "HOOK_SECRET" };
const SLACK_HOOK = { name: "slack", format: "slack" as const, url: null, url_env: "SUPPORT_TRIAGE_SLACK_URL", secret_env: null };
const config: Config = cfg({ plan: "business", escalation: { contacts: ["@acme/support-leads"], assignees: [], webhooks: [JSON_HOOK, SLACK_HOOK], warn_at: null } });
/** P1 business: opened 09:00, due 10:00; escalated at 11:30. */
const NOW = ms("2026-12-01T11:30:00.000-08:00");
const ESCALATED_AT = "2026-12-01T11:30:00.000-08:00";

type Send = Extract<Action, { type: "sendWebhook" }>;
const sends = (plan: Plan): Send[] => plan.actions.filter((a): a is Send => a.type === "sendWebhook");
const nonSends = (plan: Plan) => plan.actions.filter((a) => a.type !== "sendWebhook");
const marker = (item: Item) => parseMarker(targetComments(item)[0]?.body ?? "");
const plan = (item: Item, now: number, c: Config = config, trigger = sweep) => planItem(input({ item, trigger, now, config: c }));

/** The item right after its escalation, with the receivers down (nothing recorded). */
function escalatedWhileDown(item: Item = anIssue({ labels: ["P1", "production"] })) {
  const first = plan(item, NOW);
  const applied = applyPlan(item, first, NOW, app, { deliver: false });
  return { first, item: applied.item };
}

describe("a new escalation", () => {
  it("writes every configured notification as pending, and sends them last, after the GitHub writes", () => {
    const { first, item } = escalatedWhileDown();
    expect(first.state?.escalatedAt).toBe(ESCALATED_AT);
    expect(first.state?.notifiedAt).toEqual({ json: null, slack: null });
    const types = first.actions.map((a) => a.type);
    expect(types.slice(-2)).toEqual(["sendWebhook", "sendWebhook"]);
    expect(types.indexOf("postComment")).toBeLessThan(types.indexOf("sendWebhook"));
    const [json, slack] = sends(first);
    expect(json?.notification).toMatchObject({ name: "json", format: "json", url: JSON_HOOK.url, secretEnv: "HOOK_SECRET", target: JSON_HOOK.url });
    expect(slack?.notification).toMatchObject({ name: "slack", format: "slack", url: null, urlEnv: "SUPPORT_TRIAGE_SLACK_URL", target: "$SUPPORT_TRIAGE_SLACK_URL" });
    // The target comment is created by the same plan: the record goes there.
    expect(json?.record).toEqual({ commentId: null, at: ESCALATED_AT });
    expect(json?.notification.deliveryId).not.toBe(slack?.notification.deliveryId);
    expect((json?.notification.body as { deliveryId: string }).deliveryId).toBe(json?.notification.deliveryId);
    expect(marker(item)?.notifiedAt).toEqual({ json: null, slack: null });
  });

  it("records the deliveries the receivers accepted; then there is nothing left to do", () => {
    const item = anIssue({ labels: ["P1", "production"] });
    const first = plan(item, NOW);
    const after = applyPlan(item, first, NOW).item;
    expect(marker(after)?.notifiedAt).toEqual({ json: ESCALATED_AT, slack: ESCALATED_AT });
    expect(plan(after, NOW).actions).toEqual([]);
    expect(plan(after, NOW + 3 * HOUR).actions).toEqual([]);
  });

  it("without notifications configured writes no record", () => {
    const none = cfg({ plan: "business" });
    const item = anIssue({ labels: ["P1", "production"] });
    const p = plan(item, NOW, none);
    expect(sends(p)).toEqual([]);
    expect(p.state?.escalatedAt).toBe(ESCALATED_AT);
    expect(p.state && "notifiedAt" in p.state).toBe(false);
  });
});

describe("a receiver that was down", () => {
  it("gets the pending notifications again from every later plan, same id and body, and no GitHub write", () => {
    const { first, item } = escalatedWhileDown();
    const later = plan(item, NOW + 10 * MIN);
    // Only the sends: no label, no comment, no edit of the target comment.
    expect(nonSends(later)).toEqual([]);
    expect(sends(later).map((a) => a.notification.name)).toEqual(["json", "slack"]);
    expect(sends(later).map((a) => a.notification.deliveryId)).toEqual(sends(first).map((a) => a.notification.deliveryId));
    expect(sends(later).map((a) => a.notification.body)).toEqual(sends(first).map((a) => a.notification.body));
    expect(later.decisions.map((d) => d.rule)).toContain("notify");
    const comment = targetComments(item)[0];
    expect(sends(later)[0]?.record).toEqual({ commentId: comment?.id, at: "2026-12-01T11:40:00.000-08:00" });

    // An event on the item is not held up by the receiver: re-sending is the sweep's job.
    const c = aComment({ author: alice, association: "NONE", createdAt: "2026-12-01T11:45:00.000-08:00", body: "any news?" });
    const withComment = { ...item, comments: [...item.comments, c] };
    expect(plan(withComment, NOW + 15 * MIN, config, commented(c)).actions).toEqual([]);
    expect(sends(plan(withComment, NOW + 15 * MIN))).toHaveLength(2);
  });

  it("once it is back: delivered, recorded with the send's time, and never sent again", () => {
    const { item } = escalatedWhileDown();
    const later = plan(item, NOW + 40 * MIN);
    const back = applyPlan(item, later, NOW + 40 * MIN).item;
    expect(marker(back)).toMatchObject({ escalatedAt: ESCALATED_AT, notifiedAt: { json: "2026-12-01T12:10:00.000-08:00", slack: "2026-12-01T12:10:00.000-08:00" } });
    expect(plan(back, NOW + 50 * MIN).actions).toEqual([]);
  });

  it("re-sends only what is still pending", () => {
    const { item } = escalatedWhileDown();
    const comment = targetComments(item)[0]!;
    const state = marker(item)!;
    const partly = {
      ...item,
      comments: item.comments.map((c) => (c.id === comment.id ? { ...c, body: comment.body.replace(renderMarker(state), renderMarker({ ...state, notifiedAt: { json: ESCALATED_AT, slack: null } })) } : c)),
    };
    expect(sends(plan(partly, NOW + 10 * MIN)).map((a) => a.notification.name)).toEqual(["slack"]);
  });

  it("keeps re-sending after a first response (the breach happened), but not once the item is closed", () => {
    const { item } = escalatedWhileDown();
    const answer = aComment({ author: carol, createdAt: "2026-12-01T11:50:00.000-08:00" });
    const withAnswer = { ...item, comments: [...item.comments, answer] };
    // The response event records the response and takes `escalated` off, and sends nothing.
    const answered = plan(withAnswer, NOW + 30 * MIN, config, commented(answer));
    expect(answered.state?.respondedAt).toBeDefined();
    expect(sends(answered)).toEqual([]);
    const recorded = applyPlan(withAnswer, answered, NOW + 30 * MIN, app, { deliver: false }).item;
    expect(sends(plan(recorded, NOW + 40 * MIN))).toHaveLength(2);
    expect(plan({ ...item, state: "closed" }, NOW + 30 * MIN).actions.filter((a) => a.type === "sendWebhook")).toEqual([]);
    // Reopened: evaluated again, and the pending notifications go out.
    expect(sends(plan({ ...item, state: "open" }, NOW + 40 * MIN))).toHaveLength(2);
  });

  it("on a discussion, records in the discussion's target comment", () => {
    const { item } = escalatedWhileDown(aDiscussion({ labels: ["P1", "production"] }));
    const later = plan(item, NOW + 10 * MIN);
    expect(sends(later)[0]?.record.commentId).toBe(targetComments(item)[0]?.id);
    const back = applyPlan(item, later, NOW + 10 * MIN).item;
    expect(marker(back)?.notifiedAt).toEqual({ json: "2026-12-01T11:40:00.000-08:00", slack: "2026-12-01T11:40:00.000-08:00" });
  });
});

describe("records and configuration changes", () => {
  const oldMarkerItem = () =>
    anIssue({
      labels: ["P1", "production", "escalated"],
      comments: [
        aComment({
          id: "T",
          author: app,
          association: "NONE",
          createdAt: "2026-12-01T09:00:05.000-08:00",
          body: renderMarker({ priority: "P1", plan: "business", dueAt: "2026-12-01T10:00:00.000-08:00", source: "label", setBy: "carol", escalatedAt: "2026-12-01T10:05:00.000-08:00" }),
        }),
      ],
    });

  it("an escalation recorded before delivery records existed is not re-sent", () => {
    const p = plan(oldMarkerItem(), NOW);
    expect(sends(p)).toEqual([]);
    expect(p.state && "notifiedAt" in p.state).toBe(false);
  });

  it("an escalation known only from its posted comment (the record was cut off) sends every notification", () => {
    const item = oldMarkerItem();
    const target = item.comments[0]!;
    const cut = {
      ...item,
      comments: [
        { ...target, body: renderMarker({ priority: "P1", plan: "business", dueAt: "2026-12-01T10:00:00.000-08:00", source: "label", setBy: "carol" }) },
        aComment({ id: "E", author: app, association: "NONE", createdAt: "2026-12-01T10:05:00.000-08:00", body: withTag("escalating", { kind: "escalation" }) }),
      ],
    };
    const p = plan(cut, NOW);
    expect(p.actions.filter((a) => a.type === "postComment")).toEqual([]);
    expect(p.state).toMatchObject({ escalatedAt: "2026-12-01T10:05:00.000-08:00", notifiedAt: { json: null, slack: null } });
    expect(sends(p).map((a) => a.notification.name)).toEqual(["json", "slack"]);
    expect(sends(p)[0]?.record.commentId).toBe("T");
  });

  it("a notification removed from the configuration is not sent; one added after the escalation is not sent for it", () => {
    const { item } = escalatedWhileDown();
    const onlySlack = cfg({ plan: "business", escalation: { ...config.escalation, webhooks: [SLACK_HOOK] } });
    expect(sends(plan(item, NOW + 10 * MIN, onlySlack)).map((a) => a.notification.name)).toEqual(["slack"]);
    const teams = { name: "teams", format: "teams" as const, url: null, url_env: "T_URL", secret_env: null };
    const withTeams = cfg({ plan: "business", escalation: { ...config.escalation, webhooks: [JSON_HOOK, SLACK_HOOK, teams] } });
    expect(sends(plan(item, NOW + 10 * MIN, withTeams)).map((a) => a.notification.name)).toEqual(["json", "slack"]);
  });

  it("is pure: the same item, configuration and time give the same actions", () => {
    const { item } = escalatedWhileDown();
    expect(plan(item, NOW + 10 * MIN)).toEqual(plan(item, NOW + 10 * MIN));
  });
});
