/**
 * The simulated GitHub's primary rate limits, over real HTTP: every GraphQL request is
 * charged its documented cost and every REST request 1 against its installation's hourly
 * budget, on the simulated clock; `rateLimit` and the `x-ratelimit-*` headers tell the
 * truth; a spent budget answers GitHub's RATE_LIMITED (GraphQL, HTTP 200) or 403 (REST)
 * until the window's hour is over; the app's JWT is charged to no installation.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultInjector, NO_FAULTS } from "../../src/simulator/faults.js";
import { executeGraphQL } from "../../src/simulator/graphql.js";
import { DEFAULT_RATE_LIMITS, RATE_LIMIT_WINDOW_MS, World, type SimItem, type SimRepo } from "../../src/simulator/model.js";
import { ScenarioError, applyScenarioRateLimits, parseScenario } from "../../src/simulator/scenario.js";
import { GitHubSimulator } from "../../src/simulator/server.js";

const NOW = Date.parse("2026-12-01T17:00:00Z");
const NOW_S = NOW / 1000;
const HOUR_S = RATE_LIMIT_WINDOW_MS / 1000;
const JWT = { authorization: "bearer eyJhbGciOiJSUzI1NiJ9.e30.sig" };
const CONFIG_PATH = "/api/v3/repos/acme/support/contents/.github%2Fsupport-triage.yml";

/** A cost-1 query: one connection (1 request, 100 nodes). */
const LABELS = `{ repository(owner: "acme", name: "support") { labels(first: 100) { nodes { name } } } }`;

/**
 * A 35-point query: issues(first: 100) is 1 request (100 nodes); each of its 35 aliased
 * connections below is fetched once per issue, 100 requests (100 nodes) each:
 * 1 + 35 × 100 = 3,501 requests → 35.01 → 35 points; 100 + 3,500 = 3,600 nodes.
 */
const EXPENSIVE = `{ repository(owner: "acme", name: "support") { issues(first: 100) { nodes {
  ${Array.from({ length: 35 }, (_, i) => `l${i}: labels(first: 1) { totalCount }`).join(" ")}
} } } }`;

/** Discussions × comments × replies: 100 + 10,000 + 1,000,000 nodes, over GitHub's 500,000. */
const TOO_MANY_NODES = `{ search(type: DISCUSSION, query: "repo:acme/support", first: 100) { nodes { ... on Discussion {
  comments(first: 100) { nodes { replies(first: 100) { nodes { body } } } }
} } } }`;

let world: World;
let repo: SimRepo;
let issue: SimItem;
let sim: GitHubSimulator;

beforeEach(async () => {
  world = new World(NOW);
  repo = world.createRepo("acme/support");
  repo.files.set(".github/support-triage.yml", "plan: business\n");
  world.createRepo("globex/help"); // a second owner: installation 2
  issue = world.openItem(repo, { kind: "issue", number: 1, author: world.user("alice"), title: "DB down", body: "help", labels: [], category: null });
  world.outbox.length = 0;
  sim = new GitHubSimulator(world);
  await sim.listen();
});

afterEach(async () => {
  await sim.close();
});

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === "" ? null : JSON.parse(text) };
}

/** An installation token, minted with the app's JWT as Probot does. */
async function tokenFor(installation: number): Promise<Record<string, string>> {
  const minted = await call("POST", `/api/v3/app/installations/${installation}/access_tokens`, JWT);
  expect(minted.status).toBe(201);
  return { authorization: `token ${minted.json.token as string}` };
}

