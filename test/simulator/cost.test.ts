/**
 * GitHub's GraphQL rate-limit cost and node count (src/simulator/cost.ts), against the
 * worked examples of GitHub's page "Rate limits and query limits for the GraphQL API"
 * (docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api),
 * the reading of documents (variables, fragments, aliases), GitHub's refusals (page sizes,
 * the 500,000-node limit), and the cost of each document the app sends.
 */
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import {
  COMMENTS_PAGE,
  MUTATIONS,
  READ_DISCUSSION,
  READ_ISSUE,
  READ_REPOSITORY,
  VIEWER,
  batchMutation,
  createLabelsMutation,
  labelLookupQuery,
  sweepReadQuery,
  sweepSearchQuery,
  userLookupQuery,
} from "../../src/github/queries.js";
import { MAX_NODES, queryCost, type CostOptions, type QueryCost } from "../../src/simulator/cost.js";
import { githubGraphQLSchema } from "../../src/simulator/graphql.js";

const schema = githubGraphQLSchema();

/** The cost with GitHub's schema (as the simulator computes it), failing the test on an error. */
function cost(document: string, options: Omit<CostOptions, "schema"> = {}): QueryCost {
  const outcome = queryCost(parse(document), { ...options, schema });
  if (!outcome.ok) throw new Error(`refused: ${outcome.errors.map((e) => `${e.type}: ${e.message}`).join("; ")}`);
  return outcome.cost;
}

function refused(document: string, options: Omit<CostOptions, "schema"> = {}) {
  const outcome = queryCost(parse(document), { ...options, schema });
  if (outcome.ok) throw new Error(`not refused: ${JSON.stringify(outcome.cost)}`);
  return outcome.errors;
}

// The three queries of GitHub's page, verbatim but for whitespace.
const DOC_SCORE_EXAMPLE = `query {
  viewer {
    login
    repositories(first: 100) {
      edges { node { id
        issues(first: 50) {
          edges { node { id
            labels(first: 60) { edges { node { id name } } }
          } }
        }
      } }
    }
  }
}`;

const DOC_SIMPLE_NODES = `query {
  viewer {
    repositories(first: 50) {
      edges { repository:node { name
        issues(first: 10) { totalCount edges { node { title bodyHTML } } }
      } }
    }
  }
}`;

const DOC_COMPLEX_NODES = `query {
  viewer {
    repositories(first: 50) {
      edges { repository:node { name
        pullRequests(first: 20) { edges { pullRequest:node { title
          comments(first: 10) { edges { comment:node { bodyHTML } } }
        } } }
        issues(first: 20) { totalCount edges { issue:node { title bodyHTML
          comments(first: 10) { edges { comment:node { bodyHTML } } }
        } } }
      } }
    }
    followers(first: 10) { edges { follower:node { login } } }
  }
}`;

describe("GitHub's worked examples", () => {
  it("repositories(first: 100) → issues(first: 50) → labels(first: 60): 1 + 100 + 5,000 = 5,101 requests, 51 points", () => {
    expect(cost(DOC_SCORE_EXAMPLE)).toEqual({ cost: 51, requests: 5101, nodeCount: 100 + 5_000 + 300_000, mutation: false, dryRun: false });
  });

  it("gives the same answer without the schema (a connection is a field with first/last)", () => {
    expect(queryCost(parse(DOC_SCORE_EXAMPLE))).toEqual({ ok: true, cost: { cost: 51, requests: 5101, nodeCount: 305_100, mutation: false, dryRun: false } });
  });

  it("the simple node example: 50 + 50 × 10 = 550 nodes (1 + 50 = 51 requests → 1 point)", () => {
    expect(cost(DOC_SIMPLE_NODES)).toMatchObject({ nodeCount: 550, requests: 51, cost: 1 });
  });

  it("the complex node example: 50 + 1,000 + 10,000 + 1,000 + 10,000 + 10 = 22,060 nodes", () => {
    // Requests: repositories 1, pullRequests 50, their comments 50 × 20 = 1,000, issues 50,
    // their comments 1,000, followers 1: 2,102 → 21.02 → 21 points.
    expect(cost(DOC_COMPLEX_NODES)).toMatchObject({ nodeCount: 22_060, requests: 2102, cost: 21 });
  });
});

