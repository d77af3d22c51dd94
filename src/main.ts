/**
 * `npm start`: the production server. Reads Probot's environment variables (and a `.env`
 * file, which — as with `probot run` — overrides the environment), starts the app with
 * the one Octokit stack, and on SIGTERM/SIGINT shuts down gracefully: no new deliveries
 * (503), the deliveries in flight and the running sweep's current item finish (at most
 * SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS, default 25 s), then exit 0 (1 if work was cut short).
 *
 * Without APP_ID and a private key (and outside production) it serves Probot's set-up
 * page instead, which registers the app from app.yml (src/setup.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { pathToFileURL } from "node:url";
import { getPrivateKey } from "@probot/get-private-key";
import { getTransformStream } from "@probot/pino";
import { pino } from "pino";
import { msFromEnv } from "./config/env-ms.js";
import { pacingFromEnv, realScheduler } from "./github/octokit.js";
import { startServer, type RunningServer } from "./server.js";

export const DEFAULT_GRACE_MS = 25_000;

/** `.env` in the working directory, applied over the environment (Probot's rule). */
export function applyDotEnv(env: NodeJS.ProcessEnv, file = ".env"): void {
  if (!existsSync(file)) return;
  Object.assign(env, parseEnv(readFileSync(file, "utf8")));
}

export const graceFromEnv = (env: NodeJS.ProcessEnv): number => msFromEnv(env, "SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS", DEFAULT_GRACE_MS, 0, 600_000);

async function logger(env: NodeJS.ProcessEnv) {
  const logFormat = env["LOG_FORMAT"] ? (env["LOG_FORMAT"] === "pretty" ? "pretty" : "json") : env["NODE_ENV"] === "production" ? "json" : "pretty";
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env["LOG_LEVEL_IN_STRING"] === "true",
    ...(env["SENTRY_DSN"] ? { sentryDsn: env["SENTRY_DSN"] } : {}),
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env["LOG_LEVEL"] || "info", name: "support-triage", messageKey: env["LOG_MESSAGE_KEY"] || "msg" }, transform);
}

/** Starts the server from the environment; resolves once it listens. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer | null> {
  applyDotEnv(env);
  const privateKey = (() => {
    try {
      return getPrivateKey({ env }) ?? null;
    } catch (err) {
      throw new Error(`PRIVATE_KEY / PRIVATE_KEY_PATH: ${err instanceof Error ? err.message : String(err)}`);
    }
  })();
  const appId = env["APP_ID"];
  if (!appId || !privateKey) {
    if (env["NODE_ENV"] === "production") {
      throw new Error(!appId ? "APP_ID is missing: it is required in production (NODE_ENV=production)" : "PRIVATE_KEY or PRIVATE_KEY_PATH is missing: it is required in production");
    }
    const { startSetup } = await import("./setup.js");
    await startSetup(env);
    return null;
  }
  const log = await logger(env);
  const grace = graceFromEnv(env);
  const running = await startServer({
    host: env["HOST"] || "localhost",
    port: Number(env["PORT"]) || 3000,
    ...(env["WEBHOOK_PATH"] ? { webhookPath: env["WEBHOOK_PATH"] } : {}),
    ...(env["WEBHOOK_PROXY_URL"] ? { webhookProxy: env["WEBHOOK_PROXY_URL"] } : {}),
    log,
    appId: Number(appId),
    privateKey: privateKey.toString(),
    secret: env["WEBHOOK_SECRET"] ?? "development",
    ...(env["GHE_HOST"] ? { baseUrl: `${env["GHE_PROTOCOL"] || "https"}://${env["GHE_HOST"]}/api/v3` } : {}),
    ...(env["REDIS_URL"] ? { redisUrl: env["REDIS_URL"] } : {}),
    scheduler: realScheduler,
    pacing: pacingFromEnv(env),
    app: { env },
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ event: "support-triage.shutdown", signal }, "second signal: exiting now");
      process.exit(1);
    }
    signalled = true;
    log.info({ event: "support-triage.shutdown", signal, inFlight: running.lifecycle.busy, graceMs: grace }, `${signal}: finishing the work in flight (at most ${grace} ms), then exiting`);
    void running.shutdown(grace).then((complete) => {
      if (complete) log.info({ event: "support-triage.shutdown", signal }, "stopped cleanly");
      else log.warn({ event: "support-triage.shutdown", signal, inFlight: running.lifecycle.busy }, "grace period over: exiting with work still in flight (the next sweep repairs it)");
      // Let the log transport flush before exiting.
      setTimeout(() => process.exit(complete ? 0 : 1), 100);
    });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return running;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
