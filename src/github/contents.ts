/**
 * Repository file reads over REST with ETag revalidation. A 304 answer does not count
 * against GitHub's primary rate limit, so a warm cache costs nothing; a missing file is
 * remembered for a while so repositories without a file don't pay a request per event.
 */
import { errorStatus, type GitHubClient } from "./client.js";
import type { SharedCache } from "./redis.js";

/** How long a file read is kept in the shared tier (it is revalidated with its ETag anyway). */
const SHARED_TTL_MS = 60 * 60_000;

interface Entry {
  etag: string | null;
  text: string | null;
  /** Epoch ms when a missing file was last checked (negative caching). */
  checkedAt: number;
}

export interface ContentReadStats {
  requests: number;
  notModified: number;
}

export class ContentCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: ContentReadStats = { requests: 0, notModified: 0 };

  constructor(
    private readonly maxEntries = 2000,
    /** How long a 404 is trusted before asking again. */
    private readonly missingTtlMs = 5 * 60_000,
    /** Shared by replicas (Redis): a file another replica read is revalidated, not fetched. */
    private readonly shared: SharedCache | null = null,
  ) {}

  /** File text, or null when the file (or the repository) does not exist. */
  async read(client: GitHubClient, owner: string, repo: string, path: string, now: number): Promise<string | null> {
    const key = `${owner}/${repo}:${path}`.toLowerCase();
    const hit = this.entries.get(key) ?? (await this.fromShared(key));
    if (hit && hit.text === null && now - hit.checkedAt < this.missingTtlMs) return null;
    const headers: Record<string, string> = {};
    if (hit?.etag) headers["if-none-match"] = hit.etag;
    this.stats.requests++;
    try {
      const res = await client.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path, headers });
      const data = res.data as { type?: string; content?: string; encoding?: string } | unknown[];
      let text: string | null = null;
      if (!Array.isArray(data) && data.type === "file" && typeof data.content === "string") {
        text = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
      }
      const etag = typeof res.headers.etag === "string" ? res.headers.etag : null;
      this.remember(key, { etag, text, checkedAt: now });
      return text;
    } catch (err) {
      const status = errorStatus(err);
      if (status === 304 && hit) {
        this.stats.notModified++;
        this.remember(key, hit);
        return hit.text;
      }
      if (status === 404) {
        this.remember(key, { etag: null, text: null, checkedAt: now });
        return null;
      }
      throw err;
    }
  }

  /** Forget a repository's entries (e.g. after a push touched its configuration). */
  invalidate(owner: string, repo: string): void {
    const prefix = `${owner}/${repo}:`.toLowerCase();
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
    void this.shared?.dropGroup(`contents:${owner}/${repo}`.toLowerCase()).catch(() => undefined);
  }

  private async fromShared(key: string): Promise<Entry | undefined> {
    if (!this.shared) return undefined;
    const raw = await this.shared.get(`contents:${key}`).catch(() => null);
    if (raw === null) return undefined;
    try {
      const e = JSON.parse(raw) as Entry;
      return typeof e === "object" && e !== null && "checkedAt" in e ? e : undefined;
    } catch {
      return undefined;
    }
  }

  private remember(key: string, e: Entry): void {
    if (this.shared) {
      const group = `contents:${key.slice(0, key.indexOf(":"))}`;
      void this.shared.set(`contents:${key}`, JSON.stringify(e), SHARED_TTL_MS, group).catch(() => undefined);
    }
    // Map keeps insertion order: re-inserting marks the entry as recently used.
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