describe("the formula", () => {
  it("costs 1 point (the minimum) for a query of plain fields", () => {
    expect(cost(`{ viewer { login } repository(owner: "a", name: "b") { id issue(number: 1) { title } } }`)).toEqual({
      cost: 1,
      requests: 0,
      nodeCount: 0,
      mutation: false,
      dryRun: false,
    });
  });

  it("rounds to the nearest whole number: 149 requests are 1 point, 150 are 2", () => {
    const doc = (b: number) => `{ viewer {
      a: repositories(first: 49) { nodes { issues(first: 1) { nodes { id } } } }
      b: repositories(first: ${b}) { nodes { issues(first: 1) { nodes { id } } } }
    } }`;
    // (1 + 49) + (1 + 98) = 149 → 1.49 → 1;  (1 + 49) + (1 + 99) = 150 → 1.5 → 2.
    expect(cost(doc(98))).toMatchObject({ requests: 149, cost: 1 });
    expect(cost(doc(99))).toMatchObject({ requests: 150, cost: 2 });
  });

  it("counts a connection at the top level once, and search like any connection", () => {
    // search 1 request (100 nodes); each result's labels: 100 requests, 100 × 10 nodes.
    expect(cost(`{ search(type: ISSUE, query: "x", first: 100) { nodes { ... on Issue { labels(first: 10) { nodes { name } } } } } }`)).toMatchObject({
      requests: 101,
      nodeCount: 1100,
      cost: 1,
    });
  });

  it("takes last like first, and the larger when both are given", () => {
    const doc = `{ repository(owner: "a", name: "b") { issues(last: 30) { nodes { labels(first: 5, last: 20) { nodes { name } } } } } }`;
    expect(cost(doc)).toMatchObject({ requests: 1 + 30, nodeCount: 30 + 30 * 20 });
  });

  it("multiplies only by enclosing connections, not by plain objects between them", () => {
    // issues(10) → author (an object) and repository (an object) → labels(7): labels is
    // fetched once per issue (10 requests), not once per object in between.
    const doc = `{ repository(owner: "a", name: "b") { issues(first: 10) { nodes { author { login } repository { labels(first: 7) { nodes { name } } } } } } }`;
    expect(cost(doc)).toMatchObject({ requests: 1 + 10, nodeCount: 10 + 70 });
  });

  it("charges a mutation request 1 point, whatever it carries", () => {
    const doc = `mutation { a: addComment(input: {subjectId: "x", body: "y"}) { subject { id } } b: addComment(input: {subjectId: "x", body: "z"}) { subject { id } } }`;
    expect(cost(doc)).toMatchObject({ cost: 1, mutation: true });
  });
});

