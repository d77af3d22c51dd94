/**
 * The app through a real Probot instance: webhook in, GraphQL out (nock). Asserts what is
 * written and how many requests it takes (API economy), on issues.
 */
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseMarker, renderMarker } from "../../src/triage/marker.js";
import type { MarkerState } from "../../src/triage/types.js";
import {
  afterWrites,
  commentPayload,
  formBody,
  humanLabel,
  issueNode,
  issuePayload,
  issueTemplates,
  labelId,
  repoAnswer,
  type NodeOptions,
} from "./builders.js";
import { makeProbot, mockGitHub, type Recorded, requestViews } from "./nock-harness.js";

const CONFIG = "customers:\n  octo-customer: business\n";
let now = Date.parse("2026-12-01T17:05:00Z");
let node: NodeOptions;
let recorded: { graphql: Recorded[] };
let probot: Probot;

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  now = Date.parse("2026-12-01T17:05:00Z");
  node = {};
  recorded = mockGitHub((req) => {
    if (req.query.includes("query ReadIssue")) return repoAnswer(CONFIG, { templates: issueTemplates(), issue: issueNode(node) });
    return {};
  });
  probot = await makeProbot(() => now);
});
afterEach(() => nock.cleanAll());

const { writes, reads, inputs, labelsIn, noticesIn } = requestViews(() => recorded.graphql, "addComment");
const iso = () => new Date(now).toISOString();

/** One webhook delivery; the item then holds what the app wrote (for the next step). Returns its requests. */
async function deliver(id: string, name: "issues" | "issue_comment", payload: unknown): Promise<Recorded[]> {
  const from = recorded.graphql.length;
  await probot.receive({ id, name, payload } as never);
  const reqs = recorded.graphql.slice(from);
  node = afterWrites(node, reqs, iso());
  return reqs;
}

/** The state in the item's target comment, as the next read would see it. */
function targetState() {
  const c = (node.comments ?? []).find((x) => x.bot === true && x.body.includes("support-triage:target"));
  return c ? parseMarker(c.body) : null;
}

function marker(state: Partial<MarkerState>): string {
  return renderMarker({ priority: "P3", plan: "business", dueAt: "2026-12-02T09:00:00.000-08:00", source: "form", setBy: "octo-customer", ...state });
}

