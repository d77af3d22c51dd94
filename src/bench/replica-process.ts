/**
 * Child process entry for one app replica of the Redis figures (src/bench/redis.ts): the
 * real app server with `redisUrl`, so deliveries are queued in BullMQ and answered at once
 * and this process's workers take jobs from the queue it shares with the other replicas.
 * Talks to its parent over IPC only: "ready" with its URL, then, on request, its CPU time,
 * "idle" (nothing in flight here, nothing waiting in the queue), the errors it logged.
 */
import { startAppServer } from "./app-server.js";

export type ToBenchReplica = { type: "cpu" | "errors"; id: number } | { type: "idle"; id: number; maxMs: number } | { type: "stop" };
export type FromBenchReplica =
  | { type: "ready"; url: string }
  | { type: "failed"; message: string }
  | { type: "cpu"; id: number; cpuMs: number }
  | { type: "idle"; id: number; drained: boolean }
  | { type: "errors"; id: number; errors: string[] };

const send = (m: FromBenchReplica): void => void process.send?.(m);

async function main(): Promise<void> {
  const simUrl = process.env["BENCH_SIM_URL"] ?? "";
  const now = Number(process.env["BENCH_NOW"]);
  const redisUrl = process.env["BENCH_REDIS_URL"] ?? "";
  const redisPrefix = process.env["BENCH_REDIS_PREFIX"] ?? "";
  if (!simUrl || !Number.isFinite(now) || !redisUrl || !redisPrefix) throw new Error("BENCH_SIM_URL, BENCH_NOW, BENCH_REDIS_URL and BENCH_REDIS_PREFIX must be set");
  const server = await startAppServer({ simUrl, clock: () => now, redisUrl, redisPrefix });
  process.on("message", (raw) => {
    const m = raw as ToBenchReplica;
    if (m.type === "stop") {
      void server.stop().finally(() => process.exit(0));
    } else if (m.type === "cpu") {
      const c = process.cpuUsage();
      send({ type: "cpu", id: m.id, cpuMs: (c.user + c.system) / 1000 });
    } else if (m.type === "idle") {
      void server.idle(m.maxMs).then((drained) => send({ type: "idle", id: m.id, drained }));
    } else {
      send({ type: "errors", id: m.id, errors: [...server.errors] });
    }
  });
  // The bench died: don't linger as an orphan.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", url: server.url });
}

main().catch((err: unknown) => {
  send({ type: "failed", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
