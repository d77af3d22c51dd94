/**
 * A real Redis for the suites that need one: `SUPPORT_TRIAGE_TEST_REDIS_URL` when set,
 * else a `redis-server` started on a free loopback port (no persistence) and stopped at
 * the end. `.ci/run` installs redis-server when the machine lacks it; without one these
 * suites fail with a message that says how to get it — they are never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { freePort } from "../../src/simulator/app-host.js";

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

function binary(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  if (!found) {
    throw new Error(
      "redis-server is not installed: the Redis suites need a real server. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`), " +
        "or point SUPPORT_TRIAGE_TEST_REDIS_URL at one; `.ci/run` installs it itself.",
    );
  }
  return found;
}

async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const given = process.env["SUPPORT_TRIAGE_TEST_REDIS_URL"];
  if (given) return { url: given, stop: async () => {} };
  const port = await freePort();
  const child: ChildProcess = spawn(binary(), ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = await reachable(port);
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) {
    child.kill("SIGKILL");
    throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
