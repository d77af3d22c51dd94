/**
 * End to end: escalation timing through the real server (issue 5's scenarios that
 * rules.test.ts does not already cover).
 */
import { describe, expect, it } from "vitest";
import { formBody, item, marker, notices, simulate } from "./scenario-builder.js";

const open = (number: number, author: string, priority: "P1" | "P2" | "P3" | "P4", environment: string) => ({
  open: { kind: "issue", number, author, title: `[Support]: item ${number}`, body: formBody({ priority, environment }) },
});

describe("escalation timing", () => {
  it("a response before the due time prevents escalation, however many sweeps run later", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [
        open(1, "wanda", "P2", "Production"),
        { advance: "3h" },
        { comment: { number: 1, author: "carol", body: "Looking into it." } },
        { advance: "2h" },
        { sweep: {} },
        { advance: "1d" },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P2", "production"]);
    expect(notices(found)).toHaveLength(0);
    expect(marker(found)).toMatchObject({ respondedBy: "carol" });
    expect(marker(found)).not.toHaveProperty("escalatedAt");
    expect(result.state.errors).toEqual([]);
  });

  it("a P3 opened the Wednesday before Thanksgiving is not escalated on Thanksgiving, but is on Friday afternoon", async () => {
    const result = await simulate({
      now: "2026-11-25T16:00:00-08:00",
      config: "customers:\n  dana: business\n",
      steps: [
        open(1, "dana", "P3", "Staging"),
        { advance: "20h" }, // Thu 2026-11-26 12:00, Thanksgiving
        { sweep: {} },
        { advance: "1d3h" }, // Fri 2026-11-27 15:00: one business hour left
        { sweep: {} },
      ],
    });
    const mid = item(result, 1);
    expect(marker(mid)).toMatchObject({ priority: "P3", plan: "business", dueAt: "2026-11-27T16:00:00.000-08:00" });
    expect(mid.labels).toEqual(["P3"]);
    expect(notices(mid)).toHaveLength(0);

    const later = await simulate({
      now: "2026-11-25T16:00:00-08:00",
      config: "customers:\n  dana: business\n",
      steps: [open(1, "dana", "P3", "Staging"), { advance: "2d1m" }, { sweep: {} }], // Fri 16:01
    });
    expect(item(later, 1).labels).toEqual(["P3", "escalated"]);
    expect(marker(item(later, 1))).toMatchObject({ escalatedAt: "2026-11-27T16:01:00.000-08:00" });
  });
});