describe("reading the document", () => {
  const byVariable = `query($n: Int, $m: Int = 40) { repository(owner: "a", name: "b") { issues(first: $n) { nodes { labels(first: $m) { nodes { name } } } } } }`;

  it("resolves page sizes from variables and from variables' default values", () => {
    expect(cost(byVariable, { variables: { n: 10 } })).toMatchObject({ requests: 1 + 10, nodeCount: 10 + 10 * 40 });
    expect(cost(byVariable, { variables: { n: 10, m: 2 } })).toMatchObject({ requests: 11, nodeCount: 10 + 20 });
    // The same document again (cached) with other variables is computed again.
    expect(cost(byVariable, { variables: { n: 100, m: 100 } })).toMatchObject({ requests: 101, nodeCount: 10_100 });
  });

  it("answers the same for the same text parsed twice", () => {
    const text = `{ repository(owner: "a", name: "b") { labels(first: 100) { nodes { name } } } }`;
    expect(queryCost(parse(text), { schema })).toEqual(queryCost(parse(text), { schema }));
    expect(cost(text)).toMatchObject({ requests: 1, nodeCount: 100 });
  });

  it("expands named fragments (nested too) and inline fragments where they are spread", () => {
    const doc = `
      query { repository(owner: "a", name: "b") { ...Repo } }
      fragment Repo on Repository { issues(first: 20) { nodes { ...IssueBits } } }
      fragment IssueBits on Issue { ... on Issue { comments(first: 5) { nodes { body } } } assignees(first: 3) { nodes { login } } }`;
    // issues 1 request (20 nodes); comments 20 requests (100 nodes); assignees 20 requests (60 nodes).
    expect(cost(doc)).toMatchObject({ requests: 41, nodeCount: 180 });
  });

  it("counts aliases as separate connections", () => {
    const doc = `{ repository(owner: "a", name: "b") { a: labels(first: 100) { nodes { name } } b: labels(first: 100) { nodes { name } } } }`;
    expect(cost(doc)).toMatchObject({ requests: 2, nodeCount: 200 });
  });

  it("counts one connection once when fragments select it twice (GraphQL merges them)", () => {
    const doc = `
      query { repository(owner: "a", name: "b") { ...A ...B labels(first: 100) { totalCount } } }
      fragment A on Repository { labels(first: 100) { nodes { name } } }
      fragment B on Repository { labels(first: 100) { nodes { id } } }`;
    expect(cost(doc)).toMatchObject({ requests: 1, nodeCount: 100 });
  });

  it("counts the connections of every type condition under an abstract type (their sum bounds any page)", () => {
    const doc = `{ search(type: ISSUE, query: "x", first: 10) { nodes {
      ... on Issue { labels(first: 10) { nodes { name } } }
      ... on Discussion { labels(first: 10) { nodes { name } } }
    } } }`;
    expect(cost(doc)).toMatchObject({ requests: 1 + 10 + 10, nodeCount: 10 + 100 + 100 });
  });

  it("leaves out what @skip/@include exclude with a literal, and counts what depends on a variable", () => {
    const doc = `query($x: Boolean!) { repository(owner: "a", name: "b") {
      a: labels(first: 10) @skip(if: true) { nodes { name } }
      b: labels(first: 20) @include(if: false) { nodes { name } }
      c: labels(first: 30) @include(if: $x) { nodes { name } }
    } }`;
    expect(cost(doc, { variables: { x: false } })).toMatchObject({ requests: 1, nodeCount: 30 });
  });

  it("chooses the operation by name", () => {
    const doc = `query A { viewer { login } } query B { repository(owner: "a", name: "b") { labels(first: 100) { nodes { name } } } }`;
    expect(cost(doc, { operationName: "A" })).toMatchObject({ requests: 0, nodeCount: 0 });
    expect(cost(doc, { operationName: "B" })).toMatchObject({ requests: 1, nodeCount: 100 });
  });

  it("sees rateLimit(dryRun: true), literal or by variable", () => {
    expect(cost(`{ rateLimit(dryRun: true) { cost } viewer { login } }`).dryRun).toBe(true);
    expect(cost(`query($d: Boolean) { rateLimit(dryRun: $d) { cost } }`, { variables: { d: true } }).dryRun).toBe(true);
    expect(cost(`query($d: Boolean) { rateLimit(dryRun: $d) { cost } }`, { variables: { d: false } }).dryRun).toBe(false);
    expect(cost(`{ rateLimit { cost } }`).dryRun).toBe(false);
  });
});

describe("GitHub's refusals", () => {
  it("refuses first above 100 with EXCESSIVE_PAGINATION, literal or by variable", () => {
    expect(refused(`{ repository(owner: "a", name: "b") { labels(first: 101) { nodes { name } } } }`)).toEqual([
      {
        type: "EXCESSIVE_PAGINATION",
        message: "Requesting 101 records on the `labels` connection exceeds the `first` limit of 100 records.",
        path: ["repository", "labels"],
        locations: [{ line: 1, column: 39 }],
      },
    ]);
    expect(refused(`query($n: Int) { repository(owner: "a", name: "b") { issues(last: $n) { nodes { id } } } }`, { variables: { n: 250 } })).toMatchObject([
      { type: "EXCESSIVE_PAGINATION", message: "Requesting 250 records on the `issues` connection exceeds the `last` limit of 100 records." },
    ]);
  });

  it("refuses a negative page size", () => {
    expect(refused(`{ repository(owner: "a", name: "b") { labels(first: -1) { nodes { name } } } }`)).toMatchObject([
      { type: "INVALID_PAGINATION", message: "`first` on the connection cannot be less than zero." },
    ]);
  });

  it("refuses a connection whose pages are asked for without first or last", () => {
    expect(refused(`{ repository(owner: "a", name: "b") { issues { nodes { id } } } }`)).toMatchObject([
      { type: "MISSING_PAGINATION_BOUNDARIES", message: "You must provide a `first` or `last` value to properly paginate the `issues` connection.", path: ["repository", "issues"] },
    ]);
    // `first: $n` with no $n is as if it were not written.
    expect(refused(`query($n: Int) { repository(owner: "a", name: "b") { labels(first: $n) { edges { node { name } } } } }`)).toMatchObject([
      { type: "MISSING_PAGINATION_BOUNDARIES" },
    ]);
    // totalCount alone needs no page size on GitHub, and costs nothing extra.
    expect(cost(`{ repository(owner: "a", name: "b") { issues { totalCount } } }`)).toMatchObject({ requests: 0, nodeCount: 0, cost: 1 });
  });

  it(`accepts exactly ${MAX_NODES.toLocaleString("en-US")} nodes and refuses one more with MAX_NODE_LIMIT_EXCEEDED`, () => {
    // 50 + 50 × 99 + 50 × 99 × 100 = 50 + 4,950 + 495,000 = 500,000 nodes; 1 + 50 + 4,950 = 5,001 requests → 50 points.
    const exact = `repositories(first: 50) { nodes { issues(first: 99) { nodes { labels(first: 100) { nodes { name } } } } } }`;
    expect(cost(`{ viewer { ${exact} } }`)).toMatchObject({ nodeCount: 500_000, requests: 5001, cost: 50 });
    expect(refused(`{ viewer { ${exact} followers(first: 1) { nodes { login } } } }`)).toEqual([
      { type: "MAX_NODE_LIMIT_EXCEEDED", message: "This query requests up to 500,001 possible nodes which exceeds the maximum limit of 500,000." },
    ]);
  });

  it("counts the nodes of a mutation's answer (and refuses past the limit) but charges 1 point", () => {
    const answer = (n: number) => `subject { ... on Issue { labels(first: ${n}) { nodes { name } } } }`;
    expect(cost(`mutation { addComment(input: {subjectId: "x", body: "y"}) { ${answer(100)} } }`)).toMatchObject({ cost: 1, requests: 1, nodeCount: 100, mutation: true });
    expect(refused(`mutation { addComment(input: {subjectId: "x", body: "y"}) { ${answer(101)} } }`)).toMatchObject([{ type: "EXCESSIVE_PAGINATION" }]);
  });
});

