/**
 * The pinned "Support response report" issue (`report.schedule: daily | weekly`): the
 * sweep keeps one issue per repository up to date — found by its hidden marker, edited in
 * place, never duplicated.
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
import { PIN_ISSUE } from "../github/queries.js";
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

export class ReportIssueTracker {
  private readonly known = new Map<string, Known>();

  /** The report issue as GitHub has it now, or null. */
  private async find(client: GitHubClient, repo: RepoRef, appLogin: string): Promise<{ known: Known | null; reads: number }> {
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
      const ours = list
        .filter((i) => !i.pull_request && i.title === REPORT_TITLE)
        .map((i) => ({ i, marker: parseReportMarker(i.body ?? "") }))
        .filter((x) => x.marker !== null)
        .sort((a, b) => a.i.number - b.i.number)[0];
      if (ours?.marker) {
        const at = Date.parse(ours.marker.generatedAt);
        return { known: { number: ours.i.number, nodeId: ours.i.node_id, generatedAt: Number.isFinite(at) ? at : 0 }, reads };
      }
      if (list.length < 100) break;
    }
    return { known: null, reads };
  }

  /**
   * Refresh the repository's report issue when its period's report is due. Throws what
   * GitHub throws (the sweep logs it and goes on).
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
    const key = repoKey(repo);
    const remembered = this.known.get(key);
    if (remembered && remembered.generatedAt >= period) return { outcome: "not-due", number: remembered.number, writes: 0, reads: 0 };
    const appLogin = await services.appLogin();
    let reads = 0;
    const first = await this.find(client, repo, appLogin);
    reads += first.reads;
    if (first.known && first.known.generatedAt >= period) {
      this.known.set(key, first.known);
      return { outcome: "not-due", number: first.known.number, writes: 0, reads };
    }
    const claim = `report:${key}:${period}`;
    if (!(await services.claims.claim(claim, services.claimMs))) {
      return { outcome: "claimed-elsewhere", number: first.known?.number ?? null, writes: 0, reads };
    }
    try {
      // Looked up again under the claim: whatever an earlier holder wrote is listed by now.
      const again = await this.find(client, repo, appLogin);
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
        await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: repo.owner, repo: repo.repo, issue_number: current.number, body });
        known = { ...current, generatedAt: now };
      } else {
        writes++;
        const res = await client.request("POST /repos/{owner}/{repo}/issues", { owner: repo.owner, repo: repo.repo, title: REPORT_TITLE, body });
        const data = res.data as { number: number; node_id: string };
        known = { number: data.number, nodeId: data.node_id, generatedAt: now };
        // Pinned where the API allows: GitHub pins three issues at most, and the app may lack the right.
        writes++;
        try {
          await client.graphql(PIN_ISSUE, { id: data.node_id });
        } catch (err) {
          log.info({ event: "support-triage.report-pin-failed", repo: key, number: data.number, err: String(err) }, "the report issue could not be pinned");
        }
      }
      this.known.set(key, known);
      log.info({ event: "support-triage.report-issue", repo: key, number: known.number, outcome: current ? "updated" : "created" }, `report issue #${known.number} ${current ? "updated" : "created"}`);
      return { outcome: current ? "updated" : "created", number: known.number, writes, reads };
    } catch (err) {
      this.known.delete(key);
      throw err;
    }
  }

  forget(repo: RepoRef): void {
    this.known.delete(repoKey(repo));
  }
}
