/** The app on discussions through Probot + nock: GraphQL reads (labels are not in the payload) and writes. */
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseMarker, renderMarker } from "../../src/triage/marker.js";
import { example } from "../helpers/examples.js";
import {
  afterWrites,
  DISCUSSION_FORM,
  discussionNode,
  discussionPayload,
  formBody,
  humanLabel,
  labelId,
  repoAnswer,
  type NodeOptions,
} from "./builders.js";
import { makeProbot, mockGitHub, type Recorded, requestViews } from "./nock-harness.js";

let now = Date.parse("2026-12-01T17:05:00Z");
let node: NodeOptions;
let recorded: { graphql: Recorded[] };
let probot: Probot;

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  now = Date.parse("2026-12-01T17:05:00Z");
  node = { number: 2 };
  recorded = mockGitHub((req) => {
    if (req.query.includes("query ReadDiscussion")) {
      expect(req.variables.templateExpr).toBe("HEAD:.github/DISCUSSION_TEMPLATE/support.yml");
      return repoAnswer("plan: enterprise\n", { template: { __typename: "Blob", text: DISCUSSION_FORM }, discussion: discussionNode(node) });
    }
    return {};
  });
  probot = await makeProbot(() => now);
});
afterEach(() => nock.cleanAll());

const { writes, reads, inputs, labelsIn, noticesIn } = requestViews(() => recorded.graphql, "addDiscussionComment");
const iso = () => new Date(now).toISOString();

/** One webhook delivery; the discussion then holds what the app wrote (for the next step). Returns its requests. */
async function deliver(id: string, name: "discussion" | "discussion_comment", payload: unknown): Promise<Recorded[]> {
  const from = recorded.graphql.length;
  await probot.receive({ id, name, payload } as never);
  const reqs = recorded.graphql.slice(from);
  node = afterWrites(node, reqs, iso());
  return reqs;
}

/** The state in the discussion's target comment, as the next read would see it. */
function targetState() {
  const c = (node.comments ?? []).find((x) => x.bot === true && x.body.includes("support-triage:target"));
  return c ? parseMarker(c.body) : null;
}
const sorted = (labels: string[] | undefined) => [...(labels ?? [])].sort();

