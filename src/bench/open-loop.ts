/**
 * An open-loop sender: delivery i leaves at t₀ + i ÷ rate whether or not the earlier ones
 * were answered, the way GitHub delivers — a slow app does not slow the arrivals, it makes
 * them queue, and the latencies show it (a closed loop would hide that: it waits for each
 * answer before it sends more). Used by the Redis acknowledgement figure (./redis.ts) and
 * the comparison's latency at fixed rates (./compare.ts).
 */
import type { DeliveryResult } from "./rig.js";

export interface OpenLoopResult {
  /** Round trip of each answered delivery, ms, in the order the answers came. */
  readonly latencies: number[];
  /** How late each send was against its schedule (the sender's process busy), ms. */
  readonly lateness: number[];
  /** Answers other than 2xx, and requests that failed outright. */
  readonly failed: number;
  readonly reasons: readonly string[];
  /** performance.now() of the last answer. */
  readonly lastAnswerAt: number;
  /** From the first scheduled send until the last answer, s. */
  readonly seconds: number;
}

const failure = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
};

/**
 * Sends `batch[i]` at t₀ + i ÷ `rate` (deliveries per second) with `send`, whether or not
 * the earlier ones were answered; resolves once every one is answered. `onAnswer` sees each
 * delivery with its result (to split latencies by kind).
 */
export async function openLoop<T>(
  batch: readonly T[],
  rate: number,
  send: (d: T) => Promise<DeliveryResult>,
  onAnswer?: (d: T, r: DeliveryResult) => void,
): Promise<OpenLoopResult> {
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const lateness: number[] = [];
  let failed = 0;
  const reasons = new Set<string>();
  let lastAnswerAt = 0;
  const answers: Promise<void>[] = [];
  const t0 = performance.now() + 2;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (i < batch.length && t0 + i * interval <= now) {
        lateness.push(now - (t0 + i * interval));
        const d = batch[i++] as T;
        answers.push(
          send(d).then(
            (r) => {
              lastAnswerAt = performance.now();
              latencies.push(r.ms);
              onAnswer?.(d, r);
              if (r.status < 200 || r.status >= 300) {
                failed++;
                reasons.add(`answered ${r.status}`);
              }
            },
            (err: unknown) => {
              lastAnswerAt = performance.now();
              failed++;
              reasons.add(failure(err));
            },
          ),
        );
      }
      if (i >= batch.length) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(answers);
  return { latencies, lateness, failed, reasons: [...reasons], lastAnswerAt, seconds: (performance.now() - t0) / 1000 };
}
