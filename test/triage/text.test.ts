import { describe, expect, it } from "vitest";
import { isEmptyAnswer, leadingPriority, loginKey, normaliseLabel, sameLogin } from "../../src/triage/text.js";

describe("normaliseLabel", () => {
  it("ignores case, emoji, punctuation and spacing, and keeps letters and digits of every script", () => {
    expect(normaliseLabel("🚨 Priority:")).toBe("priority");
    expect(normaliseLabel("  Environment / Tier  ")).toBe("environment tier");
    expect(normaliseLabel("Priorität")).toBe("priorität");
    expect(normaliseLabel("優先度 (P1–P4)")).toBe("優先度 p1 p4");
  });

  it("folds compatibility forms (NFKC): full-width letters match their plain forms", () => {
    expect(normaliseLabel("Ｐｒｉｏｒｉｔｙ")).toBe("priority");
  });
});

describe("leadingPriority", () => {
  it.each([
    ["P2 (High) – production app degraded", "P2"],
    ["p1", "P1"],
    ["🔴 P1 Urgent", "P1"],
    ["**P3** Normal", "P3"],
    ["  - P4: low", "P4"],
  ])("%s → %s", (text, expected) => {
    expect(leadingPriority(text)).toBe(expected);
  });

  it.each(["P10", "P2x", "P5", "High (P2)", "Priority P2", ""])("%s names no priority", (text) => {
    expect(leadingPriority(text)).toBeNull();
  });

  it("skips at most 16 characters of decoration", () => {
    expect(leadingPriority(`${"*".repeat(16)}P1`)).toBe("P1");
    expect(leadingPriority(`${"*".repeat(17)}P1`)).toBeNull();
  });
});

describe("isEmptyAnswer", () => {
  it.each(["", "   ", "_No response_", "_no response_", "None", " none \n"])("%j is GitHub's empty answer", (v) => {
    expect(isEmptyAnswer(v)).toBe(true);
  });
  it.each(["No", "Nothing", "_No response_ yet", "P3"])("%j is an answer", (v) => {
    expect(isEmptyAnswer(v)).toBe(false);
  });
});

describe("sameLogin and loginKey", () => {
  it("equates a bot's REST login (with [bot]) and its GraphQL login, case-insensitively", () => {
    expect(sameLogin("Support-Triage[bot]", "support-triage")).toBe(true);
    expect(loginKey("Support-Triage[bot]")).toBe("support-triage");
  });
  it("tells different logins apart", () => {
    expect(sameLogin("alice", "alice2")).toBe(false);
    expect(sameLogin("alice[bot]", "bob")).toBe(false);
  });
});
