import { describe, expect, it } from "vitest";
import { mergeStates } from "../../src/triage/recall.js";
import type { MarkerState } from "../../src/triage/types.js";

const DUE = "2026-12-01T13:00:00.000-08:00";
const form: MarkerState = { priority: "P3", plan: "business", dueAt: DUE, source: "form", setBy: "alice" };
const label: MarkerState = { priority: "P2", plan: "business", dueAt: DUE, source: "label", setBy: "carol", previous: "P4" };

describe("mergeStates and the remembered previous priority", () => {
  it("adopting a duplicate's label decision adopts what it remembered before it", () => {
    expect(mergeStates(form, [label])).toMatchObject({ priority: "P2", source: "label", setBy: "carol", previous: "P4" });
  });

  it("a kept label decision keeps its own previous priority", () => {
    const kept: MarkerState = { ...label, previous: "P3" };
    expect(mergeStates(kept, [{ ...label, previous: "P4" }])?.previous).toBe("P3");
    const { previous: _p, ...withoutPrevious } = label;
    expect(mergeStates(withoutPrevious, [label])).not.toHaveProperty("previous");
  });

  it("a form priority adopting a decision without a previous priority drops its own", () => {
    const restricted: MarkerState = { ...form, priority: "P1", previous: "P3" };
    const { previous: _p, ...bare } = label;
    expect(mergeStates(restricted, [bare])).not.toHaveProperty("previous");
  });
});
