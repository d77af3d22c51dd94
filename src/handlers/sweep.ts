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
import { labelIds, toItem, type GqlComment, type GqlDiscussion, type GqlIssue, type GqlItem } from "../github/normalize.js";
import { sweepReadQuery, sweepSearchQuery, SWEEP_READ_BATCH } from "../github/queries.js";
import { CONFIG_PATH } from "../github/config.js";
import { findTargetComment } from "../triage/marker.js";
import { sameLogin } from "../triage/text.js";
import { planItem } from "../triage/planner.js";
import { scanDecision, wakeTime } from "../triage/sweep-scan.js";
import type { MarkerState } from "../triage/types.js";
import type { ItemSnapshot } from "./item.js";
import type { RepoLedger } from "./sweep-ledger.js";
import { retryAdvice } from "../github/retry.js";
import type { Item, ItemKind } from "../triage/types.js";
import { isTruncated } from "../github/complete.js";
import { blobText, issueFormFiles, processItem, readItem, responderTeams, type ItemRef } from "./item.js";
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
  /** The installation's GraphQL points as the sweep's answers report them (shared by its repositories). */
  readonly points?: PointsBudget;
}

/**
 * GitHub's GraphQL budget of the installation being swept, from the `rateLimit` the sweep's
 * documents ask for. A sweep stops before a request could take the installation below the
 * reserve (a share of the hour's points), so deliveries keep working; the next run goes on.
 */
export class PointsBudget {
  remaining: number | null = null;
  limit: number | null = null;
  resetAt: string | null = null;
  /** Points the sweep's own requests cost. */
  spent = 0;
  /** The most one of the sweep's requests cost so far: what the next one is expected to cost. */
  private largest = 1;

  constructor(readonly reserveShare: number) {}

  record(rate: { cost?: number; remaining?: number; limit?: number; resetAt?: string } | null | undefined): void {
    if (!rate) return;
    if (typeof rate.cost === "number") {
      this.spent += rate.cost;
      this.largest = Math.max(this.largest, rate.cost);
    }
    if (typeof rate.remaining === "number") this.remaining = rate.remaining;
    if (typeof rate.limit === "number") this.limit = rate.limit;
    if (typeof rate.resetAt === "string") this.resetAt = rate.resetAt;
  }

  /** Whether the next request would leave less than the reserve. Unknown budgets never stop. */
  exhausted(): boolean {
    if (this.remaining === null || this.limit === null) return false;
    return this.remaining - this.largest < this.limit * this.reserveShare;
  }
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
  /** GraphQL points the sweep's requests cost (as GitHub's `rateLimit` reported them). */
  points: number;
  /** Stopped before taking the installation below its points reserve; the next run continues. */
  stoppedByReserve: boolean;
  /** Items read in full because they may need work (the rest needed no read). */
  candidates: number;
  /** What the sweep did with the pinned report issue, when the repository has one configured and it was due. */
  reportIssue?: string;
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
  readonly points: number;
  readonly stoppedByReserve: boolean;
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
  /** Creation time of the last item taken: where a stopped sweep's next run resumes (in creation order). */
  lastCreated: string | null = null;
  private readonly handled = new Set<number>();

  constructor(
    readonly type: "ISSUE" | "DISCUSSION",
    private readonly base: string,
    readonly recover: boolean,
    /** In creation order from the start, from this creation time on (a resumed sweep: `created:>=`). */
    from?: string | null,
  ) {
    this.query = base;
    if (from !== undefined) {
      this.ordered = true;
      this.lastCreated = from;
      this.query = `${base} sort:created-asc${from ? ` created:>=${from}` : ""}`;
    }
  }

