/**
 * The pinned "Support response report" issue (`report.schedule: daily | weekly`): the
 * sweep keeps one issue per repository up to date — found by its hidden marker, edited in
 * place, never duplicated. With `report.discussion_category` it is a discussion in that
 * category instead (found among the app's discussions of the category; not pinned: GitHub's
 * API cannot pin a discussion).
 *
 * Which issue is ours: opened by the app, titled REPORT_TITLE, body carrying the report
 * marker; the lowest number wins should there ever be two. It is looked up with the REST
 * issue list (`creator=` the app), which reads GitHub's database rather than the search
 * index, so an issue created a moment ago is already listed.
 *
 * Never duplicated, replicas included:
 * - a repository's sweep runs under its lease (with Redis, one replica at a time), and the
 *   report is made inside that sweep;
 * - before anything is written, the period's refresh is **claimed** (`report:<repo>:<period
 *   start>`, the escalation claims' store: `SET NX PX` with Redis): two sweeps that found the
 *   report due at once write once; the other stands down;
 * - the issue is looked up again once the claim is held, so the holder sees whatever an
 *   earlier holder made (and finds the report already fresh, or edits it).
 * A refresh that fails keeps its claim until it lapses (a write GitHub answered 502 may have
 * happened): the next sweep after that looks again and edits what it finds.
 *
 * What this process knows (the issue's number and when it was last generated) is kept, so
 * a sweep between two refreshes costs no request at all.
 */
import { repoKey, type GitHubClient, type RepoRef } from "../github/client.js";
import { toActor, type GqlActor } from "../github/normalize.js";
import { CREATE_DISCUSSION, PIN_ISSUE, REPORT_CATEGORIES, REPORT_DISCUSSIONS, UPDATE_DISCUSSION } from "../github/queries.js";
import { sameLogin } from "../triage/text.js";
import type { Config } from "../config/types.js";
import { reportPeriodStart } from "../triage/report.js";
import { parseReportMarker, REPORT_TITLE, renderReportMarkdown } from "../triage/report-render.js";
import { buildRepoReport } from "./report.js";
import type { Logger, Services } from "./services.js";
import type { PointsBudget } from "./sweep.js";

export type ReportIssueOutcome = "created" | "updated" | "not-due" | "claimed-elsewhere" | "incomplete";

export interface ReportIssueResult {
  readonly outcome: ReportIssueOutcome;
  readonly number: number | null;
  /** Write requests made (creating or editing the issue, pinning it). */
  readonly writes: number;
  /** Read requests made (the lookup and the report's scan). */
  readonly reads: number;
}

interface Known {
  readonly number: number;
  readonly nodeId: string;
  /** Epoch ms of the report the issue holds. */
  readonly generatedAt: number;
}

