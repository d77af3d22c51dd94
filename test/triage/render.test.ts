import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { parseMarker } from "../../src/triage/marker.js";
import {
  PRODUCTION_POLICY,
  renderEscalationComment,
  renderProductionNotice,
  renderTargetComment,
  renderWarningComment,
  responseVerdict,
} from "../../src/triage/render.js";
import { computeTarget } from "../../src/triage/target.js";
import type { MarkerState } from "../../src/triage/types.js";
import { MIN, cfg, ms } from "./helpers.js";

const opened = ms("2026-12-01T09:00:00.000-08:00");
const p2 = computeTarget(DEFAULT_CONFIG, "business", "P2", opened);
const p3 = computeTarget(DEFAULT_CONFIG, "business", "P3", opened);
const state: MarkerState = { priority: "P2", plan: "business", dueAt: p2.dueAt, source: "form", setBy: "alice" };
const issue = { kind: "issue" as const };

describe("renderTargetComment", () => {
  it("states priority, plan, target, due time and who set it, with the marker last", () => {
    const body = renderTargetComment({ config: DEFAULT_CONFIG, item: issue, state, target: p2 });
    expect(body).toContain("P2 (High), from the support form filled in by @\u200Balice");
    expect(body).toContain("**Plan:** business");
    expect(body).toContain("4 hours, 24x7");
    expect(body).toContain("Tue, Dec 1, 2026, 1:00 PM PST");
    expect(body).toContain("none yet");
    const last = body.split("\n").at(-1) ?? "";
    expect(parseMarker(last)).toEqual(state);
  });

  it("reports a met or missed response in the target's own units", () => {
    const met = renderTargetComment({
      config: DEFAULT_CONFIG,
      item: issue,
      state: { ...state, source: "label", setBy: "carol", respondedAt: "2026-12-01T10:55:00.000-08:00", respondedBy: "dave" },
      target: p2,
    });
    expect(met).toContain("set by @\u200Bcarol with the `P2` label");
    expect(met).toContain("by @\u200Bdave: target met, 2 hours 5 minutes before the due time");
    expect(met).not.toMatch(/(^|[^\u200B])@(carol|dave)/);
  });

  it.each([
    { name: "24x7 late", target: p2, responded: p2.dueMs + 90 * MIN, text: "target missed by 1 hour 30 minutes" },
    { name: "24x7 exactly at due", target: p2, responded: p2.dueMs, text: "target met, at the due time" },
    // Due Wed 09:00; answered Thu 08:00 = 9 h Wed + 2 h Thu of business time late.
    { name: "12x5 late over a night", target: p3, responded: ms("2026-12-03T08:00:00.000-08:00"), text: "target missed by 11 hours" },
    { name: "12x5 early over a night", target: p3, responded: ms("2026-12-01T17:00:00.000-08:00"), text: "target met, 4 hours before the due time" },
  ])("$name → $text", ({ target, responded, text }) => {
    expect(responseVerdict(DEFAULT_CONFIG, target, responded)).toBe(text);
  });

  it("a priority the app applied under the production rule is not credited to anyone", () => {
    const applied = { ...state, priority: "P4" as const, source: "label" as const, setBy: "support-triage[bot]" };
    const body = renderTargetComment({ config: DEFAULT_CONFIG, item: issue, state: applied, target: p3, appLogin: "support-triage[bot]" });
    expect(body).toContain("P4 (Low), applied by support-triage under the production rule");
    expect(body).not.toContain("set by");
    // Both login spellings (REST and GraphQL) are the app; a form source reads the same.
    const form = renderTargetComment({ config: DEFAULT_CONFIG, item: issue, state: { ...applied, source: "form", setBy: "support-triage" }, target: p3, appLogin: "support-triage[bot]" });
    expect(form).toContain("applied by support-triage under the production rule");
    expect(form).not.toContain("support form filled in");
  });

  it("says when the item escalated, and when it is no longer tracked", () => {
    const escalated = renderTargetComment({ config: DEFAULT_CONFIG, item: issue, state: { ...state, escalatedAt: "2026-12-01T13:00:00.000-08:00" }, target: p2 });
    expect(escalated).toContain("**Escalated:** Tue, Dec 1, 2026, 1:00 PM PST");
    const untracked = renderTargetComment({ config: DEFAULT_CONFIG, item: { kind: "discussion" }, state: { ...state, untracked: true }, target: null });
    expect(untracked).toContain("not tracked");
    expect(untracked).toContain("This discussion has no priority label");
    expect(parseMarker(untracked)?.untracked).toBe(true);
  });
});

