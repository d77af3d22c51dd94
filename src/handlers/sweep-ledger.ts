/**
 * What a sweep remembers of a repository between runs, so that the next one reads only what
 * can need work (see docs/architecture.md, "Sweeps that fit GitHub's budget"):
 *
 * - `watermark`: when the last complete sweep of the repository started. The next sweep
 *   searches only items updated since (less a margin for GitHub's search index), instead of
 *   every tracked item.
 * - `waiting`: the tracked items that wait for a first response and are not escalated, each
 *   with its wake time (its due time, or its at-risk warning's): an unchanged item needs no
 *   read until then.
 *
 * Kept in this process, and with Redis in the shared cache too (a week), so every replica
 * and a restarted one starts warm. A ledger that is lost or corrupt costs one full (lean)
 * scan of the repository, nothing else: it is an optimisation, never the source of truth —
 * every decision is still taken from a fresh read of the item inside its lock.
 */
import type { SharedCache } from "../github/redis.js";
import type { ItemKind } from "../triage/types.js";

export interface WaitingItem {
  readonly kind: ItemKind;
  /** GraphQL node id (read in batches with `nodes(ids:)`). */
  readonly id: string;
  /** Discussions: the category (names its form). */
  readonly slug: string | null;
  readonly wakeAt: number;
}

export interface RepoLedger {
  watermark: number | null;
  readonly waiting: Map<number, WaitingItem>;
  /**
   * A scan the points reserve stopped: when it started, and per search the creation time
   * it had reached ("done": that search was finished). The next sweep goes on from there.
   */
  resume?: { startedAt: number; issue: string | null; discussion: string | null } | undefined;
}

const TTL_MS = 7 * 24 * 3600_000;
const VERSION = 1;

type Stored = { v: number; watermark: number | null; waiting: [number, "i" | "d", string, number, string | null][]; resume?: RepoLedger["resume"] };

export class SweepLedgers {
  private readonly local = new Map<string, RepoLedger>();

  constructor(private readonly shared: SharedCache | null = null) {}

  private key(repo: string): string {
    return `sweep-ledger:${repo.toLowerCase()}`;
  }

  async get(repo: string): Promise<RepoLedger> {
    const mine = this.local.get(repo.toLowerCase());
    if (!this.shared) return mine ?? { watermark: null, waiting: new Map() };
    // With replicas, another one may have swept since: the shared copy is the newer one.
    const text = await this.shared.get(this.key(repo)).catch(() => null);
    const parsed = text === null ? null : parse(text);
    return parsed ?? mine ?? { watermark: null, waiting: new Map() };
  }

  async save(repo: string, ledger: RepoLedger): Promise<void> {
    this.local.set(repo.toLowerCase(), ledger);
    if (!this.shared) return;
    const stored: Stored = {
      v: VERSION,
      watermark: ledger.watermark,
      waiting: [...ledger.waiting].map(([n, w]) => [n, w.kind === "issue" ? "i" : "d", w.id, w.wakeAt, w.slug]),
      ...(ledger.resume ? { resume: ledger.resume } : {}),
    };
    await this.shared.set(this.key(repo), JSON.stringify(stored), TTL_MS).catch(() => undefined);
  }
}

function parse(text: string): RepoLedger | null {
  try {
    const s = JSON.parse(text) as Stored;
    if (s.v !== VERSION || !Array.isArray(s.waiting)) return null;
    const waiting = new Map<number, WaitingItem>();
    for (const row of s.waiting) {
      if (!Array.isArray(row) || row.length !== 5) continue;
      const [n, k, id, wakeAt, slug] = row;
      if (typeof n !== "number" || typeof id !== "string" || typeof wakeAt !== "number") continue;
      waiting.set(n, { kind: k === "i" ? "issue" : "discussion", id, wakeAt, slug: typeof slug === "string" ? slug : null });
    }
    const r = s.resume;
    const resume = r && typeof r.startedAt === "number" ? { startedAt: r.startedAt, issue: typeof r.issue === "string" ? r.issue : null, discussion: typeof r.discussion === "string" ? r.discussion : null } : undefined;
    return { watermark: typeof s.watermark === "number" ? s.watermark : null, waiting, ...(resume ? { resume } : {}) };
  } catch {
    return null;
  }
}
