/**
 * Everything the handlers share inside one process: the clock, caches, locks and the
 * app's identity. Created once per loaded app.
 */
import { ContentCache } from "../github/contents.js";
import { ConfigIssueTracker } from "../github/config-issue.js";
import { FileTexts } from "../github/file-texts.js";
import { TeamCache } from "../github/teams.js";
import { DEFAULT_RETRY, type RetryPolicy } from "../github/retry.js";
import type { WebhookSender } from "../github/webhook.js";
import { LOCAL_CLAIMS, LOCAL_LEASES, type Claims, type Leases, type SharedCache } from "../github/redis.js";
import { ESCALATION_CLAIM_MS } from "./item.js";
import { DEFAULT_LEASE_MS, type ItemLocks } from "./item-locks.js";
import { KeyedMutex } from "./lock.js";
import { SweepLedgers } from "./sweep-ledger.js";
import { ReportIssueTracker } from "./report-issue.js";

export interface Logger {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
  debug: (obj: object, msg?: string) => void;
}

export interface Services {
  /** Epoch ms; injectable so the simulator and tests drive time. */
  readonly now: () => number;
  readonly contents: ContentCache;
  /** Config and form texts by git object id (the item read asks for ids alone once it holds them). */
  readonly fileTexts: FileTexts;
  readonly configIssues: ConfigIssueTracker;
  /** The pinned report issue of each repository, as far as this process knows it. */
  readonly reportIssues: ReportIssueTracker;
  readonly teams: TeamCache;
  readonly locks: ItemLocks;
  /** Leases on repository sweeps: replicas split the repositories, never sweep one twice at once. */
  readonly leases: Leases;
  /** How long a sweep lease lives without renewal: a dead holder's repositories are taken over after it. */
  readonly sweepLeaseMs: number;
  /** How long an escalation claim holds (ESCALATION_CLAIM_MS, or SUPPORT_TRIAGE_CLAIM_MS). */
  readonly claimMs: number;
  /** The app's bot login, e.g. "support-triage[bot]". */
  readonly appLogin: () => Promise<string>;
  readonly sendWebhook?: WebhookSender;
  /** Waits between retries; the simulator passes one that does not wait in real time. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly retry: RetryPolicy;
  /** Exclusive claims on escalations (shared by replicas with Redis). */
  readonly claims: Claims;
  /** What sweeps remember of each repository between runs (shared by replicas with Redis). */
  readonly ledgers: SweepLedgers;
  /**
   * Share of an installation's hourly GraphQL points a sweep leaves untouched (default 0.2,
   * SUPPORT_TRIAGE_POINTS_RESERVE in percent): deliveries keep working while a sweep runs.
   */
  readonly pointsReserve: number;
}

/** A sweep stops before an installation's GraphQL points fall below this share of the hour's. */
export const DEFAULT_POINTS_RESERVE = 0.2;

export function createServices(opts: {
  now?: () => number;
  appLogin: () => Promise<string>;
  sendWebhook?: WebhookSender;
  sleep?: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  claims?: Claims;
  locks?: ItemLocks;
  leases?: Leases;
  sweepLeaseMs?: number;
  claimMs?: number;
  sharedCache?: SharedCache;
  pointsReserve?: number;
}): Services {
  const now = opts.now ?? Date.now;
  return {
    now,
    claims: opts.claims ?? LOCAL_CLAIMS,
    sleep: opts.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    retry: opts.retry ?? DEFAULT_RETRY,
    contents: new ContentCache(undefined, undefined, opts.sharedCache ?? null),
    fileTexts: new FileTexts(),
    configIssues: new ConfigIssueTracker(),
    reportIssues: new ReportIssueTracker(),
    ledgers: new SweepLedgers(opts.sharedCache ?? null),
    pointsReserve: opts.pointsReserve ?? DEFAULT_POINTS_RESERVE,
    teams: new TeamCache(undefined, opts.sharedCache ?? null),
    locks: opts.locks ?? new KeyedMutex(),
    leases: opts.leases ?? LOCAL_LEASES,
    claimMs: opts.claimMs ?? ESCALATION_CLAIM_MS,
    sweepLeaseMs: opts.sweepLeaseMs ?? DEFAULT_LEASE_MS,
    appLogin: memo(opts.appLogin),
    ...(opts.sendWebhook ? { sendWebhook: opts.sendWebhook } : {}),
  };
}

/** Memoise a successful async result; a failure is retried on the next call. */
export function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    if (!p) {
      p = fn().catch((err: unknown) => {
        p = null;
        throw err;
      });
    }
    return p;
  };
}
