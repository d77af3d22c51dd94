/**
 * The decision core for issue 12: who confirmed a security incident whatever the label
 * order (bug 1), and which of several priority labels is the latest (bug 2, more in
 * planner.test.ts "priority attribution"), plus the decided cases of docs/triage-rules.md.
 */
import { describe, expect, it } from "vitest";
import { planItem } from "../../src/triage/planner.js";
import type { Item } from "../../src/triage/types.js";
import {
  T0,
  aComment,
  aDiscussion,
  alice,
  anIssue,
  applyPlan,
  carol,
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
  template,
  unlabeled,
} from "./helpers.js";

const at = (seconds: number) => new Date(ms(T0) + seconds * 1000).toISOString();
const notes = (item: Item) => item.comments.filter((c) => c.body.includes("support-triage:notice security:"));

describe("bug 1: a responder's security label confirms however close to creation", () => {
  it("issues: the timeline's actor counts even one second after creation", () => {
    const item = anIssue({
      labels: ["security", "P1"],
      labelEvents: [labelEvent({ label: "security", actor: carol, createdAt: at(1) }), labelEvent({ label: "P1", actor: carol, createdAt: at(2) })],
    });
    const r = run({ item, trigger: labeled("P1", carol) });
    expect(priorityLabels(r.after)).toEqual(["P1"]);
    expect(r.plan.state).toMatchObject({ priority: "P1", securityBy: "carol" });
    expect(r.again.actions).toEqual([]);
  });

  it("issues: the author's security label at creation never counts", () => {
    const item = anIssue({
      labels: ["security", "P1"],
      labelEvents: [labelEvent({ label: "security", actor: alice, createdAt: at(0) }), labelEvent({ label: "P1", actor: carol, createdAt: at(60) })],
    });
    const r = run({ item, trigger: labeled("P1", carol) });
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    expect(r.plan.state?.securityBy).toBeUndefined();
  });

  it("discussions: an untracked discussion gets one tagged note naming the confirmer, then P1 is allowed", () => {
    const first = run({ item: aDiscussion({ labels: ["security"] }), trigger: labeled("security", carol) });
    expect(first.plan.state).toBeNull();
    expect(notes(first.after)).toHaveLength(1);
    expect(notes(first.after)[0]?.body).toContain("@\u200bcarol");
    expect(first.again.actions).toEqual([]);
    // Later, another delivery (a sweep, the author's edit) does not post it again.
    expect(planItem(input({ item: first.after, trigger: sweep })).actions).toEqual([]);
    const p1 = run({ item: { ...first.after, labels: ["security", "P1"] }, trigger: labeled("P1", carol) });
    expect(priorityLabels(p1.after)).toEqual(["P1"]);
    expect(p1.plan.state).toMatchObject({ priority: "P1", setBy: "carol", securityBy: "carol" });
    expect(p1.again.actions).toEqual([]);
  });

  it("discussions: no note for the author's or a bot's security label, none on issues", () => {
    expect(planItem(input({ item: aDiscussion({ labels: ["security"] }), trigger: labeled("security", alice) })).actions).toEqual([]);
    expect(planItem(input({ item: aDiscussion({ labels: ["security"] }), trigger: labeled("security", { login: "ci[bot]", isBot: true }) })).actions).toEqual([]);
    expect(planItem(input({ item: anIssue({ labels: ["security"] }), trigger: labeled("security", carol) })).actions).toEqual([]);
  });

  it("discussions: the note lapses when the label goes, so a later author's label does not inherit it", () => {
    const first = run({ item: aDiscussion({ labels: ["security"] }), trigger: labeled("security", carol) });
    const removed = run({ item: { ...first.after, labels: [] }, trigger: unlabeled("security", carol) });
    expect(removed.plan.actions.map((a) => a.type)).toEqual(["updateTargetComment"]);
    expect(notes(removed.after)).toHaveLength(0);
    expect(removed.again.actions).toEqual([]);
    const p1 = run({ item: { ...removed.after, labels: ["security", "P1"] }, trigger: labeled("P1", carol) });
    expect(priorityLabels(p1.after)).toEqual(["P3"]);
  });

  it("discussions: P1 refused before the security delivery came is put back when it comes", () => {
    // Both labels are on the discussion; P1's delivery is handled first and cannot know who added security.
    const item = aDiscussion({ labels: ["security", "P1"] });
    const refused = run({ item, trigger: labeled("P1", carol) });
    expect(priorityLabels(refused.after)).toEqual(["P3"]);
    expect(refused.plan.state).toMatchObject({ refused: "P1", refusedBy: "carol" });
    expect(refused.again.actions).toEqual([]);
    const confirmed = run({ item: refused.after, trigger: labeled("security", carol) });
    expect(priorityLabels(confirmed.after)).toEqual(["P1"]);
    expect(confirmed.plan.state).toMatchObject({ priority: "P1", source: "label", setBy: "carol", securityBy: "carol" });
    expect(confirmed.plan.state?.refused).toBeUndefined();
    expect(confirmed.again.actions).toEqual([]);
  });

  it("discussions: in prompt order (P1 refused with no security label, security added later) nothing is put back", () => {
    const refused = run({ item: aDiscussion({ labels: ["P1"] }), trigger: labeled("P1", carol) });
    expect(refused.plan.state?.refused).toBeUndefined();
    const later = run({ item: { ...refused.after, labels: [...refused.after.labels, "security"] }, trigger: labeled("security", carol) });
    expect(priorityLabels(later.after)).toEqual(["P3"]);
  });

  it("a newer priority label wins over a refusal's memory", () => {
    const refused = run({ item: aDiscussion({ labels: ["security", "P1"] }), trigger: labeled("P1", carol) });
    const p4 = run({ item: { ...refused.after, labels: ["security", "P4"] }, trigger: labeled("P4", carol) });
    expect(p4.plan.state?.refused).toBeUndefined();
    const sec = run({ item: p4.after, trigger: labeled("security", carol) });
    expect(priorityLabels(sec.after)).toEqual(["P4"]);
  });
});