describe("discussions", () => {
  it("a category form P1 + Production → P1 + production and a 15-minute enterprise target", async () => {
    node = { number: 2, body: formBody("P1 (Urgent)", "Production") };
    await probot.receive({ id: "x1", name: "discussion", payload: discussionPayload("created", { body: node.body }) as never });
    const added = inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[]);
    expect(added.sort()).toEqual([labelId("P1"), labelId("production")].sort());
    const [c] = inputs("addDiscussionComment");
    expect(c?.discussionId).toBe("D_2");
    expect(String(c?.body)).toContain('"dueAt":"2026-12-01T09:15:00.000-08:00"');
  });

  it("security from the author (form template label) does not allow P1 without production", async () => {
    node = { number: 2, body: formBody("P1 (Urgent)", "Staging"), labels: ["security"] };
    await probot.receive({ id: "x2", name: "discussion", payload: discussionPayload("created", { body: node.body }) as never });
    expect(inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[])).toEqual([labelId("P3")]);
  });

  it("security added by a maintainer allows P1 on a discussion", async () => {
    node = { number: 2, body: formBody("P1 (Urgent)", "Staging"), labels: ["security"] };
    await probot.receive({
      id: "x3",
      name: "discussion",
      payload: discussionPayload("labeled", { label: "security", sender: "carol", body: node.body }) as never,
    });
    expect(inputs("addLabelsToLabelable").flatMap((i) => i.labelIds as string[])).toEqual([labelId("P1")]);
    expect(String(inputs("addDiscussionComment")[0]?.body)).toContain('"securityBy":"carol"');
  });

  it("a category form P1 + Staging → P3 and one explanation, in one read and one write", async () => {
    node = { number: 2, body: formBody("P1 (Urgent)", "Staging") };
    const reqs = await deliver("st", "discussion", discussionPayload("created", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P3")]);
    expect(inputs("addDiscussionComment", reqs)).toHaveLength(2);
    const notices = noticesIn(reqs);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("reserved exclusively for production");
    expect(targetState()?.priority).toBe("P3");
  });

  it("a maintainer's P1 label without production → rejected, the previous priority (P4) kept, one explanation", async () => {
    // Opened as P3 (Staging); carol sets P4; then dave labels P1 without production.
    node = { number: 2, body: formBody("P3 (Normal)", "Staging") };
    now = Date.parse("2026-12-01T17:00:05Z");
    await deliver("o", "discussion", discussionPayload("created", { body: node.body }));
    now = Date.parse("2026-12-01T17:01:00Z");
    node = humanLabel(node, "P4", "carol", iso());
    await deliver("l4", "discussion", discussionPayload("labeled", { label: "P4", sender: "carol", body: node.body }));
    expect(node.labels).toEqual(["P4"]);
    expect(targetState()).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });

    now = Date.parse("2026-12-01T17:03:00Z");
    node = humanLabel(node, "P1", "dave", iso());
    const reqs = await deliver("l1", "discussion", discussionPayload("labeled", { label: "P1", sender: "dave", body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([]);
    expect(noticesIn(reqs)).toHaveLength(1);
    expect(node.labels).toEqual(["P4"]);
    expect(targetState()?.priority).toBe("P4");
  });

  it("production removed from a form P1 → P1 removed, P3 applied (no previous priority), one explanation", async () => {
    node = { number: 2, body: formBody("P1 (Urgent)", "Production") };
    now = Date.parse("2026-12-01T17:00:05Z");
    await deliver("o", "discussion", discussionPayload("created", { body: node.body }));
    expect(sorted(node.labels)).toEqual(["P1", "production"]);
    now = Date.parse("2026-12-01T17:04:00Z");
    node = humanLabel(node, "production", "carol", iso(), false);
    const payload = discussionPayload("unlabeled", { label: "production", sender: "carol", body: node.body });
    const reqs = await deliver("u", "discussion", payload);
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P3")]);
    expect(noticesIn(reqs)).toHaveLength(1);
    expect(targetState()?.priority).toBe("P3");
    // Redelivered: nothing more, and the explanation is not repeated.
    const again = await deliver("u", "discussion", payload);
    expect(writes(again)).toHaveLength(0);
    expect(node.labels).toEqual(["P3"]);
  });

  it("production removed from a P1 that was P4 before → P1 removed, the previous priority P4 restored, one explanation", async () => {
    // Opened as P3 + Production; carol moves it to P4, then raises it to P1; then removes production.
    node = { number: 2, body: formBody("P3 (Normal)", "Production") };
    now = Date.parse("2026-12-01T17:00:05Z");
    await deliver("o", "discussion", discussionPayload("created", { body: node.body }));
    expect(sorted(node.labels)).toEqual(["P3", "production"]);
    now = Date.parse("2026-12-01T17:01:00Z");
    node = humanLabel(node, "P4", "carol", iso());
    await deliver("l4", "discussion", discussionPayload("labeled", { label: "P4", sender: "carol", body: node.body }));
    now = Date.parse("2026-12-01T17:02:00Z");
    node = humanLabel(node, "P1", "carol", iso());
    await deliver("l1", "discussion", discussionPayload("labeled", { label: "P1", sender: "carol", body: node.body }));
    expect(sorted(node.labels)).toEqual(["P1", "production"]);
    expect(targetState()?.priority).toBe("P1");

    now = Date.parse("2026-12-01T17:04:00Z");
    node = humanLabel(node, "production", "carol", iso(), false);
    const reqs = await deliver("u", "discussion", discussionPayload("unlabeled", { label: "production", sender: "carol", body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P1")]);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P4")]);
    expect(noticesIn(reqs)).toHaveLength(1);
    expect(targetState()?.priority).toBe("P4");
  });

  it("the author edits the category form → the priority is re-derived while the form decides", async () => {
    node = { number: 2, body: formBody("P3 (Normal)", "Development") };
    await deliver("o", "discussion", discussionPayload("created", { body: node.body }));
    now = Date.parse("2026-12-01T17:10:00Z");
    node = { ...node, body: formBody("P4 (Low)", "Development") };
    const reqs = await deliver("e", "discussion", discussionPayload("edited", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(writes(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([labelId("P4")]);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([labelId("P3")]);
    expect(targetState()).toMatchObject({ priority: "P4", source: "form", setBy: "octo-customer" });
  });

  it("the author's form edit does not change a priority a maintainer set", async () => {
    node = { number: 2, body: formBody("P3 (Normal)", "Development") };
    await deliver("o", "discussion", discussionPayload("created", { body: node.body }));
    now = Date.parse("2026-12-01T17:06:00Z");
    node = humanLabel(node, "P4", "carol", iso());
    await deliver("l4", "discussion", discussionPayload("labeled", { label: "P4", sender: "carol", body: node.body }));
    expect(targetState()).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
    now = Date.parse("2026-12-01T17:10:00Z");
    node = { ...node, body: formBody("P3 (Normal)", "Development", "Still broken, please look.") };
    const reqs = await deliver("e", "discussion", discussionPayload("edited", { body: node.body }));
    expect(reads(reqs)).toHaveLength(1);
    expect(labelsIn("addLabelsToLabelable", reqs)).toEqual([]);
    expect(labelsIn("removeLabelsFromLabelable", reqs)).toEqual([]);
    expect(noticesIn(reqs)).toEqual([]);
    expect(node.labels).toEqual(["P4"]);
    expect(targetState()).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
  });

  it("the same delivery twice → one target comment (the second read sees the first write)", async () => {
    node = { number: 2, body: formBody("P3 (Normal)", "Development") };
    const payload = discussionPayload("created", { body: node.body });
    const first = await deliver("dup", "discussion", payload);
    expect(reads(first)).toHaveLength(1);
    expect(writes(first)).toHaveLength(1);
    const second = await deliver("dup", "discussion", payload);
    expect(reads(second)).toHaveLength(1);
    expect(writes(second)).toHaveLength(0);
    expect(inputs("addDiscussionComment")).toHaveLength(1);
    expect(node.comments).toHaveLength(1);
  });

  it.each([
    ["labeled", { label: "P3" }],
    ["unlabeled", { label: "P1" }],
    ["edited", {}],
  ] as const)("the app's own discussion.%s causes no request at all", async (action, extra) => {
    await probot.receive({
      id: `self-${action}`,
      name: "discussion",
      payload: discussionPayload(action, { ...extra, sender: "support-triage[bot]", senderType: "Bot" }) as never,
    });
    expect(recorded.graphql).toHaveLength(0);
  });
});

describe("discussion responses", () => {
  const target = `target\n${renderMarker({ priority: "P3", plan: "enterprise", dueAt: "2026-12-01T13:00:00.000-08:00", source: "form", setBy: "octo-customer" })}`;
  function replyPayload(login: string, association: string, bot = false) {
    const p = discussionPayload("created");
    const c = example("discussion_comment", "created");
    return {
      ...p,
      action: "created",
      comment: { ...(c.comment as object), node_id: "DC_9", user: { login, type: bot ? "Bot" : "User" }, author_association: association, body: "hi", created_at: "2026-12-01T17:30:00Z", parent_id: 77 },
      sender: { ...(p.sender as object), login, type: bot ? "Bot" : "User" },
    };
  }
  // The author and the bot are MEMBERs here: only the author rule and the bot rule can exclude them.
  it.each([
    ["a maintainer's threaded reply", "carol", "MEMBER", false, true],
    ["the author's reply (a MEMBER)", "octo-customer", "MEMBER", false, false],
    ["a bot's reply (a MEMBER)", "helper[bot]", "MEMBER", true, false],
    ["a non-member's reply", "stranger", "NONE", false, false],
  ])("%s → first response: %s", async (_what, login, association, bot, counts) => {
    node = {
      number: 2,
      labels: ["P3"],
      comments: [
        { id: "DC_1", body: target, author: "support-triage[bot]", bot: true, createdAt: "2026-12-01T17:00:05Z" },
        { id: "DC_9", body: "hi", author: login, bot, association, createdAt: "2026-12-01T17:30:00Z" },
      ],
    };
    await probot.receive({ id: `dc-${login}`, name: "discussion_comment", payload: replyPayload(login, association, bot) as never });
    // The target comment above is not the rendered one, so it is rewritten either way.
    const updates = inputs("updateDiscussionComment");
    expect(updates).toHaveLength(1);
    const responded = updates.some((u) => String(u.body).includes(`"respondedBy":"${login}"`));
    expect(responded).toBe(counts);
    if (!counts) for (const u of [...updates, ...inputs("addDiscussionComment")]) expect(String(u.body)).not.toContain('"respondedAt"');
  });
});
