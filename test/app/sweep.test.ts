/** The sweep through nock: search pagination, escalation writes, budgets, failures isolated. */
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { API, client } from "../helpers/octokit.js";
import { createServices, type Logger } from "../../src/handlers/services.js";
import { appInstallations, sweepRepositories, sweepRepository, summarise } from "../../src/handlers/sweep.js";
import { renderMarker } from "../../src/triage/marker.js";
import { discussionNode, issueNode, labelId, REPO_LABELS } from "./builders.js";

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

/**
 * The answer to the item read a sweep makes inside the item's lock, before it writes: the
 * item as `nodes` hold it, with the repository around it.
 */
function readIssueAnswer(query: string, variables: Record<string, unknown>, nodes: Record<number, unknown>) {
  if (query.includes("query SweepRead")) {
    // The sweep's batched read: the items by node id, with the repository around them.
    const byId = new Map(Object.values(nodes).map((n) => [(n as { id: string }).id, n]));
    return {
      data: {
        repository: { id: "R_1", labels: { totalCount: REPO_LABELS.length, nodes: REPO_LABELS }, config: null, templates: null },
        nodes: (variables["ids"] as string[]).map((id) => byId.get(id) ?? null),
      },
    };
  }
  if (!query.includes("query ReadIssue")) return null;
  return {
    data: {
      repository: { id: "R_1", labels: { totalCount: REPO_LABELS.length, nodes: REPO_LABELS }, config: null, templates: null, issue: nodes[variables["number"] as number] ?? null },
    },
  };
}

function mockConfig(repo: string, status = 404) {
  nock(API).get(`/repos/acme/${repo}/contents/.github%2Fsupport-triage.yml`).reply(status, status === 404 ? { message: "Not Found" } : {});
  if (status === 404) nock(API).get("/repos/acme/.github/contents/.github%2Fsupport-triage.yml").reply(404, { message: "Not Found" });
}

describe("sweep", () => {
  it("pages through search 100 at a time and escalates each overdue item once", async () => {
    mockConfig("support");
    const rounds: Array<Array<[string, string | null]>> = [];
    const queries: string[] = [];
    const writes: string[] = [];
    nock(API)
      .persist()
      .post("/graphql")
      .reply(200, (_u, body) => {
        const b = body as { query: string; variables: Record<string, unknown> };
        if (b.query.includes("query SweepSearch")) {
          // One request carries the next page of every unfinished search: s0, s1, …
          const data: Record<string, unknown> = {};
          const round: Array<[string, string | null]> = [];
          for (let i = 0; `t${i}` in b.variables; i++) {
            const [type, after, q] = [b.variables[`t${i}`] as string, b.variables[`a${i}`] as string | null, b.variables[`q${i}`] as string];
            round.push([type, after]);
            queries.push(q);
            data[`s${i}`] =
              type === "ISSUE" && after === null
                ? { pageInfo: { hasNextPage: true, endCursor: "c1" }, nodes: [tracked(1, "2026-12-01T13:00:00.000-08:00")] }
                : type === "ISSUE"
                  ? { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [tracked(3, "2026-12-01T16:00:00.000-08:00", "2026-12-01T20:00:00Z")] }
                  : { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
          }
          rounds.push(round);
          return { data };
        }
        const read = readIssueAnswer(b.query, b.variables, {
          1: tracked(1, "2026-12-01T13:00:00.000-08:00"),
          3: tracked(3, "2026-12-01T16:00:00.000-08:00", "2026-12-01T20:00:00Z"),
        });
        if (read) return read;
        writes.push(JSON.stringify(b.variables));
        return { data: {} };
      });
    const services = createServices({ now: () => NOW, appLogin: async () => "support-triage[bot]" });
    const r = await sweepRepository(client(), services, { owner: "acme", repo: "support" }, quiet, { remaining: Infinity });
    // Round 1 reads the first page of issues and discussions together; round 2 only issues.
    expect(rounds).toEqual([
      [
        ["ISSUE", null],
        ["DISCUSSION", null],
      ],
      [["ISSUE", "c1"]],
    ]);
    expect(queries[0]).toBe("repo:acme/support is:open label:P1,P2,P3,P4 is:issue sort:created-asc");
    // Two search rounds, and the items with something to do read again, together in one
    // request, inside their locks.
    expect(r).toMatchObject({ items: 2, escalated: 1, reads: 3, candidates: 2, error: null });
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
        const b = body as { query: string; variables: Record<string, unknown> };
        if (b.query.includes("query SweepSearch"))
          return {
            data: {
              s0: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: [tracked(1, "2026-12-01T09:00:00.000-08:00"), tracked(2, "2026-12-01T09:00:00.000-08:00")],
              },
              s1: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
            },
          };
        const read = readIssueAnswer(b.query, b.variables, { 1: tracked(1, "2026-12-01T09:00:00.000-08:00"), 2: tracked(2, "2026-12-01T09:00:00.000-08:00") });
        return read ?? { data: {} };
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
      .reply(200, {
        data: {
          s0: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
          s1: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [discussionNode({ number: 5 })] },
        },
      });
    const services = createServices({ now: () => NOW, appLogin: async () => "support-triage[bot]" });
    const reports = await sweepRepositories(client(), services, [{ owner: "acme", repo: "broken" }, { owner: "acme", repo: "support" }], quiet);
    const s = summarise(reports);
    expect(s.failures).toBe(1);
    expect(reports[1]).toMatchObject({ repo: "acme/support", error: null });
    expect(quiet.errors).toHaveLength(1);
  });
});

describe("installations", () => {
  it("pages through every installation, leaving suspended ones out", async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, suspended_at: i === 4 ? "2026-01-01T00:00:00Z" : null }));
    nock(API).get("/app/installations").query({ per_page: "100", page: "1" }).reply(200, page1);
    nock(API).get("/app/installations").query({ per_page: "100", page: "2" }).reply(200, [{ id: 101 }, { id: 102 }]);
    const ids = await appInstallations(client());
    expect(ids).toHaveLength(101);
    expect(ids).not.toContain(5);
    expect(ids.at(-1)).toBe(102);
  });
});
