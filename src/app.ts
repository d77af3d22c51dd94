/**
 * The Probot application: registers webhook handlers, the sweep route and the sweep timer.
 * No decisions here — events are normalised and handed to the item pipeline.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, Probot } from "probot";
import { errorStatus, type GitHubClient } from "./github/client.js";
import { InstallationPausedError } from "./github/octokit.js";
import { retryAdvice } from "./github/retry.js";
import { CONFIG_PATH } from "./github/config.js";
import { isFormPath } from "./github/forms.js";
import type { WebhookSender } from "./github/webhook.js";
import { ITEM_EVENTS, normalise, senderLogin } from "./handlers/events.js";
import { ESCALATION_CLAIM_MS, processItem } from "./handlers/item.js";
import { intFromEnv, msFromEnv } from "./config/env-ms.js";
import { prepareRepository } from "./handlers/setup.js";
import { createServices, type Logger, type Services } from "./handlers/services.js";
import { appInstallations, installationRepositories, summarise, sweepRepositories, type RepoSweepReport } from "./handlers/sweep.js";
import { Lifecycle, StoppingError } from "./handlers/lifecycle.js";
import { runJson, SweepRunner } from "./handlers/sweep-runner.js";
import { buildRepoReport, ReportConfigError } from "./handlers/report.js";
import { resolveBound } from "./triage/report.js";
import { renderReportCsv, renderReportMarkdown, renderReportTable } from "./triage/report-render.js";
import type { Claims, Leases, SharedCache } from "./github/redis.js";
import { leaseMsFromEnv, type ItemLocks } from "./handlers/item-locks.js";
import { InlineQueue, type DeliveryJob, type DeliveryQueue, type JobRunner } from "./handlers/queue.js";

export interface AppOptions {
  /** Epoch-ms clock; the simulator injects its own. Default Date.now. */
  readonly clock?: () => number;
  /** Run sweeps on a timer inside the server. Default: on unless SUPPORT_TRIAGE_SWEEP_INTERVAL=0. */
  readonly sweepTimer?: boolean;
  /**
   * Starts the sweep timer (returns its stop). Default {@link startSweepTimer}, on the wall
   * clock; the simulator passes one on its own clock, run by `tick` steps.
   */
  readonly startTimer?: (intervalMinutes: number, sweep: () => Promise<void>) => () => void;
  /** Minutes between timed sweeps. Default SUPPORT_TRIAGE_SWEEP_INTERVAL or 10. */
  readonly sweepIntervalMinutes?: number;
  /** Secret for POST /support-triage/sweep. Default SUPPORT_TRIAGE_SWEEP_SECRET; unset = route refuses. */
  readonly sweepSecret?: string;
  readonly sendWebhook?: WebhookSender;
  /** Waits between retries (default: real time); the simulator's does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly env?: NodeJS.ProcessEnv;
  /** In-flight work and the stopping flag, for a graceful shutdown (src/main.ts). */
  readonly lifecycle?: Lifecycle;
  /** Escalation claims shared by replicas (Redis); default: this process only. */
  readonly claims?: Claims;
  /** Per-item locks (with Redis: shared by replicas); default: this process only. */
  readonly itemLocks?: ItemLocks;
  /** Second tier of the content caches (with Redis: shared by replicas). */
  readonly sharedCache?: SharedCache;
  /** Leases on repository sweeps (with Redis: shared by replicas); default: always granted. */
  readonly leases?: Leases;
  /** Where deliveries go (with Redis: a durable queue); default: handled in place. */
  readonly deliveryQueue?: (run: JobRunner) => DeliveryQueue;
}

export const SWEEP_ROUTE = "/support-triage/sweep";
export const REPORT_ROUTE = "/support-triage/report";

const asClient = (octokit: unknown): GitHubClient => octokit as GitHubClient;

/**
 * A delivery given up on because GitHub failed or refused (an outage, a rate limit): say
 * what is deferred and when it is tried again. Nothing is lost — GitHub shows the delivery
 * failed (it can be redelivered), and the next sweep reads the item and repairs it.
 */
