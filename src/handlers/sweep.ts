/**
 * The escalation sweep: finds open tracked items with GraphQL search (100 per page, with
 * labels and comments in the same page), re-plans each with the `sweep` trigger and applies
 * what the planner decides (escalations, responses a lost delivery hid). Writes are charged
 * to a per-run budget; a run that spends it stops cleanly and the next run continues.
 * One failing repository does not stop the others.
 *
 * With `repair` (the app's own sweeps) it also repairs what lost deliveries
 * left undone but the labelled search cannot see: recent support requests the app never
 * handled (no priority label, no target comment), and the configuration-error issue.
 */
import type { Config } from "../config/types.js";
import { errorStatus, repoKey, type GitHubClient, type RepoRef } from "../github/client.js";
import { resolveConfig } from "../github/config.js";
import { toItem, type GqlItem } from "../github/normalize.js";
import { sweepSearchQuery } from "../github/queries.js";
import { retryAdvice } from "../github/retry.js";
import { findTargetComment } from "../triage/marker.js";
import { planItem } from "../triage/planner.js";
import type { Item } from "../triage/types.js";
import { isTruncated } from "../github/complete.js";
import { processItem, readItem, responderTeams } from "./item.js";
import { ItemBusyError } from "./item-locks.js";
import type { Logger, Services } from "./services.js";

export interface SweepOptions {
  readonly dryRun?: boolean;
  /** Most writes in this run across all repositories (default: each repository's sweep.max_writes). */
  readonly maxWrites?: number;
  readonly onProgress?: (p: SweepProgress) => void;
  /**
   * Also repair what lost deliveries left undone beyond tracked items: adopt recent open
   * items that carry no priority label, have the form's priority field in their body and
   * no target comment (support requests whose `opened` was lost, or that came in while the
   * configuration was broken; see {@link RECOVERY_WINDOW_DAYS}), and bring the
   * configuration-error issue in line. Off by default for direct callers (the CLI with a
   * personal token must not open issues as its user); the app's sweeps turn it on.
   */
  readonly repair?: boolean;
  /** Asked between items: true stops the sweep cleanly (a shutdown; the next run continues). */
  readonly shouldStop?: () => boolean;
}

/**
 * How far back the recovery search looks. A sweep runs every few minutes, so a lost
 * `opened` is normally recovered within one interval; two weeks also covers an app that
 * was down for days, while keeping the search small and never reviving old items that
 * people chose not to track.
 */
export const RECOVERY_WINDOW_DAYS = 14;

export interface SweepProgress {
  readonly repo: string;
  readonly repoIndex: number;
  readonly repoCount: number;
  readonly items: number;
}

export interface RepoSweepReport {
  repo: string;
  items: number;
  escalated: number;
  responded: number;
  writes: number;
  reads: number;
  error: string | null;
  stoppedByBudget: boolean;
  /** Stopped early because GitHub failed or rate-limited writes; the next run continues. */
  interrupted: boolean;
  failedItems: number;
  skipped: string | null;
}

export interface SweepReport {
  readonly repositories: RepoSweepReport[];
  readonly items: number;
  readonly escalated: number;
  readonly responded: number;
  readonly writes: number;
  readonly reads: number;
  readonly stoppedByBudget: boolean;
  readonly failures: number;
}

interface SearchResult {
  /** Matches in all, beyond what one query can return (absent in hand-written mocks). */
  issueCount?: number;
  discussionCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<GqlItem | Record<string, never> | null>;
}

/** GitHub's search returns at most this many results for one query. */
export const SEARCH_CAP = 1000;
/** Bound on page rounds per repository: 100 continuation queries of 10 pages, 100,000 items. */
const MAX_SEARCH_ROUNDS = 1000;

/**
 * One search of the sweep, page by page. GitHub returns at most SEARCH_CAP results per
 * query: a search that reaches the cap goes on in creation order (`sort:created-asc`, then
 * `created:>=` the last item seen), skipping items it already handled, so a repository with
 * 10,000 open tracked items is swept whole; below the cap a search is one query.
 */
export class SearchStream {
  query: string;
  after: string | null = null;
  done = false;
  private ordered = false;
  private pages = 0;
  private results = 0;
  private fresh = 0;
  private lastCreated: string | null = null;
  private readonly handled = new Set<number>();

  constructor(
    readonly type: "ISSUE" | "DISCUSSION",
    private readonly base: string,
    readonly recover: boolean,
  ) {
    this.query = base;
  }

