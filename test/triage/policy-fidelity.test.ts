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
  cfg,
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
    const noFormComment = cfg({ form: { require: "none" } });
    expect(planItem(input({ item: anIssue({ labels: ["security"] }), trigger: labeled("security", carol), config: noFormComment })).actions).toEqual([]);
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
    // The template unknown: the timeline shows P4 added in the creation second, never since.
    const r = run({ item: mine, trigger: labeled("P4", carol), form: null });
    expect(r.plan.state).toMatchObject({ priority: "P2", source: "form" });
    // The template known: its `labels:` say which labels GitHub applied.
    const withTemplate = run({ item: mine, trigger: labeled("P4", carol), form: { ...form, labels: ["P4"] } });
    expect(withTemplate.plan.state).toMatchObject({ priority: "P2", source: "form" });
    const notTemplate = run({ item: mine, trigger: labeled("P4", carol), form: { ...form, labels: ["support"] } });
    expect(notTemplate.plan.state).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
  });

  it("their own comments never count as the first response", () => {
    const mine = anIssue({ author: carol, authorAssociation: "MEMBER", labels: ["P3"], comments: [aComment({ author: carol, association: "MEMBER", createdAt: at(600) })] });
    const r = run({ item: mine, trigger: sweep });
    expect(r.plan.state?.respondedAt).toBeUndefined();
    const after = applyPlan(r.after, planItem(input({ item: r.after, trigger: sweep })), ms(T0)).item;
    expect(after.labels).toEqual(["P3"]);
  });
});

describe("the production label's origin", () => {
  const form = template("support.yml");
  const prod = (p: "P2" | "P3") => supportBody({ priority: optionFor(p), environment: "Production" });
  const staging = (p: "P2" | "P3") => supportBody({ priority: optionFor(p), environment: "Staging" });

  it("a responder's removal stands against the author's edit back to Production (issue timeline, no trigger memory)", () => {
    const start = run({ item: anIssue({ body: prod("P3") }), trigger: opened(), form });
    expect(start.after.labels).toEqual(["P3", "production"]);
    const events = [...(start.after.labelEvents ?? []), labelEvent({ label: "production", actor: carol, createdAt: at(60), added: false })];
    const removed = { ...start.after, labels: ["P3"], labelEvents: events };
    // The removal's own delivery was lost: the author's edit is the next event.
    const back = run({ item: { ...removed, body: prod("P2") }, trigger: edited(), form });
    expect(back.after.labels).toEqual(["P3"]);
    expect(back.plan.state).toMatchObject({ production: "removed" });
    expect(back.again.actions).toEqual([]);
  });

  it("discussions: the marker remembers the removal", () => {
    const start = run({ item: aDiscussion({ body: prod("P3") }), trigger: opened(), form });
    const removed = run({ item: { ...start.after, labels: ["P3"] }, trigger: unlabeled("production", carol), form });
    expect(removed.plan.state).toMatchObject({ production: "removed" });
    const back = run({ item: { ...removed.after, body: prod("P2") }, trigger: edited(), form });
    expect(back.after.labels).toEqual(["P3"]);
  });

  it("the form's label follows the form: Production → Staging removes it and a form P2 falls to P3", () => {
    const start = run({ item: anIssue({ body: prod("P2") }), trigger: opened(), form });
    expect([...start.after.labels].sort()).toEqual(["P2", "production"]);
    expect(start.plan.state).toMatchObject({ production: "form" });
    const moved = run({ item: { ...start.after, body: staging("P2") }, trigger: edited(), form });
    expect(moved.after.labels).toEqual(["P3"]);
    expect(moved.applied.posted.filter((p) => p.purpose === "notice")).toHaveLength(1);
    expect(moved.again.actions).toEqual([]);
  });

  it("a responder's production label stays when the author says Staging; a sweep never removes the form's", () => {
    const start = run({ item: anIssue({ body: staging("P3") }), trigger: opened(), form });
    const added = run({ item: { ...start.after, labels: [...start.after.labels, "production"] }, trigger: labeled("production", carol), form });
    expect(added.plan.state?.production).toBeUndefined();
    const edit = run({ item: { ...added.after, body: staging("P3").replace("Queries time out.", "Still slow.") }, trigger: edited(), form });
    expect([...edit.after.labels].sort()).toEqual(["P3", "production"]);
    const fromForm = run({ item: anIssue({ body: prod("P3") }), trigger: opened(), form });
    const swept = run({ item: { ...fromForm.after, body: staging("P3") }, trigger: sweep, form });
    expect([...swept.after.labels].sort()).toEqual(["P3", "production"]);
  });

  it("a maintainer's edit of the body is not the author's form speaking", () => {
    const start = run({ item: anIssue({ body: prod("P3") }), trigger: opened(), form });
    const edit = run({ item: { ...start.after, body: staging("P3") }, trigger: edited(carol), form });
    expect([...edit.after.labels].sort()).toEqual(["P3", "production"]);
  });
});

