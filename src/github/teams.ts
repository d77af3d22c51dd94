/**
 * Members of the responder teams named in `responders.teams` ("org/team-slug"), cached per
 * process for a while: team membership changes rarely, and a response check should not
 * cost a request per comment. Needs the app's `members: read` permission; without it the
 * team is treated as empty and a warning is logged once per team.
 */
import { errorStatus, type GitHubClient } from "./client.js";
import type { SharedCache } from "./redis.js";

interface Entry {
  members: ReadonlySet<string>;
  fetchedAt: number;
}

export class TeamCache {
  private readonly entries = new Map<string, Entry>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    /** Shared by replicas (Redis): members one replica fetched, the others reuse until they expire. */
    private readonly shared: SharedCache | null = null,
  ) {}

  async members(
    client: GitHubClient,
    teams: readonly string[],
    now: number,
    warn: (team: string, status: number | null) => void = () => {},
  ): Promise<ReadonlySet<string> | undefined> {
    if (teams.length === 0) return undefined;
    const all = new Set<string>();
    for (const team of teams) {
      const key = team.toLowerCase();
      let entry = this.entries.get(key);
      if ((!entry || now - entry.fetchedAt >= this.ttlMs) && this.shared) {
        const raw = await this.shared.get(`team:${key}`).catch(() => null);
        const parsed = raw ? (JSON.parse(raw) as { members: string[]; fetchedAt: number }) : null;
        if (parsed && now - parsed.fetchedAt < this.ttlMs) {
          entry = { members: new Set(parsed.members), fetchedAt: parsed.fetchedAt };
          this.entries.set(key, entry);
        }
      }
      if (!entry || now - entry.fetchedAt >= this.ttlMs) {
        entry = { members: await this.fetch(client, key, warn), fetchedAt: now };
        this.entries.set(key, entry);
        void this.shared?.set(`team:${key}`, JSON.stringify({ members: [...entry.members], fetchedAt: now }), this.ttlMs).catch(() => undefined);
      }
      for (const m of entry.members) all.add(m);
    }
    return all;
  }

  private async fetch(client: GitHubClient, team: string, warn: (team: string, status: number | null) => void): Promise<ReadonlySet<string>> {
    const [org, slug] = team.split("/");
    const out = new Set<string>();
    if (!org || !slug) return out;
    try {
      for (let page = 1; page <= 20; page++) {
        const res = await client.request("GET /orgs/{org}/teams/{team_slug}/members", { org, team_slug: slug, per_page: 100, page });
        const list = res.data as Array<{ login: string }>;
        for (const u of list) out.add(u.login.toLowerCase());
        if (list.length < 100) break;
      }
    } catch (err) {
      const status = errorStatus(err);
      if (status !== 403 && status !== 404) throw err;
      if (!this.warned.has(team)) {
        this.warned.add(team);
        warn(team, status);
      }
    }
    return out;
  }
}