  /** Whether this item is new to this search (continuations overlap at their seams). */
  take(item: { readonly number: number; readonly createdAt: string }): boolean {
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
    points: 0,
    stoppedByReserve: false,
    candidates: 0,
  };
  const points = options.points ?? new PointsBudget(services.pointsReserve);
  const spentBefore = points.spent;
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
    const itemFailed = (item: { number: number }, err: unknown): "ok" | "stop" => {
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
    const teamMembers = await responderTeams(client, services, config, now, log);
    const ledger: RepoLedger = options.dryRun ? { watermark: null, waiting: new Map() } : await services.ledgers.get(name);
    // A resumed sweep counts from when the stopped one started: what changed since then is looked at.
    const startedAt = ledger.resume?.startedAt ?? now;
    // A warm sweep looks only at what changed since the last complete one (less a margin for
    // GitHub's search index); unchanged items that wait come from the ledger when they wake.
    const since = ledger.watermark !== null ? new Date(ledger.watermark - SEARCH_INDEX_MARGIN_MS).toISOString().replace(/\.\d{3}Z$/, "Z") : null;
    const bound = since ? ` updated:>=${since}` : "";
    const recovery = recoveryQuery(name, config, now) + bound;
    // Tracked items are scanned in creation order, so a sweep the points reserve stopped can
    // resume where it was (the ledger keeps the place) instead of starting over.
    const resume = ledger.resume;
    const tracked = [
      resume?.issue === "done" ? null : new SearchStream("ISSUE", `${qualifier} is:issue${bound}`, false, resume?.issue ?? null),
      resume?.discussion === "done" ? null : new SearchStream("DISCUSSION", `${qualifier}${bound}`, false, resume?.discussion ?? null),
    ];
    const streams: SearchStream[] = [
      ...tracked.filter((st): st is SearchStream => st !== null),
      ...(options.repair === true
        ? [new SearchStream("ISSUE", `${recovery} is:issue`, true), new SearchStream("DISCUSSION", recovery, true)]
        : []),
    ];
    /** Tracked items to read in full (inside their locks), by number. */
    const toRead = new Map<number, Candidate>();
    /** Unlabelled items the recovery searches found: the full item pipeline, one by one. */
    const toRecover: Candidate[] = [];
    const outOfPoints = (): boolean => {
      if (!points.exhausted()) return false;
      report.stoppedByReserve = true;
      log.warn(
        { event: "support-triage.sweep-points-reserve", repo: name, remaining: points.remaining, limit: points.limit, resetAt: points.resetAt },
        `sweep of ${name} stops: GitHub's points for this installation are down to ${points.remaining} of ${points.limit}, the reserve is kept for deliveries; the next sweep goes on`,
      );
      return true;
    };

    // 1. Scan: every round reads the next page of each unfinished search in one request.
    rounds: for (let round = 0; round < MAX_SEARCH_ROUNDS; round++) {
      const active = streams.filter((st) => !st.done);
      if (active.length === 0) break;
      if (outOfPoints()) break;
      const variables: Record<string, unknown> = {};
      active.forEach((st, i) => {
        variables[`q${i}`] = st.query;
        variables[`t${i}`] = st.type;
        variables[`a${i}`] = st.after;
        // A warm sweep's first page is small: few items change between two sweeps.
        variables[`f${i}`] = since !== null && st.after === null && round === 0 ? WARM_FIRST_PAGE : 100;
      });
      report.reads++;
      const res = await client.graphql<Record<string, SearchResult | undefined> & { rateLimit?: RateLimitAnswer }>(
        sweepSearchQuery(active.map((st) => st.type)),
        variables,
      );
      points.record(res.rateLimit);
      for (const [i, st] of active.entries()) {
        const page = res[`s${i}`];
        if (!page) {
          st.done = true;
          continue;
        }
        for (const node of page.nodes) {
          if (!node || !("__typename" in node)) continue;
          const lean = node as unknown as LeanNode;
          if (!st.take({ number: lean.number, createdAt: lean.createdAt }) || !isOpen(lean)) continue;
          if (options.shouldStop?.() === true) {
            report.interrupted = true;
            break rounds;
          }
          const item = leanItem(lean);
          const target = findTargetComment(item, appLogin);
          const marker = target === null ? undefined : target.state;
          const candidate: Candidate = { kind: lean.__typename === "Issue" ? "issue" : "discussion", number: lean.number, id: lean.id, categorySlug: lean.__typename === "Discussion" ? (lean.category?.slug ?? null) : null };
          if (st.recover) {
            // Recovery adopts only items the app never saw: one with a target comment was
            // tracked, and lost its priority labels because someone removed them. The app's
            // own issues (the report, the configuration error) are never support requests.
            if (marker !== undefined || sameLogin(item.author.login, appLogin)) continue;
            report.items++;
            toRecover.push(candidate);
            continue;
          }
          report.items++;
          // What the planner would do with what the scan shows (a response, an edited form,
          // a due time passed); nothing: the item needs no read, only perhaps a wake time.
          const plan = planItem({ item, config, now, trigger: { type: "sweep" }, appLogin, form: null, ...(teamMembers ? { teamMembers } : {}) });
          const decision = plan.actions.length > 0 ? ({ read: true, why: "planned" } as const) : scanDecision({ labels: item.labels, marker, createdAt: lean.createdAt, changed: since !== null }, config, now);
          if (decision.read) {
            toRead.set(lean.number, candidate);
          } else if (decision.wakeAt !== null) {
            ledger.waiting.set(lean.number, { kind: candidate.kind, id: lean.id, slug: candidate.categorySlug, wakeAt: decision.wakeAt });
          } else {
            ledger.waiting.delete(lean.number);
          }
        }
        st.advance(page);
      }
      options.onProgress?.({ repo: name, repoIndex: 0, repoCount: 0, items: report.items });
    }
    const scanned = !report.interrupted && !report.stoppedByReserve;
    // 2. Items that wait and woke (their due time or warning time came), unchanged since.
    for (const [number, w] of ledger.waiting) {
      if (w.wakeAt > now || toRead.has(number)) continue;
      toRead.set(number, { kind: w.kind, number, id: w.id, categorySlug: w.slug });
      report.items++;
    }

    /** What the ledger keeps of an item after its read and plan. */
    const remember = (c: Candidate, state: MarkerState | null, createdAt: string | null, open: boolean): void => {
      if (options.dryRun) return;
      if (!open || state === null || state.untracked === true || state.respondedAt !== undefined || state.escalatedAt !== undefined) {
        ledger.waiting.delete(c.number);
        return;
      }
      const wake = createdAt !== null ? wakeTime(config, state, createdAt) : null;
      if (wake === null) {
        ledger.waiting.delete(c.number);
        return;
      }
      // Not yet warned although the earliest warning time passed (it is estimated early):
      // look again a little later rather than on every sweep.
      ledger.waiting.set(c.number, { kind: c.kind, id: c.id, slug: c.categorySlug, wakeAt: wake > now ? wake : now + RECHECK_MS });
    };
    /** Read again by the next sweep, whatever the watermark says. */
    const retryLater = (c: Candidate): void => {
      if (!options.dryRun) ledger.waiting.set(c.number, { kind: c.kind, id: c.id, slug: c.categorySlug, wakeAt: now });
    };
    const refOf = (c: Candidate): ItemRef => ({ owner: repo.owner, repo: repo.repo, kind: c.kind, number: c.number, categorySlug: c.categorySlug });
    /** The item pipeline on one item, its snapshot read inside its lock (or read by the pipeline). */
    const act = async (c: Candidate, snapshot: ItemSnapshot | undefined): Promise<"ok" | "stop"> => {
      if (repoBudget.remaining <= 0) {
        report.stoppedByBudget = true;
        return "stop";
      }
      let result;
      try {
        result = await processItem(client, services, refOf(c), { type: "sweep" }, log, {
          ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
          ...(snapshot ? { snapshot } : {}),
        });
      } catch (err) {
        retryLater(c);
        return itemFailed(c, err);
      }
      remember(c, result.plan?.state ?? null, snapshot?.item.createdAt ?? null, snapshot ? snapshot.item.state === "open" : true);
      const actions = result.plan?.actions ?? [];
      if (actions.length === 0) return "ok";
      charge(result.writeRequests);
      if (actions.some((a) => a.type === "postComment" && a.purpose === "escalation")) report.escalated++;
      if (result.plan?.decisions.some((d) => d.rule === "first-response")) report.responded++;
      return "ok";
    };

    // 3. Read what may need work, a batch at a time inside the batch's locks, and act on it.
    // Issues and discussions in batches of their own: each document asks one kind's fields.
    const candidates = [...toRead.values()].sort((x, y) => x.number - y.number);
    const batches: Candidate[][] = [];
    for (const kind of ["issue", "discussion"] as const) {
      const ofKind = candidates.filter((c) => c.kind === kind);
      for (let start = 0; start < ofKind.length; start += SWEEP_READ_BATCH) batches.push(ofKind.slice(start, start + SWEEP_READ_BATCH));
    }
    report.candidates = candidates.length + toRecover.length;
    let stopped = report.interrupted || report.stoppedByReserve;
    for (const batch of batches) {
      if (stopped) break;
      if (options.shouldStop?.() === true) {
        report.interrupted = true;
        break;
      }
      if (outOfPoints()) break;
      let outcome: "ok" | "stop";
      try {
        outcome = await withLocks(
          services,
          batch.map((c) => `${name}#${c.number}`.toLowerCase()),
          async () => {
            report.reads++;
            const snapshots = await readBatch(client, repo, batch, points);
            for (const c of batch) {
              if (options.shouldStop?.() === true) {
                report.interrupted = true;
                return "stop";
              }
              let snap = snapshots.get(c.number);
              if (snap === undefined) {
                // Gone (deleted, moved) or not readable: forget it.
                ledger.waiting.delete(c.number);
                continue;
              }
              if (snap === "truncated") {
                // A long thread: the item read takes every comment and reply.
                report.reads++;
                const full = await readItem(client, refOf(c), services.fileTexts).catch(() => null);
                if (!full) {
                  retryLater(c);
                  continue;
                }
                snap = full;
              }
              if ((await act(c, snap)) === "stop") return "stop";
            }
            return "ok";
          },
        );
      } catch (err) {
        // The batch could not be read or locked (GitHub failing, an item busy elsewhere):
        // its items are read again by the next sweep.
        for (const c of batch) retryLater(c);
        const item = batch[0] as Candidate;
        outcome = itemFailed(item, err);
      }
      if (outcome === "stop") {
        if (!report.stoppedByBudget) report.interrupted = true;
        stopped = true;
      }
    }
    // Unlabelled support requests: the whole pipeline, which reads each with its form.
    for (const c of toRecover) {
      if (stopped) break;
      if (options.shouldStop?.() === true) {
        report.interrupted = true;
        break;
      }
      const outcome = await services.locks.run(`${name}#${c.number}`.toLowerCase(), async () => {
        report.reads++;
        return act(c, undefined);
      }).catch((err: unknown) => itemFailed(c, err));
      if (outcome === "stop") {
        if (!report.stoppedByBudget) report.interrupted = true;
        stopped = true;
      }
    }
    if (stopped || report.stoppedByReserve || report.interrupted || report.stoppedByBudget) {
      // Candidates not read this time: the next sweep reads them, wherever its scan goes.
      for (const c of toRead.values()) if (!ledger.waiting.has(c.number)) retryLater(c);
      for (const c of toRecover) retryLater(c);
    }
    if (!options.dryRun) {
      if (report.stoppedByReserve && !scanned) {
        const place = (st: SearchStream | null, was: string | null | undefined): string | null => (st === null ? "done" : st.done ? "done" : (st.lastCreated ?? was ?? null));
        ledger.resume = { startedAt, issue: place(tracked[0] ?? null, resume?.issue), discussion: place(tracked[1] ?? null, resume?.discussion) };
      } else if (scanned) {
        ledger.resume = undefined;
      }
      // A complete scan moves the watermark: the next sweep looks only at what changed since
      // this one started. After an interrupted one it stays, and the next looks again.
      // (Candidates left unread by a stop later on are in the ledger, due at once.)
      if (scanned) ledger.watermark = startedAt;
      await services.ledgers.save(name, ledger);
    }
    // The pinned report issue (report.schedule), when its period's report is due: only the
    // app's own sweeps (a personal token must not open issues as its user), only after a
    // sweep that was not cut short (a stopped sweep leaves its points and writes to the next).
    if (options.repair === true && !options.dryRun && config.report.schedule !== "off" && !stopped && !report.interrupted && !report.stoppedByReserve && !report.stoppedByBudget && options.shouldStop?.() !== true) {
      try {
        const r = await services.reportIssues.maintain(client, services, repo, config, log, { points });
        report.reads += r.reads;
        if (r.writes > 0) charge(r.writes);
        if (r.outcome !== "not-due") report.reportIssue = `${r.outcome}${r.number !== null ? ` #${r.number}` : ""}`;
      } catch (err) {
        report.reportIssue = "failed";
        log.warn({ event: "support-triage.report-issue-failed", repo: name, status: errorStatus(err), err: String(err) }, "the report issue could not be refreshed; the next sweep tries again");
      }
    }
    report.points = points.spent - spentBefore;
  } catch (err) {
    report.points = points.spent - spentBefore;
    report.error = err instanceof Error ? err.message : String(err);
    log.error({ event: "support-triage.sweep-failed", repo: name, status: errorStatus(err), err: report.error }, `sweep of ${name} failed`);
  }
  return report;
}

