/**
 * Child process entry for an isolated app under measurement (see app-host.ts). Talks to
 * its parent over IPC only: "ready" with its URL, then memory and error samples on request.
 */
import { sampleMemory } from "./app-host.js";
import { startAppServer } from "./app-server.js";

type Request = { type: "memory" | "errors"; id: number } | { type: "stop" };

async function main(): Promise<void> {
  const simUrl = process.env["BENCH_SIM_URL"] ?? "";
  const now = Number(process.env["BENCH_NOW"]);
  if (!simUrl || !Number.isFinite(now)) throw new Error("BENCH_SIM_URL and BENCH_NOW must be set");
  const server = await startAppServer({ simUrl, clock: () => now });
  process.on("message", (raw) => {
    const m = raw as Request;
    if (m.type === "stop") {
      void server.stop().finally(() => process.exit(0));
    } else if (m.type === "memory") {
      process.send?.({ type: "memory", id: m.id, sample: sampleMemory() });
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
