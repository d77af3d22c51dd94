/**
 * What a graceful shutdown needs to know: the work in flight (deliveries being handled,
 * the running sweep) and whether the process is stopping. On SIGTERM the server stops
 * accepting deliveries, sweeps stop after the item they are on, and the process exits
 * once the work in flight is done or the grace period is over (src/main.ts).
 */
export class Lifecycle {
  private stoppingFlag = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly onStop: Array<() => void> = [];

  get stopping(): boolean {
    return this.stoppingFlag;
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private pendingWork: () => Promise<number> = async () => 0;

  /** Work accepted but not started here (a durable queue's waiting jobs). */
  countPending(fn: () => Promise<number>): void {
    this.pendingWork = fn;
  }

  /** Resolves once nothing is in flight or waiting (the simulator's "let the app settle"), at most `maxMs`. */
  async idle(maxMs = 60_000): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline) {
      if (this.inFlight.size === 0 && (await this.pendingWork()) === 0 && this.inFlight.size === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Runs `fn` as work the shutdown waits for. */
  track<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return p;
  }

  /** Called once when stopping begins (e.g. the sweep timer stops). */
  whenStopping(fn: () => void): void {
    if (this.stoppingFlag) fn();
    else this.onStop.push(fn);
  }

  /** Begins stopping; resolves true when everything in flight finished within `graceMs`. */
  async drain(graceMs: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms).unref())): Promise<boolean> {
    if (!this.stoppingFlag) {
      this.stoppingFlag = true;
      for (const fn of this.onStop.splice(0)) fn();
    }
    const deadline = sleep(graceMs).then(() => false);
    const finished = (async () => {
      while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      return true;
    })();
    return Promise.race([finished, deadline]);
  }
}

/** Thrown for deliveries that arrive while stopping: Probot answers 503, GitHub can redeliver. */
export class StoppingError extends Error {
  readonly status = 503;
  constructor() {
    super("the server is shutting down; redeliver this webhook");
  }
}