  /** Whether this item is new to this search (continuations overlap at their seams). */
  take(item: Item): boolean {
    this.results++;
    this.lastCreated = item.createdAt;
    if (this.handled.has(item.number)) return false;
    this.handled.add(item.number);
    this.fresh++;
    return true;
  }

  /** Move to the next page, the next continuation query, or the end. */
  advance(page: SearchResult): void {
    this.pages++;
    const total = this.type === "ISSUE" ? page.issueCount : page.discussionCount;
    if (page.pageInfo.hasNextPage && !(this.pages === 1 && !this.ordered && (total ?? 0) >= SEARCH_CAP)) {
      this.after = page.pageInfo.endCursor;
      return;
    }
    // The end of this query. Below the cap, that is the end; at the cap (or when the first
    // page already says the query will be cut off), continue in creation order.
    const capped = page.pageInfo.hasNextPage || this.results >= SEARCH_CAP;
    if (!capped || (this.ordered && this.fresh === 0)) {
      // (In order with nothing new: more than SEARCH_CAP items created in one second.)
      this.done = true;
      return;
    }
    this.query = `${this.base} sort:created-asc${this.ordered && this.lastCreated ? ` created:>=${this.lastCreated}` : ""}`;
    this.ordered = true;
    this.after = null;
    this.pages = 0;
    this.results = 0;
    this.fresh = 0;
  }
}

const quoteLabel = (n: string): string => (/^[\w.-]+$/.test(n) ? n : `"${n.replace(/"/g, "")}"`);

/** `label:P1,P2,P3,P4` (quoted where a name needs it). */
export function priorityLabelQualifier(config: Config): string {
  return `label:${Object.values(config.labels.priorities).map(quoteLabel).join(",")}`;
}

/**
 * The recovery search: open, none of the priority labels, created in the window, and the
 * form's priority field in the body (GitHub's search ignores the `###`; the planner reads
 * the form properly and does nothing for an item that merely mentions the word).
 */
