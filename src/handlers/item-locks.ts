/**
 * The per-item lock. Inside a process a {@link KeyedMutex} serialises the work on one
 * item; with Redis a lease on the item is taken as well, so replicas never work on one item
 * at once. Whoever holds it reads the item afresh before planning (the pipeline always
 * does), so the order of deliveries does not matter.
 */
import { msFromEnv } from "../config/env-ms.js";
import type { Leases } from "../github/redis.js";
import { KeyedMutex } from "./lock.js";

export interface ItemLocks {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  readonly size: number;
}

/** How long a lease lives without renewal (its holder renews it while working): SUPPORT_TRIAGE_LEASE_MS. */
export const DEFAULT_LEASE_MS = 30_000;

export const leaseMsFromEnv = (env: NodeJS.ProcessEnv): number => msFromEnv(env, "SUPPORT_TRIAGE_LEASE_MS", DEFAULT_LEASE_MS, 500, 600_000);
/** How long work waits for another replica's lease on the same item before failing (to be retried). */
export const ITEM_LEASE_WAIT_MS = 60_000;

export class ItemBusyError extends Error {
  override readonly name = "ItemBusyError";
  /** Answered 503 when it ends a delivery: it can be redelivered. */
  readonly status = 503;
  constructor(key: string) {
    super(`another replica has been working on ${key} for over ${ITEM_LEASE_WAIT_MS / 1000} s; try again later`);
  }
}

export class SharedItemLocks implements ItemLocks {
  private readonly local = new KeyedMutex();
  constructor(
    private readonly leases: Leases,
    private readonly ttlMs = DEFAULT_LEASE_MS,
  ) {}

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const lease = await this.leases.acquire(`item:${key}`, this.ttlMs, Math.max(ITEM_LEASE_WAIT_MS, 2 * this.ttlMs));
      if (!lease) throw new ItemBusyError(key);
      try {
        return await fn();
      } finally {
        await lease.release();
      }
    });
  }

  get size(): number {
    return this.local.size;
  }
}