describe("a responder who is also the author", () => {
  const form = template("support.yml");
  const body = supportBody({ priority: optionFor("P3"), environment: "Production" });

  it("their label after creation is a responder's decision and stands against their form edits", () => {
    const mine = anIssue({ author: carol, authorAssociation: "MEMBER", body, labels: ["P3", "production"] });
    const start = run({ item: mine, trigger: opened(carol), form });
    const labelled = run({ item: { ...start.after, labels: [...start.after.labels, "P2"] }, trigger: labeled("P2", carol), form });
    expect(labelled.plan.state).toMatchObject({ priority: "P2", source: "label", setBy: "carol" });
    const edit = run({ item: { ...labelled.after, body: supportBody({ priority: optionFor("P4"), environment: "Production" }) }, trigger: edited(carol), form });
    expect(priorityLabels(edit.after)).toEqual(["P2"]);
  });

  it("a customer author's label is still only their own choice (the form wins)", () => {
    const theirs = anIssue({ author: mallory, body, labels: ["P3", "production"] });
    const start = run({ item: theirs, trigger: opened(mallory), form });
    const labelled = run({ item: { ...start.after, labels: [...start.after.labels, "P2"] }, trigger: labeled("P2", mallory), form });
    expect(priorityLabels(labelled.after)).toEqual(["P3"]);
  });

  it("the labels GitHub applies from the form at creation are not their decision", () => {
    const mine = anIssue({
      author: carol,
      authorAssociation: "MEMBER",
      body: supportBody({ priority: optionFor("P2"), environment: "Production" }),
      labels: ["P4"],
      labelEvents: [labelEvent({ label: "P4", actor: carol, createdAt: at(0) })],
    });
    const r = run({ item: mine, trigger: labeled("P4", carol), form });
    expect(r.plan.state).toMatchObject({ priority: "P2", source: "form" });
  });

  it("their own comments never count as the first response", () => {
    const mine = anIssue({ author: carol, authorAssociation: "MEMBER", labels: ["P3"], comments: [aComment({ author: carol, association: "MEMBER", createdAt: at(600) })] });
    const r = run({ item: mine, trigger: sweep });
    expect(r.plan.state?.respondedAt).toBeUndefined();
    const after = applyPlan(r.after, planItem(input({ item: r.after, trigger: sweep })), ms(T0)).item;
    expect(after.labels).toEqual(["P3"]);
  });
});
