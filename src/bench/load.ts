/**
 * Webhook load through the real HTTP server: deliveries are signed and POSTed over
 * loopback with a fixed number in flight, the way GitHub delivers to a busy app. The
 * workload is what a support desk produces: customers open form items (events that need
 * work: one read, one batched write) and GitHub echoes the app's own writes back to it
 * (labels added, the target comment: events the app must ignore quickly). New items are
 * spread over several repositories so the model the simulator holds stays small per
 * repository however long the run.
 */
import type { OutgoingWebhook, SimItem, SimRepo, World } from "../simulator/model.js";
import { formBody, type Rig } from "./rig.js";

export type DeliveryClass = "work" | "ignored";

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface WindowResult {
  readonly deliveries: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly all: LatencyStats;
  readonly work: LatencyStats;
  readonly ignored: LatencyStats;
  readonly failed: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

function stats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 };
}

const ENVIRONMENTS = ["Production", "Staging", "Development"] as const;
const AUTHORS = ["alice", "bob", "wanda", "erin", "frank", "grace"];

/**
 * Opens the `i`-th new support-form item of a run in the world — repositories round-robin,
 * 3 issues : 1 discussion, priorities, environments and authors varied — and takes its
 * `issues.opened` / `discussion.created` webhook from the outbox (echoes already queued stay).
 */
export function openFormItem(world: World, repos: readonly SimRepo[], i: number): { hook: OutgoingWebhook; item: SimItem } {
  const repo = repos[i % repos.length];
  if (!repo) throw new Error("no repositories");
  const kind = i % 4 === 3 ? "discussion" : "issue";
  const at = world.outbox.length;
  const item = world.openItem(repo, {
    kind,
    number: repo.nextNumber,
    author: world.user(AUTHORS[i % AUTHORS.length] ?? "alice"),
    title: `Import stopped (${i})`,
    body: formBody({ priority: i % 4, environment: ENVIRONMENTS[i % 3] ?? "Production" }),
    labels: [],
    category: kind === "discussion" ? "support" : null,
  });
  const [hook] = world.outbox.splice(at);
  if (!hook) throw new Error("opening an item queued no webhook");
  return { hook, item };
}

/** Drives deliveries; `run` can be called repeatedly to continue where the last call stopped. */
export class LoadGenerator {
  private opened = 0;
  delivered = 0;

  constructor(
    private readonly rig: Rig,
    private readonly concurrency: number,
  ) {}

  /** The next delivery: an echo GitHub already queued, else a new form item. */
  private next(): OutgoingWebhook {
    const queued = this.rig.world.outbox.shift();
    if (queued) return queued;
    return openFormItem(this.rig.world, this.rig.repos, this.opened++).hook;
  }

  /** Delivers `count` more webhooks with `concurrency` in flight; measures only when asked. */
  async run(count: number, measure: boolean): Promise<WindowResult> {
    const work: number[] = [];
    const ignored: number[] = [];
    let failed = 0;
    let started = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (started < count) {
        started++;
        const hook = this.next();
        const cls: DeliveryClass = hook.cause === "app" ? "ignored" : "work";
        const r = await this.rig.deliverer.post(hook);
        this.delivered++;
        if (r.status < 200 || r.status >= 300) failed++;
        if (measure) (cls === "work" ? work : ignored).push(r.ms);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.concurrency, count)) }, () => worker()));
    const seconds = (performance.now() - t0) / 1000;
    return {
      deliveries: count,
      seconds,
      perSecond: count / seconds,
      all: stats([...work, ...ignored]),
      work: stats(work),
      ignored: stats(ignored),
      failed,
    };
  }
}
