/** The app on discussions through Probot + nock: GraphQL reads (labels are not in the payload) and writes. */
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
