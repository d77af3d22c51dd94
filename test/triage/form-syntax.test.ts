import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { checkChooserConfig, checkFormSyntax, formKindOf } from "../../src/triage/form-syntax.js";
import { CHOOSER_CONFIG } from "../../src/triage/onboarding.js";
import { checkFormTemplate } from "../../src/triage/form-check.js";
import { cfg, fixture } from "./helpers.js";

const at = (text: string, kind: "issue" | "discussion" = "issue") =>
  checkFormSyntax(text, "f.yml", kind).map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);

const HEAD = "name: Support\ndescription: Ask\n";

describe("checkFormSyntax: GitHub's form syntax", () => {
  it("the shipped forms and the support fixture are valid", () => {
    expect(checkFormSyntax(fixture("support.yml"), "s.yml", "issue")).toEqual([]);
  });

  it("tells an issue form from a discussion category form by its folder", () => {
    expect(formKindOf(".github/DISCUSSION_TEMPLATE/support.yml")).toBe("discussion");
    expect(formKindOf(".github/ISSUE_TEMPLATE/support.yml")).toBe("issue");
  });

  it("unknown top-level keys, with a suggestion", () => {
    expect(at(`${HEAD}lables: [a]\nbody:\n  - type: input\n    attributes: {label: A}\n`)).toEqual([
      "3:1 lables: `lables` is not a permitted top-level key of an issue form; did you mean `labels`? (allowed: name, description, title, labels, assignees, projects, type, body).",
    ]);
  });

  it("options: booleans as YAML 1.1 reads them, the reserved None, duplicates, empty lists", () => {
    const text = `${HEAD}body:
  - type: dropdown
    attributes:
      label: Pie
      options: [Yes, None, Apple, Apple]
  - type: dropdown
    attributes:
      label: Cake
      options: []
`;
    expect(at(text)).toEqual([
      "7:17 body[0].attributes.options[0]: This option is read as the boolean true: GitHub refuses booleans among options; wrap values such as Yes, No, true and false in double quotes.",
      "7:22 body[0].attributes.options[1]: `None` is a reserved option: GitHub adds \"None\" itself to a dropdown that is not required; remove it.",
      "7:35 body[0].attributes.options[3]: The option `Apple` is listed twice (also at options[2]); options must be unique.",
      "11:16 body[1].attributes.options: `options` is empty; list at least one choice.",
    ]);
  });

  it("ids: allowed characters, unique; markdown takes none", () => {
    const text = `${HEAD}body:
  - type: markdown
    id: intro
    attributes: {value: Hi}
  - type: input
    id: a
    attributes: {label: A}
  - type: input
    id: A
    attributes: {label: B}
  - type: input
    id: first name
    attributes: {label: C}
`;
    expect(at(text)).toEqual([
      "5:5 body[0].id: `id` is not a permitted key of a markdown element; markdown is not submitted, so it takes no `id` or `validations` (allowed: type, attributes).",
      "11:9 body[2].id: Another element (body[1]) already has the id `A`: ids must be unique.",
      "14:9 body[3].id: The id `first name` can only contain letters, digits, `-` and `_`.",
    ]);
  });

  it("missing type, attributes and required attributes; wrong value types; only markdown", () => {
    expect(at(`${HEAD}body:\n  - attributes: {label: A}\n  - type: textarea\n  - type: input\n    attributes: {label: true}\n`)).toEqual([
      "4:5 body[0].type: The element has no `type`; give it one of markdown, textarea, input, dropdown or checkboxes.",
      "5:5 body[1].attributes: The textarea element has no `attributes`; it needs `label`.",
      "7:25 body[2].attributes.label: `label` must be text, not the boolean true; wrap the value in double quotes.",
    ]);
    expect(at(`${HEAD}body:\n  - type: markdown\n    attributes: {value: Hi}\n`)).toEqual([
      "3:1 body: The form has no field to fill in: GitHub requires at least one element other than markdown.",
    ]);
    expect(at(`${HEAD}body:\n  - type: checkboxes\n    attributes:\n      label: Terms\n      options:\n        - required: true\n`)).toEqual([
      "8:11 body[0].attributes.options[0].label: Each checkbox option needs a `label`.",
    ]);
  });

  it("a discussion category form takes no name, description or assignees", () => {
    const body = "body:\n  - type: input\n    attributes: {label: A}\n";
    expect(at(`assignees: [a]\n${body}`, "discussion")).toEqual([
      "1:1 assignees: `assignees` is not allowed in a discussion category form, and GitHub rejects the form: it takes only `title`, `labels` and `body` (the category's name and description are set in the repository's discussion settings).",
    ]);
    expect(at(`title: x\nlabels: a, b\n${body}`, "discussion")).toEqual([]);
  });
});