function deferred(log: Logger, err: unknown, now: number, item: string, event: string): void {
  const advice = retryAdvice(err, now);
  if (!advice.retry) return;
  const until = err instanceof InstallationPausedError ? new Date(err.until).toISOString() : null;
  log.warn(
    { event: "support-triage.deferred", item, webhook: event, status: errorStatus(err), until, err: String(err) },
    `GitHub kept failing: ${item} is left as it is${until ? ` (requests paused until ${until})` : ""}; the next sweep reads it again and repairs what is missing`,
  );
}

/** Constant-time comparison of a presented secret with the configured one. */
export function secretMatches(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

/**
 * `SUPPORT_TRIAGE_SWEEP_SHARD=i/n` (0 ≤ i < n): this replica sweeps only the installations
 * whose id ≡ i (mod n), so replicas running timed sweeps never sweep the same item at once.
 */
export function parseShard(value: string | undefined): { index: number; count: number } | null {
  if (!value) return null;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new Error(`SUPPORT_TRIAGE_SWEEP_SHARD must look like "0/3", got "${value}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index < count)) throw new Error(`SUPPORT_TRIAGE_SWEEP_SHARD "${value}": need 0 ≤ index < count`);
  return { index, count };
}

export const inShard = (installationId: number, shard: { index: number; count: number } | null): boolean =>
  shard === null || installationId % shard.count === shard.index;

/** Sweep every repository of every installation (of this replica's shard). */
export async function sweepAll(
  app: Probot,
  services: Services,
  log: Logger,
  maxWrites?: number,
  shard: { index: number; count: number } | null = null,
  shouldStop: () => boolean = () => false,
): Promise<RepoSweepReport[]> {
  const appClient = asClient(await app.auth());
  const reports: RepoSweepReport[] = [];
  const budget = { remaining: maxWrites ?? Number.POSITIVE_INFINITY };
  for (const id of await appInstallations(appClient)) {
    if (!inShard(id, shard)) continue;
    if (shouldStop()) break;
    try {
      const client = asClient(await app.auth(id));
      const repos = await installationRepositories(client);
      reports.push(...(await sweepRepositories(client, services, repos, log, { repair: true, shouldStop }, budget)));
    } catch (err) {
      log.error({ event: "support-triage.sweep-failed", installation: id, err: String(err) }, "installation sweep failed");
    }
  }
  return reports;
}

/**
 * Runs `sweep` every `intervalMinutes` (±10% jitter, which spreads replicas and
 * installations so they don't all sweep at once). The next run is scheduled when one
 * ends, so runs never overlap. The timer does not keep the process alive.
 */
export function startSweepTimer(intervalMinutes: number, sweep: () => Promise<void>, random: () => number = Math.random): () => void {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    const ms = intervalMinutes * 60_000 * (0.9 + random() * 0.2);
    timer = setTimeout(() => void sweep().finally(schedule), ms);
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

export function createApp(options: AppOptions = {}): ApplicationFunction {
  return (app, { addHandler }) => {
    const env = options.env ?? process.env;
    const lifecycle = options.lifecycle ?? new Lifecycle();
    const services = createServices({
      ...(options.clock ? { now: options.clock } : {}),
      ...(options.claims ? { claims: options.claims } : {}),
      ...(options.itemLocks ? { locks: options.itemLocks } : {}),
      ...(options.leases ? { leases: options.leases } : {}),
      ...(options.sharedCache ? { sharedCache: options.sharedCache } : {}),
      sweepLeaseMs: leaseMsFromEnv(env),
      claimMs: msFromEnv(env, "SUPPORT_TRIAGE_CLAIM_MS", ESCALATION_CLAIM_MS, 500, 24 * 3600_000),
      // Share of an installation's hourly GraphQL points sweeps leave to deliveries.
      pointsReserve: intFromEnv(env, "SUPPORT_TRIAGE_POINTS_RESERVE", 20, 0, 90, "percent") / 100,
      ...(options.sendWebhook ? { sendWebhook: options.sendWebhook } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      appLogin: async () => {
        if (env.SUPPORT_TRIAGE_APP_SLUG) return `${env.SUPPORT_TRIAGE_APP_SLUG}[bot]`;
        const gh = asClient(await app.auth());
        const { data } = await gh.request("GET /app");
        return `${(data as { slug: string }).slug}[bot]`;
      },
    });

    /** One delivery's work, wherever it runs: where it arrived (in memory) or on any replica's worker. */
    const runJob: JobRunner = (job, given) =>
      lifecycle.track(async () => {
        const client = given ?? asClient(job.installationId !== null ? await app.auth(job.installationId) : await app.auth());
        if (job.kind === "prepare") {
          for (const repo of job.repos) {
            if (job.invalidate) services.contents.invalidate(repo.owner, repo.repo);
            try {
              const valid = await prepareRepository(client, services, repo, app.log, { onboard: job.event !== "push", schemaUrl: env.SUPPORT_TRIAGE_SCHEMA_URL ?? null });
              // A push that leaves the configuration valid (typically the fix of a broken
              // one): the items opened meanwhile, which the app ignored while it could not
              // act, get their intake now — one repair sweep of this repository (its
              // recovery search adopts untracked form items; tracked ones are reconciled).
              if (valid && job.event === "push") {
                const [report] = await sweepRepositories(client, services, [repo], app.log, { repair: true, shouldStop: () => lifecycle.stopping });
                if (report?.error) throw new Error(report.error);
              }
            } catch (err) {
              app.log.error({ event: "support-triage.prepare-failed", repo: `${repo.owner}/${repo.repo}`, err: String(err) }, "repository set-up failed");
              if (job.event === "push") throw err;
            }
          }
          return;
        }
        const { ref } = job;
        const log = app.log.child({ repo: `${ref.owner}/${ref.repo}`, number: ref.number, kind: ref.kind, delivery: job.deliveryId });
        try {
          const key = `${ref.owner}/${ref.repo}#${ref.number}`.toLowerCase();
          await services.locks.run(key, () => processItem(client, services, ref, job.trigger, log));
        } catch (err) {
          deferred(log, err, services.now(), `${ref.owner}/${ref.repo}#${ref.number}`, job.event);
          throw err;
        }
      });
    const queue: DeliveryQueue = options.deliveryQueue ? options.deliveryQueue(runJob) : new InlineQueue(runJob);
    lifecycle.whenStopping(() => void lifecycle.track(() => queue.close()));
    lifecycle.countPending(() => queue.pending());
    const installationOf = (payload: unknown): number | null => {
      const id = (payload as { installation?: { id?: unknown } }).installation?.id;
      return typeof id === "number" ? id : null;
    };

    // The app's bot login, lower-cased, once known: its own echoes are then dropped before
    // anything else is done for them (most deliveries an installation sends are those).
    let ownLogin: string | null = null;
    app.on([...ITEM_EVENTS], async (context) => {
      // Exactly what the checks below conclude for such a delivery, without normalising it:
      // while stopping, the full path runs (it answers 503 for a well-formed one).
      if (ownLogin !== null && !lifecycle.stopping && senderLogin(context.payload) === ownLogin) return;
      const n = normalise(context.name, context.payload);
      if (!n) return;
      // Shutting down: refuse with 503 (GitHub shows the delivery failed; it can be redelivered).
      if (lifecycle.stopping) throw new StoppingError();
      // Events the app caused itself carry its bot as sender: nothing to do (SPEC §3.8).
      let appLogin: string;
      try {
        appLogin = await services.appLogin();
        ownLogin = appLogin.toLowerCase();
      } catch (err) {
        deferred(context.log, err, services.now(), `${n.ref.owner}/${n.ref.repo}#${n.ref.number}`, context.name);
        throw err;
      }
      if (n.sender && n.sender.login.toLowerCase() === appLogin.toLowerCase()) return;
      const job: DeliveryJob = {
        kind: "item",
        deliveryId: context.id,
        event: context.name,
        installationId: installationOf(context.payload),
        ref: n.ref,
        trigger: n.trigger,
        sender: n.sender?.login ?? null,
      };
      await queue.enqueue(job, asClient(context.octokit));
    });

    app.on(["installation.created", "installation_repositories.added"], async (context) => {
      if (lifecycle.stopping) throw new StoppingError();
      const p = context.payload as { repositories?: { full_name: string }[]; repositories_added?: { full_name: string }[] };
      const repos = (p.repositories_added ?? p.repositories ?? []).slice(0, 500).map((r) => {
        const [owner = "", repo = ""] = r.full_name.split("/");
        return { owner, repo };
      });
      const job: DeliveryJob = { kind: "prepare", deliveryId: context.id, event: context.name, installationId: installationOf(context.payload), repos, invalidate: false };
      await queue.enqueue(job, asClient(context.octokit));
    });

    app.on("push", async (context) => {
      const p = context.payload;
      const branch = `refs/heads/${p.repository.default_branch}`;
      if (p.ref !== branch) return;
      const touched = p.commits.some((c) =>
        [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((f) => f === CONFIG_PATH || isFormPath(f)),
      );
      if (!touched) return;
      const repo = { owner: p.repository.owner?.login ?? "", repo: p.repository.name };
      services.contents.invalidate(repo.owner, repo.repo);
      if (lifecycle.stopping) throw new StoppingError();
      const job: DeliveryJob = { kind: "prepare", deliveryId: context.id, event: "push", installationId: installationOf(p), repos: [repo], invalidate: true };
      await queue.enqueue(job, asClient(context.octokit));
    });

    const shard = parseShard(env.SUPPORT_TRIAGE_SWEEP_SHARD);
    const secret = options.sweepSecret ?? env.SUPPORT_TRIAGE_SWEEP_SECRET ?? "";
    const runner = new SweepRunner(
      async () => summarise(await sweepAll(app, services, app.log, undefined, shard, () => lifecycle.stopping)),
      services.now,
      (fn) => lifecycle.track(fn),
    );
    const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    /** The routes' bearer token (SUPPORT_TRIAGE_SWEEP_SECRET), compared in constant time; answers 401 when it is wrong. */
    const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
      const auth = req.headers.authorization ?? "";
      const presented = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (secret && secretMatches(presented, secret)) return true;
      json(res, 401, { error: "unauthorized" });
      return false;
    };
    /**
     * POST /support-triage/sweep: 202 at once with the run's id (a trigger while a sweep runs
     * joins it); `?wait=1` answers when it is done (200, the summary). GET …/sweep/<id>: the run.
     */
    const sweepRoute = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = url.pathname;
      const runId = path.startsWith(`${SWEEP_ROUTE}/`) ? path.slice(SWEEP_ROUTE.length + 1) : null;
      if (path !== SWEEP_ROUTE && runId === null) return false;
      const allowed = runId === null ? "POST" : "GET";
      if (req.method !== allowed) {
        json(res, 405, { error: "method not allowed" }, { allow: allowed });
        return true;
      }
      if (!authorized(req, res)) return true;
      if (runId !== null) {
        const run = runner.get(runId);
        if (!run) json(res, 404, { error: "no such sweep run (only the last 20 are kept)" });
        else json(res, 200, runJson(run));
        return true;
      }
      if (lifecycle.stopping) {
        json(res, 503, { error: "shutting down" });
        return true;
      }
      const { run, joined } = runner.start("http");
      const wait = url.searchParams.get("wait");
      if (wait === "1" || wait === "true") {
        await run.done;
        json(res, run.status === "failed" ? 500 : 200, runJson(run, joined));
      } else {
        json(res, 202, runJson(run, joined), { location: `${SWEEP_ROUTE}/${run.id}` });
      }
      return true;
    };
    /**
     * GET /support-triage/report?repo=owner/name[&since=30d|date][&until=date][&format=json|markdown|csv|table]:
     * the SLA report of one repository (same secret as the sweep route). The simulator's
     * `report: {}` step calls it.
     */
    const reportRoute = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== REPORT_ROUTE) return false;
      if (req.method !== "GET") {
        json(res, 405, { error: "method not allowed" }, { allow: "GET" });
        return true;
      }
      if (!authorized(req, res)) return true;
      if (lifecycle.stopping) {
        json(res, 503, { error: "shutting down" });
        return true;
      }
      const m = /^([\w.-]+)\/([\w.-]+)$/.exec(url.searchParams.get("repo") ?? "");
      const format = url.searchParams.get("format") ?? "json";
      const sinceText = url.searchParams.get("since");
      const untilText = url.searchParams.get("until");
      const badBound = [sinceText, untilText].find((t) => t !== null && resolveBound(t, { timezone: "UTC" } as Parameters<typeof resolveBound>[1], 0) === null);
      if (!m?.[1] || !m[2] || !["json", "markdown", "csv", "table"].includes(format) || badBound !== undefined) {
        json(res, 400, { error: "expected ?repo=owner/name, optionally since=30d|YYYY-MM-DD, until=YYYY-MM-DD and format=json|markdown|csv|table" });
        return true;
      }
      const repo = { owner: m[1], repo: m[2] };
      try {
        const appClient = asClient(await app.auth());
        const inst = await appClient.request("GET /repos/{owner}/{repo}/installation", repo);
        const client = asClient(await app.auth((inst.data as { id: number }).id));
        const built = await lifecycle.track(() =>
          buildRepoReport(client, services, repo, {
            ...(sinceText !== null ? { since: (c, now) => resolveBound(sinceText, c, now) as number } : {}),
            ...(untilText !== null ? { until: (c, now) => resolveBound(untilText, c, now, true) as number } : {}),
          }),
        );
        const { report } = built;
        if (format === "json") json(res, 200, { report, requests: built.requests, points: built.points, complete: built.complete });
        else {
          const text = format === "markdown" ? renderReportMarkdown(report) : format === "csv" ? renderReportCsv(report) : `${renderReportTable(report)}\n`;
          const type = format === "markdown" ? "text/markdown" : format === "csv" ? "text/csv" : "text/plain";
          res.writeHead(200, { "content-type": `${type}; charset=utf-8` }).end(text);
        }
      } catch (err) {
        const status = err instanceof ReportConfigError ? 409 : (errorStatus(err) ?? 500) === 404 ? 404 : 502;
        json(res, status, { error: err instanceof Error ? err.message : String(err) });
      }
      return true;
    };
    try {
      addHandler(sweepRoute);
      addHandler(reportRoute);
    } catch {
      // No HTTP server (e.g. a serverless adapter or `probot.load` in tests): sweeps then run
      // from the CLI or the timer.
      app.log.debug("no server: the sweep route is not registered");
    }

    const intervalMin = options.sweepIntervalMinutes ?? Number(env.SUPPORT_TRIAGE_SWEEP_INTERVAL ?? 10);
    const timerOn = (options.sweepTimer ?? true) && Number.isFinite(intervalMin) && intervalMin > 0;
    if (timerOn) {
      const stop = (options.startTimer ?? startSweepTimer)(intervalMin, async () => {
        if (lifecycle.stopping) return;
        const { run, joined } = runner.start("timer");
        await run.done;
        if (joined) return;
        if (run.status === "failed") app.log.error({ event: "support-triage.sweep-failed", err: run.error }, "timed sweep failed");
        else app.log.info({ event: "support-triage.sweep", id: run.id, ...run.summary }, "timed sweep done");
      });
      lifecycle.whenStopping(stop);
    }
  };
}
