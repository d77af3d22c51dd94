/**
 * With REDIS_URL, replicas share the pacing state of each installation (write slots and
 * back-off) and the escalation claims — against a real Redis server.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pacing, type Scheduler } from "../../src/github/octokit.js";
import { RedisClaims, RedisPacingStore } from "../../src/github/redis.js";
import { startRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
let a: Redis;
let b: Redis;
beforeAll(async () => {
  redis = await startRedis();
  a = new Redis(redis.url);
  b = new Redis(redis.url);
});
afterAll(async () => {
  await a?.quit();
  await b?.quit();
  await redis?.stop();
});

/** One clock for both "replicas", moved by waits. */
function sharedClock(): { scheduler: Scheduler; slept: number[] } {
  let now = 1_800_000_000_000;
  const slept: number[] = [];
  return { slept, scheduler: { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) } };
}

describe("shared pacing state", () => {
  it("spaces the writes of one installation across replicas, not those of another", async () => {
    const prefix = `t-${Math.random().toString(36).slice(2)}:`;
    const { scheduler, slept } = sharedClock();
    const one = new Pacing(scheduler, undefined, new RedisPacingStore(a, prefix));
    const two = new Pacing(scheduler, undefined, new RedisPacingStore(b, prefix));
    await one.spaceWrite("installation:1");
    await two.spaceWrite("installation:1");
    await two.spaceWrite("installation:2");
    await one.spaceWrite("installation:1");
    expect(slept).toEqual([1000, 1000]);
  });

  it("a back-off recorded by one replica holds the other", async () => {
    const prefix = `t-${Math.random().toString(36).slice(2)}:`;
    const { scheduler, slept } = sharedClock();
    const one = new Pacing(scheduler, undefined, new RedisPacingStore(a, prefix));
    const two = new Pacing(scheduler, undefined, new RedisPacingStore(b, prefix));
    await one.failed("installation:5", Object.assign(new Error("You have exceeded a secondary rate limit"), { status: 403, response: { headers: { "retry-after": "12" } } }));
    await two.gate("installation:5");
    expect(slept).toEqual([12_000]);
    await two.gate("installation:6");
    expect(slept).toEqual([12_000]);
  });
});

describe("escalation claims", () => {
  it("one replica wins a claim; it expires; only the holder releases it", async () => {
    const prefix = `t-${Math.random().toString(36).slice(2)}:`;
    const one = new RedisClaims(a, prefix);
    const two = new RedisClaims(b, prefix);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).claim("escalation:acme/support#1:due", 200)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const holder = results.findIndex(Boolean) % 2 ? one : two;
    const other = holder === one ? two : one;
    await other.release("escalation:acme/support#1:due");
    expect(await other.claim("escalation:acme/support#1:due", 200)).toBe(false);
    await holder.release("escalation:acme/support#1:due");
    expect(await other.claim("escalation:acme/support#1:due", 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await holder.claim("escalation:acme/support#1:due", 50)).toBe(true);
  });
});

describe("content caches shared through Redis", () => {
  it("a file one replica read is revalidated by another (304, free), not fetched; a push drops it for all", async () => {
    const { default: nock } = await import("nock");
    const { ContentCache } = await import("../../src/github/contents.js");
    const { RedisSharedCache } = await import("../../src/github/redis.js");
    const { client, API, fileAnswer } = await import("../helpers/octokit.js");
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    try {
      const prefix = `t-${Math.random().toString(36).slice(2)}:`;
      const one = new ContentCache(100, 60_000, new RedisSharedCache(a, prefix));
      const two = new ContentCache(100, 60_000, new RedisSharedCache(b, prefix));
      const path = "/repos/acme/.github/contents/.github%2Fsupport-triage.yml";
      nock(API).get(path).reply(200, fileAnswer("plan: business\n"), { etag: '"v1"' });
      expect(await one.read(client(), "acme", ".github", ".github/support-triage.yml", 0)).toBe("plan: business\n");
      await new Promise((r) => setTimeout(r, 50)); // the shared write is not awaited by the read
      nock(API).get(path).matchHeader("if-none-match", '"v1"').reply(304);
      expect(await two.read(client(), "acme", ".github", ".github/support-triage.yml", 0)).toBe("plan: business\n");
      one.invalidate("acme", ".github");
      await new Promise((r) => setTimeout(r, 50));
      const fresh = new ContentCache(100, 60_000, new RedisSharedCache(b, prefix));
      nock(API).get(path).matchHeader("if-none-match", (v) => v === undefined).reply(200, fileAnswer("plan: enterprise\n"), { etag: '"v2"' });
      expect(await fresh.read(client(), "acme", ".github", ".github/support-triage.yml", 0)).toBe("plan: enterprise\n");
      expect(nock.pendingMocks()).toEqual([]);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it("team members one replica fetched are reused by another until they expire", async () => {
    const { default: nock } = await import("nock");
    const { TeamCache } = await import("../../src/github/teams.js");
    const { RedisSharedCache } = await import("../../src/github/redis.js");
    const { client, API } = await import("../helpers/octokit.js");
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    try {
      const prefix = `t-${Math.random().toString(36).slice(2)}:`;
      nock(API).get("/orgs/acme/teams/leads/members").query(true).reply(200, [{ login: "Carol" }]);
      const one = new TeamCache(60_000, new RedisSharedCache(a, prefix));
      expect([...((await one.members(client(), ["acme/leads"], 1000)) ?? [])]).toEqual(["carol"]);
      await new Promise((r) => setTimeout(r, 50));
      const two = new TeamCache(60_000, new RedisSharedCache(b, prefix));
      expect([...((await two.members(client(), ["acme/leads"], 2000)) ?? [])]).toEqual(["carol"]);
      // Expired: fetched again.
      nock(API).get("/orgs/acme/teams/leads/members").query(true).reply(200, [{ login: "dave" }]);
      expect([...((await two.members(client(), ["acme/leads"], 70_000)) ?? [])]).toEqual(["dave"]);
      expect(nock.pendingMocks()).toEqual([]);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});

describe("leases", () => {
  it("one holder at a time; a lease whose key vanished is reported lost at the next renewal", async () => {
    const { RedisLeases } = await import("../../src/github/redis.js");
    const prefix = `t-${Math.random().toString(36).slice(2)}:`;
    const one = new RedisLeases(a, prefix);
    const two = new RedisLeases(b, prefix);
    const lease = await one.tryAcquire("sweep:acme/support", 600);
    expect(lease).not.toBeNull();
    expect(await two.tryAcquire("sweep:acme/support", 600)).toBeNull();
    // Renewed while held: still held after more than its life.
    await new Promise((r) => setTimeout(r, 900));
    expect(await two.tryAcquire("sweep:acme/support", 600)).toBeNull();
    expect(lease?.lost).toBe(false);
    await b.del(`${prefix}lease:sweep:acme/support`);
    await new Promise((r) => setTimeout(r, 400));
    expect(lease?.lost).toBe(true);
    await lease?.release();
  });
});
