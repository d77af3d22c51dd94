/**
 * A `labeled production` delivery that arrives again (or late) after the app itself put the
 * label back from the form must not change what the marker says about the label: the plan
 * of the redelivery is empty. Found by the planner's property test (a bot's addition, the
 * label gone by the time the app read the item, the form saying Production).
 */
import { describe, expect, it } from "vitest";
import { findTargetComment } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import type { Trigger } from "../../src/triage/types.js";
import { APP_LOGIN, T0, aDiscussion, alice, anIssue, applyPlan, carol, cfg, ciBot, input, ms, supportBody } from "./helpers.js";

const now = ms(T0);
const config = cfg();
const body = supportBody({ priority: "P1", environment: "Production" });

describe("the production label's origin on a redelivered labeled event", () => {
  it.each([
    ["a bot", ciBot],
    ["a responder", carol],
  ])("by %s, after the app re-added it from the form: a fixpoint at once, the label still the form's", (_who, sender) => {
    const trigger: Trigger = { type: "labeled", label: "production", sender };
    // The label was added and removed before the app read the item: absent now.
    let item = anIssue({ author: alice, labels: [], body, labelEvents: [] });
    const first = planItem(input({ item, trigger, now, config, form: null }));
    item = applyPlan(item, first, now).item;
    expect(item.labels.map((l) => l.toLowerCase()).sort()).toEqual(["p1", "production"]);
    expect(findTargetComment(item, APP_LOGIN)?.state?.production).toBe("form");
    const again = planItem(input({ item, trigger, now, config, form: null }));
    expect(again.actions).toEqual([]);
  });

  it("still credits a responder whose addition is the timeline's latest", () => {
    const trigger: Trigger = { type: "labeled", label: "production", sender: carol };
    const item = anIssue({
      author: alice,
      labels: ["P1", "production"],
      body,
      labelEvents: [{ label: "production", actor: carol, added: true, createdAt: new Date(now - 60_000).toISOString() }],
    });
    const plan = planItem(input({ item, trigger, now, config, form: null }));
    const after = applyPlan(item, plan, now).item;
    expect(findTargetComment(after, APP_LOGIN)?.state?.production).toBeUndefined();
  });
});

describe("a late labeled priority delivery, for a label that was removed meanwhile", () => {
  it.each(["issue", "discussion"] as const)("%s: restoring the priority and the redelivery agree on who set it", (kind) => {
    const make = kind === "issue" ? anIssue : aDiscussion;
    // Tracked with P1 credited to the author (a label seen before its own delivery).
    let item = make({ author: alice, labels: ["P1", "production"], body: "", labelEvents: [] });
    item = applyPlan(item, planItem(input({ item, trigger: { type: "opened", sender: alice }, now, config, form: null })), now).item;
    // Someone removed P1; carol's (older) labeled P1 delivery arrives only now.
    item = { ...item, labels: item.labels.filter((l) => l !== "P1") };
    const trigger: Trigger = { type: "labeled", label: "P1", sender: carol };
    const first = planItem(input({ item, trigger, now: now + 3_600_000, config, form: null }));
    const after = applyPlan(item, first, now + 3_600_000).item;
    expect(after.labels).toContain("P1");
    const again = planItem(input({ item: after, trigger, now: now + 3_600_000, config, form: null }));
    expect(again.actions).toEqual([]);
  });
});
