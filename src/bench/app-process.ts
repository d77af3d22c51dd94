/**
 * Child process entry for an isolated app under measurement (see app-host.ts): the app
 * named by its first argument (support-triage by default, or a reference app of the comparison).
 * Talks to its parent over IPC only: "ready" with its URL, then memory, CPU and error
 * samples on request.
 */
import { sampleMemory } from "./app-host.js";
import { startAppServer } from "./app-server.js";
import { isBenchApp } from "./compare-apps.js";

type Request = { type: "memory" | "cpu" | "errors"; id: number } | { type: "stop" };

async function main(): Promise<void> {
  const simUrl = process.env["BENCH_SIM_URL"] ?? "";
  const now = Number(process.env["BENCH_NOW"]);
  if (!simUrl || !Number.isFinite(now)) throw new Error("BENCH_SIM_URL and BENCH_NOW must be set");
  const app = process.argv[2] || "support-triage";
  if (!isBenchApp(app)) throw new Error(`unknown bench app ${JSON.stringify(app)}`);
  const server = await startAppServer({ simUrl, clock: () => now, app });
  process.on("message", (raw) => {
    const m = raw as Request;
    if (m.type === "stop") {
      void server.stop().finally(() => process.exit(0));
    } else if (m.type === "memory") {
      process.send?.({ type: "memory", id: m.id, sample: sampleMemory() });
    } else if (m.type === "cpu") {
      const c = process.cpuUsage();
      process.send?.({ type: "cpu", id: m.id, cpuMs: (c.user + c.system) / 1000 });
    } else {
      process.send?.({ type: "errors", id: m.id, errors: [...server.errors] });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", url: server.url });
}

main().catch((err: unknown) => {
  process.send?.({ type: "failed", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
