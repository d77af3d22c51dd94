/**
 * The app through a real Probot instance: webhook in, GraphQL out (nock). Asserts what is
 * written and how many requests it takes (API economy), on issues.
 */
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderMarker } from "../../src/triage/marker.js";
import type { MarkerState } from "../../src/triage/types.js";
import { commentPayload, formBody, issueNode, issuePayload, issueTemplates, labelId, repoAnswer, type NodeOptions } from "./builders.js";
import { makeProbot, mockGitHub, type Recorded } from "./nock-harness.js";

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

const writes = () => recorded.graphql.filter((r) => r.query.startsWith("mutation"));
const reads = () => recorded.graphql.filter((r) => r.query.trimStart().startsWith("query"));
const inputs = (field: string) =>
  writes().flatMap((w) => {
    const out: Record<string, unknown>[] = [];
    for (const m of w.query.matchAll(/(m\d+): (\w+)\(/g)) if (m[2] === field && m[1]) out.push(w.variables[m[1]] as Record<string, unknown>);
    return out;
  });

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

  it.each([
    ["the author", "octo-customer", "NONE", false],
    ["a bot", "ci-helper[bot]", "NONE", true],
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
    const updates = inputs("updateIssueComment");
    for (const u of updates) expect(String(u.body)).not.toContain('"respondedAt"');
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
