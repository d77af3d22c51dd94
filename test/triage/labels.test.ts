import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { labelSpecs, presentPriorities, priorityOfLabel } from "../../src/triage/labels.js";
import { cfg } from "./helpers.js";

describe("labelSpecs", () => {
  const specs = labelSpecs(DEFAULT_CONFIG);

  it("lists every label the app needs", () => {
    expect(specs.map((s) => s.name)).toEqual([
      "P1", "P2", "P3", "P4", "production", "security", "escalated", "plan: standard", "plan: business", "plan: enterprise",
    ]);
  });

  it("uses the seed's P1 description and GitHub's limits", () => {
    expect(specs[0]?.description).toBe("Urgent: production down, no workaround, data at risk, or a confirmed security incident");
    for (const s of specs) {
      expect(s.description.length).toBeLessThanOrEqual(100);
      expect(s.color).toMatch(/^[0-9a-f]{6}$/);
    }
  });

  it("follows configured names and drops duplicates", () => {
    const config = cfg({ labels: { priorities: { P1: "sev1", P2: "sev2", P3: "sev3", P4: "sev4" }, production: "prod", security: "prod", escalated: "late", plan_prefix: "tier/" } });
    expect(labelSpecs(config).map((s) => s.name)).toEqual(["sev1", "sev2", "sev3", "sev4", "prod", "late", "tier/standard", "tier/business", "tier/enterprise"]);
  });
});

describe("label lookup", () => {
  it("is case-insensitive, like GitHub", () => {
    expect(priorityOfLabel(DEFAULT_CONFIG, "p2")).toBe("P2");
    expect(priorityOfLabel(DEFAULT_CONFIG, "P5")).toBeNull();
    expect(presentPriorities(DEFAULT_CONFIG, ["p4", "bug", "P1"])).toEqual(["P1", "P4"]);
  });
});