/** How far before the last sweep's start a warm sweep's `updated:>=` reaches: GitHub's search index lags. */
export const SEARCH_INDEX_MARGIN_MS = 10 * 60_000;
/** A warm sweep's first search page: most sweeps find fewer changed items than this. */
export const WARM_FIRST_PAGE = 25;
/** An item read at its (early) warning estimate with nothing to do is looked at again after this. */
export const RECHECK_MS = 5 * 60_000;

interface RateLimitAnswer {
  cost?: number;
  remaining?: number;
  limit?: number;
  resetAt?: string;
}

/** An item the sweep may read: enough to read it by node id and to name its lock. */
interface Candidate {
  readonly kind: ItemKind;
  readonly number: number;
  readonly id: string;
  readonly categorySlug: string | null;
}

/** An item as the scan's lean fields show it (queries.ts, SCAN_ISSUE / SCAN_DISCUSSION). */
type LeanNode = (Omit<GqlIssue, "assignees"> | GqlDiscussion) & {
  updatedAt?: string;
  latest?: { nodes?: (GqlComment | null)[] | null } | null;
};

const isOpen = (n: LeanNode): boolean => (n.__typename === "Issue" ? n.state === "OPEN" : n.closed !== true);

/**
 * The item as far as the scan shows it: the first comments and the last ones (a thread
 * longer than both windows has a gap in the middle; the planner sees what is there).
 */