describe("renderProductionNotice", () => {
  it.each([
    { cause: { kind: "form", environment: "@staging <b>" } as const, text: "the environment given is “@\u200Bstaging &lt;b&gt;”" },
    { cause: { kind: "form", environment: null } as const, text: "no production environment was chosen" },
    { cause: { kind: "label", by: "carol" } as const, text: "@\u200Bcarol added `P1`" },
    { cause: { kind: "production-removed", by: "carol" } as const, text: "@\u200Bcarol removed the `production` label" },
    { cause: { kind: "other" } as const, text: "carried P1 (Urgent) without the `production` label" },
  ])("explains $cause.kind, quotes the policy, and says what the author and the support team can do", ({ cause, text }) => {
    const body = renderProductionNotice({ config: DEFAULT_CONFIG, item: issue, rejected: "P1", applied: "P3", appliedIsPrevious: false, cause, unconfirmedSecurity: false });
    expect(body).toContain(`> ${PRODUCTION_POLICY}`);
    expect(body).toContain(text);
    expect(body).toContain("The priority is now P3 (Normal).");
    // Customers cannot label: where the form decides, edit its answer; else (or anyway) ask.
    // Editing the form is offered only where it would work.
    if (cause.kind === "form") {
      expect(body).toContain(
        "**What you can do:** if this affects production, edit this issue's description and change the answer under `Environment` to `Production`; the priority you chose in the form is then applied again. For a confirmed security incident, or if the form does not fit your case, reply here and ask the support team (labels are theirs to set).",
      );
    } else {
      expect(body).toContain("**What you can do:** if this affects production, or is a confirmed security incident, reply here and ask the support team: they set the labels that allow P1 (Urgent)");
      expect(body).not.toContain("edit this issue's description");
      if (cause.kind === "production-removed") expect(body).toContain("editing the form does not bring the `production` label back once it was removed");
    }
    expect(body).toContain("**Support team:** add the `production` label for a production issue, or the `security` label for a confirmed security incident, then set the priority again.");
    expect(body).not.toMatch(/How to fix/);
  });

  it("names the configured form field and production value, inert", () => {
    const config = cfg({ form: { environment_field: "Where @ops", production_values: ["Live `x`"] } });
    const body = renderProductionNotice({ config, item: { kind: "discussion" }, rejected: "P2", applied: "P4", appliedIsPrevious: true, cause: { kind: "form", environment: "Staging" }, unconfirmedSecurity: false });
    expect(body).toContain("edit this discussion's description and change the answer under `Where @ops` to `` Live `x` ``;");
    expect(body).toContain("The priority is now P4 (Low) (its previous priority).");
  });
});

describe("escalation and warning comments", () => {
  it("mentions the configured contacts and assignees, and nothing else", () => {
    const config = cfg({ escalation: { contacts: ["@acme/support-leads", "oncall"], assignees: ["dana"] } });
    const body = renderEscalationComment({ config, item: issue, target: p2, lateBy: "2 hours" });
    expect(body).toContain("@acme/support-leads, @oncall: please take a look.");
    expect(body).toContain("Assigned to @dana.");
    expect(body).toContain("2 hours late");
    expect(body.match(/@/g)).toHaveLength(3);
  });

  it("on a discussion, which cannot be assigned, asks the assignees to look instead", () => {
    const config = cfg({ escalation: { contacts: ["@acme/support-leads"], assignees: ["carol", "@acme/support-leads"] } });
    const body = renderEscalationComment({ config, item: { kind: "discussion" }, target: p2, lateBy: "2 hours" });
    expect(body).toContain("This P2 (High) discussion");
    expect(body).toContain("@acme/support-leads, @carol: please take a look.");
    expect(body).not.toMatch(/assign/i);
    expect(body.match(/@/g)).toHaveLength(2);
    const only = renderEscalationComment({ config: cfg({ escalation: { assignees: ["carol"] } }), item: { kind: "discussion" }, target: p2, lateBy: "2 hours" });
    expect(only).toContain("@carol: please take a look.");
    expect(only).not.toMatch(/assign/i);
  });

  it("has no mentions without contacts", () => {
    expect(renderEscalationComment({ config: DEFAULT_CONFIG, item: issue, target: p2, lateBy: "0 minutes" })).not.toContain("@");
  });

  it("warns with the share elapsed and the due time; no mentions without contacts", () => {
    const body = renderWarningComment({ config: DEFAULT_CONFIG, item: issue, target: p2, share: 0.8 });
    expect(body).toContain("80% of this issue's P2 (High) target");
    expect(body).toContain("1:00 PM PST");
    expect(body).not.toContain("@");
  });

  it("the at-risk warning mentions the configured contacts, as escalation would", () => {
    const config = cfg({ escalation: { contacts: ["@acme/support-leads", "oncall"], assignees: ["dana"] } });
    const body = renderWarningComment({ config, item: issue, target: p2, share: 0.8 });
    expect(body.split("\n").at(-1)).toBe("@acme/support-leads, @oncall: please answer before then, or it is escalated to you.");
    expect(body.match(/@/g)).toHaveLength(2);
  });
});


