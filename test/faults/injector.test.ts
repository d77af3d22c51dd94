/**
 * The fault injector and the simulator's failures: decisions are reproducible from the
 * seed, follow the configured shares, stop with `until` or `faults: off`; a failed write
 * is either refused before anything happened or applied (wholly, or a prefix of a GraphQL
 * batch) and still answered 5xx; secondary rate limits carry `retry-after`, and the app's
 * retry advice reads them as retryable.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { retryAdvice } from "../../src/github/retry.js";
import { FaultInjector, INJECTED, NO_FAULTS, roll, type FaultSpec, type RequestFault } from "../../src/simulator/faults.js";
import { World, type SimItem } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";

const spec = (patch: Partial<FaultSpec>): FaultSpec => ({ ...NO_FAULTS, ...patch });

describe("FaultInjector decisions", () => {
  it("are the same for the same seed and differ for another", () => {
    const decide = (seed: number) => {
      const injector = new FaultInjector(spec({ seed, errorRate: 0.3, secondaryRateLimit: 0.1, dropWebhooks: 0.2, delayWebhooks: 0.2 }), () => 0);
      return Array.from({ length: 200 }, (_, i) => `${JSON.stringify(injector.request("GET /x", i % 3))}/${injector.delivery()}`);
    };
    expect(decide(7)).toEqual(decide(7));
    expect(decide(7)).not.toEqual(decide(8));
  });

  it.each([
    ["error_rate", spec({ errorRate: 0.2 }), "error", 0.2],
    ["secondary_rate_limit", spec({ secondaryRateLimit: 0.1 }), "rate-limit", 0.1],
  ] as const)("answer about the configured share of requests for %s", (_key, s, kind, share) => {
    const injector = new FaultInjector(s, () => 0);
    const n = 10_000;
    const hits = Array.from({ length: n }, () => injector.request("GET /x", 0)).filter((f) => f.kind === kind).length;
    expect(hits / n).toBeGreaterThan(share - 0.02);
    expect(hits / n).toBeLessThan(share + 0.02);
  });

  it("drop and delay about the configured shares of deliveries", () => {
    const injector = new FaultInjector(spec({ dropWebhooks: 0.2, delayWebhooks: 0.1 }), () => 0);
    const fates = Array.from({ length: 10_000 }, () => injector.delivery());
    expect(fates.filter((f) => f === "drop").length / fates.length).toBeCloseTo(0.2, 1);
    expect(fates.filter((f) => f === "delay").length / fates.length).toBeCloseTo(0.1, 1);
    expect(injector.counts.dropped + injector.counts.delayed).toBe(fates.filter((f) => f !== "deliver").length);
  });

  it("apply a failed write wholly, partly (a batch prefix) or not at all, never beyond the batch", () => {
    const injector = new FaultInjector(spec({ errorRate: 1, appliedOnError: 0.5 }), () => 0);
    const applied = Array.from({ length: 2000 }, () => injector.request("POST /graphql", 3)).map((f) => (f.kind === "error" ? f.applied : -1));
    expect(new Set(applied)).toEqual(new Set([0, 1, 2, 3]));
    const reads = Array.from({ length: 200 }, () => injector.request("GET /x", 0)).map((f) => (f.kind === "error" ? f.applied : -1));
    expect(new Set(reads)).toEqual(new Set([0]));
  });

  it("stop at `until` on the simulated clock, and while turned off", () => {
    let now = 1000;
    const injector = new FaultInjector(spec({ errorRate: 1, dropWebhooks: 1, latencyMs: 5, until: 2000 }), () => now);
    expect(injector.request("GET /x", 0).kind).toBe("error");
    expect(injector.delivery()).toBe("drop");
    expect(injector.latency()).toBe(5);
    injector.enabled = false;
    expect([injector.request("GET /x", 0).kind, injector.delivery(), injector.latency()]).toEqual(["none", "deliver", 0]);
    injector.enabled = true;
    now = 2000;
    expect([injector.request("GET /x", 0).kind, injector.delivery(), injector.latency()]).toEqual(["none", "deliver", 0]);
  });

  it("rolls uniformly in [0, 1)", () => {
    const values = Array.from({ length: 5000 }, (_, i) => roll(3, "s", i));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.filter((v) => v < 0.5).length / values.length).toBeCloseTo(0.5, 1);
  });
});

/** An injector that answers from a script, to pin one outcome per request. */
class Scripted extends FaultInjector {
  constructor(private readonly script: RequestFault[]) {
    super(NO_FAULTS, () => 0);
  }
  override request(): RequestFault {
    return this.script.shift() ?? { kind: "none" };
  }
}

