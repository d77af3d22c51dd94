/**
 * One sweep at a time per process. A trigger that arrives while a sweep runs — the timer,
 * the HTTP route, a second cron call — joins the running sweep instead of starting a
 * second one over the same items. Finished runs are kept (the last few) so that
 * `GET /support-triage/sweep/<id>` can report them.
 */
import { randomUUID } from "node:crypto";
import type { SweepReport } from "./sweep.js";

export type SweepTrigger = "timer" | "http" | "startup";

export interface SweepRun {
  readonly id: string;
  readonly trigger: SweepTrigger;
  readonly startedAt: string;
  finishedAt: string | null;
  status: "running" | "done" | "failed";
  /** Triggers that joined this run while it was running. */
  joined: number;
  summary: Omit<SweepReport, "repositories"> & { repositories: number } | null;
  error: string | null;
  readonly done: Promise<SweepRun>;
}

const KEEP_RUNS = 20;

export class SweepRunner {
  private current: SweepRun | null = null;
  private readonly runs = new Map<string, SweepRun>();

  constructor(
    private readonly sweep: () => Promise<SweepReport>,
    private readonly now: () => number,
    private readonly track: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
  ) {}

  /** Starts a sweep, or joins the one running. */
  start(trigger: SweepTrigger): { run: SweepRun; joined: boolean } {
    if (this.current) {
      this.current.joined++;
      return { run: this.current, joined: true };
    }
    let resolveDone!: (r: SweepRun) => void;
    const done = new Promise<SweepRun>((r) => (resolveDone = r));
    const run: SweepRun = {
      id: randomUUID(),
      trigger,
      startedAt: new Date(this.now()).toISOString(),
      finishedAt: null,
      status: "running",
      joined: 0,
      summary: null,
      error: null,
      done,
    };
    this.current = run;
    this.runs.set(run.id, run);
    while (this.runs.size > KEEP_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    void this.track(async () => {
      try {
        const s = await this.sweep();
        run.summary = { ...s, repositories: s.repositories.length };
        run.status = "done";
      } catch (err) {
        run.status = "failed";
        run.error = err instanceof Error ? err.message : String(err);
      } finally {
        run.finishedAt = new Date(this.now()).toISOString();
        this.current = null;
        resolveDone(run);
      }
    });
    return { run, joined: false };
  }

  get(id: string): SweepRun | undefined {
    return this.runs.get(id);
  }

  get running(): SweepRun | null {
    return this.current;
  }
}

/** The JSON a sweep run is reported as. */
export function runJson(run: SweepRun, joined = false): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(joined ? { joined: true } : {}),
    ...(run.summary ? run.summary : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}
