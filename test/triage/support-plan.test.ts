import { describe, expect, it } from "vitest";
import { resolvePlan } from "../../src/triage/support-plan.js";
import { alice, anIssue, cfg, mallory } from "./helpers.js";

describe("resolvePlan (SPEC §3 rule 5)", () => {
  const config = cfg({ customers: { alice: "business" } });

  it("takes the configured plan for an author nobody listed and an item without a plan label", () => {
    expect(resolvePlan(config, anIssue({ author: mallory }))).toEqual({ plan: "standard", reason: "default" });
  });

  it("takes the customers map for a listed author, whatever the case of the login", () => {
    expect(resolvePlan(config, anIssue({ author: alice }))).toEqual({ plan: "business", reason: "customer" });
    expect(resolvePlan(config, anIssue({ author: { login: "ALICE", isBot: false } }))).toEqual({ plan: "business", reason: "customer" });
  });

  it("lets a plan label win over the customers map, case-insensitively, with spaces around the name", () => {
    expect(resolvePlan(config, anIssue({ author: alice, labels: ["Plan:  Enterprise "] }))).toEqual({ plan: "enterprise", reason: "label" });
  });

  it("ignores a plan label naming no known plan", () => {
    expect(resolvePlan(config, anIssue({ author: alice, labels: ["plan: platinum"] }))).toEqual({ plan: "business", reason: "customer" });
  });

  it("with several plan labels, takes the plan listed last in targets (the most generous)", () => {
    const item = anIssue({ author: mallory, labels: ["plan: enterprise", "plan: standard", "plan: business"] });
    expect(resolvePlan(config, item)).toEqual({ plan: "enterprise", reason: "label" });
  });

  it("ignores a customers entry naming a plan that targets does not define", () => {
    const odd = cfg({ customers: { alice: "platinum" } });
    expect(resolvePlan(odd, anIssue({ author: alice }))).toEqual({ plan: "standard", reason: "default" });
  });

  it("does not read inherited object keys as customers (a login named like a prototype key)", () => {
    expect(resolvePlan(config, anIssue({ author: { login: "constructor", isBot: false } }))).toEqual({ plan: "standard", reason: "default" });
  });

  it("follows a changed prefix", () => {
    const prefixed = cfg({ labels: { plan_prefix: "tier/" } });
    expect(resolvePlan(prefixed, anIssue({ author: mallory, labels: ["tier/business", "plan: enterprise"] }))).toEqual({ plan: "business", reason: "label" });
  });
});
