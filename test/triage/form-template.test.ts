import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { parseFormTemplate, selectTemplate } from "../../src/triage/form-template.js";
import { cfg, fixture, supportBody, template } from "./helpers.js";

describe("parseFormTemplate", () => {
  it("reads field labels (markdown excluded), dropdown options and labels", () => {
    const { template: t, errors } = parseFormTemplate(fixture("support.yml"), ".github/ISSUE_TEMPLATE/support.yml", DEFAULT_CONFIG);
    expect(errors).toEqual([]);
    expect(t).toEqual({
      file: ".github/ISSUE_TEMPLATE/support.yml",
      fieldLabels: ["Priority", "Environment", "Database name", "What happened?", "Relevant log output"],
      labels: ["support"],
      options: {
        Priority: [
          "P1 (Urgent) – production down, no workaround",
          "P2 (High) – production app degraded",
          "P3 (Normal) – partial loss, workaround available",
          "P4 (Low) – question or feature request",
        ],
        Environment: ["Production", "Staging", "Development"],
      },
    });
  });

  it("accepts a discussion form with emoji labels and comma-separated labels", () => {
    const { template: t, errors } = parseFormTemplate(fixture("discussion-support.yml"), ".github/DISCUSSION_TEMPLATE/support.yml", DEFAULT_CONFIG);
    expect(errors).toEqual([]);
    expect(t?.labels).toEqual(["support", "needs-triage"]);
    expect(t?.fieldLabels).toEqual(["🚨 Priority", "Environment", "Details"]);
  });

  it("a template without a priority field is not a support form: no errors", () => {
    const { template: t, errors } = parseFormTemplate(fixture("bug-report.yml"), "bug.yml", DEFAULT_CONFIG);
    expect(errors).toEqual([]);
    expect(t?.fieldLabels).toEqual(["What happened?", "Version"]);
    expect(t?.labels).toEqual(["bug"]);
  });

  it("reports priority options without a P1..P4 token and `multiple`, with lines", () => {
    const { errors } = parseFormTemplate(fixture("bad-priority-options.yml"), "bad.yml", DEFAULT_CONFIG);
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ["body[0].attributes.options[0]", 10],
      ["body[0].attributes.options[2]", 12],
      ["body[0].attributes.multiple", 8],
    ]);
    expect(errors[0]?.message).toContain('"Urgent"');
    expect(errors[0]?.message).toContain("P1, P2, P3 or P4");
    expect(errors.every((e) => e.file === "bad.yml")).toBe(true);
  });

  it("uses the configured priority field label", () => {
    const config = cfg({ form: { priority_field: "Severity" } });
    const text = "body:\n  - type: dropdown\n    attributes:\n      label: Severity\n      options: [High]\n";
    expect(parseFormTemplate(text, "f.yml", config).errors).toHaveLength(1);
    expect(parseFormTemplate(text, "f.yml", DEFAULT_CONFIG).errors).toEqual([]);
  });

  it.each([
    { name: "bad YAML", file: "bad-yaml.yml", path: "", line: 7 },
    { name: "no body", file: "no-body.yml", path: "body", line: 1 },
  ])("$name → an error with its line, no template", ({ file, path, line }) => {
    const { template: t, errors } = parseFormTemplate(fixture(file), file, DEFAULT_CONFIG);
    expect(t).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file, path, line });
  });

  it.each(["", "just a string", "[1, 2]", "body: 3", "body:\n  - 1\n  - type: input\n"])("never throws on %j", (text) => {
    expect(() => parseFormTemplate(text, "x.yml", DEFAULT_CONFIG)).not.toThrow();
  });
});

describe("selectTemplate", () => {
  const support = template("support.yml");
  const bug = template("bug-report.yml");

  it("picks the template whose labels match the headings best", () => {
    expect(selectTemplate([bug, support], supportBody())).toBe(support);
    expect(selectTemplate([support, bug], "### What happened?\n\nx\n\n### Version\n\n1.0")).toBe(bug);
  });

  it("ignores headings in code fences and returns null without matches", () => {
    expect(selectTemplate([support, bug], "```\n### Priority\n### Environment\n```\nhello")).toBeNull();
    expect(selectTemplate([], supportBody())).toBeNull();
  });
});

describe("form template limits", () => {
  it("refuses a template over the size limit without parsing it", async () => {
    const { parseFormTemplate, MAX_TEMPLATE_BYTES } = await import("../../src/triage/form-template.js");
    const { DEFAULT_CONFIG } = await import("../../src/config/defaults.js");
    const r = parseFormTemplate(`body:\n${"  - type: markdown\n".repeat(MAX_TEMPLATE_BYTES / 10)}`, "big.yml", DEFAULT_CONFIG);
    expect(r.template).toBeNull();
    expect(r.errors[0]?.message).toMatch(/larger than 256 KB/);
  });

  it("keeps the first of two fields with one label and reports the second with its line", async () => {
    const { parseFormTemplate } = await import("../../src/triage/form-template.js");
    const { DEFAULT_CONFIG } = await import("../../src/config/defaults.js");
    const text = "body:\n  - type: input\n    attributes: {label: Name}\n  - type: textarea\n    attributes: {label: name}\n";
    const r = parseFormTemplate(text, "t.yml", DEFAULT_CONFIG);
    expect(r.template?.fieldLabels).toEqual(["Name"]);
    expect(r.errors).toEqual([expect.objectContaining({ path: "body[1].attributes.label", line: 5 })]);
  });
});