const graphql = (auth: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<Answer> =>
  call("POST", "/api/graphql", auth, { query, variables });

/** The `x-ratelimit-*` headers of an answer. */
function limits(answer: Answer): Record<string, string | null> {
  const h = answer.headers;
  return {
    limit: h.get("x-ratelimit-limit"),
    remaining: h.get("x-ratelimit-remaining"),
    used: h.get("x-ratelimit-used"),
    reset: h.get("x-ratelimit-reset"),
    resource: h.get("x-ratelimit-resource"),
  };
}

describe("GraphQL: every request is charged its cost", () => {
  it("answers rateLimit truthfully and sends the budget in the headers", async () => {
    const auth = await tokenFor(1);
    const first = await graphql(
      auth,
      `{ rateLimit { cost limit remaining used resetAt nodeCount }
         repository(owner: "acme", name: "support") { labels(first: 100) { nodes { name } } issues(first: 10) { nodes { comments(first: 100) { totalCount } } } } }`,
    );
    // labels 1 request + issues 1 + comments 10 = 12 requests → 1 point; 100 + 10 + 10 × 100 = 1,110 nodes.
    expect(first.status).toBe(200);
    expect(first.json.data.rateLimit).toEqual({ cost: 1, limit: 5000, remaining: 4999, used: 1, resetAt: "2026-12-01T18:00:00Z", nodeCount: 1110 });
    expect(limits(first)).toEqual({ limit: "5000", remaining: "4999", used: "1", reset: String(NOW_S + HOUR_S), resource: "graphql" });

    world.now = NOW + 60_000;
    const expensive = await graphql(auth, EXPENSIVE);
    expect(expensive.json.errors).toBeUndefined();
    expect(expensive.json.data.repository.issues.nodes).toHaveLength(1);
    // The window still ends an hour after its first request.
    expect(limits(expensive)).toEqual({ limit: "5000", remaining: String(5000 - 36), used: "36", reset: String(NOW_S + HOUR_S), resource: "graphql" });

    expect(world.rateLimits.usage(1)).toEqual({ graphqlPoints: 36, graphqlRequests: 2, restRequests: 0, nodes: 1110 + 3600 });
    expect(world.rateLimits.usage(2)).toEqual({ graphqlPoints: 0, graphqlRequests: 0, restRequests: 0, nodes: 0 });
    // The request log says what each request was charged (the token mint: nothing, it used the JWT).
    expect(sim.log.map((r) => [r.kind, r.status, r.cost, r.installation])).toEqual([
      ["rest", 201, 0, undefined],
      ["graphql", 200, 1, 1],
      ["graphql", 200, 35, 1],
    ]);
  });

  it("charges each installation's own budget", async () => {
    world.rateLimits.configure({ graphqlPoints: 1 }, 1);
    const one = await tokenFor(1);
    const two = await tokenFor(2);
    expect((await graphql(one, LABELS)).json.errors).toBeUndefined();
    expect((await graphql(one, LABELS)).json.errors?.[0]?.type).toBe("RATE_LIMITED");
    const other = await graphql(two, `{ repository(owner: "globex", name: "help") { labels(first: 10) { nodes { name } } } }`);
    expect(other.json.errors).toBeUndefined();
    expect(limits(other)).toMatchObject({ limit: "5000", remaining: "4999", used: "1" });
    expect(world.rateLimits.usage(2)).toMatchObject({ graphqlPoints: 1, graphqlRequests: 1 });
  });

  it("charges nothing for rateLimit(dryRun: true) and tells what the query would cost", async () => {
    const auth = await tokenFor(1);
    const dry = await graphql(auth, `{ rateLimit(dryRun: true) { cost remaining used nodeCount } repository(owner: "acme", name: "support") { labels(first: 100) { nodes { name } } } }`);
    expect(dry.json.data.rateLimit).toEqual({ cost: 1, remaining: 5000, used: 0, nodeCount: 100 });
    expect(limits(dry)).toMatchObject({ remaining: "5000", used: "0" });
    const expensive = await graphql(auth, EXPENSIVE.replace("{ repository", "{ rateLimit(dryRun: true) { cost nodeCount } repository"));
    expect(expensive.json.data.rateLimit).toEqual({ cost: 35, nodeCount: 3600 });
    expect(world.rateLimits.usage(1)).toEqual({ graphqlPoints: 0, graphqlRequests: 0, restRequests: 0, nodes: 0 });
    expect(sim.log.at(-1)?.cost).toBe(0);
  });

  it("refuses a query over 500,000 nodes or with first above 100 before running it, charging nothing", async () => {
    const auth = await tokenFor(1);
    const big = await graphql(auth, TOO_MANY_NODES);
    expect(big.status).toBe(200);
    expect(big.json).toEqual({ errors: [{ type: "MAX_NODE_LIMIT_EXCEEDED", message: "This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000." }] });
    const wide = await graphql(auth, `{ repository(owner: "acme", name: "support") { labels(first: 101) { nodes { name } } } }`);
    expect(wide.json.data).toBeUndefined();
    expect(wide.json.errors).toMatchObject([{ type: "EXCESSIVE_PAGINATION", path: ["repository", "labels"] }]);
    expect(limits(wide)).toMatchObject({ remaining: "5000", used: "0" });
    expect(world.rateLimits.usage(1).graphqlPoints).toBe(0);
    expect(sim.errors).toEqual([]);
  });

  it("charges a mutation request 1 point", async () => {
    const auth = await tokenFor(1);
    const answer = await graphql(auth, `mutation($id: ID!) { a: addComment(input: {subjectId: $id, body: "one"}) { clientMutationId } b: addComment(input: {subjectId: $id, body: "two"}) { clientMutationId } }`, { id: issue.nodeId });
    expect(answer.json.errors).toBeUndefined();
    expect(issue.comments.map((c) => c.body)).toEqual(["one", "two"]);
    expect(limits(answer)).toMatchObject({ used: "1", remaining: "4999" });
    expect(sim.log.at(-1)).toMatchObject({ kind: "graphql", mutation: true, cost: 1 });
  });

  it("charges no installation for a request without an installation token", async () => {
    const answer = await graphql(JWT, LABELS);
    expect(answer.json.errors).toBeUndefined();
    expect(limits(answer)).toMatchObject({ limit: "5000", remaining: "5000", used: "0", resource: "graphql" });
    expect(world.rateLimits.usage(1).graphqlRequests).toBe(0);
    expect(sim.log.at(-1)?.cost).toBe(0);
    // Called directly, the GraphQL executor charges installation 1 unless told `installation: null`.
    executeGraphQL(world, { query: LABELS }, { unimplemented: () => {}, installation: null });
    expect(world.rateLimits.usage(1).graphqlRequests).toBe(0);
    executeGraphQL(world, { query: LABELS }, { unimplemented: () => {} });
    expect(world.rateLimits.usage(1)).toMatchObject({ graphqlRequests: 1, graphqlPoints: 1 });
  });
});

describe("GraphQL: a spent budget", () => {
  it("answers RATE_LIMITED with HTTP 200, remaining 0 and the reset, until an hour after the window's first request", async () => {
    world.rateLimits.configure({ graphqlPoints: 3 }, 1);
    const auth = await tokenFor(1);
    for (const remaining of [2, 1, 0]) {
      const ok = await graphql(auth, LABELS);
      expect(ok.json.errors).toBeUndefined();
      expect(limits(ok)).toMatchObject({ limit: "3", remaining: String(remaining) });
      world.now += 10 * 60_000;
    }
    const refused = await graphql(auth, LABELS);
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ errors: [{ type: "RATE_LIMITED", message: "API rate limit already exceeded for installation ID 1." }] });
    expect(limits(refused)).toEqual({ limit: "3", remaining: "0", used: "3", reset: String(NOW_S + HOUR_S), resource: "graphql" });
    // Refused requests read nothing, write nothing, cost nothing.
    const write = await graphql(auth, `mutation($id: ID!) { addComment(input: {subjectId: $id, body: "no"}) { clientMutationId } }`, { id: issue.nodeId });
    expect(write.json.errors?.[0]?.type).toBe("RATE_LIMITED");
    expect(issue.comments).toEqual([]);
    expect(sim.log.at(-1)).toMatchObject({ status: 200, mutation: true, cost: 0 });
    expect(world.rateLimits.usage(1)).toMatchObject({ graphqlPoints: 3, graphqlRequests: 3 });

    world.now = NOW + RATE_LIMIT_WINDOW_MS - 1000;
    expect((await graphql(auth, LABELS)).json.errors?.[0]?.type).toBe("RATE_LIMITED");
    world.now = NOW + RATE_LIMIT_WINDOW_MS;
    const again = await graphql(auth, `{ rateLimit { remaining used resetAt } }`);
    expect(again.json.data.rateLimit).toEqual({ remaining: 2, used: 1, resetAt: "2026-12-01T19:00:00Z" });
    expect(limits(again)).toEqual({ limit: "3", remaining: "2", used: "1", reset: String(NOW_S + 2 * HOUR_S), resource: "graphql" });
  });

  it("runs a query that costs more than what is left, charges it in full, and refuses the next", async () => {
    world.rateLimits.configure({ graphqlPoints: 40 }, 1);
    const auth = await tokenFor(1);
    const first = await graphql(auth, EXPENSIVE);
    expect(limits(first)).toMatchObject({ remaining: "5", used: "35" });
    const second = await graphql(auth, EXPENSIVE);
    expect(second.json.errors).toBeUndefined();
    expect(limits(second)).toMatchObject({ remaining: "0", used: "70" });
    expect((await graphql(auth, EXPENSIVE)).json.errors?.[0]?.type).toBe("RATE_LIMITED");
  });
});

