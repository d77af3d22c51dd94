/** The sweep timer inside the server: every interval with ±10% jitter, runs never overlap, and it can be off. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSweepTimer } from "../../src/app.js";
import { makeProbot } from "./nock-harness.js";

afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("startSweepTimer", () => {
  it.each([
    [0, 9 * 60_000],
    [0.5, 10 * 60_000],
    [0.999_999, 11 * 60_000],
  ])("with random() = %s the first sweep comes after %s ms, not before", async (r, ms) => {
    vi.useFakeTimers();
    const runs: number[] = [];
    startSweepTimer(10, async () => void runs.push(Date.now()), () => r);
    await vi.advanceTimersByTimeAsync(ms - 1_000);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
  });

  it("schedules the next run when one ends, so a slow sweep never overlaps the next", async () => {
    vi.useFakeTimers();
    let active = 0;
    let peak = 0;
    let runs = 0;
    startSweepTimer(1, async () => {
      runs++;
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5 * 60_000)); // longer than the interval
      active--;
    }, () => 0.5);
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    expect(peak).toBe(1);
    expect(runs).toBe(4); // one every 1 + 5 minutes
  });
});

describe("the app's timer setting", () => {
  it.each([
    ["sweepTimer: false", { sweepTimer: false, sweepIntervalMinutes: 1 }],
    ["an interval of 0", { sweepTimer: true, sweepIntervalMinutes: 0 }],
  ])("is off with %s: no timer is set", async (_why, options) => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    await makeProbot(() => 0, options);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is on by default with the configured interval", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const before = vi.getTimerCount();
    await makeProbot(() => 0, { sweepTimer: true, sweepIntervalMinutes: 10 });
    expect(vi.getTimerCount()).toBe(before + 1);
  });
});
