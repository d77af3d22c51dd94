/**
 * `support-triage sweep` with REDIS_URL (a scheduled workflow beside the servers): the run
 * ends — with an error code — when GitHub or Redis fails, instead of hanging on an open
 * connection until the runner's time-out.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, replicaEntry } from "../../src/simulator/app-host.js";
import { startRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const CLI = new URL("../../src/cli/index.ts", import.meta.url).pathname;

async function sweep(env: Record<string, string>): Promise<{ code: number | null; ms: number; stderr: string }> {
  const { execArgv } = replicaEntry();
  const script = `const { main } = await import(${JSON.stringify(CLI)}); process.exitCode = await main(["sweep", "--repo", "acme/support"]);`;
  const t0 = Date.now();
  const child = spawn(process.execPath, [...execArgv, "--input-type=module", "-e", script], {
    env: { PATH: process.env["PATH"] ?? "", GITHUB_TOKEN: "ghs_test", GHE_PROTOCOL: "http", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(killer);
  return { code, ms: Date.now() - t0, stderr };
}

describe("sweep with REDIS_URL", () => {
  it("exits non-zero when GitHub cannot be reached (Redis fine)", async () => {
    const r = await sweep({ REDIS_URL: redis.url, GHE_HOST: `127.0.0.1:${await freePort()}` });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.code).not.toBeNull(); // null: it had to be killed
  }, 60_000);

  it("exits non-zero when Redis cannot be reached", async () => {
    const r = await sweep({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, GHE_HOST: `127.0.0.1:${await freePort()}` });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.code).not.toBeNull();
  }, 60_000);
});
