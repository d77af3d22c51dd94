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
