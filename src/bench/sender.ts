/**
 * The open-loop sender in a thread of its own.
 *
 * The bench's main thread also runs the GitHub simulator, which answers every request the
 * app's workers make. Timed from that thread, an acknowledgement's round trip included the
 * simulator's own busy event loop: at 400 deliveries/s the sends were late by p99 40 ms and
 * the answers were read as late. GitHub's deliveries do not wait on GitHub's API servers,
 * so the sender and its clock run in a worker thread: the app's answers are timed when they
 * arrive, whatever the simulator is doing. (The cores are still shared — that cost is real
 * and stays in the figure.)
 *
 * Running from TypeScript sources (the tests) there is no compiled file for a thread to
 * load: the same loop then runs in the calling thread, as before.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { DelivererPool, type SignedDelivery } from "./deliverer.js";
import { openLoop, type OpenLoopResult } from "./open-loop.js";

export interface SenderRun extends OpenLoopResult {
  /** Round trip of each delivery by its index in the batch, ms; null when it failed outright. */
  readonly byIndex: readonly (number | null)[];
  /** Answer status by index (0 when it failed outright). */
  readonly statusByIndex: readonly number[];
}

export interface OpenLoopSender {
  /** True when the loop runs in its own thread. */
  readonly threaded: boolean;
  run(appUrl: string, batch: readonly SignedDelivery[], rate: number): Promise<SenderRun>;
  close(): Promise<void>;
}

interface RunMessage {
  readonly id: number;
  readonly appUrl: string;
  readonly batch: readonly SignedDelivery[];
  readonly rate: number;
}
type AnswerMessage = { readonly id: number; readonly run: SenderRun } | { readonly id: number; readonly error: string };

const ROLE = "support-triage-bench-sender";

function loop(): { run(m: Omit<RunMessage, "id">): Promise<SenderRun>; close(): void } {
  const pools = new DelivererPool();
  return {
    async run({ appUrl, batch, rate }) {
      const pool = pools.for(appUrl);
      const indexed = batch.map((d, i) => ({ d, i }));
      const byIndex: (number | null)[] = batch.map(() => null);
      const statusByIndex: number[] = batch.map(() => 0);
      const result = await openLoop(indexed, rate, (x) => pool.send(x.d), (x, r) => {
        byIndex[x.i] = r.ms;
        statusByIndex[x.i] = r.status;
      });
      // performance.now() counts from each thread's own start: the last answer travels as
      // wall-clock time and is turned back into the receiver's clock (see startSender).
      return { ...result, lastAnswerAt: performance.timeOrigin + result.lastAnswerAt, byIndex, statusByIndex };
    },
    close() {
      pools.close();
    },
  };
}

const fromWallClock = (run: SenderRun): SenderRun => ({ ...run, lastAnswerAt: run.lastAnswerAt - performance.timeOrigin });

/** Starts the sender: in a worker thread when the compiled file is there, else in this thread. */
export async function startSender(): Promise<OpenLoopSender> {
  const file = fileURLToPath(import.meta.url);
  if (!file.endsWith(".js") || !existsSync(file)) {
    const inline = loop();
    return { threaded: false, run: async (appUrl, batch, rate) => fromWallClock(await inline.run({ appUrl, batch, rate })), close: async () => inline.close() };
  }
  const worker = new Worker(file, { workerData: { role: ROLE } });
  worker.unref();
  let nextId = 1;
  const waiting = new Map<number, { resolve: (r: SenderRun) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error): void => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on("message", (m: AnswerMessage) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (!w) return;
    if ("error" in m) w.reject(new Error(`the bench's sender thread: ${m.error}`));
    else w.resolve(fromWallClock(m.run));
  });
  worker.on("error", (err) => failAll(err));
  worker.on("exit", (code) => failAll(new Error(`the bench's sender thread exited (code ${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once("online", () => resolve());
    worker.once("error", reject);
  });
  return {
    threaded: true,
    run: (appUrl, batch, rate) =>
      new Promise<SenderRun>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, appUrl, batch, rate } satisfies RunMessage);
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      }),
    close: async () => {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}

// The thread's side: runs each batch it is sent, one at a time, and answers with the timings.
if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE && parentPort) {
  const port = parentPort;
  const inline = loop();
  port.on("message", (m: RunMessage) => {
    inline.run(m).then(
      (run) => port.postMessage({ id: m.id, run } satisfies AnswerMessage),
      (err: unknown) => port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies AnswerMessage),
    );
  });
}