interface ListedIssue {
  number: number;
  node_id: string;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

/** Pages of the app's issues looked through for the report (100 each). */
const MAX_LOOKUP_PAGES = 10;

/** GitHub's limit on an issue body; the report keeps well under it. */
export const MAX_REPORT_BODY = 60_000;

/** Where the report lives: an issue, or a discussion in `report.discussion_category`. */
interface Place {
  /** Key of what this process remembers (a change of category is another place). */
  readonly key: string;
  readonly what: "issue" | "discussion";
  find(): Promise<{ known: Known | null; reads: number }>;
  /** Creates it; returns the write requests made (a pin counts). */
  create(body: string): Promise<{ known: Known; writes: number }>;
  update(known: Known, body: string): Promise<void>;
}

function ours(candidates: readonly { number: number; id: string; title: string; body: string }[]): Known | null {
  const found = candidates
    .filter((i) => i.title === REPORT_TITLE)
    .map((i) => ({ i, marker: parseReportMarker(i.body) }))
    .filter((x) => x.marker !== null)
    .sort((a, b) => a.i.number - b.i.number)[0];
  if (!found?.marker) return null;
  const at = Date.parse(found.marker.generatedAt);
  return { number: found.i.number, nodeId: found.i.id, generatedAt: Number.isFinite(at) ? at : 0 };
}

function issuePlace(client: GitHubClient, repo: RepoRef, appLogin: string, log: Logger): Place {
  return {
    key: `${repoKey(repo)}|issue`,
    what: "issue",
    find: async () => {
      let reads = 0;
      for (let page = 1; page <= MAX_LOOKUP_PAGES; page++) {
        reads++;
        const res = await client.request("GET /repos/{owner}/{repo}/issues", {
          owner: repo.owner,
          repo: repo.repo,
          state: "all",
          creator: appLogin,
          sort: "created",
          direction: "asc",
          per_page: 100,
          page,
        });
        const list = res.data as ListedIssue[];
        const known = ours(list.filter((i) => !i.pull_request).map((i) => ({ number: i.number, id: i.node_id, title: i.title, body: i.body ?? "" })));
        if (known) return { known, reads };
        if (list.length < 100) break;
      }
      return { known: null, reads };
    },
    create: async (body) => {
      const res = await client.request("POST /repos/{owner}/{repo}/issues", { owner: repo.owner, repo: repo.repo, title: REPORT_TITLE, body });
      const data = res.data as { number: number; node_id: string };
      // Pinned where the API allows: GitHub pins three issues at most, and the app may lack the right.
      try {
        await client.graphql(PIN_ISSUE, { id: data.node_id });
      } catch (err) {
        log.info({ event: "support-triage.report-pin-failed", repo: repoKey(repo), number: data.number, err: String(err) }, "the report issue could not be pinned");
      }
      return { known: { number: data.number, nodeId: data.node_id, generatedAt: 0 }, writes: 2 };
    },
    update: async (known, body) => {
      await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: repo.owner, repo: repo.repo, issue_number: known.number, body });
    },
  };
}

/** A configured category that the repository does not have. */
export class ReportCategoryError extends Error {
  override readonly name = "ReportCategoryError";
}

function discussionPlace(client: GitHubClient, repo: RepoRef, appLogin: string, category: string): Place {
  let ids: { repository: string; category: string } | null = null;
  const resolve = async (): Promise<{ repository: string; category: string }> => {
    if (ids) return ids;
    const res = await client.graphql<{ repository: { id: string; discussionCategories: { nodes: { id: string; slug: string; name: string }[] } } | null }>(REPORT_CATEGORIES, { owner: repo.owner, name: repo.repo });
    const r = res.repository;
    const wanted = category.toLowerCase();
    const found = r?.discussionCategories.nodes.find((c) => c.slug.toLowerCase() === wanted || c.name.toLowerCase() === wanted);
    if (!r || !found) {
      const names = r?.discussionCategories.nodes.map((c) => c.slug).join(", ") ?? "";
      throw new ReportCategoryError(`report.discussion_category ${JSON.stringify(category)} is not a discussion category of ${repoKey(repo)}${names ? ` (its categories: ${names})` : ""}`);
    }
    ids = { repository: r.id, category: found.id };
    return ids;
  };
  return {
    key: `${repoKey(repo)}|discussion:${category.toLowerCase()}`,
    what: "discussion",
    find: async () => {
      let reads = ids ? 0 : 1;
      const { category: categoryId } = await resolve();
      let after: string | null = null;
      for (let page = 1; page <= MAX_LOOKUP_PAGES; page++) {
        reads++;
        type Page = { repository: { discussions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ({ id: string; number: number; title: string; body: string; author: GqlActor | null } | null)[] } } | null };
        const res: Page = await client.graphql<Page>(REPORT_DISCUSSIONS, { owner: repo.owner, name: repo.repo, category: categoryId, after });
        const conn = res.repository?.discussions;
        if (!conn) break;
        const mine = conn.nodes.flatMap((n) => {
          const author = n ? toActor(n.author) : null;
          return n && author && sameLogin(author.login, appLogin) ? [{ number: n.number, id: n.id, title: n.title, body: n.body }] : [];
        });
        const known = ours(mine);
        if (known) return { known, reads };
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      return { known: null, reads };
    },
    create: async (body) => {
      const { repository, category: categoryId } = await resolve();
      // GitHub's API has no way to pin a discussion: it is created in its category, unpinned.
      const res = await client.graphql<{ createDiscussion: { discussion: { id: string; number: number } } }>(CREATE_DISCUSSION, { repositoryId: repository, categoryId, title: REPORT_TITLE, body });
      const d = res.createDiscussion.discussion;
      return { known: { number: d.number, nodeId: d.id, generatedAt: 0 }, writes: 1 };
    },
    update: async (known, body) => {
      await client.graphql(UPDATE_DISCUSSION, { id: known.nodeId, body });
    },
  };
}