export function recoveryQuery(repo: string, config: Config, now: number): string {
  const since = new Date(now - RECOVERY_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const without = Object.values(config.labels.priorities)
    .map((n) => `-label:${quoteLabel(n)}`)
    .join(" ");
  const field = config.form.priority_field.replace(/"/g, "");
  return `repo:${repo} is:open ${without} created:>=${since} "${field}" in:body`;
}

export async function sweepRepository(
  client: GitHubClient,
  services: Services,
  repo: RepoRef,
  log: Logger,
  budget: { remaining: number },
  options: SweepOptions = {},
): Promise<RepoSweepReport> {
  const name = `${repo.owner}/${repo.repo}`;
  const report: RepoSweepReport = {
    repo: name,
    items: 0,
    escalated: 0,
    responded: 0,
    writes: 0,
    reads: 0,
    error: null,
    stoppedByBudget: false,
    interrupted: false,
    failedItems: 0,
    skipped: null,
  };
  try {
    const appLogin = await services.appLogin();
    const now = services.now();
    const loaded = await resolveConfig(client, repo, services.contents, now);
    const config = loaded.result.config;
    // The configuration issue is normally kept in step by events and pushes; a sweep
    // repairs what lost deliveries or failed writes left: a broken file with no issue
    // (looked up afresh, as another replica may have opened it), or a fixed file whose
    // issue this process knows is still open.
    const errors = loaded.result.errors;
    if (options.repair === true && !options.dryRun && (errors.length > 0 || services.configIssues.knowsOpen(repo))) {
      if (errors.length > 0) services.configIssues.forget(repo);
      const outcome = await services.configIssues.sync(client, repo, appLogin, errors);
      if (outcome !== "unchanged") log.info({ event: "support-triage.config-issue", repo: name, outcome }, `configuration issue ${outcome}`);
    }
    if (!config) {
      report.skipped = "configuration invalid";
      return report;
    }
    if (!config.sweep.enabled) {
      report.skipped = "sweeps disabled in configuration";
      return report;
    }
    const repoBudget = { remaining: Math.min(budget.remaining, config.sweep.max_writes) };
    const teamMembers = await responderTeams(client, services, config, now, log);
    const qualifier = `repo:${name} is:open ${priorityLabelQualifier(config)}`;
    /**
     * The whole item pipeline (a fresh read with its form template, planning, the
     * escalation claim, retries): for every item the snapshot says may need work, and for
     * unlabelled items (the search result lacks the template, and the form is all there is
     * to go on for an item the app never saw).
     */
    const charge = (writeRequests: number): void => {
      const cost = Math.max(writeRequests, options.dryRun ? 1 : 0);
      repoBudget.remaining -= cost;
      budget.remaining -= cost;
      report.writes += writeRequests;
    };
    /** The item stays as it is; the next sweep plans it again from what GitHub holds. */
    const itemFailed = (item: Item, err: unknown): "ok" | "stop" => {
      report.failedItems++;
      // Another replica has been on this item for a while: skip it, the rest of the sweep goes on.
      if (err instanceof ItemBusyError) return "ok";
      const advice = retryAdvice(err, services.now());
      log.warn(
        { event: "support-triage.sweep-item-failed", repo: name, number: item.number, status: errorStatus(err), err: String(err) },
        advice.retry ? "GitHub is refusing or failing writes: this repository's sweep stops here" : "item skipped",
      );
      return advice.retry ? "stop" : "ok";
    };
    const processFresh = async (item: Item): Promise<"ok" | "stop"> => {
      if (repoBudget.remaining <= 0) {
        report.stoppedByBudget = true;
        return "stop";
      }
      let result;
      try {
        result = await processItem(
          client,
          services,
          { owner: repo.owner, repo: repo.repo, kind: item.kind, number: item.number, categorySlug: item.categorySlug },
          { type: "sweep" },
          log,
          options.dryRun !== undefined ? { dryRun: options.dryRun } : {},
        );
      } catch (err) {
        return itemFailed(item, err);
      }
      const actions = result.plan?.actions ?? [];
      if (actions.length === 0) return "ok";
      charge(result.writeRequests);
      if (actions.some((a) => a.type === "postComment" && a.purpose === "escalation")) report.escalated++;
      if (result.plan?.decisions.some((d) => d.rule === "first-response")) report.responded++;
      return "ok";
    };
    const recovery = recoveryQuery(name, config, now);
    const streams: SearchStream[] = [
      new SearchStream("ISSUE", `${qualifier} is:issue`, false),
      new SearchStream("DISCUSSION", qualifier, false),
      ...(options.repair === true
        ? [new SearchStream("ISSUE", `${recovery} is:issue`, true), new SearchStream("DISCUSSION", recovery, true)]
        : []),
    ];

    /**
     * One item of a search page; "stop" ends this repository's sweep for this run. The
     * search page is a snapshot read before the item's lock was taken: another sweep (on
     * this replica or another), or a delivery, may have acted since. So the snapshot only
     * says whether there may be something to do; the item is read again inside the lock
     * and planned from that read before anything is written — a stale snapshot can never
     * cause a second escalation.
     */
    const sweepItem = (item: Item, recover: boolean): Promise<"ok" | "stop"> =>
      services.locks.run(`${name}#${item.number}`.toLowerCase(), async (): Promise<"ok" | "stop"> => {
        if (!recover) {
          const plan = planItem({
            item,
            config,
            now: services.now(),
            trigger: { type: "sweep" },
            appLogin,
            form: null,
            ...(teamMembers ? { teamMembers } : {}),
          });
          if (plan.actions.length === 0) return "ok";
        }
        report.reads++;
        return processFresh(item);
      });

    // Every round reads the next page of each unfinished search in one request.
    rounds: for (let round = 0; round < MAX_SEARCH_ROUNDS; round++) {
      const active = streams.filter((st) => !st.done);
      if (active.length === 0) break;
      const variables: Record<string, unknown> = {};
      active.forEach((st, i) => {
        variables[`q${i}`] = st.query;
        variables[`t${i}`] = st.type;
        variables[`a${i}`] = st.after;
      });
      report.reads++;
      const res = await client.graphql<Record<string, SearchResult | undefined>>(sweepSearchQuery(active.length), variables);
      for (const [i, st] of active.entries()) {
        const page = res[`s${i}`];
        if (!page) {
          st.done = true;
          continue;
        }
        for (const node of page.nodes) {
          if (!node || !("__typename" in node)) continue;
          let item = toItem(node as GqlItem);
          if (!st.take(item) || item.state !== "open") continue;
          if (isTruncated(node as GqlItem)) {
            // A long thread: read the whole item, so the target comment and answers past
            // the search page's window are seen (else: a second target comment, a repeat
            // escalation).
            report.reads++;
            let full;
            try {
              full = await readItem(client, { owner: repo.owner, repo: repo.repo, kind: item.kind, number: item.number, categorySlug: item.categorySlug });
            } catch (err) {
              if (itemFailed(item, err) === "stop") {
                report.interrupted = true;
                break rounds;
              }
              continue;
            }
            if (!full) continue;
            item = full.item;
          }
          // Recovery adopts only items the app never saw: one with a target comment was
          // tracked, and lost its priority labels because someone removed them.
          if (st.recover && findTargetComment(item, appLogin) !== null) continue;
          report.items++;
          if (options.shouldStop?.() === true) {
            report.interrupted = true;
            break rounds;
          }
          if ((await sweepItem(item, st.recover)) === "stop") {
            if (!report.stoppedByBudget) report.interrupted = true;
            break rounds;
          }
        }
        st.advance(page);
      }
      options.onProgress?.({ repo: name, repoIndex: 0, repoCount: 0, items: report.items });
    }
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    log.error({ event: "support-triage.sweep-failed", repo: name, status: errorStatus(err), err: report.error }, `sweep of ${name} failed`);
  }
  return report;
}

export function summarise(reports: RepoSweepReport[]): SweepReport {
  const sum = (f: (r: RepoSweepReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  return {
    repositories: reports,
    items: sum((r) => r.items),
    escalated: sum((r) => r.escalated),
    responded: sum((r) => r.responded),
    writes: sum((r) => r.writes),
    reads: sum((r) => r.reads),
    stoppedByBudget: reports.some((r) => r.stoppedByBudget),
    failures: reports.filter((r) => r.error !== null).length,
  };
}

/** Sweep a list of repositories with one client (one installation, or a token). */
export async function sweepRepositories(
  client: GitHubClient,
  services: Services,
  repos: readonly RepoRef[],
  log: Logger,
  options: SweepOptions = {},
  budget: { remaining: number } = { remaining: options.maxWrites ?? Number.POSITIVE_INFINITY },
): Promise<RepoSweepReport[]> {
  const reports: RepoSweepReport[] = [];
  for (const [i, repo] of repos.entries()) {
    if (budget.remaining <= 0 || options.shouldStop?.() === true) break;
    // One sweep of a repository at a time across replicas (with Redis): whoever takes the
    // lease sweeps it; a holder that dies stops renewing and the lease lapses.
    const lease = options.dryRun ? null : await services.leases.tryAcquire(`sweep:${repoKey(repo)}`, services.sweepLeaseMs);
    if (!options.dryRun && !lease) {
      log.info({ event: "support-triage.sweep-leased-elsewhere", repo: `${repo.owner}/${repo.repo}` }, "another replica is sweeping this repository");
      continue;
    }
    let r: RepoSweepReport;
    try {
      // A lease found gone (a stall longer than its life, Redis lost it): stop, someone else has it.
      const held = lease;
      r = await sweepRepository(client, services, repo, log, budget, held ? { ...options, shouldStop: () => options.shouldStop?.() === true || held.lost } : options);
    } finally {
      await lease?.release();
    }
    reports.push(r);
    options.onProgress?.({ repo: r.repo, repoIndex: i + 1, repoCount: repos.length, items: r.items });
    // GitHub refused or failed this installation's requests (a secondary rate limit, an
    // outage): its other repositories wait for the next run too, instead of going on.
    if (r.interrupted && !r.stoppedByBudget && options.shouldStop?.() !== true) {
      log.warn(
        { event: "support-triage.sweep-installation-stopped", repo: r.repo, skipped: repos.length - i - 1 },
        `GitHub refused or failed requests while sweeping ${r.repo}: the installation's other ${repos.length - i - 1} repositories wait for the next sweep`,
      );
      break;
    }
  }
  return reports;
}

/** Every installation of the app (an app-authenticated client), suspended ones left out. */
export async function appInstallations(appClient: GitHubClient): Promise<number[]> {
  const ids: number[] = [];
  for (let page = 1; page <= 100; page++) {
    const res = await appClient.request("GET /app/installations", { per_page: 100, page });
    const list = res.data as Array<{ id: number; suspended_at?: string | null }>;
    for (const inst of list) if (!inst.suspended_at) ids.push(inst.id);
    if (list.length < 100) break;
  }
  return ids;
}

/** Repositories an installation client can see. */
export async function installationRepositories(client: GitHubClient): Promise<RepoRef[]> {
  const out: RepoRef[] = [];
  for (let page = 1; page <= 100; page++) {
    const res = await client.request("GET /installation/repositories", { per_page: 100, page });
    const data = res.data as { total_count: number; repositories: Array<{ name: string; owner: { login: string }; archived?: boolean }> };
    for (const r of data.repositories) if (!r.archived) out.push({ owner: r.owner.login, repo: r.name });
    if (data.repositories.length < 100 || out.length >= data.total_count) break;
  }
  return out;
}