describe("REST: every request is charged 1", () => {
  it("charges installation tokens, not the JWT, not 304s; a spent budget answers 403 until the hour is over", async () => {
    world.rateLimits.configure({ restRequests: 2 }, 1);
    const auth = await tokenFor(1);
    expect(world.rateLimits.usage(1).restRequests).toBe(0);

    const config = await call("GET", CONFIG_PATH, auth);
    expect(config.status).toBe(200);
    expect(limits(config)).toEqual({ limit: "2", remaining: "1", used: "1", reset: String(NOW_S + HOUR_S), resource: "core" });
    const cached = await call("GET", CONFIG_PATH, { ...auth, "if-none-match": config.headers.get("etag") ?? "" });
    expect(cached.status).toBe(304);
    expect(limits(cached)).toMatchObject({ remaining: "1", used: "1" });
    const repoRead = await call("GET", "/api/v3/repos/acme/support", auth);
    expect(repoRead.status).toBe(200);
    expect(limits(repoRead)).toMatchObject({ remaining: "0", used: "2" });

    const refused = await call("GET", "/api/v3/repos/acme/support", auth);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ message: "API rate limit exceeded for installation ID 1.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" });
    expect(limits(refused)).toEqual({ limit: "2", remaining: "0", used: "2", reset: String(NOW_S + HOUR_S), resource: "core" });
    // A refused write changes nothing.
    const write = await call("POST", "/api/v3/repos/acme/support/issues/1/comments", auth, { body: "no" });
    expect(write.status).toBe(403);
    expect(issue.comments).toEqual([]);

    // The GraphQL budget is another one; the app's JWT is nobody's.
    expect((await graphql(auth, LABELS)).json.errors).toBeUndefined();
    const app = await call("GET", "/api/v3/app", JWT);
    expect(app.status).toBe(200);

    world.now = NOW + RATE_LIMIT_WINDOW_MS;
    const later = await call("GET", "/api/v3/repos/acme/support", auth);
    expect(later.status).toBe(200);
    expect(limits(later)).toEqual({ limit: "2", remaining: "1", used: "1", reset: String(NOW_S + 2 * HOUR_S), resource: "core" });

    expect(world.rateLimits.usage(1)).toEqual({ graphqlPoints: 1, graphqlRequests: 1, restRequests: 3, nodes: 100 });
    expect(sim.log.map((r) => `${r.method} ${r.status} ${r.cost}`)).toEqual([
      "POST 201 0",
      "GET 200 1",
      "GET 304 0",
      "GET 200 1",
      "GET 403 0",
      "POST 403 0",
      "POST 200 1",
      "GET 200 0",
      "GET 200 1",
    ]);
  });
});

