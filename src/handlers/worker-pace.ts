/**
 * Acknowledgements first. With Redis a replica both answers GitHub's deliveries and works
 * the queued jobs, on one event loop: a job's work (a read, planning, a batched write) is
 * several milliseconds of CPU, an acknowledgement about one. When jobs arrive faster than
 * one process can work them, sixteen jobs in flight keep the loop busy and every
 * acknowledgement waits its turn behind their continuations — the delivery is answered in
 * tens of milliseconds while the queue falls behind anyway.
 *
 * So the number of jobs a replica works at once follows the event loop's delay: halved
 * (at least 1) when a window's delay passes the budget, one more when it stays under half
 * of it (up to the configured maximum) — additive increase, multiplicative decrease, as
 * TCP paces a link. An idle or lightly loaded replica keeps its maximum; a saturated one
 * keeps its loop free enough to answer within milliseconds, and the jobs wait in Redis,
 * durable, for this replica or another to take them. Nothing is dropped, only paced.
 *
 * The decision (`nextConcurrency`) is pure; `WorkerPace` samples Node's event-loop delay
 * histogram and applies it.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from "node:perf_hooks";

export interface PaceSettings {
  /** Jobs at most at once (SUPPORT_TRIAGE_WORKER_CONCURRENCY). */
  readonly max: number;
  /** Event-loop delay a window may reach, ms (SUPPORT_TRIAGE_LOOP_DELAY_MS); 0 = never adapt. */
  readonly budgetMs: number;
}

/** What one window saw. */
export interface PaceWindow {
  /** The worst event-loop delay, ms. */
  readonly delayMs: number;
  /** Share of the window the loop was busy (0–1; Node's event-loop utilisation). */
  readonly utilisation: number;
}

/**
 * A loop busier than this is the workers' doing; a delay with the loop mostly idle is the
 * machine's (the process waited for a core) and fewer jobs would not shorten it.
 */
export const BUSY_UTILISATION = 0.6;

/** Concurrency for the next window, from what this window saw. */
export function nextConcurrency(current: number, w: PaceWindow, s: PaceSettings): number {
  if (s.budgetMs <= 0) return s.max;
  const now = Math.min(s.max, Math.max(1, current));
  if (w.delayMs > s.budgetMs && w.utilisation >= BUSY_UTILISATION) return Math.max(1, Math.floor(now / 2));
  if (w.delayMs < s.budgetMs / 2 || w.utilisation < BUSY_UTILISATION) return Math.min(s.max, now + 1);
  return now;
}

export const DEFAULT_WORKER_CONCURRENCY = 16;
export const DEFAULT_LOOP_DELAY_MS = 10;
/** One decision per window. */
export const PACE_WINDOW_MS = 100;

/** Something whose concurrency can be set while it runs (a BullMQ Worker). */
export interface Paced {
  concurrency: number;
}

export class WorkerPace {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private current: number;
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  /** Lowest concurrency used so far (reported in logs and tests). */
  lowest: number;

  constructor(
    private readonly target: Paced,
    private readonly settings: PaceSettings,
    windowMs = PACE_WINDOW_MS,
  ) {
    this.current = settings.max;
    this.lowest = settings.max;
    this.histogram = monitorEventLoopDelay({ resolution: 5 });
    this.histogram.enable();
    this.timer = setInterval(() => this.tick(), windowMs);
    this.timer.unref();
  }

  private tick(): void {
    // Nanoseconds; the histogram's own sampling interval is included in its values.
    const delayMs = Math.max(0, this.histogram.max / 1e6 - 5);
    this.histogram.reset();
    const elu = performance.eventLoopUtilization();
    const utilisation = performance.eventLoopUtilization(elu, this.elu).utilization;
    this.elu = elu;
    const next = nextConcurrency(this.current, { delayMs, utilisation }, this.settings);
    if (next !== this.current) {
      this.current = next;
      this.lowest = Math.min(this.lowest, next);
      this.target.concurrency = next;
    }
  }

  get concurrency(): number {
    return this.current;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
