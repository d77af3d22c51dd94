/**
 * The one Octokit stack the app runs with — in production, in the simulator, in the e2e
 * and fault suites and in the bench. Only the scheduler (what "now" is and how a wait
 * is spent) differs: production waits in real time, the simulator's waits resolve at
 * once on its frozen clock.
 *
 * It is Probot's own `ProbotOctokit` (throttling, retry, pagination, REST methods,
 * enterprise compatibility, request logging, config) plus one plugin of ours, the
 * request policy, registered last so that it wraps all of them:
 *
 * - **No blind re-sends.** `@octokit/plugin-retry` is switched off ({@link RETRY_OPTIONS}):
 *   a GraphQL mutation answered 5xx may have been applied, and only the app's own loop
 *   (read again, re-plan) can tell. Idempotent reads (GET, HEAD, GraphQL queries) are
 *   retried here, at most {@link READ_RETRIES} times, waiting on the scheduler; GraphQL's
 *   "Something went wrong" answer counts as a 500, as the retry plugin counted it.
 * - **Pacing as GitHub documents it**: content-creating writes (GraphQL mutations, REST
 *   POST/PATCH/PUT/DELETE) are spaced per installation — GitHub's secondary limits and
 *   its "wait a second between writes" advice are per user or installation — and reads
 *   are never queued behind writes. `@octokit/plugin-throttling` keeps its concurrency
 *   limits (10 requests at once per installation, one token request at a time, run by
 *   {@link ConcurrencyGroup} instead of Bottleneck's timers) but its time-based queues (one GraphQL request a second for reads too) are replaced by
 *   pass-through groups; its rate-limit handlers never re-send (they would wait in real
 *   time and re-send writes): the policy records the limit and the app's loop retries.
 * - **Back-off for the whole installation.** A secondary rate limit (`retry-after`, or
 *   GitHub's message) or a spent primary limit (`x-ratelimit-reset`) blocks every
 *   request of that installation — every repository, sweeps too — until GitHub's time.
 *   After {@link PacingOptions.breakerThreshold} server errors in a row, the installation
 *   pauses with growing back-off instead of hammering an outage.
 *
 * The pacing state lives in a {@link PacingStore}: in memory, or shared by every replica
 * through Redis (`REDIS_URL`, see ./redis.ts).
 */
import { RequestError } from "@octokit/request-error";
import { ProbotOctokit } from "probot";
import { msFromEnv } from "../config/env-ms.js";
import { errorStatus } from "./client.js";

/** What "now" is and how to wait. Production: the wall clock; the simulator: its own. */
export interface Scheduler {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** Retries of an idempotent read that failed with a server or network error. */
export const READ_RETRIES = 2;

export interface PacingOptions {
  /** Least time between two content-creating writes of one installation (ms). */
  readonly writeSpacingMs: number;
  /** Server errors in a row that pause an installation. */
  readonly breakerThreshold: number;
  /** First pause after the threshold; each further trip doubles it, up to `pauseMaxMs`. */
  readonly pauseBaseMs: number;
  readonly pauseMaxMs: number;
  /** A secondary limit without `retry-after` (GitHub: wait at least a minute). */
  readonly secondaryFallbackMs: number;
  /** Longest a request waits for its installation's block before giving up (ms). */
  readonly maxWaitMs: number;
}

export const DEFAULT_PACING: PacingOptions = {
  writeSpacingMs: 1000,
  breakerThreshold: 5,
  pauseBaseMs: 30_000,
  pauseMaxMs: 15 * 60_000,
  secondaryFallbackMs: 60_000,
  maxWaitMs: 60_000,
};

/** Pacing options from the environment (SUPPORT_TRIAGE_WRITE_SPACING_MS). */
export function pacingFromEnv(env: NodeJS.ProcessEnv): PacingOptions {
  return { ...DEFAULT_PACING, writeSpacingMs: msFromEnv(env, "SUPPORT_TRIAGE_WRITE_SPACING_MS", DEFAULT_PACING.writeSpacingMs, 0, 60_000) };
}

/** Pacing state per installation, shared by whoever shares the store. */
export interface PacingStore {
  /** Reserves the next write slot of `key` at least `spacingMs` after the previous one; returns when it is (epoch ms). */
  reserveWrite(key: string, spacingMs: number, now: number): Promise<number>;
  /** Until when `key` is blocked (epoch ms; 0 = not blocked) and why. */
  blocked(key: string): Promise<{ until: number; reason: string }>;
  /** Blocks `key` until `until` (a later block wins). */
  block(key: string, until: number, reason: string): Promise<void>;
}

export class MemoryPacingStore implements PacingStore {
  private readonly lastWrite = new Map<string, number>();
  private readonly blocks = new Map<string, { until: number; reason: string }>();

