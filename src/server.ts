/**
 * Starts the app in a Probot server with the one Octokit stack (src/github/octokit.ts).
 * Production (src/main.ts), the simulator's app hosts and the bench all start it here, so
 * they differ only in what they pass: the scheduler (the wall clock, or the simulator's),
 * the clock the app reads, and where escalation notifications go.
 */
import type { Redis } from "ioredis";
import { Probot, Server, type ApplicationFunction } from "probot";
import type { Logger as PinoLogger } from "pino";
import { createApp, type AppOptions } from "./app.js";
import { createOctokit, DEFAULT_PACING, Pacing, type PacingOptions, type Scheduler } from "./github/octokit.js";
import { Redis as RedisClient } from "ioredis";
import { connectRedis, KEY_PREFIX, RedisClaims, RedisLeases, RedisPacingStore, RedisSharedCache, type Claims } from "./github/redis.js";
import { healthHandler } from "./handlers/health.js";
import { leaseMsFromEnv, SharedItemLocks } from "./handlers/item-locks.js";
import { queueOptionsFromEnv, RedisQueue } from "./handlers/queue.js";
import { Lifecycle } from "./handlers/lifecycle.js";

export interface ServerSpec {
  readonly host: string;
  readonly port: number;
  readonly webhookPath?: string;
  readonly webhookProxy?: string;
  readonly log: PinoLogger;
  readonly appId: number | string;
  readonly privateKey: string;
  readonly secret: string;
  /** REST base URL (GitHub Enterprise, or the simulator: `<url>/api/v3`). */
  readonly baseUrl?: string;
  /** Shared state for replicas: the pacing state, escalation claims, leases, the delivery queue, the caches. */
  readonly redisUrl?: string;
  /** Prefix of the app's keys in Redis (default `support-triage:`). */
  readonly redisPrefix?: string;
  /** How waits are spent: real time in production. */
  readonly scheduler: Scheduler;
  readonly pacing?: PacingOptions;
  /** Everything else the app is given (its clock, sweep settings, notification sender…). */
  readonly app?: Omit<AppOptions, "lifecycle" | "claims">;
  /** The app to load; default the production `createApp` (tests may pass a stand-in). */
  readonly createApp?: (options: AppOptions) => ApplicationFunction;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly lifecycle: Lifecycle;
  readonly pacing: Pacing;
  /** The Probot instance (tests compare the clients it makes). */
  readonly probot: Probot;
  /**
   * Graceful stop: no new deliveries, in-flight work finishes (at most `graceMs`), then the
   * HTTP server and Redis close. Resolves true when nothing was cut short.
   */
  shutdown(graceMs: number): Promise<boolean>;
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const redis: Redis | null = spec.redisUrl ? connectRedis(spec.redisUrl) : null;
  const pacing = new Pacing(spec.scheduler, spec.pacing ?? DEFAULT_PACING, ...(redis ? [new RedisPacingStore(redis, spec.redisPrefix)] : []));
  const lifecycle = new Lifecycle();
  const claims: Claims | undefined = redis ? new RedisClaims(redis, spec.redisPrefix) : undefined;
  const leases = redis ? new RedisLeases(redis, spec.redisPrefix) : undefined;
  // BullMQ wants connections that never give up on a command (it blocks waiting for jobs).
  const queueConnections = spec.redisUrl
    ? [new RedisClient(spec.redisUrl, { maxRetriesPerRequest: null }), new RedisClient(spec.redisUrl, { maxRetriesPerRequest: null })]
    : [];
  const server = new Server({
    host: spec.host,
    port: spec.port,
    log: spec.log,
    ...(spec.webhookPath ? { webhookPath: spec.webhookPath } : {}),
    ...(spec.webhookProxy ? { webhookProxy: spec.webhookProxy } : {}),
    Probot: Probot.defaults({
      appId: spec.appId,
      privateKey: spec.privateKey,
      secret: spec.secret,
      log: spec.log,
      Octokit: createOctokit(pacing),
      ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
    }),
  });
  let probot: Probot | null = null;
  await server.load((app) => {
    probot = app;
  });
  const [queueConnection, workerConnection] = queueConnections;
  await server.load(
    (spec.createApp ?? createApp)({
      ...(spec.app ?? {}),
      lifecycle,
      ...(claims ? { claims } : {}),
      ...(redis ? { sharedCache: new RedisSharedCache(redis, spec.redisPrefix) } : {}),
      ...(leases ? { leases, itemLocks: new SharedItemLocks(leases, leaseMsFromEnv(spec.app?.env ?? process.env)) } : {}),
      ...(queueConnection && workerConnection
        ? { deliveryQueue: (run) => new RedisQueue(queueConnection, workerConnection, run, queueOptionsFromEnv(spec.app?.env ?? process.env, `${spec.redisPrefix ?? KEY_PREFIX}bull`)) }
        : {}),
    }),
  );
  // /healthz (alive) and /readyz (GitHub authentication as the app; Redis when configured).
  const app = probot as unknown as Probot;
  server.addHandler(
    healthHandler({
      github: async () => {
        await (await app.auth()).request("GET /app");
      },
      ...(redis ? { redis: async () => void (await redis.ping()) } : {}),
    }),
  );
  let http: Awaited<ReturnType<Server["start"]>>;
  try {
    http = await server.start();
  } catch (err) {
    for (const c of [...queueConnections, ...(redis ? [redis] : [])]) c.disconnect();
    throw err;
  }
  let stopping: Promise<boolean> | null = null;
  return {
    server,
    url: `http://${spec.host.includes(":") ? `[${spec.host}]` : spec.host}:${server.port}`,
    lifecycle,
    pacing,
    probot: probot as unknown as Probot,
    shutdown: (graceMs) =>
      (stopping ??= (async () => {
        // Stop listening first (in-flight requests keep their connections until answered),
        // then let the work in flight finish.
        const closed = server.stop().catch(() => undefined);
        const complete = await lifecycle.drain(graceMs);
        // Answers are out: connections kept alive by clients go too.
        http.closeIdleConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
        http.closeAllConnections();
        leases?.stopRenewing();
        for (const c of [...queueConnections, ...(redis ? [redis] : [])]) await c.quit().catch(() => undefined);
        return complete;
      })()),
  };
}
