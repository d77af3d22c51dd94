/**
 * Deliveries as jobs. A webhook is normalised into a job and handed to the queue:
 *
 * - **in memory** (no `REDIS_URL`): the job runs at once and the delivery is answered when
 *   it is done — one process, nothing to lose; a shutdown waits for it (the lifecycle).
 * - **Redis** (`REDIS_URL`): the job is stored durably in a BullMQ queue and the delivery is
 *   answered at once (milliseconds); workers on every replica take jobs, each under the
 *   item's lock; a replica that dies mid-job leaves it to be taken again once its lock
 *   lapses (BullMQ's stalled-job check), and a failed job is retried with back-off.
 *
 * With Redis a delivery id (`X-GitHub-Delivery`) is the job's id, and finished jobs are kept
 * a day: GitHub's redeliveries, and a delivery that reached two replicas, are processed once.
 */
import { Queue, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import type { GitHubClient, RepoRef } from "../github/client.js";
import type { Trigger } from "../triage/types.js";
import type { ItemRef } from "./item.js";
import { intFromEnv, msFromEnv } from "../config/env-ms.js";
import { leaseMsFromEnv } from "./item-locks.js";
import { DEFAULT_LOOP_DELAY_MS, DEFAULT_WORKER_CONCURRENCY, WorkerPace } from "./worker-pace.js";

export type DeliveryJob =
  | { readonly kind: "item"; readonly deliveryId: string; readonly event: string; readonly installationId: number | null; readonly ref: ItemRef; readonly trigger: Trigger; readonly sender: string | null }
  | { readonly kind: "prepare"; readonly deliveryId: string; readonly event: string; readonly installationId: number | null; readonly repos: readonly RepoRef[]; readonly invalidate: boolean };

/** Runs a job; `client` is the delivery's own client when the job runs where it arrived. */
export type JobRunner = (job: DeliveryJob, client?: GitHubClient) => Promise<void>;

export interface DeliveryQueue {
  /** "done": processed already (in memory); "queued": stored, a worker takes it. */
  enqueue(job: DeliveryJob, client?: GitHubClient): Promise<"done" | "queued">;
  /** Stop taking jobs; resolves when the jobs in progress here are finished. */
  close(): Promise<void>;
  /** Jobs waiting or in progress (0 in memory). */
  pending(): Promise<number>;
}

export class InlineQueue implements DeliveryQueue {
  constructor(private readonly run: JobRunner) {}
  async enqueue(job: DeliveryJob, client?: GitHubClient): Promise<"done"> {
    await this.run(job, client);
    return "done";
  }
  async close(): Promise<void> {}
  async pending(): Promise<number> {
    return 0;
  }
}

export const QUEUE_NAME = "support-triage-deliveries";

export interface RedisQueueOptions {
  /** BullMQ key prefix (a run of its own in tests). */
  readonly prefix?: string;
  /**
   * Jobs one replica works on at once, at most (default 16); 0: this replica only receives
   * (stores deliveries; workers run elsewhere).
   */
  readonly concurrency?: number;
  /**
   * Event-loop delay the workers may cause, ms (default 10): above it this replica works
   * fewer jobs at once so that deliveries are still answered in milliseconds (see
   * worker-pace.ts); 0 keeps the concurrency fixed.
   */
  readonly loopDelayMs?: number;
  /** Attempts in all for a job that fails (GitHub down, an item busy elsewhere). */
  readonly attempts?: number;
  /** A job whose worker stopped renewing its lock this long ago (it died) is taken again. */
  readonly lockMs?: number;
}

export class RedisQueue implements DeliveryQueue {
  private readonly queue: Queue;
  private readonly worker: Worker | null;
  private readonly pace: WorkerPace | null;

  constructor(connection: Redis, workerConnection: Redis, run: JobRunner, options: RedisQueueOptions = {}) {
    const prefix = options.prefix ?? "support-triage-bull";
    this.queue = new Queue(QUEUE_NAME, { connection, prefix });
    this.attempts = options.attempts ?? 6;
    const max = options.concurrency ?? DEFAULT_WORKER_CONCURRENCY;
    if (max === 0) {
      this.worker = null;
      this.pace = null;
      return;
    }
    this.worker = new Worker(QUEUE_NAME, async (job: BullJob<DeliveryJob>) => run(job.data), {
      connection: workerConnection,
      prefix,
      concurrency: max,
      // A job whose worker died is taken again after this long without a lock renewal.
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: Math.max(250, Math.floor((options.lockMs ?? 30_000) / 2)),
      maxStalledCount: 3,
    });
    this.worker.on("error", () => undefined);
    const budgetMs = options.loopDelayMs ?? DEFAULT_LOOP_DELAY_MS;
    this.pace = budgetMs > 0 && max > 1 ? new WorkerPace(this.worker, { max, budgetMs }) : null;
  }

  /** Jobs this replica works at once now (0: receive only). */
  get concurrency(): number {
    return this.pace?.concurrency ?? this.worker?.concurrency ?? 0;
  }

  private readonly attempts: number;

  async enqueue(job: DeliveryJob): Promise<"queued"> {
    const stored = await this.queue.add(job.kind, job, {
      jobId: job.deliveryId,
      attempts: this.attempts,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    // The same delivery id: a redelivery. If its job ran out of attempts, GitHub's
    // "Redeliver" is someone asking for it again: run it again.
    if (await stored.isFailed()) await stored.retry().catch(() => undefined);
    return "queued";
  }

  async pending(): Promise<number> {
    const c = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    this.pace?.stop();
    await this.worker?.close();
    await this.queue.close();
  }
}

/**
 * The queue's settings from the environment: SUPPORT_TRIAGE_WORKER_CONCURRENCY (jobs at
 * once at most, 0 = receive only), SUPPORT_TRIAGE_LOOP_DELAY_MS (the event-loop delay the
 * workers may cause; 0 = fixed concurrency), SUPPORT_TRIAGE_LEASE_MS (a dead worker's job
 * is taken again after it).
 */
export function queueOptionsFromEnv(env: NodeJS.ProcessEnv, prefix: string): RedisQueueOptions {
  return {
    prefix,
    lockMs: leaseMsFromEnv(env),
    concurrency: intFromEnv(env, "SUPPORT_TRIAGE_WORKER_CONCURRENCY", DEFAULT_WORKER_CONCURRENCY, 0, 256, "jobs"),
    loopDelayMs: msFromEnv(env, "SUPPORT_TRIAGE_LOOP_DELAY_MS", DEFAULT_LOOP_DELAY_MS, 0, 10_000),
  };
}
