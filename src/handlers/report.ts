/**
 * The SLA report against GitHub: reads the tracked items created in a window — the sweep's
 * search by priority label, in creation order, open and closed alike, continued past
 * GitHub's 1,000-result cap with `created:>=` as the sweep does — and hands them to the
 * pure core (src/triage/report.ts). Used by `support-triage report`, the report route and
 * the pinned report issue (src/github/report-issue.ts).
 *
 * Cost: one request reads the next 100 issues and the next 100 discussions (one search
 * each, in one document, with the searches for open items created before the window, for
 * "open now"), 1 point a page of each: a 30-day window of 10,000 items (5,000
 * of each kind) is 51 requests and 104 points (test/bench/report-budget.test.ts).
 */
import type { Config } from "../config/types.js";
import type { GitHubClient, RepoRef } from "../github/client.js";
import { resolveConfig } from "../github/config.js";
import { toActor, type GqlActor } from "../github/normalize.js";
import { reportSearchQuery } from "../github/queries.js";
import { computeReport, reportItemOf, type ReportItem, type SlaReport } from "../triage/report.js";
import type { Item } from "../triage/types.js";
import type { Services } from "./services.js";
import { PointsBudget, priorityLabelQualifier, SEARCH_CAP } from "./sweep.js";

/** Bound on request rounds of one report: 100,000 items of each kind. */
const MAX_ROUNDS = 1000;

interface ReportNode {
  __typename?: "Issue" | "Discussion";
  number: number;
  title: string;
  url: string;
  createdAt: string;
  closedAt: string | null;
  state?: "OPEN" | "CLOSED";
  closed?: boolean;
  comments?: { nodes?: ({ createdAt: string; body: string; author: GqlActor | null } | null)[] | null } | null;
}

interface ReportPage {
  issueCount?: number;
  discussionCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: (ReportNode | Record<string, never> | null)[];
}

/** One search of the report: pages, then (at the cap) a continuation from the last creation time. */
class Stream {
  after: string | null = null;
  done = false;
  from: string;
  private lastCreated: string | null = null;
  private results = 0;
  private fresh = 0;
  private readonly seen = new Set<number>();

  constructor(
    readonly type: "ISSUE" | "DISCUSSION",
    private readonly base: string,
    since: string,
    private readonly until: string,
  ) {
    this.from = since;
  }

  get query(): string {
    return `${this.base} sort:created-asc created:${this.from}..${this.until}`;
  }

  take(n: ReportNode): boolean {
    this.results++;
    this.lastCreated = n.createdAt;
    if (this.seen.has(n.number)) return false;
    this.seen.add(n.number);
    this.fresh++;
    return true;
  }