describe("budgets and counters", () => {
  it("defaults to GitHub's 5,000 an hour, configurable per world and per installation", () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({ graphqlPoints: 5000, restRequests: 5000 });
    expect(world.rateLimits.budgets(1)).toEqual({ graphqlPoints: 5000, restRequests: 5000 });
    world.rateLimits.configure({ graphqlPoints: 12_500 });
    world.rateLimits.configure({ restRequests: 100 }, 2);
    expect(world.rateLimits.budgets(1)).toEqual({ graphqlPoints: 12_500, restRequests: 5000 });
    expect(world.rateLimits.budgets(2)).toEqual({ graphqlPoints: 12_500, restRequests: 100 });
    expect(() => world.rateLimits.configure({ graphqlPoints: -1 })).toThrow(RangeError);
  });

  it("answers rateLimit within GraphQL's 32-bit Int when a world's limits are lifted beyond GitHub's", async () => {
    world.rateLimits.configure({ graphqlPoints: Number.MAX_SAFE_INTEGER, restRequests: Number.MAX_SAFE_INTEGER });
    const auth = await tokenFor(1);
    const answer = await graphql(auth, `{ rateLimit { cost limit remaining used } }`);
    expect(answer.json).toEqual({ data: { rateLimit: { cost: 1, limit: 2 ** 31 - 1, remaining: 2 ** 31 - 1, used: 1 } } });
    expect(limits(answer)).toMatchObject({ limit: String(Number.MAX_SAFE_INTEGER), remaining: String(Number.MAX_SAFE_INTEGER - 1), used: "1" });
  });

  it("resets the counters and windows of one installation or of all", () => {
    world.rateLimits.configure({ graphqlPoints: 1, restRequests: 1 });
    world.rateLimits.charge(1, "graphql", 1, 100);
    world.rateLimits.charge(1, "core", 1);
    world.rateLimits.charge(2, "graphql", 1);
    expect(world.rateLimits.spent(1, "graphql")).toBe(true);
    expect(world.rateLimits.usage(1)).toEqual({ graphqlPoints: 1, graphqlRequests: 1, restRequests: 1, nodes: 100 });
    world.rateLimits.reset(1);
    expect(world.rateLimits.usage(1)).toEqual({ graphqlPoints: 0, graphqlRequests: 0, restRequests: 0, nodes: 0 });
    expect(world.rateLimits.status(1, "graphql")).toEqual({ resource: "graphql", limit: 1, used: 0, remaining: 1, resetAt: NOW + RATE_LIMIT_WINDOW_MS });
    expect(world.rateLimits.spent(2, "graphql")).toBe(true);
    world.rateLimits.reset();
    expect(world.rateLimits.spent(2, "graphql")).toBe(false);
    expect(world.rateLimits.usage(2).graphqlPoints).toBe(0);
  });
});

