/** SPEC §3 rule 6: on installation the app creates the labels the policy needs, with descriptions. */
import { describe, expect, it } from "vitest";
import { simulate } from "./scenario-builder.js";

describe("installation set-up", () => {
  it("creates P1–P4, production, security, escalated and one label per plan, with descriptions and colours", async () => {
    const result = await simulate({ config: "targets:\n  premium: { P1: 30m 24x7, P2: 2h 24x7, P3: 8h business, P4: 1d business }\n", steps: [] });
    const repo = result.world?.repo("acme", "support");
    const labels = new Map((repo?.labels ?? []).map((l) => [l.name, l]));
    const wanted = ["P1", "P2", "P3", "P4", "production", "security", "escalated", "plan: standard", "plan: business", "plan: enterprise", "plan: premium"];
    expect([...labels.keys()].sort()).toEqual([...wanted].sort());
    for (const name of wanted) {
      expect(labels.get(name)?.color).toMatch(/^[0-9a-f]{6}$/i);
      expect(labels.get(name)?.description?.length ?? 0).toBeGreaterThan(0);
    }
    expect(labels.get("P1")?.description).toMatch(/Urgent/);
    expect(result.state.errors).toEqual([]);
  });

  it("creates nothing while the configuration is broken", async () => {
    const result = await simulate({ config: "plan: platinum\n", steps: [] });
    expect(result.world?.repo("acme", "support")?.labels.map((l) => l.name)).toEqual([]);
  });
});
