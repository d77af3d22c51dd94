import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { nextConcurrency, WorkerPace, BUSY_UTILISATION } from "../../src/handlers/worker-pace.js";
import { queueOptionsFromEnv, RedisQueue, type DeliveryJob } from "../../src/handlers/queue.js";
import { startRedis, type TestRedis } from "../support/redis.js";

const settings = { max: 16, budgetMs: 10 };
const busy = (delayMs: number) => ({ delayMs, utilisation: 0.95 });

describe("nextConcurrency (acknowledgements first)", () => {
  it("halves when the loop is busy and its delay passed the budget, never below 1", () => {
    expect(nextConcurrency(16, busy(25), settings)).toBe(8);
    expect(nextConcurrency(3, busy(11), settings)).toBe(1);
    expect(nextConcurrency(1, busy(500), settings)).toBe(1);
  });
  it("adds one when the delay stays under half the budget, up to the maximum", () => {
    expect(nextConcurrency(4, busy(2), settings)).toBe(5);
    expect(nextConcurrency(16, busy(0), settings)).toBe(16);
  });
  it("holds between half the budget and the budget", () => {
    expect(nextConcurrency(6, busy(7), settings)).toBe(6);
  });
  it("does not blame the workers for a delay while the loop was mostly idle (the machine's, not ours)", () => {
    expect(nextConcurrency(8, { delayMs: 40, utilisation: BUSY_UTILISATION - 0.2 }, settings)).toBe(9);
  });
  it("a budget of 0 keeps the maximum", () => {
    expect(nextConcurrency(2, busy(900), { max: 16, budgetMs: 0 })).toBe(16);
  });
});

describe("WorkerPace", () => {
  it("lowers the target's concurrency while the loop is kept busy, and raises it again after", async () => {
    const target = { concurrency: 16 };
    const pace = new WorkerPace(target, { max: 16, budgetMs: 10 }, 50);
    try {
      // Block the loop in 40 ms slices for about 600 ms.
      const until = Date.now() + 600;
      while (Date.now() < until) {
        const end = Date.now() + 40;
        while (Date.now() < end) {
          // busy
        }
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, 60));
      expect(pace.lowest).toBeLessThanOrEqual(4);
      await new Promise((r) => setTimeout(r, 1500));
      expect(target.concurrency).toBeGreaterThan(pace.lowest);
    } finally {
      pace.stop();
    }
  });
});

describe("queue settings from the environment", () => {
  it("reads concurrency (0 = receive only) and the loop-delay budget, and names a bad value", () => {
    expect(queueOptionsFromEnv({ SUPPORT_TRIAGE_WORKER_CONCURRENCY: "0", SUPPORT_TRIAGE_LOOP_DELAY_MS: "0" }, "p")).toMatchObject({ concurrency: 0, loopDelayMs: 0, prefix: "p" });
    expect(queueOptionsFromEnv({}, "p")).toMatchObject({ concurrency: 16, loopDelayMs: 10 });
    expect(() => queueOptionsFromEnv({ SUPPORT_TRIAGE_WORKER_CONCURRENCY: "many" }, "p")).toThrow(/SUPPORT_TRIAGE_WORKER_CONCURRENCY must be whole jobs from 0 to 256, got "many"/);
  });
});

describe("a receive-only replica", () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const c = new Redis(redis.url, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await redis.stop();
  });

  it("stores deliveries without working them; a replica with workers works each once", async () => {
    const prefix = `test-receive-only-${process.pid}-${Date.now()}`;
    const ranOnReceiver: string[] = [];
    const ranOnWorker: string[] = [];
    const receiver = new RedisQueue(connect(), connect(), async (job) => void ranOnReceiver.push(job.deliveryId), { prefix, concurrency: 0 });
    expect(receiver.concurrency).toBe(0);
    const job = (id: string): DeliveryJob => ({ kind: "prepare", deliveryId: id, event: "installation.created", installationId: 1, repos: [], invalidate: false });
    for (const id of ["d1", "d2", "d3", "d2"]) expect(await receiver.enqueue(job(id))).toBe("queued");
    await new Promise((r) => setTimeout(r, 300));
    expect(ranOnReceiver).toEqual([]);
    expect(await receiver.pending()).toBe(3);
    const worker = new RedisQueue(connect(), connect(), async (j) => void ranOnWorker.push(j.deliveryId), { prefix });
    try {
      const deadline = Date.now() + 10_000;
      while ((await worker.pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect([...ranOnWorker].sort()).toEqual(["d1", "d2", "d3"]);
      expect(ranOnReceiver).toEqual([]);
    } finally {
      await worker.close();
      await receiver.close();
    }
  });
});