describe("the simulator under injected faults", () => {
  const TOKEN = { authorization: "token ghs_simulated0001", "content-type": "application/json" };
  let world: World;
  let sim: GitHubSimulator;
  let issue: SimItem;
  beforeEach(async () => {
    world = new World(Date.parse("2026-12-01T17:00:00Z"));
    const repo = world.createRepo("acme/support");
    issue = world.openItem(repo, { kind: "issue", number: 1, author: world.user("alice"), title: "t", body: "", labels: [], category: null });
    world.createLabel(repo, "P3");
    world.createLabel(repo, "P4");
    sim = new GitHubSimulator(world);
    await sim.listen();
  });
  afterEach(async () => {
    await sim.close();
  });

  const comment = () => fetch(`${sim.url}/api/v3/repos/acme/support/issues/1/comments`, { method: "POST", headers: TOKEN, body: JSON.stringify({ body: "hello" }) });

  it.each([
    ["refused before applying", 0, 0],
    ["applied, then answered 502", 1, 1],
  ])("a REST write %s", async (_what, applied, comments) => {
    sim.faults = new Scripted([{ kind: "error", status: 502, applied }]);
    const response = await comment();
    expect(response.status).toBe(502);
    expect(((await response.json()) as { message: string }).message).toContain(INJECTED);
    expect(issue.comments).toHaveLength(comments);
    expect(sim.requests.rest).toBe(1);
  });

  it("a GraphQL batch cut after its first two mutations", async () => {
    sim.faults = new Scripted([{ kind: "error", status: 502, applied: 2 }]);
    const labelId = (name: string) => world.findLabel(issue.repo, name)?.nodeId;
    const query = `mutation($a: AddLabelsToLabelableInput!, $b: AddCommentInput!, $c: AddLabelsToLabelableInput!) {
      m0: addLabelsToLabelable(input: $a) { clientMutationId }
      m1: addComment(input: $b) { clientMutationId }
      m2: addLabelsToLabelable(input: $c) { clientMutationId }
    }`;
    const variables = {
      a: { labelableId: issue.nodeId, labelIds: [labelId("P3")] },
      b: { subjectId: issue.nodeId, body: "target" },
      c: { labelableId: issue.nodeId, labelIds: [labelId("P4")] },
    };
    const response = await fetch(`${sim.url}/graphql`, { method: "POST", headers: TOKEN, body: JSON.stringify({ query, variables }) });
    expect(response.status).toBe(502);
    expect(issue.labels.map((l) => l.name)).toEqual(["P3"]);
    expect(issue.comments.map((c) => c.body)).toEqual(["target"]);
  });

  it.each([403, 429] as const)("a secondary rate limit (%i) refuses with retry-after, and the app's retry advice waits a second", async (status) => {
    sim.faults = new Scripted([{ kind: "rate-limit", status }]);
    const response = await comment();
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe("1");
    const body = (await response.json()) as { message: string };
    expect(issue.comments).toHaveLength(0);
    const error = Object.assign(new Error(body.message), { status, response: { headers: { "retry-after": "1" } } });
    expect(retryAdvice(error, world.now)).toEqual({ retry: true, delayMs: 1000 });
  });
});
