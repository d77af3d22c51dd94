import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeDue } from "../../src/triage/target.js";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { runScenario } from "../../src/simulator/harness.js";
import { COMMENT_WIDTH, formatTime, humanTimes, narrate, readable, wrap } from "../../src/simulator/narrate.js";

describe("the narration's words", () => {
  it("shows instants in one format, the one the app's comments use", () => {
    const ms = Date.parse("2026-12-01T17:00:00Z");
    expect(formatTime(ms, "America/Los_Angeles")).toBe("Tue, Dec 1, 2026, 9:00 AM PST");
    expect(formatTime(ms, "America/Los_Angeles")).toBe(describeDue(DEFAULT_CONFIG, ms));
    expect(humanTimes("due 2026-12-01T13:00:00.000-08:00, then 2026-12-02T01:00:00Z.", "America/Los_Angeles")).toBe("due Tue, Dec 1, 2026, 1:00 PM PST, then Tue, Dec 1, 2026, 5:00 PM PST.");
  });

  it("shows a whole comment, wrapped at spaces, never cut", () => {
    const long = `**Bold start** ${"word ".repeat(60)}end.\n\n- a list item ${"that goes on ".repeat(12)}and ends\n<!-- support-triage:target {"priority":"P1"} -->`;
    const lines = readable(long);
    expect(lines.every((l) => l.length <= COMMENT_WIDTH)).toBe(true);
    expect(lines.join(" ").replace(/\s+/g, " ")).toBe(`Bold start ${"word ".repeat(60)}end. - a list item ${"that goes on ".repeat(12)}and ends`.replace(/\s+/g, " "));
    expect(lines.find((l) => l.startsWith("- a list item"))).toBeDefined();
    expect(lines.filter((l) => l.startsWith("  that") || l.startsWith("  goes") || l.startsWith("  on")).length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain("support-triage:target");
    expect(wrap("a-very-long-url-that-cannot-be-broken", 10)).toEqual(["a-very-long-url-that-cannot-be-broken"]);
  });

  it("tells the demo with whole comments and singular and plural forms right", async () => {
    const result = await runScenario(readFileSync("examples/demo.yml", "utf8"), "examples/demo.yml");
    const story = narrate(result, { color: false });
    // The production-rule notice is there to its last sentence.
    expect(story).toContain("│ confirmed security incident, then set the priority again.");
    expect(story).not.toMatch(/\(s\)|…\n\s+│|1 comments|1 requests|1 events/);
    expect(story).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});
