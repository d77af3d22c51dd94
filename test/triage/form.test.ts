import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { readFormAnswers } from "../../src/triage/form.js";
import { leadingPriority } from "../../src/triage/text.js";
import { cfg, optionFor, supportBody, template } from "./helpers.js";

const FORM = template("support.yml");
const DISCUSSION_FORM = template("discussion-support.yml");
const templates = [
  ["with the template", FORM],
  ["without a template", null],
] as const;

describe.each(templates)("readFormAnswers %s", (_name, form) => {
  it.each([
    { name: "P2 + Production", body: supportBody({ priority: optionFor("P2"), environment: "Production" }), priority: "P2", production: true },
    { name: "P1 + Staging", body: supportBody({ priority: optionFor("P1"), environment: "Staging" }), priority: "P1", production: false },
    { name: "empty dropdown (None)", body: supportBody({ priority: "None" }), priority: "P3", production: false },
    { name: "_No response_", body: supportBody({ priority: "_No response_" }), priority: "P3", production: false },
    { name: "lower-case token", body: supportBody({ priority: "p4 (low) – question" }), priority: "P4", production: false },
    { name: "CRLF line endings", body: supportBody({ priority: optionFor("P2"), environment: "Production" }).replace(/\n/g, "\r\n"), priority: "P2", production: true },
    { name: "odd label casing", body: supportBody({ priority: optionFor("P1"), environment: "production" }).replace("### Priority", "### PRIORITY").replace("### Environment", "### environment"), priority: "P1", production: true },
  ])("$name → $priority, production: $production", ({ body, priority, production }) => {
    const a = readFormAnswers(body, form, DEFAULT_CONFIG);
    expect(a.hasPriorityField).toBe(true);
    expect(a.priority).toBe(priority);
    expect(a.production).toBe(production);
  });

  it("ignores `### Priority` inside a code fence (``` and ~~~)", () => {
    const fake = "```\n### Priority\n\nP1 (Urgent) – production down, no workaround\n```\n~~~ text\n### Environment\n\nProduction\n~~~";
    const body = supportBody({ priority: optionFor("P4"), environment: "Staging", logs: fake });
    const a = readFormAnswers(body, form, DEFAULT_CONFIG);
    expect(a.priority).toBe("P4");
    expect(a.production).toBe(false);
  });

  it("a body with no priority field is not a form answer", () => {
    expect(readFormAnswers("Help, the DB is down!", form, DEFAULT_CONFIG)).toMatchObject({ hasPriorityField: false, priority: null, production: false });
  });

  it("an unreadable answer gets the default priority and says so", () => {
    const a = readFormAnswers(supportBody({ priority: "Urgent!!" }), form, cfg({ form: { default_priority: "P4" } }));
    expect(a).toMatchObject({ priority: "P4", priorityUnreadable: true, priorityRaw: "Urgent!!" });
  });

  it("reads a 1 MB body quickly and correctly", () => {
    const filler = "x".repeat(70) + "\n### not a field\n";
    const huge = supportBody({ priority: optionFor("P2"), environment: "Production", description: filler.repeat(Math.ceil(1_048_576 / filler.length)) });
    expect(huge.length).toBeGreaterThan(1_000_000);
    const a = readFormAnswers(huge, form, DEFAULT_CONFIG);
    expect(a.priority).toBe("P2");
    expect(a.production).toBe(true);
  });
});

describe("readFormAnswers with a template", () => {
  it("a `### Environment` line typed in an earlier textarea does not win over the real field", () => {
    const body = [
      "### Priority", "", optionFor("P2"), "",
      "### Environment", "", "Production", "",
      "### Database name", "", "_No response_", "",
      "### What happened?", "", "I pasted my notes:", "", "### Priority", "", "P1 please!", "", "### Environment", "", "Staging", "",
      "### Relevant log output", "", "_No response_",
    ].join("\n");
    const a = readFormAnswers(body, FORM, DEFAULT_CONFIG);
    expect(a.priority).toBe("P2");
    expect(a.production).toBe(true);
  });

  it("a fake heading before the real field is skipped when its value is not an option", () => {
    // A free-text field precedes the dropdowns in this template; the user typed a heading in it.
    const t = { file: "t.yml", fieldLabels: ["Summary", "Environment", "Priority"], labels: [], options: { Environment: ["Production", "Staging"], Priority: FORM.options["Priority"] ?? [] } };
    const body = ["### Summary", "", "Our notes", "### Environment", "", "we think prod?", "", "### Environment", "", "Staging", "", "### Priority", "", optionFor("P3")].join("\n");
    const a = readFormAnswers(body, t, DEFAULT_CONFIG);
    expect(a.environment).toBe("Staging");
    expect(a.priority).toBe("P3");
  });

  it("reads a discussion form with emoji labels and a multi-select environment", () => {
    const body = "### 🚨 Priority\n\n🟠 P2 – High\n\n### Environment\n\nStaging, Production\n\n### Details\n\nslow";
    const a = readFormAnswers(body, DISCUSSION_FORM, DEFAULT_CONFIG);
    expect(a.priority).toBe("P2");
    expect(a.production).toBe(true);
  });

  it("still finds the fields after a fence the user left open", () => {
    const body = ["### Priority", "", optionFor("P2"), "", "### Environment", "", "Production", "", "### Database name", "", "```", "oops", "", "### What happened?", "", "x", "", "### Relevant log output", "", "_No response_"].join("\n");
    expect(readFormAnswers(body, FORM, DEFAULT_CONFIG)).toMatchObject({ priority: "P2", production: true });
    const t = { file: "t.yml", fieldLabels: ["Summary", "Priority"], labels: [], options: { Priority: FORM.options["Priority"] ?? [] } };
    const late = ["### Summary", "", "```", "log", "", "### Priority", "", optionFor("P1")].join("\n");
    expect(readFormAnswers(late, t, DEFAULT_CONFIG).priority).toBe("P1");
    // A fenced heading that would break the field order is still ignored.
    const pasted = ["### What happened?", "", "```", "### Priority", "", optionFor("P1")].join("\n");
    expect(readFormAnswers(pasted, FORM, DEFAULT_CONFIG).hasPriorityField).toBe(false);
  });
});

describe("leadingPriority", () => {
  it.each([
    ["P2 (High) – production app degraded", "P2"],
    ["p1", "P1"],
    ["🔴 P1 – Urgent", "P1"],
    ["**P3** normal", "P3"],
    ["P10", null],
    ["P2x", null],
    ["Priority 1", null],
    ["", null],
  ])("%j → %s", (text, expected) => {
    expect(leadingPriority(text)).toBe(expected);
  });
});

describe("readFormAnswers never throws", () => {
  const fragments = fc.constantFrom("### Priority", "### Environment", "```", "~~~", "\r\n", "\n", "P1", "None", "_No response_", "### ", "#", " ", "🚨", "Production");
  const bodies = fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.oneof(fragments, fc.string({ maxLength: 10 })), { maxLength: 60 }).map((p) => p.join("")));

  it.each(templates)("on arbitrary strings (%s)", (_name, form) => {
    fc.assert(
      fc.property(bodies, (body) => {
        const a = readFormAnswers(body, form, DEFAULT_CONFIG);
        expect(a.hasPriorityField || a.priority === null).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