  async reserveWrite(key: string, spacingMs: number, now: number): Promise<number> {
    const last = this.lastWrite.get(key);
    const at = last === undefined ? now : Math.max(now, last + spacingMs);
    this.lastWrite.set(key, at);
    if (this.lastWrite.size > 10_000) this.prune(now);
    return at;
  }

  async blocked(key: string): Promise<{ until: number; reason: string }> {
    return this.blocks.get(key) ?? { until: 0, reason: "" };
  }

  async block(key: string, until: number, reason: string): Promise<void> {
    const current = this.blocks.get(key);
    if (!current || current.until < until) this.blocks.set(key, { until, reason });
  }

  /** Forget installations idle for a minute (a long-running server sees many). */
  private prune(now: number): void {
    for (const [k, at] of this.lastWrite) if (at < now - 60_000) this.lastWrite.delete(k);
    for (const [k, b] of this.blocks) if (b.until < now) this.blocks.delete(k);
  }
}

/** "installation 12", or "the app itself (JWT)": a pacing key for people. */
export function describeKey(key: string): string {
  if (key.startsWith("installation:")) return `installation ${key.slice("installation:".length)}`;
  return key === "app" ? "the app's own requests (JWT)" : "requests with the token";
}

/** GitHub refuses this installation's requests for now; nothing was sent. */
export class InstallationPausedError extends Error {
  override readonly name = "InstallationPausedError";
  /** A webhook handler failing with it answers 503: GitHub shows the delivery failed, it can be redelivered. */
  readonly status = 503;
  constructor(
    readonly installation: string,
    readonly until: number,
    readonly reason: string,
    readonly retryAfterMs: number,
  ) {
    super(`GitHub requests of ${describeKey(installation)} are paused until ${new Date(until).toISOString()} (${reason}); nothing was sent`);
  }
}

export interface RequestKind {
  readonly graphql: boolean;
  /** GraphQL mutation or REST POST/PATCH/PUT/DELETE: creates or changes content. */
  readonly write: boolean;
  /** Safe to send again: GET, HEAD, GraphQL queries. */
  readonly idempotent: boolean;
}

/** What a request is, from Octokit's endpoint options. */
export function classify(options: { method?: string; url?: string; query?: unknown }): RequestKind {
  const method = (options.method ?? "GET").toUpperCase();
  const url = options.url ?? "";
  const graphql = /(^|\/)graphql$/.test(url.split("?")[0] ?? "");
  if (graphql) {
    const query = typeof options.query === "string" ? options.query : "";
    // Fail closed: only a document that is plainly a query counts as a read.
    const read = /^\s*(#[^\n]*\n\s*)*(query\b|\{)/.test(query);
    return { graphql, write: !read, idempotent: read };
  }
  const read = method === "GET" || method === "HEAD";
  return { graphql, write: !read, idempotent: read };
}

const header = (err: unknown, name: string): string | null => {
  const h = (err as { response?: { headers?: Record<string, unknown> } })?.response?.headers;
  const v = h?.[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : null;
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** How a failure bears on the installation's pacing. */
export function failureKind(err: unknown, now: number, options: PacingOptions): { kind: "secondary" | "primary"; until: number } | { kind: "server" } | { kind: "other" } {
  if (err instanceof InstallationPausedError) return { kind: "other" };
  const status = errorStatus(err);
  const retryAfter = header(err, "retry-after");
  const afterMs = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null;
  const text = message(err);
  if (status === 403 || status === 429) {
    const reset = header(err, "x-ratelimit-reset");
    if (header(err, "x-ratelimit-remaining") === "0" && reset !== null && /^\d+$/.test(reset) && afterMs === null) {
      return { kind: "primary", until: Math.max(now, Number(reset) * 1000) };
    }
    if (afterMs !== null || status === 429 || /secondary rate limit|abuse/i.test(text)) {
      return { kind: "secondary", until: now + (afterMs ?? options.secondaryFallbackMs) };
    }
    return { kind: "other" };
  }
  if (status === null && /RATE_LIMITED|GraphQL Rate Limit/i.test(text)) {
    const reset = header(err, "x-ratelimit-reset");
    return { kind: "primary", until: reset !== null && /^\d+$/.test(reset) ? Math.max(now, Number(reset) * 1000) : now + options.secondaryFallbackMs };
  }
  if ((status !== null && status >= 500) || (status === null && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|other side closed/i.test(text))) {
    return { kind: "server" };
  }
  return { kind: "other" };
}

export interface Logger {
  warn: (obj: object, msg?: string) => void;
  info: (obj: object, msg?: string) => void;
}

/**
 * Per-installation pacing, back-off and circuit breaker. One per process, shared by every
 * Octokit instance the process creates (the store may be shared further, across replicas).
 */
export class Pacing {
  private readonly serverErrors = new Map<string, { inARow: number; trips: number }>();
  /** Writes of one installation leave this process one at a time, in order. */
  private readonly writeTails = new Map<string, Promise<void>>();

  constructor(
    readonly scheduler: Scheduler,
    readonly options: PacingOptions = DEFAULT_PACING,
    readonly store: PacingStore = new MemoryPacingStore(),
  ) {}

  /** Waits while the installation is blocked, or refuses at once when the block is long. */
  async gate(key: string): Promise<void> {
    const { until, reason } = await this.store.blocked(key);
    const wait = until - this.scheduler.now();
    if (wait <= 0) return;
    if (wait > this.options.maxWaitMs) throw new InstallationPausedError(key, until, reason, wait);
    // One wait for what GitHub asked; the simulator's clock does not move while it waits.
    await this.scheduler.sleep(wait);
  }

  /** Waits for this installation's next write slot. */
  async spaceWrite(key: string): Promise<void> {
    const previous = this.writeTails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.writeTails.set(key, tail);
    await previous;
    try {
      const at = await this.store.reserveWrite(key, this.options.writeSpacingMs, this.scheduler.now());
      const wait = at - this.scheduler.now();
      if (wait > 0) await this.scheduler.sleep(wait);
    } finally {
      release();
      if (this.writeTails.get(key) === tail) this.writeTails.delete(key);
    }
  }

  succeeded(key: string): void {
    this.serverErrors.delete(key);
  }

  /** Records a failure: rate limits block the installation, a run of server errors pauses it. */
  async failed(key: string, err: unknown, log?: Logger): Promise<void> {
    const now = this.scheduler.now();
    const f = failureKind(err, now, this.options);
    if (f.kind === "secondary" || f.kind === "primary") {
      const reason = f.kind === "secondary" ? "secondary rate limit" : "rate limit spent";
      await this.store.block(key, f.until, reason);
      log?.warn(
        { event: "support-triage.github-backoff", installation: key, reason, until: new Date(f.until).toISOString(), waitMs: f.until - now },
        `GitHub ${reason}: every request of ${describeKey(key)} waits until ${new Date(f.until).toISOString()}`,
      );
      return;
    }
    if (f.kind !== "server") return;
    const s = this.serverErrors.get(key) ?? { inARow: 0, trips: 0 };
    s.inARow++;
    this.serverErrors.set(key, s);
    if (s.inARow < this.options.breakerThreshold) return;
    const pause = Math.min(this.options.pauseMaxMs, this.options.pauseBaseMs * 2 ** s.trips);
    s.trips++;
    s.inARow = 0;
    const until = now + pause;
    await this.store.block(key, until, `${this.options.breakerThreshold} server errors in a row`);
    log?.warn(
      { event: "support-triage.github-paused", installation: key, pauseMs: pause, until: new Date(until).toISOString() },
      `GitHub keeps failing: ${describeKey(key)} pause for ${Math.round(pause / 1000)} s, until ${new Date(until).toISOString()}; work that comes meanwhile waits or is left to the next sweep`,
    );
  }
}

/** A throttling group that lets everything through at once (its job is done by {@link Pacing}). */
const passThroughGroup = {
  key: () => ({
    schedule: <T>(...args: unknown[]): Promise<T> => {
      const fnIndex = typeof args[0] === "function" ? 0 : 1;
      const fn = args[fnIndex] as (...a: unknown[]) => Promise<T>;
      return Promise.resolve().then(() => fn(...args.slice(fnIndex + 1)));
    },
  }),
};

/**
 * A concurrency limit per key without timers: what plugin-throttling's `global` (10 at once
 * per installation) and `auth` (one token request at a time) groups do, without Bottleneck.
 * Bottleneck schedules every job through zero-delay timers; under load each request then
 * waits several turns of a busy event loop (measured: tens of milliseconds per delivery,
 * about a quarter of its CPU). A job here starts at once when a slot is free, else when one
 * is released, in arrival order.
 */
export class ConcurrencyGroup {
  private readonly limiters = new Map<string, { running: number; waiting: (() => void)[] }>();
  constructor(readonly maxConcurrent: number) {}

  key(id = "") {
    return {
      schedule: async <T>(...args: unknown[]): Promise<T> => {
        const fnIndex = typeof args[0] === "function" ? 0 : 1;
        const fn = args[fnIndex] as (...a: unknown[]) => Promise<T>;
        let l = this.limiters.get(id);
        if (!l) this.limiters.set(id, (l = { running: 0, waiting: [] }));
        const limiter = l;
        if (limiter.running >= this.maxConcurrent) await new Promise<void>((resolve) => limiter.waiting.push(resolve));
        else limiter.running++;
        try {
          return await fn(...args.slice(fnIndex + 1));
        } finally {
          const next = limiter.waiting.shift();
          if (next) next(); // the slot passes on as it is
          else if (--limiter.running === 0) this.limiters.delete(id);
        }
      },
    };
  }

  /** Keys with requests running or waiting (tests). */
  get activeKeys(): number {
    return this.limiters.size;
  }
}

/**
 * plugin-throttling's retry limiter without Bottleneck: runs the request; on a failure asks
 * the plugin's "failed" handlers, which answer a wait in ms to re-send or nothing. Ours
 * ({@link THROTTLE_OPTIONS}) never ask to re-send; a wait, were one asked, runs on the scheduler.
 */
export class RetryLimiter {
  private readonly handlers: ((error: unknown, info: { args: unknown[]; retryCount: number }) => unknown)[] = [];
  constructor(private readonly scheduler: Scheduler) {}

  on(event: string, handler: (error: unknown, info: { args: unknown[]; retryCount: number }) => unknown): void {
    if (event === "failed") this.handlers.push(handler);
  }

  async schedule<T>(fn: (...a: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await fn(...args);
      } catch (err) {
        let wait: unknown;
        for (const h of this.handlers) {
          // A handler that throws (the plugin's reads `error.response.headers`, absent on a
          // network error) asks for nothing, as with Bottleneck: the request's own error stands.
          const w = await Promise.resolve()
            .then(() => h(err, { args, retryCount }))
            .catch(() => undefined);
          if (typeof w === "number") wait = w;
        }
        if (typeof wait !== "number") throw err;
        if (wait > 0) await this.scheduler.sleep(wait);
      }
    }
  }
}

/** The throttling plugin's options: its concurrency limits stay, its timed queues and re-sends go. */
export const THROTTLE_OPTIONS = {
  enabled: true,
  write: passThroughGroup,
  search: passThroughGroup,
  notifications: passThroughGroup,
  // The policy has recorded the limit (the whole installation waits); the app's loop
  // retries from a fresh read. Returning false: the plugin never re-sends on its own.
  onRateLimit: () => false,
  onSecondaryRateLimit: () => false,
} as const;

/** plugin-throttling's limits as {@link ConcurrencyGroup}s, shared by one process's clients. */
export function throttleGroups(): { global: ConcurrencyGroup; auth: ConcurrencyGroup } {
  return { global: new ConcurrencyGroup(10), auth: new ConcurrencyGroup(1) };
}

/**
 * The retry plugin's options: off. With every request's budget at 0 (no blind re-sends) all
 * it still did was one Bottleneck limiter per request (zero-delay timers on every request)
 * and turning GraphQL's "Something went wrong while executing your query" answer into a 500
 * error; the request policy does that conversion itself, and its read retries are the only
 * retries. The plugin stays in the stack (it is Probot's), switched off the same way in
 * production, the simulator, the tests and the bench.
 */
export const RETRY_OPTIONS = { enabled: false } as const;

/** GitHub's answer to a query that failed on its side: an error the policy treats as a server error. */
export const GRAPHQL_SERVER_ERROR = /Something went wrong while executing your query/;

interface EndpointOptions {
  method?: string;
  url?: string;
  query?: unknown;
  request?: Record<string, unknown>;
  [k: string]: unknown;
}

type OctokitLike = {
  hook: { wrap: (name: "request", fn: (request: (o: EndpointOptions) => Promise<unknown>, options: EndpointOptions) => Promise<unknown>) => void };
  log?: Logger;
};

/** The key requests of one Octokit instance are paced under: its installation, or the app itself. */
export function installationKey(octokitOptions: Record<string, unknown>): string {
  const auth = octokitOptions["auth"];
  const id = typeof auth === "object" && auth !== null ? (auth as { installationId?: unknown }).installationId : undefined;
  if (typeof id === "number" || typeof id === "string") return `installation:${id}`;
  return typeof auth === "string" ? "token" : "app";
}

/**
 * The options an Octokit instance runs with, as plain data (functions by name): what the
 * test comparing the production client with the simulated one compares.
 */
export function describeOptions(octokitOptions: Record<string, unknown>): Record<string, unknown> {
  const plain = (v: unknown, depth = 0): unknown => {
    if (typeof v === "function") return `function ${(v as { name?: string }).name || "(anonymous)"}`;
    if (v === passThroughGroup) return "pass-through group";
    if (v instanceof ConcurrencyGroup) return `at most ${v.maxConcurrent} at once per installation`;
    if (v instanceof RetryLimiter) return "retry limiter (re-sends only when a handler asks)";
    if (typeof v !== "object" || v === null || depth > 3) return v;
    if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, plain(x, depth + 1)]));
  };
  return { throttle: plain(octokitOptions["throttle"]), retry: plain(octokitOptions["retry"]) };
}

