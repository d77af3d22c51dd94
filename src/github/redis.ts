/**
 * State that replicas share through Redis (`REDIS_URL`): the pacing state of each
 * installation (write slots, back-off) and the escalation claims. Without Redis both
 * live in the process (./octokit.ts's MemoryPacingStore, {@link MemoryClaims}).
 *
 * Keys are prefixed `support-triage:` so the app can share a Redis with Probot's limiter.
 */
import { Redis } from "ioredis";
import type { PacingStore } from "./octokit.js";

export const KEY_PREFIX = "support-triage:";

/** Exclusive, expiring claims: "this replica escalates item X for due time T". */
export interface Claims {
  /** True when this caller now holds `key` (for `ttlMs`); false when someone else does. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back early (only if this caller still holds it). */
  release(key: string): Promise<void>;
}

/**
 * Without Redis: every claim is granted. Inside one process the per-item lock and the
 * fresh read inside it already make escalations exactly once; across processes only a
 * shared store can (docs/architecture.md).
 */
export const LOCAL_CLAIMS: Claims = {
  claim: async () => true,
  release: async () => {},
};

/** Next write slot: max(now, last + spacing), atomically; the key expires when idle. */
const RESERVE_WRITE = `
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
local now = tonumber(ARGV[1])
local spacing = tonumber(ARGV[2])
local at = now
if last >= 0 and last + spacing > now then at = last + spacing end
redis.call('SET', KEYS[1], at, 'PX', spacing + 60000)
return at`;

/** A later block wins; the key lives as long as the block. */
const BLOCK = `
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then
  redis.call('HSET', KEYS[1], 'until', untilMs, 'reason', ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], untilMs + 1000)
end
return 1`;

/** Delete only when the value is still ours. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisPacingStore implements PacingStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = KEY_PREFIX,
  ) {}

  async reserveWrite(key: string, spacingMs: number, now: number): Promise<number> {
    return Number(await this.redis.eval(RESERVE_WRITE, 1, `${this.prefix}write:${key}`, String(now), String(spacingMs)));
  }

  async blocked(key: string): Promise<{ until: number; reason: string }> {
    const h = await this.redis.hgetall(`${this.prefix}block:${key}`);
    return { until: Number(h["until"] ?? 0), reason: h["reason"] ?? "" };
  }

  async block(key: string, until: number, reason: string): Promise<void> {
    await this.redis.eval(BLOCK, 1, `${this.prefix}block:${key}`, String(Math.round(until)), reason);
  }
}

export class RedisClaims implements Claims {
  /** Identifies this process's claims, so a release never drops another replica's. */
  private readonly owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = KEY_PREFIX,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(`${this.prefix}claim:${key}`, this.owner, "PX", Math.max(1, Math.round(ttlMs)), "NX");
    return ok === "OK";
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.prefix}claim:${key}`, this.owner);
  }
}

/**
 * One connection for the app's shared state; commands fail after a few tries rather than
 * queueing forever. `retries` bounds reconnection too (the command line: fail, don't hang).
 */
export function connectRedis(url: string, options: { retries?: number } = {}): Redis {
  const bounded = options.retries;
  return new Redis(url, {
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    lazyConnect: false,
    ...(bounded !== undefined ? { retryStrategy: (times: number) => (times > bounded ? null : Math.min(1000, 100 * times)) } : {}),
  });
}

/** Extend only when the value is still ours. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** A held lease: renewed while the work goes on, released at the end; lost if the holder dies. */
export interface Lease {
  release(): Promise<void>;
  /** True once a renewal found the lease gone (expired or taken): stop the work it guards. */
  readonly lost: boolean;
}

/** Exclusive, renewed leases (a sweep of a repository; the lock on an item). */
export interface Leases {
  /** The lease, or null when someone else holds it. */
  tryAcquire(key: string, ttlMs: number): Promise<Lease | null>;
  /** Waits (polling) until the lease is free, at most `waitMs`; null if it never was. */
  acquire(key: string, ttlMs: number, waitMs: number): Promise<Lease | null>;
}

/** Without Redis: every lease is granted (a process serialises its own work). */
const LOCAL_LEASE: Lease = { release: async () => {}, lost: false };
export const LOCAL_LEASES: Leases = {
  tryAcquire: async () => LOCAL_LEASE,
  acquire: async () => LOCAL_LEASE,
};

export class RedisLeases implements Leases {
  private readonly owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private seq = 0;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = KEY_PREFIX,
  ) {}

  async tryAcquire(key: string, ttlMs: number): Promise<Lease | null> {
    const full = `${this.prefix}lease:${key}`;
    const value = `${this.owner}-${++this.seq}`;
    const ok = await this.redis.set(full, value, "PX", ttlMs, "NX");
    if (ok !== "OK") return null;
    // Renewed at a third of its time while held: a holder that dies lets it expire.
    let lost = false;
    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, full, value, String(ttlMs)).then(
        (n) => {
          if (Number(n) !== 1) lost = true;
        },
        () => undefined,
      );
    }, Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
    this.timers.add(timer);
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        clearInterval(timer);
        this.timers.delete(timer);
        await this.redis.eval(RELEASE, 1, full, value).catch(() => undefined);
      },
    };
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  /** Stops renewing every lease (shutdown): what is cut short lapses and is taken over. */
  stopRenewing(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }

  async acquire(key: string, ttlMs: number, waitMs: number): Promise<Lease | null> {
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(100, delay * 2)) {
      const lease = await this.tryAcquire(key, ttlMs);
      if (lease || Date.now() >= deadline) return lease;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * A second tier for the content caches (configuration files, responder teams): what one
 * replica read, the others find, so a new replica or a restarted one does not pay GitHub
 * again. Values are JSON text with a time to live; a repository's entries can be dropped
 * together (a push that changed its configuration).
 */
export interface SharedCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number, group?: string): Promise<void>;
  dropGroup(group: string): Promise<void>;
}

export class RedisSharedCache implements SharedCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = KEY_PREFIX,
  ) {}

  async get(key: string): Promise<string | null> {
    return this.redis.get(`${this.prefix}cache:${key}`);
  }

  async set(key: string, value: string, ttlMs: number, group?: string): Promise<void> {
    const multi = this.redis.multi().set(`${this.prefix}cache:${key}`, value, "PX", Math.max(1, Math.round(ttlMs)));
    if (group) multi.sadd(`${this.prefix}cache-group:${group}`, key).pexpire(`${this.prefix}cache-group:${group}`, Math.max(1, Math.round(ttlMs)));
    await multi.exec();
  }

  async dropGroup(group: string): Promise<void> {
    const groupKey = `${this.prefix}cache-group:${group}`;
    const keys = await this.redis.smembers(groupKey);
    if (keys.length > 0) await this.redis.del(...keys.map((k) => `${this.prefix}cache:${k}`));
    await this.redis.del(groupKey);
  }
}