describe("someone else edits or deletes the app's target comment", () => {
  const answered = () => {
    const start = run({ item: anIssue({ labels: ["P3"] }), trigger: labeled("P3", carol) });
    const reply = aComment({ author: carol, association: "MEMBER", createdAt: at(600), id: "C_1" });
    const r = run({ item: { ...start.after, comments: [...start.after.comments, reply] }, trigger: { type: "comment", comment: reply } });
    expect(r.plan.state).toMatchObject({ respondedBy: "carol" });
    return r.after;
  };
  const target = (item: Item) => {
    const found = item.comments.find((c) => c.body.includes("support-triage:target"));
    if (found === undefined) throw new Error("no target comment");
    return found;
  };

  it("an edit that breaks the marker is repaired from the text before the edit", () => {
    const item = answered();
    const before = target(item);
    const tampered = { ...before, body: "I removed the robot's text." };
    const edited = { ...item, comments: item.comments.map((c) => (c.id === before.id ? tampered : c)) };
    const trigger = { type: "comment_edited" as const, comment: tampered, previousBody: before.body, sender: carol };
    const r = run({ item: edited, trigger });
    expect(r.plan.actions).toEqual([{ type: "updateTargetComment", commentId: before.id, body: before.body }]);
    expect(r.plan.state).toMatchObject({ priority: "P3", respondedBy: "carol" });
    expect(r.again.actions).toEqual([]);
  });

  it("an edit of the marker's JSON is undone; a late redelivery of an old edit changes nothing", () => {
    const item = answered();
    const before = target(item);
    const forged = { ...before, body: before.body.replace('"priority":"P3"', '"priority":"P1"') };
    const edited = { ...item, comments: item.comments.map((c) => (c.id === before.id ? forged : c)) };
    const trigger = { type: "comment_edited" as const, comment: forged, previousBody: before.body, sender: carol };
    const r = run({ item: edited, trigger });
    expect(r.plan.state?.priority).toBe("P3");
    expect(priorityLabels(r.after)).toEqual(["P3"]);
    // The app's own edits are not tampering, and an edit that is no longer current is stale.
    expect(planItem(input({ item: r.after, trigger: { ...trigger, sender: { login: "support-triage[bot]", isBot: true } } })).actions).toEqual([]);
    expect(planItem(input({ item: r.after, trigger })).actions).toEqual([]);
  });

  it("a deleted target comment is posted again from its last record", () => {
    const item = answered();
    const gone = target(item);
    const without = { ...item, comments: item.comments.filter((c) => c.id !== gone.id) };
    const r = run({ item: without, trigger: { type: "comment_deleted", comment: gone, sender: carol } });
    expect(r.plan.actions.map((a) => a.type)).toEqual(["createTargetComment"]);
    expect(r.plan.state).toMatchObject({ priority: "P3", respondedBy: "carol", respondedAt: gone.body.match(/"respondedAt":"([^"]+)"/)?.[1] });
    expect(r.again.actions).toEqual([]);
  });

  it("a deleted or edited first response: the recorded response is kept", () => {
    const item = answered();
    const withoutReply = { ...item, comments: item.comments.filter((c) => c.id !== "C_1") };
    const reply = item.comments.find((c) => c.id === "C_1");
    if (reply === undefined) throw new Error("no reply");
    const r = run({ item: withoutReply, trigger: { type: "comment_deleted", comment: reply, sender: carol } });
    expect(r.plan.actions).toEqual([]);
    const editedReply = { ...reply, body: "(edited)" };
    const e = run({ item: { ...item, comments: item.comments.map((c) => (c.id === "C_1" ? editedReply : c)) }, trigger: { type: "comment_edited", comment: editedReply, previousBody: reply.body, sender: carol } });
    expect(e.plan.actions).toEqual([]);
  });
});
