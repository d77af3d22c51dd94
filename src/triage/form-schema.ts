/**
 * GitHub's form syntax as JSON Schema (draft-07, run by ajv), written once
 * here because no JSON Schema for GitHub's forms is published on the npm registry.
 *
 * Sources: GitHub's "Syntax for issue forms", "Syntax for GitHub's form schema", "Syntax
 * for discussion category forms" and "Common validation errors when creating issue forms".
 * What JSON Schema cannot say (ids and labels unique across elements, the reserved option
 * `None`, at least one non-markdown field, `default` inside the options) is checked in
 * form-syntax.ts. `schema/github-issue-form.schema.json` and
 * `schema/github-discussion-form.schema.json` are these objects written out for editors
 * (`npm run schema`).
 */

/** Element types GitHub's form schema knows. */
export const ELEMENT_TYPES = ["markdown", "textarea", "input", "dropdown", "checkboxes"] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** Top-level keys of an issue form, and those GitHub requires. */
export const ISSUE_FORM_KEYS = ["name", "description", "title", "labels", "assignees", "projects", "type", "body"] as const;
export const ISSUE_FORM_REQUIRED = ["name", "description", "body"] as const;
/** Top-level keys of a discussion category form (no name, description or assignees). */
export const DISCUSSION_FORM_KEYS = ["title", "labels", "body"] as const;
export const DISCUSSION_FORM_REQUIRED = ["body"] as const;

/** Attributes each element type takes (the first ones listed as required are). */
export const ATTRIBUTES: Readonly<Record<ElementType, { readonly allowed: readonly string[]; readonly required: readonly string[] }>> = {
  markdown: { allowed: ["value"], required: ["value"] },
  textarea: { allowed: ["label", "description", "placeholder", "value", "render"], required: ["label"] },
  input: { allowed: ["label", "description", "placeholder", "value"], required: ["label"] },
  dropdown: { allowed: ["label", "description", "multiple", "options", "default"], required: ["label", "options"] },
  checkboxes: { allowed: ["label", "description", "options"], required: ["label", "options"] },
};

/** Keys of an element besides `type`: markdown takes no `id` and no `validations`. */
export const ELEMENT_KEYS: Readonly<Record<ElementType, readonly string[]>> = {
  markdown: ["type", "attributes"],
  textarea: ["type", "id", "attributes", "validations"],
  input: ["type", "id", "attributes", "validations"],
  dropdown: ["type", "id", "attributes", "validations"],
  checkboxes: ["type", "id", "attributes", "validations"],
};

/** A non-empty string (GitHub refuses empty and all-blank strings). */
const TEXT = { type: "string", pattern: "\\S" } as const;
const STRING_LIST = { anyOf: [{ type: "array", items: TEXT }, TEXT] } as const;

const stringProps = (keys: readonly string[]): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, TEXT]));

function attributesSchema(type: ElementType): Record<string, unknown> {
  const { allowed, required } = ATTRIBUTES[type];
  const properties: Record<string, unknown> = stringProps(allowed.filter((k) => !["multiple", "options", "default"].includes(k)));
  if (type === "dropdown") {
    properties.multiple = { type: "boolean" };
    properties.options = { type: "array", minItems: 1, items: TEXT, uniqueItems: true };
    properties.default = { type: "integer", minimum: 0 };
  }
  if (type === "checkboxes") {
    properties.options = {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["label"],
        additionalProperties: false,
        properties: { label: TEXT, required: { type: "boolean" } },
      },
    };
  }
  return { type: "object", required: [...required], additionalProperties: false, properties };
}

function elementSchema(type: ElementType): Record<string, unknown> {
  const properties: Record<string, unknown> = { type: { const: type }, attributes: attributesSchema(type) };
  if (ELEMENT_KEYS[type].includes("id")) properties.id = { type: "string", pattern: "^[A-Za-z0-9_-]+$" };
  if (ELEMENT_KEYS[type].includes("validations")) {
    properties.validations = { type: "object", additionalProperties: false, properties: { required: { type: "boolean" } } };
  }
  return { type: "object", required: ["type", "attributes"], additionalProperties: false, properties };
}

const ELEMENT = {
  type: "object",
  required: ["type"],
  properties: { type: { enum: [...ELEMENT_TYPES] } },
  allOf: ELEMENT_TYPES.map((t) => ({ if: { properties: { type: { const: t } }, required: ["type"] }, then: { $ref: `#/$defs/${t}` } })),
} as const;

function formSchema(kind: "issue" | "discussion"): Record<string, unknown> {
  const issue = kind === "issue";
  const properties: Record<string, unknown> = {
    title: TEXT,
    labels: STRING_LIST,
    body: { type: "array", minItems: 1, items: { $ref: "#/$defs/element" } },
  };
  if (issue) {
    Object.assign(properties, {
      name: TEXT,
      description: TEXT,
      assignees: STRING_LIST,
      projects: STRING_LIST,
      type: TEXT,
    });
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: `https://support-triage.invalid/schema/github-${kind}-form.schema.json`,
    title: issue ? "GitHub issue form (.github/ISSUE_TEMPLATE/*.yml)" : "GitHub discussion category form (.github/DISCUSSION_TEMPLATE/<category-slug>.yml)",
    type: "object",
    required: [...(issue ? ISSUE_FORM_REQUIRED : DISCUSSION_FORM_REQUIRED)],
    additionalProperties: false,
    properties,
    $defs: { element: ELEMENT, ...Object.fromEntries(ELEMENT_TYPES.map((t) => [t, elementSchema(t)])) },
  };
}

export const ISSUE_FORM_SCHEMA: Readonly<Record<string, unknown>> = formSchema("issue");
export const DISCUSSION_FORM_SCHEMA: Readonly<Record<string, unknown>> = formSchema("discussion");

/** `.github/ISSUE_TEMPLATE/config.yml`, the template chooser's configuration (not a form). */
export const CHOOSER_KEYS = ["blank_issues_enabled", "contact_links"] as const;
export const CHOOSER_LINK_KEYS = ["name", "url", "about"] as const;
export const CHOOSER_CONFIG_SCHEMA: Readonly<Record<string, unknown>> = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://support-triage.invalid/schema/github-issue-template-chooser.schema.json",
  title: "GitHub issue template chooser (.github/ISSUE_TEMPLATE/config.yml)",
  type: "object",
  additionalProperties: false,
  properties: {
    blank_issues_enabled: { type: "boolean" },
    contact_links: {
      type: "array",
      items: {
        type: "object",
        required: [...CHOOSER_LINK_KEYS],
        additionalProperties: false,
        properties: { name: TEXT, url: { type: "string", pattern: "^https?://\\S+$" }, about: TEXT },
      },
    },
  },
};