describe("fault injection", () => {
  it("still answers injected secondary limits and failures; what never ran is not charged, what ran is", async () => {
    const auth = await tokenFor(1);
    sim.faults = new FaultInjector({ ...NO_FAULTS, secondaryRateLimit: 1 }, () => world.now);
    const limited = await graphql(auth, LABELS);
    expect([403, 429]).toContain(limited.status);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json.message).toMatch(/secondary rate limit/);
    expect(sim.log.at(-1)?.cost).toBe(0);

    // A 502 after the write was applied: the request ran, so it was charged.
    sim.faults = new FaultInjector({ ...NO_FAULTS, errorRate: 1, appliedOnError: 1 }, () => world.now);
    const failed = await call("POST", "/api/v3/repos/acme/support/issues/1/comments", auth, { body: "applied" });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(issue.comments.map((c) => c.body)).toEqual(["applied"]);
    expect(sim.log.at(-1)?.cost).toBe(1);
    expect(world.rateLimits.usage(1)).toMatchObject({ graphqlPoints: 0, restRequests: 1 });
  });
});

describe("the scenario key", () => {
  const scenario = (extra: string) => parseScenario(`now: "2026-12-01T09:00:00-08:00"\n${extra}steps: []\n`, "limits.yml");

  it("reads rate_limits: {graphql_points, rest_requests} and gives them to the world", () => {
    const parsed = scenario("rate_limits: {graphql_points: 100, rest_requests: 50}\n");
    expect(parsed.rateLimits).toEqual({ graphqlPoints: 100, restRequests: 50 });
    applyScenarioRateLimits(world, parsed);
    expect(world.rateLimits.budgets(1)).toEqual({ graphqlPoints: 100, restRequests: 50 });
    expect(scenario("rate_limits: {rest_requests: 0}\n").rateLimits).toEqual({ restRequests: 0 });
    expect(scenario("").rateLimits).toBeUndefined();
  });

  it.each([
    ["a misspelt key", "rate_limits: {graphql_point: 5}\n", /rate_limits: unknown key "graphql_point" \(did you mean "graphql_points"\?\)/],
    ["a negative budget", "rate_limits: {rest_requests: -1}\n", /rate_limits\.rest_requests must be a whole number ≥ 0, found -1/],
    ["a fraction", "rate_limits: {graphql_points: 2.5}\n", /rate_limits\.graphql_points must be a whole number ≥ 0/],
    ["not a mapping", "rate_limits: 5000\n", /rate_limits must be a mapping/],
  ])("refuses %s", (_what, extra, message) => {
    expect(() => scenario(extra)).toThrow(ScenarioError);
    expect(() => scenario(extra)).toThrow(message);
  });
});
