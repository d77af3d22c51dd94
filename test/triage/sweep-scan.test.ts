/** Which items a sweep reads in full (pure): the scan's decision and the wake time. */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { loadConfig } from "../../src/config/load.js";
import { scanDecision, wakeTime } from "../../src/triage/sweep-scan.js";
import type { MarkerState } from "../../src/triage/types.js";

const config = DEFAULT_CONFIG;
const CREATED = "2026-12-01T17:00:00Z"; // Tue 09:00 Pacific
const marker = (extra: Partial<MarkerState> = {}): MarkerState => ({
  priority: "P3",
  plan: "standard",
  dueAt: "2026-12-03T09:00:00.000-08:00",
  source: "form",
  setBy: "alice",
  ...extra,
});
const facts = (m: MarkerState | null | undefined, labels = ["P3"], changed = false) => ({ labels, marker: m, createdAt: CREATED, changed });
const BEFORE_DUE = Date.parse("2026-12-02T12:00:00Z");
const AFTER_DUE = Date.parse("2026-12-03T17:00:00Z");

describe("scanDecision", () => {
  it("reads an item whose target comment is not among the comments shown, or whose marker is unusable", () => {
    expect(scanDecision(facts(undefined), config, BEFORE_DUE)).toMatchObject({ read: true });
    expect(scanDecision(facts(null), config, BEFORE_DUE)).toMatchObject({ read: true });
  });
  it("reads an item whose labels disagree with the marker: priority, plan, escalated", () => {
    expect(scanDecision(facts(marker(), ["P2"]), config, BEFORE_DUE)).toMatchObject({ read: true });
    expect(scanDecision(facts(marker(), ["P3", "P4"]), config, BEFORE_DUE)).toMatchObject({ read: true });
    expect(scanDecision(facts(marker(), ["P3", "plan: business"]), config, BEFORE_DUE)).toMatchObject({ read: true });
    expect(scanDecision(facts(marker(), ["P3", "escalated"]), config, BEFORE_DUE)).toMatchObject({ read: true });
    expect(scanDecision(facts(marker({ escalatedAt: "2026-12-03T09:01:00.000-08:00" }), ["P3"]), config, AFTER_DUE)).toMatchObject({ read: true });
  });
  it("reads an item with a notification not yet delivered", () => {
    const m = marker({ escalatedAt: "2026-12-03T09:01:00.000-08:00", notifiedAt: { slack: null } });
    expect(scanDecision(facts(m, ["P3", "escalated"]), config, AFTER_DUE)).toMatchObject({ read: true });
  });
  it("leaves an answered item alone until it changes", () => {
    expect(scanDecision(facts(marker({ respondedAt: "2026-12-01T10:00:00.000-08:00", respondedBy: "carol" })), config, AFTER_DUE)).toEqual({ read: false, wakeAt: null });
  });
  it("reads an escalated, unanswered item only when it changed", () => {
    const m = marker({ escalatedAt: "2026-12-03T09:01:00.000-08:00" });
    expect(scanDecision(facts(m, ["P3", "escalated"], false), config, AFTER_DUE)).toEqual({ read: false, wakeAt: null });
    expect(scanDecision(facts(m, ["P3", "escalated"], true), config, AFTER_DUE)).toMatchObject({ read: true });
  });
  it("a waiting item needs no read before its due time, and is read once it has come", () => {
    expect(scanDecision(facts(marker()), config, BEFORE_DUE)).toEqual({ read: false, wakeAt: Date.parse("2026-12-03T17:00:00Z") });
    expect(scanDecision(facts(marker()), config, AFTER_DUE)).toMatchObject({ read: true });
  });
});

describe("wakeTime", () => {
  it("is the due time without at-risk warnings, or once warned", () => {
    expect(wakeTime(config, marker(), CREATED)).toBe(Date.parse("2026-12-03T17:00:00Z"));
    const warning = loadConfig("escalation:\n  warn_at: 0.5\n").config;
    if (!warning) throw new Error("config");
    expect(wakeTime(warning, marker({ warnedAt: "2026-12-02T09:00:00.000-08:00" }), CREATED)).toBe(Date.parse("2026-12-03T17:00:00Z"));
  });
  it("with warnings, half of the business time from creation: never later than the warning itself", () => {
    const warning = loadConfig("escalation:\n  warn_at: 0.5\n").config;
    if (!warning) throw new Error("config");
    // Tue 09:00 → Thu 09:00 is 24 business hours (12 a day); half of it ends Wed 09:00 Pacific.
    expect(wakeTime(warning, marker(), CREATED)).toBe(Date.parse("2026-12-02T17:00:00Z"));
    // Created earlier than the clock started: the wake time can only move earlier.
    expect(wakeTime(warning, marker(), "2026-11-30T17:00:00Z")).toBeLessThanOrEqual(Date.parse("2026-12-02T17:00:00Z"));
  });
  it("an unreadable due time gives none", () => {
    expect(wakeTime(config, marker({ dueAt: "soon" }), CREATED)).toBeNull();
  });
});