  advance(page: ReportPage): void {
    if (page.pageInfo.hasNextPage && this.results < SEARCH_CAP) {
      this.after = page.pageInfo.endCursor;
      return;
    }
    // The end of this query: below the cap, the end of the window; at the cap, go on from
    // the last creation time seen (the seam's items are skipped as already seen).
    if (this.results < SEARCH_CAP || this.fresh === 0 || this.lastCreated === null) {
      this.done = true;
      return;
    }
    this.from = this.lastCreated;
    this.after = null;
    this.results = 0;
    this.fresh = 0;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface ReportRead {
  readonly items: ReportItem[];
  /** Requests made, and GraphQL points they cost (as GitHub's rateLimit reported them). */
  readonly requests: number;
  readonly points: number;
  /** False when the points reserve stopped the read (the report would be partial). */
  readonly complete: boolean;
}

function toReportItem(repo: RepoRef, n: ReportNode, appLogin: string): ReportItem | null {
  const kind = n.__typename === "Discussion" ? "discussion" : "issue";
  const open = kind === "issue" ? n.state !== "CLOSED" : n.closed !== true;
  const item: Item = {
    kind,
    owner: repo.owner,
    repo: repo.repo,
    number: n.number,
    nodeId: "",
    title: n.title,
    body: "",
    author: { login: "", isBot: false },
    authorAssociation: "NONE",
    createdAt: n.createdAt,
    state: open ? "open" : "closed",
    labels: [],
    categorySlug: null,
    assignees: [],
    url: n.url,
    comments: (n.comments?.nodes ?? []).flatMap((c, i) =>
      c ? [{ id: String(i), author: toActor(c.author), authorAssociation: "NONE", createdAt: c.createdAt, body: c.body }] : [],
    ),
  };
  return reportItemOf(item, appLogin, n.closedAt);
}

/** The tracked items of a repository created in [since, until), and the open ones created before. */
export async function readReportItems(
  client: GitHubClient,
  repo: RepoRef,
  config: Config,
  appLogin: string,
  since: number,
  until: number,
  opts: { points?: PointsBudget; onPage?: (itemsSoFar: number) => void } = {},
): Promise<ReportRead> {
  const name = `${repo.owner}/${repo.repo}`;
  const qualifier = `repo:${name} ${priorityLabelQualifier(config)}`;
  const streams = [
    new Stream("ISSUE", `${qualifier} is:issue`, iso(since), iso(until)),
    new Stream("DISCUSSION", qualifier, iso(since), iso(until)),
    // Open items created before the window still wait now: "open now" counts them too.
    new Stream("ISSUE", `${qualifier} is:issue is:open`, "*", iso(since)),
    new Stream("DISCUSSION", `${qualifier} is:open`, "*", iso(since)),
  ];
  const points = opts.points ?? new PointsBudget(0);
  const spentBefore = points.spent;
  const items: ReportItem[] = [];
  let requests = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const active = streams.filter((s) => !s.done);
    if (active.length === 0) break;
    if (points.exhausted()) return { items, requests, points: points.spent - spentBefore, complete: false };
    const variables: Record<string, unknown> = {};
    active.forEach((s, i) => {
      variables[`q${i}`] = s.query;
      variables[`a${i}`] = s.after;
    });
    requests++;
    const res = await client.graphql<Record<string, ReportPage | undefined> & { rateLimit?: { cost?: number; remaining?: number; limit?: number; resetAt?: string } }>(
      reportSearchQuery(active.map((s) => s.type)),
      variables,
    );
    points.record(res.rateLimit);
    for (const [i, s] of active.entries()) {
      const page = res[`s${i}`];
      if (!page) {
        s.done = true;
        continue;
      }
      for (const node of page.nodes) {
        if (!node || !("number" in node)) continue;
        const n = node as ReportNode;
        if (!s.take(n)) continue;
        const it = toReportItem(repo, n, appLogin);
        if (it) items.push(it);
      }
      s.advance(page);
    }
    opts.onPage?.(items.length);
  }
  return { items, requests, points: points.spent - spentBefore, complete: true };
}

/** The repository's configuration is broken: no report (the configuration-error issue says why). */
export class ReportConfigError extends Error {
  override readonly name = "ReportConfigError";
}

export interface RepoReport {
  readonly report: SlaReport;
  readonly config: Config;
  readonly requests: number;
  readonly points: number;
  readonly complete: boolean;
}

/**
 * The report of one repository. `since`/`until` are epoch ms, or functions of the
 * repository's configuration (a date is midnight in its zone); by default the last
 * `report.window` days up to now.
 */
export async function buildRepoReport(
  client: GitHubClient,
  services: Services,
  repo: RepoRef,
  opts: {
    since?: number | ((config: Config, now: number) => number);
    until?: number | ((config: Config, now: number) => number);
    points?: PointsBudget;
    onPage?: (itemsSoFar: number) => void;
    /** The repository's configuration when the caller has it (the sweep); else it is read. */
    config?: Config;
  } = {},
): Promise<RepoReport> {
  const now = services.now();
  const config = opts.config ?? (await resolveConfig(client, repo, services.contents, now)).result.config;
  if (!config) throw new ReportConfigError(`the configuration of ${repo.owner}/${repo.repo} has errors; check it with the validate Action or node bin/support-triage.js validate from a clone`);
  const at = (v: number | ((c: Config, n: number) => number) | undefined, fallback: number): number =>
    v === undefined ? fallback : typeof v === "number" ? v : v(config, now);
  const until = at(opts.until, now);
  const since = at(opts.since, Math.min(now, until) - config.report.window * 86_400_000);
  const appLogin = await services.appLogin();
  const read = await readReportItems(client, repo, config, appLogin, since, until, {
    ...(opts.points ? { points: opts.points } : {}),
    ...(opts.onPage ? { onPage: opts.onPage } : {}),
  });
  const report = computeReport(config, `${repo.owner}/${repo.repo}`, read.items, { since, until, now });
  return { report, config, requests: read.requests, points: read.points, complete: read.complete };
}
