/**
 * The one Octokit stack (src/github/octokit.ts): the production client and the
 * simulator's are the same plugins with the same options; nothing a plugin does re-sends
 * a write; reads retry; content-creating writes are spaced per installation and reads are
 * not queued behind them; a rate limit makes the whole installation wait; a run of server
 * errors pauses it with growing back-off.
 */
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOctokit, InstallationPausedError, Pacing, pacingFromEnv, realScheduler, type Scheduler } from "../../src/github/octokit.js";
import { appPrivateKey, freePort, startAppServer } from "../../src/simulator/app-host.js";
import { World } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { startServer } from "../../src/server.js";

const API = "https://api.github.com";

/** A clock that moves only when something waits: waits are recorded, instant. */
function fakeScheduler(start = 1_800_000_000_000): Scheduler & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

type Client = { request: (route: string, params?: Record<string, unknown>) => Promise<{ status: number }>; graphql: (q: string, v?: Record<string, unknown>) => Promise<unknown> };

function client(pacing: Pacing, installationId: number): Client {
  const C = createOctokit(pacing);
  return new C({ auth: { token: "test-token", installationId }, log: { debug() {}, info() {}, warn() {}, error() {} } }) as unknown as Client;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe("production and simulation run the same stack", () => {
  it("same plugins, same options: only the scheduler differs", async () => {
    nock.enableNetConnect("127.0.0.1");
    const world = new World(Date.parse("2026-12-01T17:00:00Z"));
    world.createRepo("acme/support");
    const sim = new GitHubSimulator(world);
    const simUrl = await sim.listen();
    const log = pino({ level: "silent" });
    const production = await startServer({
      host: "127.0.0.1",
      port: await freePort(),
      log,
      appId: 1,
      privateKey: appPrivateKey(),
      secret: "s",
      baseUrl: `${simUrl}/api/v3`,
      scheduler: realScheduler,
      app: { sweepTimer: false },
    });
    const simulated = await startAppServer({ simUrl, port: await freePort(), privateKey: appPrivateKey(), clock: () => world.now, onLogLine: () => {}, onOutgoingWebhook: () => {} });
    try {
      const installationId = 1;
      const [a, b] = await Promise.all([production.probot.auth(installationId), simulated.probot.auth(installationId)]);
      const plugins = (o: object) => ((o.constructor as unknown as { plugins: { name: string }[] }).plugins ?? []).map((p) => p.name);
      expect(plugins(a)).toEqual(plugins(b));
      expect(plugins(a)).toEqual(expect.arrayContaining(["throttling", "retry", "supportTriageRequestPolicy"]));
      const stack = (o: object) => (o as unknown as { supportTriageStack: unknown }).supportTriageStack;
      expect(stack(a)).toEqual(stack(b));
      expect(stack(a)).toMatchObject({ key: "installation:1", throttle: { enabled: true, write: "pass-through group", global: "at most 10 at once per installation", auth: "at most 1 at once per installation" }, retry: { enabled: false } });
      // The app-level clients too.
      const [appA, appB] = await Promise.all([production.probot.auth(), simulated.probot.auth()]);
      expect(stack(appA)).toEqual(stack(appB));
      expect(production.pacing.options).toEqual(simulated.pacing.options);
      expect(production.pacing.scheduler).toBe(realScheduler);
      expect(simulated.pacing.scheduler).not.toBe(realScheduler);
    } finally {
      await production.shutdown(1000);
      await simulated.shutdown(1000);
      await sim.close();
      nock.disableNetConnect();
    }
  });
});

describe("no blind re-sends", () => {
  it("a mutation answered 502 is sent once; the error reaches the app's own loop", async () => {
    const scope = nock(API).post("/graphql").reply(502, { message: "Bad gateway" });
    const gh = client(new Pacing(fakeScheduler()), 1);
    await expect(gh.graphql("mutation { addComment(input: {subjectId: \"I_1\", body: \"x\"}) { clientMutationId } }")).rejects.toMatchObject({ status: 502 });
    expect(scope.isDone()).toBe(true);
  });

  it("a REST write answered 500 is sent once", async () => {
    nock(API).post("/repos/acme/support/issues").reply(500, {});
    const gh = client(new Pacing(fakeScheduler()), 1);
    await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 500 });
  });

  it("a query answered 502 is read again (on the scheduler: no real wait), and succeeds", async () => {
    nock(API).post("/graphql").reply(502, {}).post("/graphql").reply(200, { data: { viewer: { login: "x" } } });
    const scheduler = fakeScheduler();
    const gh = client(new Pacing(scheduler), 1);
    await expect(gh.graphql("query { viewer { login } }")).resolves.toEqual({ viewer: { login: "x" } });
    expect(scheduler.slept).toEqual([1000]);
  });

  it("GraphQL's \"Something went wrong\" answer to a query counts as a server error: read again", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, { data: null, errors: [{ message: "Something went wrong while executing your query. Please try again." }] })
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "x" } } });
    const scheduler = fakeScheduler();
    const gh = client(new Pacing(scheduler), 1);
    await expect(gh.graphql("query { viewer { login } }")).resolves.toEqual({ viewer: { login: "x" } });
    expect(scheduler.slept).toEqual([1000]);
  });

  it("the same answer to a mutation is a 500 sent once", async () => {
    const scope = nock(API).post("/graphql").reply(200, { data: null, errors: [{ message: "Something went wrong while executing your query." }] });
    const gh = client(new Pacing(fakeScheduler()), 1);
    await expect(gh.graphql("mutation { addComment(input: {subjectId: \"I_1\", body: \"x\"}) { clientMutationId } }")).rejects.toMatchObject({ status: 500 });
    expect(scope.isDone()).toBe(true);
  });

  it("a network error on a query is read again; on a mutation it reaches the app once", async () => {
    nock(API).post("/graphql").replyWithError({ code: "ECONNRESET", message: "socket hang up" }).post("/graphql").reply(200, { data: { viewer: { login: "x" } } });
    const gh = client(new Pacing(fakeScheduler()), 1);
    await expect(gh.graphql("query { viewer { login } }")).resolves.toEqual({ viewer: { login: "x" } });
    const scope = nock(API).post("/graphql").replyWithError({ code: "ECONNRESET", message: "socket hang up" });
    await expect(gh.graphql("mutation { addComment(input: {subjectId: \"I_1\", body: \"x\"}) { clientMutationId } }")).rejects.toThrow();
    expect(scope.isDone()).toBe(true);
  });

  it("a GET gives up after two retries", async () => {
    nock(API).get("/repos/acme/support").times(3).reply(503, {});
    const gh = client(new Pacing(fakeScheduler()), 1);
    await expect(gh.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "support" })).rejects.toMatchObject({ status: 503 });
  });
});

