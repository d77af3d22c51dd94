import { describe, expect, it } from "vitest";
import { KeyedMutex } from "../../src/handlers/lock.js";

describe("KeyedMutex", () => {
  it("runs work on one key one at a time, in arrival order", async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        m.run("acme/support#1", async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setImmediate(r));
          log.push(String(i));
          active--;
        }),
      ),
    );
    expect(maxActive).toBe(1);
    expect(log).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(m.size).toBe(0);
  });

  it("lets different keys run concurrently and survives a failing task", async () => {
    const m = new KeyedMutex();
    let concurrent = 0;
    let peak = 0;
    const task = async () => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      await new Promise((r) => setImmediate(r));
      concurrent--;
    };
    await Promise.all([m.run("a", task), m.run("b", task)]);
    expect(peak).toBe(2);
    await expect(m.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await m.run("a", async () => 42)).toBe(42);
    expect(m.size).toBe(0);
  });
});
