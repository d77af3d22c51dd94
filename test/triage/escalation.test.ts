import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { elapsedShare, escalationPayload, itemUrl, lateBy, shouldEscalate, shouldWarn } from "../../src/triage/escalation.js";
import { computeTarget } from "../../src/triage/target.js";
import { HOUR, MIN, aDiscussion, anIssue, cfg, ms } from "./helpers.js";

const opened = ms("2026-12-01T09:00:00.000-08:00");
const p1 = computeTarget(DEFAULT_CONFIG, "business", "P1", opened); // 1 hour, 24x7
const p3 = computeTarget(DEFAULT_CONFIG, "business", "P3", opened); // 1 business day, 12x5
const facts = { open: true, tracked: true, responded: false, escalated: false, dueMs: p1.dueMs, now: p1.dueMs };

describe("shouldEscalate", () => {
  it.each([
    { name: "at the due time", patch: {}, expected: true },
    { name: "1 ms before", patch: { now: p1.dueMs - 1 }, expected: false },
    { name: "closed", patch: { open: false }, expected: false },
    { name: "untracked", patch: { tracked: false }, expected: false },
    { name: "responded", patch: { responded: true }, expected: false },
    { name: "already escalated", patch: { escalated: true }, expected: false },
  ])("$name → $expected", ({ patch, expected }) => {
    expect(shouldEscalate({ ...facts, ...patch })).toBe(expected);
  });
});

describe("warnings", () => {
  const config = cfg({ escalation: { warn_at: 0.5 } });

  it("measures business time for business coverage", () => {
    // 09:00 Tue → 18:00 is 9 of 12 business hours; overnight adds nothing.
    expect(elapsedShare(config, p3, ms("2026-12-01T15:00:00.000-08:00"))).toBe(0.5);
    expect(elapsedShare(config, p3, ms("2026-12-02T05:00:00.000-08:00"))).toBe(0.75);
    expect(elapsedShare(config, p1, opened + 15 * MIN)).toBe(0.25);
  });

  it.each([
    { name: "before warn_at", now: opened + 20 * MIN, patch: {}, expected: false },
    { name: "at warn_at", now: opened + 30 * MIN, patch: {}, expected: true },
    { name: "already warned", now: opened + 40 * MIN, patch: { warned: true }, expected: false },
    { name: "responded", now: opened + 40 * MIN, patch: { responded: true }, expected: false },
    { name: "overdue (escalation speaks)", now: opened + 2 * HOUR, patch: {}, expected: false },
  ])("$name → $expected", ({ now, patch, expected }) => {
    expect(shouldWarn(config, p1, { ...facts, now, warned: false, ...patch })).toBe(expected);
  });

  it("is off without warn_at", () => {
    expect(shouldWarn(DEFAULT_CONFIG, p1, { ...facts, now: opened + 59 * MIN, warned: false })).toBe(false);
  });
});

describe("lateness and the webhook payload", () => {
  it("counts business time only for business coverage", () => {
    // Due Wed 09:00; at Thu 07:00 it is 9 (Wed) + 1 (Thu) = 10 business hours late.
    expect(lateBy(DEFAULT_CONFIG, p3, ms("2026-12-03T07:00:00.000-08:00"))).toEqual({ ms: 10 * HOUR, text: "10 hours" });
    expect(lateBy(DEFAULT_CONFIG, p1, p1.dueMs + 25 * HOUR)).toEqual({ ms: 25 * HOUR, text: "1 day 1 hour" });
  });

  it("builds the payload with the item's URL", () => {
    const item = anIssue({ number: 7, title: "DB down" });
    expect(escalationPayload(DEFAULT_CONFIG, item, p1, p1.dueMs + 5 * MIN)).toEqual({
      event: "support_triage.escalated",
      repository: "acme/support",
      kind: "issue",
      number: 7,
      title: "DB down",
      url: "https://github.com/acme/support/issues/7",
      priority: "P1",
      plan: "business",
      dueAt: "2026-12-01T10:00:00.000-08:00",
      escalatedAt: "2026-12-01T10:05:00.000-08:00",
      lateByMs: 5 * MIN,
      lateBy: "5 minutes",
    });
    expect(itemUrl(aDiscussion({ number: 3 }))).toBe("https://github.com/acme/support/discussions/3");
    expect(itemUrl({ ...aDiscussion(), url: "https://ghe.example/o/r/discussions/1" })).toBe("https://ghe.example/o/r/discussions/1");
  });
});