function leanItem(n: LeanNode): Item {
  const seen = new Set<string>();
  const comments: GqlComment[] = [];
  for (const c of [...(n.comments?.nodes ?? []), ...(n.latest?.nodes ?? [])]) {
    if (!c || seen.has(c.id)) continue;
    seen.add(c.id);
    comments.push(c);
  }
  const page = { totalCount: n.comments?.totalCount ?? comments.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes: comments };
  const node = n.__typename === "Issue" ? ({ ...n, assignees: { nodes: [] }, comments: page } as GqlIssue) : ({ ...n, comments: page } as GqlDiscussion);
  return toItem(node);
}

/**
 * `fn` holding the locks of all `keys` (taken in sorted order, so two holders of
 * overlapping sets never wait on each other in a circle).
 */
function withLocks<T>(services: Services, keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const run = (i: number): Promise<T> => (i >= sorted.length ? fn() : services.locks.run(sorted[i] as string, () => run(i + 1)));
  return run(0);
}

interface SweepReadAnswer {
  repository: {
    id: string;
    labels: { totalCount: number; nodes: { id: string; name: string }[] };
    config: { __typename: string; text?: string } | null;
    templates: { __typename: string; entries?: { name: string; object: { __typename: string; text?: string } | null }[] } | null;
    [form: `d${number}`]: { __typename: string; text?: string } | null;
  } | null;
  nodes: (GqlItem | Record<string, never> | null)[];
  rateLimit?: RateLimitAnswer;
}

