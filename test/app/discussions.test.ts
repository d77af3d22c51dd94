/** The app on discussions through Probot + nock: GraphQL reads (labels are not in the payload) and writes. */
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderMarker } from "../../src/triage/marker.js";
import { example } from "../helpers/examples.js";
import { DISCUSSION_FORM, discussionNode, discussionPayload, formBody, labelId, repoAnswer, type NodeOptions } from "./builders.js";
import { makeProbot, mockGitHub, type Recorded } from "./nock-harness.js";

let now = Date.parse("2026-12-01T17:05:00Z");
let node: NodeOptions;
let recorded: { graphql: Recorded[] };
let probot: Probot;

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
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

const inputs = (field: string) =>
  recorded.graphql
    .filter((r) => r.query.startsWith("mutation"))
    .flatMap((w) => [...w.query.matchAll(/(m\d+): (\w+)\(/g)].filter((m) => m[2] === field).map((m) => w.variables[m[1] ?? ""] as Record<string, unknown>));

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
  it.each([
    ["a maintainer's threaded reply", "carol", "MEMBER", false, true],
    ["the author's reply", "octo-customer", "NONE", false, false],
    ["a bot's reply", "helper[bot]", "NONE", true, false],
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
    const responded = inputs("updateDiscussionComment").some((u) => String(u.body).includes(`"respondedBy":"${login}"`));
    expect(responded).toBe(counts);
  });
});
