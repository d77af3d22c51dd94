/**
 * Repository file reads over REST with ETag revalidation. A 304 answer does not count
 * against GitHub's primary rate limit, so a warm cache costs nothing; a missing file is
 * remembered for a while so repositories without a file don't pay a request per event.
 */
import { errorStatus, type GitHubClient } from "./client.js";

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
  ) {}

  /** File text, or null when the file (or the repository) does not exist. */
  async read(client: GitHubClient, owner: string, repo: string, path: string, now: number): Promise<string | null> {
    const key = `${owner}/${repo}:${path}`.toLowerCase();
    const hit = this.entries.get(key);
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
  }

  private remember(key: string, e: Entry): void {
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