/**
 * One request for a batch of items in full, with what the pipeline needs around them:
 * per item its snapshot, "truncated" for a long thread (read alone), nothing when gone.
 */
async function readBatch(client: GitHubClient, repo: RepoRef, batch: readonly Candidate[], points: PointsBudget): Promise<Map<number, ItemSnapshot | "truncated">> {
  const slugs = [...new Set(batch.flatMap((c) => (c.kind === "discussion" && c.categorySlug ? [c.categorySlug] : [])))];
  const variables: Record<string, unknown> = {
    owner: repo.owner,
    name: repo.repo,
    configExpr: `HEAD:${CONFIG_PATH}`,
    templatesExpr: "HEAD:.github/ISSUE_TEMPLATE",
    ids: batch.map((c) => c.id),
  };
  slugs.forEach((slug, i) => {
    variables[`d${i}`] = `HEAD:.github/DISCUSSION_TEMPLATE/${slug}.yml`;
  });
  const kinds = [...new Set(batch.map((c) => c.kind))];
  const res = await client.graphql<SweepReadAnswer>(sweepReadQuery(slugs.length, kinds), variables);
  points.record(res.rateLimit);
  const out = new Map<number, ItemSnapshot | "truncated">();
  const r = res.repository;
  if (!r) return out;
  const labels = { repositoryId: r.id, ids: labelIds(r.labels.nodes), total: r.labels.totalCount };
  const configText = blobText(r.config);
  const issueForms = issueFormFiles(r.templates?.entries);
  const byId = new Map(batch.map((c) => [c.id, c]));
  for (const node of res.nodes) {
    if (!node || !("__typename" in node)) continue;
    const gql = node as GqlItem;
    const c = byId.get(gql.id);
    if (!c) continue;
    if (isTruncated(gql)) {
      out.set(c.number, "truncated");
      continue;
    }
    // Not truncated (checked above): every comment is on this page.
    const item = toItem(gql);
    const slugIndex = item.categorySlug ? slugs.indexOf(item.categorySlug) : -1;
    const formText = slugIndex >= 0 ? blobText(r[`d${slugIndex}`]) : null;
    const templateFiles =
      item.kind === "issue" ? issueForms : formText !== null && item.categorySlug ? [{ file: `.github/DISCUSSION_TEMPLATE/${item.categorySlug}.yml`, text: formText }] : [];
    out.set(c.number, { item, labels, configText, templateFiles });
  }
  return out;
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
    points: sum((r) => r.points),
    stoppedByReserve: reports.some((r) => r.stoppedByReserve),
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
  // One installation, one budget of points: its repositories share it.
  const shared = { ...options, points: options.points ?? new PointsBudget(services.pointsReserve) };
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
      r = await sweepRepository(client, services, repo, log, budget, held ? { ...shared, shouldStop: () => options.shouldStop?.() === true || held.lost } : shared);
    } finally {
      await lease?.release();
    }
    reports.push(r);
    options.onProgress?.({ repo: r.repo, repoIndex: i + 1, repoCount: repos.length, items: r.items });
    if (r.stoppedByReserve) {
      log.warn(
        { event: "support-triage.sweep-installation-reserve", repo: r.repo, skipped: repos.length - i - 1 },
        `the installation's GraphQL points are down to the reserve: its other ${repos.length - i - 1} repositories wait for the next sweep`,
      );
      break;
    }
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
