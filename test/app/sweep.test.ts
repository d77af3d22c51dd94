/** The sweep through nock: search pagination, escalation writes, budgets, failures isolated. */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { createServices, type Logger } from "../../src/handlers/services.js";
import { sweepRepositories, sweepRepository, summarise } from "../../src/handlers/sweep.js";
import { renderMarker } from "../../src/triage/marker.js";
import { discussionNode, issueNode, labelId, REPO_LABELS } from "./builders.js";

const API = "https://api.github.com";
const client = () =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;
const quiet: Logger & { errors: unknown[] } = { errors: [], info: () => {}, warn: () => {}, debug: () => {}, error(o) { this.errors.push(o); } };
// 14:00 PST: a P2 business item opened at 09:00 PST (due 13:00) is overdue; one opened at 12:00 is not.
const NOW = Date.parse("2026-12-01T22:00:00Z");

function tracked(number: number, dueAt: string, createdAt = "2026-12-01T17:00:00Z") {
  return issueNode({
    number,
    labels: ["P2", "production", "plan: business"],
    createdAt,
    comments: [
      {
        id: `IC_${number}`,
        body: `target\n${renderMarker({ priority: "P2", plan: "business", dueAt, source: "form", setBy: "octo-customer" })}`,
        author: "support-triage[bot]",
        bot: true,
        createdAt: "2026-12-01T17:00:05Z",
      },
    ],
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  quiet.errors.length = 0;
});

function mockConfig(repo: string, status = 404) {
  nock(API).get(`/repos/acme/${repo}/contents/.github%2Fsupport-triage.yml`).reply(status, status === 404 ? { message: "Not Found" } : {});
  if (status === 404) nock(API).get("/repos/acme/.github/contents/.github%2Fsupport-triage.yml").reply(404, { message: "Not Found" });
}

describe("sweep", () => {
  it("pages through search 100 at a time and escalates each overdue item once", async () => {
    mockConfig("support");
    const queries: Array<{ type: string; after: string | null; searchQuery: string }> = [];
    const writes: string[] = [];
    nock(API)
      .persist()
      .post("/graphql")
      .reply(200, (_u, body) => {
        const b = body as { query: string; variables: Record<string, unknown> };
        if (b.query.includes("query SweepSearch")) {
          const v = b.variables as { type: string; after: string | null; searchQuery: string };
          queries.push(v);
          if (v.type === "ISSUE" && v.after === null)
            return { data: { search: { pageInfo: { hasNextPage: true, endCursor: "c1" }, nodes: [tracked(1, "2026-12-01T13:00:00.000-08:00")] } } };
          if (v.type === "ISSUE")
            return { data: { search: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [tracked(3, "2026-12-01T16:00:00.000-08:00", "2026-12-01T20:00:00Z")] } } };
          return { data: { search: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } };
        }
        if (b.query.includes("query ReadRepository"))
          return { data: { repository: { id: "R_1", labels: { totalCount: REPO_LABELS.length, nodes: REPO_LABELS }, config: null } } };
        writes.push(JSON.stringify(b.variables));
        return { data: {} };
      });
    const services = createServices({ now: () => NOW, appLogin: async () => "support-triage[bot]" });
    const r = await sweepRepository(client(), services, { owner: "acme", repo: "support" }, quiet, { remaining: Infinity });
    expect(queries.map((q) => [q.type, q.after])).toEqual([
      ["ISSUE", null],
      ["ISSUE", "c1"],
      ["DISCUSSION", null],
    ]);
    expect(queries[0]?.searchQuery).toBe("repo:acme/support is:open label:P1,P2,P3,P4 is:issue");
    expect(r).toMatchObject({ items: 2, escalated: 1, reads: 3, error: null });
    // Item 1 is escalated; item 3's hand-written target comment is re-rendered, nothing more.
    expect(writes.filter((w) => w.includes(labelId("escalated")))).toHaveLength(1);
    expect(writes.filter((w) => w.includes('"subjectId":"I_1"'))).toHaveLength(1);
  });

  it("a write budget stops the run cleanly", async () => {
    mockConfig("support");
    nock(API)
      .persist()
      .post("/graphql")
      .reply(200, (_u, body) => {
        const b = body as { query: string };
        if (b.query.includes("query SweepSearch"))
          return {
            data: {
              search: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: [tracked(1, "2026-12-01T09:00:00.000-08:00"), tracked(2, "2026-12-01T09:00:00.000-08:00")],
              },
            },
          };
        if (b.query.includes("query ReadRepository"))
          return { data: { repository: { id: "R_1", labels: { totalCount: REPO_LABELS.length, nodes: REPO_LABELS }, config: null } } };
        return { data: {} };
      });
    const services = createServices({ now: () => NOW, appLogin: async () => "support-triage[bot]" });
    const budget = { remaining: 1 };
    const r = await sweepRepository(client(), services, { owner: "acme", repo: "support" }, quiet, budget);
    expect(r.escalated).toBe(1);
    expect(r.stoppedByBudget).toBe(true);
    expect(budget.remaining).toBe(0);
  });

  it("one failing repository does not stop the others", async () => {
    nock(API).get("/repos/acme/broken/contents/.github%2Fsupport-triage.yml").reply(500, { message: "boom" });
    mockConfig("support");
    nock(API)
      .post("/graphql")
      .twice()
      .reply(200, { data: { search: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [discussionNode({ number: 5 })] } } });
    const services = createServices({ now: () => NOW, appLogin: async () => "support-triage[bot]" });
    const reports = await sweepRepositories(client(), services, [{ owner: "acme", repo: "broken" }, { owner: "acme", repo: "support" }], quiet);
    const s = summarise(reports);
    expect(s.failures).toBe(1);
    expect(reports[1]).toMatchObject({ repo: "acme/support", error: null });
    expect(quiet.errors).toHaveLength(1);
  });
});