describe("issues", () => {
  it("form P2 + Production from a business customer → P2 + production + target comment, in two requests", async () => {
    node = { body: formBody("P2 (High) – production degraded", "Production") };
    await probot.receive({ id: "d1", name: "issues", payload: issuePayload("opened", { body: node.body }) as never });
    expect(reads()).toHaveLength(1);
    expect(writes()).toHaveLength(1);
    const added = inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[]);
    expect(added.sort()).toEqual([labelId("P2"), labelId("production")].sort());
    const [comment] = inputs("addComment");
    expect(comment?.subjectId).toBe("I_1");
    expect(String(comment?.body)).toContain('"dueAt":"2026-12-01T13:00:00.000-08:00"');
    expect(String(comment?.body)).toContain('"plan":"business"');
  });

  it("form P1 + Staging → P3 and one explanation", async () => {
    node = { body: formBody("P1 (Urgent)", "Staging") };
    await probot.receive({ id: "d2", name: "issues", payload: issuePayload("opened", { body: node.body }) as never });
    const added = inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[]);
    expect(added).toEqual([labelId("P3")]);
    const bodies = inputs("addComment").map((c) => String(c.body));
    expect(bodies).toHaveLength(2);
    expect(bodies.filter((b) => b.includes("reserved exclusively for production"))).toHaveLength(1);
  });

  it("the same delivery twice → one target comment (the second read sees the first write)", async () => {
    node = { body: formBody("P3 (Normal)", "Development") };
    const payload = issuePayload("opened", { body: node.body });
    await probot.receive({ id: "dup", name: "issues", payload: payload as never });
    const body = String(inputs("addComment")[0]?.body);
    node = { ...node, labels: ["P3"], comments: [{ id: "IC_1", body, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:05:00Z" }] };
    await probot.receive({ id: "dup", name: "issues", payload: payload as never });
    expect(inputs("addComment")).toHaveLength(1);
    expect(writes()).toHaveLength(1);
  });

  it("events the app caused itself cause no request at all", async () => {
    await probot.receive({
      id: "self",
      name: "issues",
      payload: issuePayload("labeled", { label: "P3", sender: "support-triage[bot]", senderType: "Bot" }) as never,
    });
    expect(recorded.graphql).toHaveLength(0);
  });

  it("a maintainer's first comment records the response in the target comment", async () => {
    node = {
      labels: ["P3"],
      comments: [
        { id: "IC_1", body: `target\n${marker({})}`, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { id: "IC_2", body: "Looking now", author: "carol", association: "MEMBER", createdAt: "2026-12-01T17:30:00Z" },
      ],
    };
    await probot.receive({
      id: "c1",
      name: "issue_comment",
      payload: commentPayload({ author: "carol", association: "MEMBER", createdAt: "2026-12-01T17:30:00Z" }) as never,
    });
    const [update] = inputs("updateIssueComment");
    expect(update?.id).toBe("IC_1");
    expect(String(update?.body)).toContain('"respondedAt"');
  });

  // The author and the bot are MEMBERs here: only the author rule and the bot rule can exclude them.
  it.each([
    ["the author (a MEMBER)", "octo-customer", "MEMBER", false],
    ["a bot (a MEMBER)", "ci-helper[bot]", "MEMBER", true],
    ["a non-member", "stranger", "CONTRIBUTOR", false],
    ["a first-time contributor", "newbie", "FIRST_TIME_CONTRIBUTOR", false],
  ])("a comment by %s is not a first response", async (_who, login, association, bot) => {
    node = {
      labels: ["P3"],
      comments: [
        { id: "IC_1", body: `target\n${marker({})}`, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { id: "IC_2", body: "+1", author: login, bot, association, createdAt: "2026-12-01T17:30:00Z" },
      ],
    };
    await probot.receive({
      id: `c-${login}`,
      name: "issue_comment",
      payload: commentPayload({ author: login, association, createdAt: "2026-12-01T17:30:00Z", bot }) as never,
    });
    // The target comment above is not the rendered one, so it is rewritten: the rewrite must not record a response.
    const updates = inputs("updateIssueComment");
    expect(updates).toHaveLength(1);
    for (const u of [...updates, ...inputs("addComment")]) expect(String(u.body)).not.toContain('"respondedAt"');
    expect(labelsIn("removeLabelsFromLabelable", recorded.graphql)).toEqual([]);
  });

  it("a collaborator's comment is a first response; the owner's too", async () => {
    for (const [login, association] of [["dave", "COLLABORATOR"], ["acme-owner", "OWNER"]] as const) {
      node = {
        labels: ["P3"],
        comments: [
          { id: "IC_1", body: `target\n${marker({})}`, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
          { id: "IC_2", body: "Answer", author: login, association, createdAt: "2026-12-01T17:30:00Z" },
        ],
      };
      await probot.receive({ id: `c-${login}`, name: "issue_comment", payload: commentPayload({ author: login, association, createdAt: "2026-12-01T17:30:00Z" }) as never });
    }
    const updates = inputs("updateIssueComment");
    expect(updates).toHaveLength(2);
    expect(String(updates[0]?.body)).toContain('"respondedBy":"dave"');
    expect(String(updates[1]?.body)).toContain('"respondedBy":"acme-owner"');
  });

  it("comments on pull requests are ignored without a request", async () => {
    await probot.receive({
      id: "pr",
      name: "issue_comment",
      payload: commentPayload({ author: "carol", association: "MEMBER", createdAt: "2026-12-01T17:30:00Z", pr: true }) as never,
    });
    expect(recorded.graphql).toHaveLength(0);
  });

  it("a maintainer adds P1 without production → rejected, the previous priority kept", async () => {
    node = {
      labels: ["P3", "P1"],
      comments: [{ id: "IC_1", body: `target\n${marker({})}`, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" }],
      timeline: [
        { label: "P3", actor: "support-triage", createdAt: "2026-12-01T17:00:05Z" },
        { label: "P1", actor: "carol", createdAt: "2026-12-01T17:04:00Z" },
      ],
    };
    await probot.receive({ id: "l1", name: "issues", payload: issuePayload("labeled", { label: "P1", sender: "carol" }) as never });
    expect(inputs("removeLabelsFromLabelable").flatMap((i) => i.labelIds as string[])).toEqual([labelId("P1")]);
    expect(inputs("addLabelsToLabelable")).toEqual([]);
    expect(inputs("addComment").filter((c) => String(c.body).includes("reserved exclusively for production"))).toHaveLength(1);
  });

  it("production removed from a form P1 by a maintainer → P1 removed, P3 applied (no previous priority), one explanation", async () => {
    node = {
      body: formBody("P1 (Urgent)", "Production"),
      labels: ["P1"],
      comments: [
        {
          id: "IC_1",
          body: `target\n${marker({ priority: "P1", dueAt: "2026-12-01T10:00:00.000-08:00" })}`,
          author: "support-triage[bot]",
          bot: true,
          createdAt: "2026-12-01T17:00:05Z",
        },
      ],
      timeline: [
        { label: "P1", actor: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { label: "production", actor: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { label: "production", actor: "carol", createdAt: "2026-12-01T17:04:00Z", added: false },
      ],
    };
    const payload = issuePayload("unlabeled", { label: "production", sender: "carol", body: node.body });
    const reqs = await deliver("u1", "issues", payload);
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P3")]);
    const notices = noticesIn(reqs);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("reserved exclusively for production");
    expect(targetState()?.priority).toBe("P3");
    // The same delivery again (now reading what was written): nothing more, no second explanation.
    const again = await deliver("u1", "issues", payload);
    expect(writes(again)).toHaveLength(0);
    expect(node.labels).toEqual(["P3"]);
  });

  it("production removed from a P1 that was P4 before → P1 removed, the previous priority P4 restored, one explanation", async () => {
    // Opened as P3 + Production; carol moves it to P4, then raises it to P1; then removes production.
    node = { body: formBody("P3 (Normal)", "Production") };
    now = Date.parse("2026-12-01T17:00:05Z");
    await deliver("o", "issues", issuePayload("opened", { body: node.body }));
    expect([...(node.labels ?? [])].sort()).toEqual(["P3", "production"]);
    now = Date.parse("2026-12-01T17:01:00Z");
    node = humanLabel(node, "P4", "carol", iso());
    await deliver("l4", "issues", issuePayload("labeled", { label: "P4", sender: "carol", body: node.body }));
    now = Date.parse("2026-12-01T17:02:00Z");
    node = humanLabel(node, "P1", "carol", iso());
    await deliver("l1", "issues", issuePayload("labeled", { label: "P1", sender: "carol", body: node.body }));
    expect([...(node.labels ?? [])].sort()).toEqual(["P1", "production"]);
    expect(targetState()?.priority).toBe("P1");

    now = Date.parse("2026-12-01T17:04:00Z");
    node = humanLabel(node, "production", "carol", iso(), false);
    const reqs = await deliver("u", "issues", issuePayload("unlabeled", { label: "production", sender: "carol", body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P4")]);
    expect(noticesIn(reqs)).toHaveLength(1);
    expect(targetState()?.priority).toBe("P4");
  });

  it("security from the form template (added by the author at creation) does not allow P1 without production", async () => {
    now = Date.parse("2026-12-01T17:00:02Z");
    node = {
      body: formBody("P1 (Urgent)", "Staging"),
      labels: ["security"],
      timeline: [{ label: "security", actor: "octo-customer", createdAt: "2026-12-01T17:00:00Z" }],
    };
    const reqs = await deliver("s1", "issues", issuePayload("opened", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P3")]);
    expect(noticesIn(reqs)).toHaveLength(1);
    expect(targetState()?.priority).toBe("P3");
    expect(targetState()?.securityBy).toBeUndefined();
    // GitHub also delivers the template's label as issues.labeled by the author: still P3, no second notice.
    const labeled = await deliver("s2", "issues", issuePayload("labeled", { label: "security", body: node.body }));
    expect(labelsIn("addLabelsToLabelable", labeled)).toEqual([]);
    expect(noticesIn(labeled)).toEqual([]);
    expect(node.labels).not.toContain("P1");
    expect(targetState()?.securityBy).toBeUndefined();
  });

  it("security added by a maintainer allows the form's P1 and records securityBy in the marker", async () => {
    node = { body: formBody("P1 (Urgent)", "Staging") };
    now = Date.parse("2026-12-01T17:00:05Z");
    await deliver("o", "issues", issuePayload("opened", { body: node.body }));
    expect(node.labels).toEqual(["P3"]);
    now = Date.parse("2026-12-01T17:04:00Z");
    node = humanLabel(node, "security", "carol", iso());
    const reqs = await deliver("sec", "issues", issuePayload("labeled", { label: "security", sender: "carol", body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P3")]);
    expect(noticesIn(reqs)).toEqual([]);
    const [update] = inputs("updateIssueComment", reqs);
    expect(String(update?.body)).toContain('"securityBy":"carol"');
    expect(targetState()).toMatchObject({ priority: "P1", securityBy: "carol" });
  });

  it("the author edits the form priority → re-derived while the form decides", async () => {
    node = { body: formBody("P3 (Normal)", "Development") };
    await deliver("o", "issues", issuePayload("opened", { body: node.body }));
    expect(targetState()).toMatchObject({ priority: "P3", source: "form" });
    now = Date.parse("2026-12-01T17:10:00Z");
    node = { ...node, body: formBody("P4 (Low)", "Development") };
    const reqs = await deliver("e", "issues", issuePayload("edited", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P4")]);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P3")]);
    expect(targetState()).toMatchObject({ priority: "P4", source: "form", setBy: "octo-customer" });
  });

  it("the author's form edit does not change a priority a maintainer set", async () => {
    node = {
      body: formBody("P4 (Low)", "Development"),
      labels: ["P3"],
      comments: [
        { id: "IC_1", body: `target\n${marker({ source: "label", setBy: "carol" })}`, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
      ],
      timeline: [
        { label: "P4", actor: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { label: "P3", actor: "carol", createdAt: "2026-12-01T17:02:00Z" },
        { label: "P4", actor: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:02:01Z", added: false },
      ],
    };
    const reqs = await deliver("e", "issues", issuePayload("edited", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([]);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([]);
    expect(noticesIn(reqs)).toEqual([]);
    expect(node.labels).toEqual(["P3"]);
    expect(targetState()).toMatchObject({ priority: "P3", source: "label", setBy: "carol" });
  });

  it("an overdue item is escalated at once when the event arrives after the due time", async () => {
    now = Date.parse("2026-12-03T17:00:00Z");
    node = { body: formBody("P2 (High)", "Production") };
    await probot.receive({ id: "late", name: "issues", payload: issuePayload("opened", { body: node.body }) as never });
    const added = inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[]);
    expect(added).toContain(labelId("escalated"));
    const target = inputs("addComment").find((c) => String(c.body).includes("support-triage:target"));
    expect(String(target?.body)).toContain('"escalatedAt"');
  });
});