/** Throws GitHub's "Something went wrong" GraphQL answer as a 500, as plugin-retry did: a read retries it. */
function serverErrorInAnswer(response: unknown, options: EndpointOptions): void {
  const r = response as { data?: { errors?: { message?: unknown }[] }; status?: number; headers?: Record<string, unknown>; url?: string };
  const first = r?.data?.errors?.[0];
  if (first && typeof first.message === "string" && GRAPHQL_SERVER_ERROR.test(first.message)) {
    throw new RequestError(first.message, 500, { request: options as never, response: r as never });
  }
}

/** The request policy plugin, bound to one process's pacing. */
export function requestPolicy(pacing: Pacing) {
  const plugin = (octokit: OctokitLike, octokitOptions: Record<string, unknown>): { supportTriageStack: Record<string, unknown> } => {
    const key = installationKey(octokitOptions);
    octokit.hook.wrap("request", async (request, options) => {
      const kind = classify(options);
      // plugin-retry reads this: nothing is ever re-sent underneath us.
      options.request = { ...(options.request ?? {}), retries: 0 };
      const attempts = kind.idempotent ? 1 + READ_RETRIES : 1;
      for (let attempt = 1; ; attempt++) {
        await pacing.gate(key);
        if (kind.write) await pacing.spaceWrite(key);
        try {
          const response = await request(options);
          if (kind.graphql) serverErrorInAnswer(response, options);
          pacing.succeeded(key);
          return response;
        } catch (err) {
          if (errorStatus(err) === 304) throw err; // "not modified": an answer, not a failure
          await pacing.failed(key, err, octokit.log);
          // A read may go again: after a server error with back-off, after a rate limit
          // once the installation's block (recorded above) is over — the gate waits for it.
          const f = failureKind(err, pacing.scheduler.now(), pacing.options);
          if (attempt >= attempts || f.kind === "other") throw err;
          if (f.kind === "server") await pacing.scheduler.sleep(1000 * 2 ** (attempt - 1));
        }
      }
    });
    // Described on demand (tests compare stacks): not worth its cost on every client. (A
    // getter in the returned object would be read by Octokit's Object.assign at once.)
    Object.defineProperty(octokit, "supportTriageStack", { get: () => ({ key, ...describeOptions(octokitOptions) }), enumerable: false });
    return {} as { supportTriageStack: Record<string, unknown> };
  };
  Object.defineProperty(plugin, "name", { value: "supportTriageRequestPolicy" });
  return plugin;
}

/**
 * The Octokit class the app runs with. Probot adds its authentication, logger, base URL
 * and base URL. (`REDIS_URL` is not given to Probot: the pacing state in Redis is the app's own.)
 */
export function createOctokit(pacing: Pacing): typeof ProbotOctokit {
  const groups = throttleGroups();
  return ProbotOctokit.plugin(requestPolicy(pacing) as never).defaults((options: Record<string, unknown>) => ({
    ...options,
    throttle: {
      ...(typeof options["throttle"] === "object" ? (options["throttle"] as object) : {}),
      ...THROTTLE_OPTIONS,
      ...groups,
      // One per client, as the plugin would make it: it registers a handler per client.
      retryLimiter: new RetryLimiter(pacing.scheduler),
    },
    retry: { ...(typeof options["retry"] === "object" ? (options["retry"] as object) : {}), ...RETRY_OPTIONS },
  })) as unknown as typeof ProbotOctokit;
}