describe("checkFormTemplate: the form against the configuration", () => {
  const SUPPORT = `${HEAD}body:
  - type: dropdown
    attributes:
      label: Priority
      options: ["P1 (Urgent)", "P2 (High)", "P3 (Normal)", "P4 (Low)"]
  - type: dropdown
    attributes:
      label: Environment
      options: [Live, Staging]
`;
  it("an environment dropdown without a production value", () => {
    const r = checkFormTemplate(SUPPORT, ".github/ISSUE_TEMPLATE/s.yml", DEFAULT_CONFIG);
    expect(r.errors.map((e) => [e.line, e.path, e.message])).toEqual([
      [
        11,
        "body[1].attributes.options",
        "The `Environment` dropdown offers none of the production values (`Production`; form.production_values): no item opened with this form can be marked production. Add one of them as an option, or list this form's production option under form.production_values.",
      ],
    ]);
    expect(checkFormTemplate(SUPPORT, ".github/ISSUE_TEMPLATE/s.yml", cfg({ form: { production_values: ["Live"] } })).errors).toEqual([]);
  });

  it("a form that is not for support (no priority, no environment, not named so) is left alone", () => {
    const r = checkFormTemplate(fixture("bug-report.yml"), ".github/ISSUE_TEMPLATE/bug.yml", DEFAULT_CONFIG);
    expect(r.errors).toEqual([]);
    expect(r.hasPriorityField).toBe(false);
  });

  it("a free-text priority field", () => {
    const text = SUPPORT.replace("type: dropdown", "type: input").replace('      options: ["P1 (Urgent)", "P2 (High)", "P3 (Normal)", "P4 (Low)"]\n', "");
    expect(checkFormTemplate(text, ".github/ISSUE_TEMPLATE/s.yml", cfg({ form: { production_values: ["Live"] } })).errors.map((e) => e.message)).toEqual([
      "The priority field `Priority` is a free-text input; make it a dropdown whose options start with P1, P2, P3 or P4, so every answer names a priority.",
    ]);
  });
});

describe("checkChooserConfig: .github/ISSUE_TEMPLATE/config.yml", () => {
  const at = (text: string) => checkChooserConfig(text, "config.yml").map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);

  it("accepts the onboarding pull request's file and a contact link", () => {
    expect(at(CHOOSER_CONFIG)).toEqual([]);
    expect(at("blank_issues_enabled: false\ncontact_links:\n  - name: Status\n    url: https://status.example.com\n    about: Outages\n")).toEqual([]);
  });

  it("names unknown keys, missing link keys, wrong types and bad URLs with their lines", () => {
    expect(at("blank_issue_enabled: false\nblank_issues_enabled: maybe\ncontact_links:\n  - name: Status\n    url: status.example.com\n")).toEqual([
      "1:1 blank_issue_enabled: `blank_issue_enabled` is not a permitted key of the template chooser's config.yml; did you mean `blank_issues_enabled`? (allowed: blank_issues_enabled, contact_links).",
      "2:23 blank_issues_enabled: `blank_issues_enabled` must be true or false, not the text `maybe`.",
      "4:5 contact_links[0].about: The contact link has no `about`: GitHub requires `name`, `url` and `about`.",
      "5:10 contact_links[0].url: `status.example.com` is not an http(s) URL.",
    ]);
  });
});

describe("checkFormTemplate: which forms count as support forms", () => {
  it("a bug report with a free-text Environment is not one", () => {
    const text = `name: Bug report\ndescription: Something broke\nbody:\n  - type: textarea\n    attributes:\n      label: Environment\n  - type: textarea\n    attributes:\n      label: What happened?\n`;
    expect(checkFormTemplate(text, ".github/ISSUE_TEMPLATE/bug.yml", DEFAULT_CONFIG).errors).toEqual([]);
  });

  it("a form named for support, or with an environment dropdown offering Production, is one", () => {
    const named = `name: Get support\ndescription: Ask\nbody:\n  - type: textarea\n    attributes:\n      label: Details\n`;
    expect(checkFormTemplate(named, ".github/ISSUE_TEMPLATE/help.yml", DEFAULT_CONFIG).errors.map((e) => e.path)).toEqual(["body"]);
    const dropdown = `${HEAD}body:\n  - type: dropdown\n    attributes:\n      label: Environment\n      options: [Production, Staging]\n`;
    expect(checkFormTemplate(dropdown, ".github/ISSUE_TEMPLATE/x.yml", DEFAULT_CONFIG).errors.map((e) => e.message)).toEqual([
      "This looks like a support form (its `Environment` dropdown offers `Production`) but has no field labelled `Priority` (form.priority_field): items opened with it get no priority from the form. Add a dropdown labelled `Priority` whose options start with P1, P2, P3 or P4.",
    ]);
  });
});