describe("the app's own documents (src/github/queries.ts), as the simulator charges them", () => {
  it("the item reads cost 1 point each", () => {
    // READ_ISSUE: repository.labels(100) 1 request/100 nodes; issue.labels(100) 1/100,
    // assignees(20) 1/20, comments(100) 1/100, timelineItems(last 100) 1/100
    // = 5 requests → 0.05 → minimum 1 point; 420 nodes.
    expect(cost(READ_ISSUE, { operationName: "ReadIssue" })).toMatchObject({ cost: 1, requests: 5, nodeCount: 420 });
    // READ_DISCUSSION: repository.labels 1/100, discussion.labels 1/100, comments(100) 1/100,
    // replies(100) under each comment 100/10,000 = 103 requests → 1.03 → 1 point; 10,300 nodes.
    expect(cost(READ_DISCUSSION, { operationName: "ReadDiscussion" })).toMatchObject({ cost: 1, requests: 103, nodeCount: 10_300 });
    // READ_REPOSITORY: labels(100) = 1 request → 1 point; 100 nodes.
    expect(cost(READ_REPOSITORY, { operationName: "ReadRepository" })).toMatchObject({ cost: 1, requests: 1, nodeCount: 100 });
    // COMMENTS_PAGE: node → (Issue) comments(100) 1/100 + (Discussion) comments(100) 1/100 and
    // their replies(100) 100/10,000 = 102 requests → 1 point; 10,200 nodes.
    expect(cost(COMMENTS_PAGE, { operationName: "CommentsPage" })).toMatchObject({ cost: 1, requests: 102, nodeCount: 10_200 });
  });

  // The sweep's documents as committed. Whoever changes them changes what a sweep costs:
  // update these pins with the new arithmetic.
  it("the sweep's scan costs 4 points a page of 100 issues and 5 a page of 100 discussions", () => {
    // search(first: $f = 100): 1 request, 100 nodes. Under its 100 issues: labels(first: 20)
    // 100 requests / 2,000 nodes, comments(first: 5) 100 / 500, latest: comments(last: 3)
    // 100 / 300, timelineItems(last: 10) 100 / 1,000 (rateLimit is no connection)
    // = 1 + 400 = 401 requests → 4.01 → 4 points; 100 + 2,000 + 500 + 300 + 1,000 = 3,900 nodes.
    expect(cost(sweepSearchQuery(["ISSUE"]), { operationName: "SweepSearch" })).toMatchObject({ cost: 4, requests: 401, nodeCount: 3900 });
    // Under 100 discussions: labels(first: 20) 100 / 2,000, comments(first: 5) 100 / 500,
    // latest: comments(last: 2) 100 / 200, and replies(last: 2) under each of those 100 × 2
    // comments 200 / 400 = 1 + 500 = 501 requests → 5 points; 100 + 2,000 + 500 + 200 + 400 = 3,200 nodes.
    expect(cost(sweepSearchQuery(["DISCUSSION"]), { operationName: "SweepSearch" })).toMatchObject({ cost: 5, requests: 501, nodeCount: 3200 });
    // Both in one request: 902 requests → 9 points, 7,100 nodes; with the repair searches
    // (issues, discussions, issues, discussions): 1,804 → 18 points, 14,200 nodes.
    expect(cost(sweepSearchQuery(2), { operationName: "SweepSearch" })).toMatchObject({ cost: 9, requests: 902, nodeCount: 7100 });
    expect(cost(sweepSearchQuery(4), { operationName: "SweepSearch" })).toMatchObject({ cost: 18, requests: 1804, nodeCount: 14_200 });
  });

  it("the sweep's scan with small first pages costs the minimum, and its page size is checked", () => {
    // $f0 = $f1 = 10: issues 1 + 4 × 10 = 41 requests, discussions 1 + 3 × 10 + 10 × 2 = 51;
    // 92 → 0.92 → 1 point; (10 + 200 + 50 + 30 + 100) + (10 + 200 + 50 + 20 + 40) = 710 nodes.
    const variables = { q0: "a", t0: "ISSUE", a0: null, f0: 10, q1: "b", t1: "DISCUSSION", a1: null, f1: 10 };
    expect(cost(sweepSearchQuery(2), { operationName: "SweepSearch", variables })).toMatchObject({ cost: 1, requests: 92, nodeCount: 710 });
    expect(refused(sweepSearchQuery(1), { operationName: "SweepSearch", variables: { q0: "a", t0: "ISSUE", f0: 101 } })).toMatchObject([
      { type: "EXCESSIVE_PAGINATION", message: "Requesting 101 records on the `search` connection exceeds the `first` limit of 100 records.", path: ["s0"] },
    ]);
  });

  it("the sweep's batched read costs 1 point: nodes(ids:) is a list, not a connection", () => {
    // repository.labels(100): 1 request / 100 nodes. nodes(ids: …) multiplies nothing (GitHub's
    // formula counts connections; it publishes nothing on lists, so a real charge per id is
    // possible and not modelled). Issue: labels(100), assignees(20), comments(100),
    // timelineItems(last 100): 4 requests / 320 nodes; Discussion: labels(100), comments(30):
    // 2 / 130, replies(10) under each of 30 comments: 30 / 300.
    // = 1 + 4 + 2 + 30 = 37 requests → 1 point; 100 + 320 + 130 + 300 = 850 nodes.
    expect(cost(sweepReadQuery(0), { operationName: "SweepRead" })).toMatchObject({ cost: 1, requests: 37, nodeCount: 850 });
    expect(cost(sweepReadQuery(2), { operationName: "SweepRead" })).toMatchObject({ cost: 1, requests: 37, nodeCount: 850 });
  });

  it("lookups and the viewer read have no connection: 1 point each", () => {
    expect(cost(labelLookupQuery(3), { operationName: "LookupLabels" })).toMatchObject({ cost: 1, requests: 0, nodeCount: 0 });
    expect(cost(userLookupQuery(2), { operationName: "LookupUsers" })).toMatchObject({ cost: 1, requests: 0, nodeCount: 0 });
    expect(cost(VIEWER, { operationName: "Viewer" })).toMatchObject({ cost: 1, requests: 0, nodeCount: 0 });
  });

  it("the write documents cost 1 point per request, however many mutations they batch", () => {
    expect(cost(createLabelsMutation(5), { operationName: "CreateLabels" })).toMatchObject({ cost: 1, mutation: true });
    const batch = batchMutation([
      MUTATIONS.addLabels("I_1", ["LA_1", "LA_2"]),
      MUTATIONS.removeLabels("I_1", ["LA_3"]),
      MUTATIONS.addIssueComment("I_1", "hello"),
      MUTATIONS.updateIssueComment("IC_1", "edited"),
      MUTATIONS.addDiscussionComment("D_1", "hello"),
      MUTATIONS.updateDiscussionComment("DC_1", "edited"),
      MUTATIONS.addAssignees("I_1", ["U_1"]),
    ]);
    expect(cost(batch.query, { operationName: "Apply", variables: batch.variables })).toMatchObject({ cost: 1, mutation: true, nodeCount: 0 });
  });
});