describe("the throttling plugin's concurrency limits, without Bottleneck", () => {
  it("at most 10 requests of one installation at once, in arrival order; another installation is not held", async () => {
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    nock(API)
      .get(/\/repos\/acme\/r\d+$/)
      .times(14)
      .reply(function (uri) {
        inFlight++;
        most = Math.max(most, inFlight);
        order.push(Number(/r(\d+)$/.exec(uri)![1]));
        return new Promise((resolve) => gates.push(() => { inFlight--; resolve([200, {}]); })) as never;
      })
      .get("/repos/other/r")
      .reply(200, {});
    const pacing = new Pacing(fakeScheduler());
    const one = client(pacing, 1);
    const two = client(pacing, 2); // same process, other installation
    const calls = Array.from({ length: 14 }, (_, i) => one.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: `r${i}` }));
    const until = async (f: () => boolean) => { for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 5)); };
    await until(() => gates.length === 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(gates.length).toBe(10); // the 4 others wait
    await expect(two.request("GET /repos/{owner}/{repo}", { owner: "other", repo: "r" })).resolves.toMatchObject({ status: 200 });
    while (gates.length < 14 || gates.some(Boolean)) {
      const g = gates.findIndex(Boolean);
      if (g < 0) { await until(() => gates.some(Boolean)); continue; }
      const open = gates[g]!;
      delete gates[g];
      open();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(calls);
    expect(most).toBe(10);
    expect(order).toEqual(Array.from({ length: 14 }, (_, i) => i));
  });
});

