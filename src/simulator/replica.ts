/**
 * A forked replica: the production app in its own Node process, with its own caches and
 * per-item locks, pointed at a simulator another process runs. The scenario runner
 * starts one per replica (see app-host.ts) to show what happens when two app servers
 * receive the events of the same item — the case an in-process lock cannot cover.
 *
 * It talks to its parent over IPC only: "ready" once listening, every log line (the
 * runner narrates plans and collects errors from them), outgoing escalation webhooks
 * (recorded, never sent), and acknowledgements for clock moves and flushes.
 */
import { createApp } from "../app.js";
import { startAppServer, type FromReplica, type ReplicaEnv, type ToReplica } from "./app-host.js";

const send = (message: FromReplica): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  const raw = process.env["SUPPORT_TRIAGE_SIM_REPLICA"];
  const key = process.env["SUPPORT_TRIAGE_SIM_KEY"];
  if (!raw || !key) throw new Error("SUPPORT_TRIAGE_SIM_REPLICA and SUPPORT_TRIAGE_SIM_KEY must be set by the scenario runner");
  const config = JSON.parse(raw) as ReplicaEnv;
  let now = config.now;
  const server = await startAppServer({
    simUrl: config.simUrl,
    port: config.port,
    privateKey: key,
    clock: () => now,
    onLogLine: (line) => send({ type: "log", line }),
    onOutgoingWebhook: (url, id, body) => send({ type: "outgoing-webhook", url, id, body }),
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...(config.sweepIntervalMinutes !== undefined ? { sweepIntervalMinutes: config.sweepIntervalMinutes } : {}),
    ...(config.redisPrefix ? { redisPrefix: config.redisPrefix } : {}),
    createApp,
  });
  process.on("message", (incoming) => {
    const message = incoming as ToReplica;
    if (message.type === "clock") {
      now = message.now;
      send({ type: "ack", id: message.id });
    } else if (message.type === "flush") {
      void server.lifecycle.idle().then(() => send({ type: "ack", id: message.id }));
    } else {
      void server.shutdown(5000).finally(() => process.exit(0));
    }
  });
  // The runner died: don't linger as an orphan.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