export class ReportIssueTracker {
  private readonly known = new Map<string, Known>();

  /**
   * Refresh the repository's report issue (or discussion) when its period's report is due.
   * Throws what GitHub throws (the sweep logs it and goes on).
   */
  async maintain(
    client: GitHubClient,
    services: Services,
    repo: RepoRef,
    config: Config,
    log: Logger,
    opts: { points?: PointsBudget } = {},
  ): Promise<ReportIssueResult> {
    const now = services.now();
    const period = reportPeriodStart(config, now);
    const appLogin = await services.appLogin();
    const category = config.report.discussion_category;
    const place = category === null ? issuePlace(client, repo, appLogin, log) : discussionPlace(client, repo, appLogin, category);
    const key = place.key;
    const remembered = this.known.get(key);
    if (remembered && remembered.generatedAt >= period) return { outcome: "not-due", number: remembered.number, writes: 0, reads: 0 };
    let reads = 0;
    const first = await place.find();
    reads += first.reads;
    if (first.known && first.known.generatedAt >= period) {
      this.known.set(key, first.known);
      return { outcome: "not-due", number: first.known.number, writes: 0, reads };
    }
    const claim = `report:${repoKey(repo)}:${period}`;
    if (!(await services.claims.claim(claim, services.claimMs))) {
      return { outcome: "claimed-elsewhere", number: first.known?.number ?? null, writes: 0, reads };
    }
    try {
      // Looked up again under the claim: whatever an earlier holder wrote is listed by now.
      const again = await place.find();
      reads += again.reads;
      const current = again.known;
      if (current && current.generatedAt >= period) {
        this.known.set(key, current);
        return { outcome: "not-due", number: current.number, writes: 0, reads };
      }
      const built = await buildRepoReport(client, services, repo, { config, ...(opts.points ? { points: opts.points } : {}) });
      reads += built.requests;
      if (!built.complete) {
        // Out of GraphQL points: a partial report would be wrong. Give the claim back; a later sweep makes it.
        await services.claims.release(claim);
        return { outcome: "incomplete", number: current?.number ?? null, writes: 0, reads };
      }
      let body = renderReportMarkdown(built.report, { marker: true });
      if (body.length > MAX_REPORT_BODY) body = renderReportMarkdown(built.report, { marker: true, maxBreaches: 50 });
      let writes = 0;
      let known: Known;
      if (current) {
        writes++;
        await place.update(current, body);
        known = { ...current, generatedAt: now };
      } else {
        const made = await place.create(body);
        writes += made.writes;
        known = { ...made.known, generatedAt: now };
      }
      this.known.set(key, known);
      const outcome = current ? "updated" : "created";
      log.info({ event: "support-triage.report-issue", repo: repoKey(repo), kind: place.what, number: known.number, outcome }, `report ${place.what} #${known.number} ${outcome}`);
      return { outcome, number: known.number, writes, reads };
    } catch (err) {
      this.known.delete(key);
      throw err;
    }
  }
}