describe("pacing per installation", () => {
  const MUTATION = "mutation { addComment(input: {subjectId: \"I_1\", body: \"x\"}) { clientMutationId } }";

  it("spaces one installation's writes a second apart; reads and other installations do not wait", async () => {
    nock(API).post("/graphql").times(6).reply(200, { data: {} });
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    const one = client(pacing, 1);
    const two = client(pacing, 2);
    await one.graphql(MUTATION);
    await one.graphql("query { viewer { login } }");
    await two.graphql(MUTATION);
    expect(scheduler.slept).toEqual([]);
    await one.graphql(MUTATION);
    await one.graphql(MUTATION);
    expect(scheduler.slept).toEqual([1000, 1000]);
    await two.graphql("query { viewer { login } }");
    expect(scheduler.slept).toEqual([1000, 1000]);
  });

  it("SUPPORT_TRIAGE_WRITE_SPACING_MS changes the spacing", async () => {
    nock(API).post("/graphql").times(2).reply(200, { data: {} });
    const scheduler = fakeScheduler();
    const gh = client(new Pacing(scheduler, pacingFromEnv({ SUPPORT_TRIAGE_WRITE_SPACING_MS: "250" })), 1);
    expect(() => pacingFromEnv({ SUPPORT_TRIAGE_WRITE_SPACING_MS: "soon" })).toThrow(/SUPPORT_TRIAGE_WRITE_SPACING_MS must be whole milliseconds/);
    await gh.graphql(MUTATION);
    await gh.graphql(MUTATION);
    expect(scheduler.slept).toEqual([250]);
  });

  it("a secondary rate limit makes every request of that installation wait for retry-after; others go on", async () => {
    nock(API)
      .get("/repos/acme/one")
      .reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "30" })
      .get("/repos/acme/one")
      .reply(200, {})
      .get("/repos/acme/two")
      .reply(200, {})
      .get("/repos/acme/other")
      .reply(200, {});
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    const one = client(pacing, 1);
    // A read is idempotent: it waits out the block and goes again.
    await expect(one.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "one" })).resolves.toMatchObject({ status: 200 });
    expect(scheduler.slept).toEqual([30_000]);
    // Installation 2 was never blocked.
    await client(pacing, 2).request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "other" });
    expect(scheduler.slept).toEqual([30_000]);
    await one.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "two" });
    expect(scheduler.slept).toEqual([30_000]);
  });

  it("a write refused with a secondary limit is not re-sent by the stack; the installation is blocked", async () => {
    nock(API).post("/graphql").reply(403, { message: "You have exceeded a secondary rate limit" }, { "retry-after": "20" });
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    await expect(client(pacing, 1).graphql(MUTATION)).rejects.toMatchObject({ status: 403 });
    const blocked = await pacing.store.blocked("installation:1");
    expect(blocked.until - scheduler.now()).toBe(20_000);
    expect(blocked.reason).toBe("secondary rate limit");
  });

  it("after five server errors in a row the installation pauses, longer each time; a long pause refuses without sending", async () => {
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    const gh = client(pacing, 7);
    nock(API).post("/repos/acme/support/issues").times(5).reply(502, {});
    for (let i = 0; i < 5; i++) await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 502 });
    expect((await pacing.store.blocked("installation:7")).until - scheduler.now()).toBe(30_000);
    // Second trip: the next request waits 30 s, then five more failures pause 60 s.
    nock(API).post("/repos/acme/support/issues").times(5).reply(502, {});
    for (let i = 0; i < 5; i++) await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 502 });
    expect(scheduler.slept).toContain(30_000);
    expect((await pacing.store.blocked("installation:7")).until - scheduler.now()).toBe(60_000);
    nock(API).post("/repos/acme/support/issues").times(5).reply(502, {});
    for (let i = 0; i < 5; i++) await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 502 });
    // 120 s is more than a request waits (60 s): refused at once, nothing sent (no mock left to answer).
    await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toBeInstanceOf(InstallationPausedError);
  });

  it("a GraphQL RATE_LIMITED answer blocks the installation until the reset and the mutation is not re-sent", async () => {
    const scheduler = fakeScheduler();
    const reset = Math.floor(scheduler.now() / 1000) + 120;
    nock(API).post("/graphql").reply(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) });
    const pacing = new Pacing(scheduler);
    await expect(client(pacing, 9).graphql(MUTATION)).rejects.toThrow(/Rate Limit/i);
    expect((await pacing.store.blocked("installation:9")).until).toBe(reset * 1000);
  });

  it("an answer 304 (not modified) is neither retried nor counted as a failure", async () => {
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    const gh = client(pacing, 10);
    nock(API).get("/repos/acme/support/contents/x").times(6).reply(304);
    for (let i = 0; i < 6; i++) await expect(gh.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo: "support", path: "x" })).rejects.toMatchObject({ status: 304 });
    expect(scheduler.slept).toEqual([]);
    expect((await pacing.store.blocked("installation:10")).until).toBe(0);
  });

  it("a success resets the run of server errors", async () => {
    const scheduler = fakeScheduler();
    const pacing = new Pacing(scheduler);
    const gh = client(pacing, 8);
    nock(API).post("/repos/acme/support/issues").times(4).reply(500, {}).post("/repos/acme/support/issues").reply(201, {}).post("/repos/acme/support/issues").times(4).reply(500, {});
    for (let i = 0; i < 4; i++) await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 500 });
    await gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" });
    for (let i = 0; i < 4; i++) await expect(gh.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "support", title: "t" })).rejects.toMatchObject({ status: 500 });
    expect((await pacing.store.blocked("installation:8")).until).toBe(0);
  });
});
