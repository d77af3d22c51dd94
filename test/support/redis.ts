/**
 * A real Redis for the suites that need one: `SUPPORT_TRIAGE_TEST_REDIS_URL` when set,
 * else a `redis-server` started on a free loopback port (no persistence) and stopped at
 * the end — the bench's starter (src/bench/redis.ts). `.ci/run` installs redis-server when
 * the machine lacks it; without one these suites fail with a message that says how to get
 * it — they are never skipped.
 */
import { spawnRedis } from "../../src/bench/redis.js";

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const given = process.env["SUPPORT_TRIAGE_TEST_REDIS_URL"];
  if (given) return { url: given, stop: async () => {} };
  return spawnRedis("point SUPPORT_TRIAGE_TEST_REDIS_URL at one; `.ci/run` installs it itself");
}
