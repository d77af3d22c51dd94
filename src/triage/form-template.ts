/**
 * Reading issue forms (`.github/ISSUE_TEMPLATE/*.yml`) and discussion category forms
 * (`.github/DISCUSSION_TEMPLATE/<slug>.yml`).
 *
 * The planner only needs to know which field labels a form renders and which options
 * its dropdowns offer; `validate` needs the same reading plus problems with line numbers,
 * so a template is parsed once with positions kept. A template without the configured
 * priority field is simply not a support form: it is returned without complaint.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Node as YamlNode, YAMLMap } from "yaml";
import type { Config, ConfigProblem } from "../config/types.js";
import type { FormTemplate } from "./types.js";
import { normalised, scanBody } from "./form.js";
import { leadingPriority, normaliseLabel } from "./text.js";

export interface FormTemplateResult {
  readonly template: FormTemplate | null;
  readonly errors: ConfigProblem[];
}

/** Element types GitHub submits; `markdown` is display-only and never rendered in the body. */
const SUBMITTED_TYPES = new Set(["input", "textarea", "dropdown", "checkboxes"]);

/** GitHub's form templates are small; anything larger is refused before parsing. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

export function parseFormTemplate(text: string, file: string, config: Config): FormTemplateResult {
  if (text.length > MAX_TEMPLATE_BYTES) {
    return {
      template: null,
      errors: [{ file, path: "", line: null, column: null, message: `The form template is larger than ${MAX_TEMPLATE_BYTES / 1024} KB; GitHub's forms are far smaller, so it is not read.` }],
    };
  }
  const lines = new LineCounter();
  // uniqueKeys off: the library's duplicate-key check compares every key with every other
  // one (quadratic); duplicate keys in a template only matter to GitHub's own validation.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const errors: ConfigProblem[] = [];
  const problem = (path: string, node: YamlNode | null | undefined, message: string): void => {
    const pos = node?.range ? lines.linePos(node.range[0]) : null;
    errors.push({ file, path, line: pos?.line ?? null, column: pos?.col ?? null, message });
  };

  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      errors.push({
        file,
        path: "",
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        message: `The form template is not valid YAML: ${firstLine(e.message)}.`,
      });
    }
    return { template: null, errors };
  }

  const root = doc.contents;
  if (!isMap(root)) {
    problem("", root, "A form template must be a YAML mapping with a `body` list of form elements.");
    return { template: null, errors };
  }
  const body = root.get("body", true);
  if (!isSeq(body)) {
    problem(
      "body",
      body ?? root,
      body === undefined
        ? "The form template has no `body`: GitHub requires a `body` list of form elements."
        : "`body` must be a list of form elements (each with `type` and `attributes`).",
    );
    return { template: null, errors };
  }

  const fieldLabels: string[] = [];
  const seen = new Set<string>();
  const options: Record<string, readonly string[]> = {};
  const priorityKey = normaliseLabel(config.form.priority_field);

  body.items.forEach((element, index) => {
    const at = `body[${index}]`;
    if (!isMap(element)) {
      problem(at, element as YamlNode, "Each `body` element must be a mapping with `type` and `attributes`.");
      return;
    }
    const type = scalarString(element.get("type", true));
    if (type === null || !SUBMITTED_TYPES.has(type)) return;
    const attributes = element.get("attributes", true);
    const label = isMap(attributes) ? scalarString(attributes.get("label", true)) : null;
    if (label === null || label.trim() === "") return;
    if (seen.has(normaliseLabel(label))) {
      // GitHub refuses forms with two fields of one label; keep the first, say so once.
      problem(`${at}.attributes.label`, isMap(attributes) ? (attributes.get("label", true) as YamlNode) : null, `Another field is already labelled "${label}": field labels must be unique.`);
      return;
    }
    seen.add(normaliseLabel(label));
    fieldLabels.push(label);

    const isPriority = normaliseLabel(label) === priorityKey;
    if (type === "dropdown" && isMap(attributes)) {
      const opts = readOptions(attributes);
      options[label] = opts.values;
      if (isPriority) checkPriorityOptions(attributes, opts, `${at}.attributes`, problem);
    } else if (isPriority && type === "checkboxes") {
      problem(
        `${at}.type`,
        element.get("type", true) as YamlNode,
        `The priority field "${label}" is a checkboxes element; make it a dropdown whose options start with P1, P2, P3 or P4.`,
      );
    }
  });

  return { template: { file, fieldLabels, labels: readLabels(root), options }, errors };
}

interface OptionList {
  readonly values: string[];
  readonly nodes: (YamlNode | null)[];
  readonly node: YamlNode | null;
}

function readOptions(attributes: YAMLMap): OptionList {
  const node = attributes.get("options", true);
  if (!isSeq(node)) return { values: [], nodes: [], node: (node as YamlNode | undefined) ?? null };
  const values: string[] = [];
  const nodes: (YamlNode | null)[] = [];
  for (const item of node.items) {
    const value = scalarString(item);
    if (value === null) continue;
    values.push(value);
    nodes.push(item as YamlNode);
  }
  return { values, nodes, node };
}

function checkPriorityOptions(
  attributes: YAMLMap,
  opts: OptionList,
  at: string,
  problem: (path: string, node: YamlNode | null | undefined, message: string) => void,
): void {
  if (opts.values.length === 0) {
    problem(`${at}.options`, opts.node ?? (attributes as YamlNode), "The priority dropdown has no options; give it options that start with P1, P2, P3 or P4.");
  }
  opts.values.forEach((value, i) => {
    if (leadingPriority(value) === null) {
      problem(
        `${at}.options[${i}]`,
        opts.nodes[i],
        `The priority option ${JSON.stringify(value)} does not start with a priority; start every option with P1, P2, P3 or P4, e.g. "P2 (High) – production app degraded".`,
      );
    }
  });
  const multiple = attributes.get("multiple", true);
  if (isScalar(multiple) && multiple.value === true) {
    problem(`${at}.multiple`, multiple, "The priority dropdown allows several choices (`multiple: true`); an item has exactly one priority, so remove `multiple`.");
  }
}

/** `labels:` may be a list or one comma-separated string (both are accepted by GitHub). */
function readLabels(root: YAMLMap): string[] {
  const node = root.get("labels", true);
  const raw: string[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      const s = scalarString(item);
      if (s !== null) raw.push(s);
    }
  } else {
    const s = scalarString(node);
    if (s !== null) raw.push(...s.split(","));
  }
  return raw.map((l) => l.trim()).filter((l) => l !== "");
}

function scalarString(node: unknown): string | null {
  if (!isScalar(node)) return null;
  const v = node.value;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/[.:]\s*$/, "");
}

const labelsByTemplate = new WeakMap<FormTemplate, readonly string[]>();

/** A template's field labels, normalised: once per template object (templates are parsed once per text). */
function normalisedLabels(t: FormTemplate): readonly string[] {
  let labels = labelsByTemplate.get(t);
  if (labels === undefined) {
    labels = t.fieldLabels.map(normaliseLabel);
    labelsByTemplate.set(t, labels);
  }
  return labels;
}

/**
 * The template an issue most likely came from. Issues do not record their template, so
 * the rendered `### ` headings (outside code fences) are matched against each template's
 * field labels: most matches wins, then the larger share of the template matched (a
 * specific form beats a generic one), then the earlier template. No match → null.
 */
export function selectTemplate(templates: readonly FormTemplate[], body: string): FormTemplate | null {
  const headings = new Set<string>();
  for (const line of scanBody(body)) {
    if (line.heading !== null) headings.add(normalised(line.heading));
  }
  let best: FormTemplate | null = null;
  let bestMatches = 0;
  let bestShare = 0;
  for (const t of templates) {
    if (t.fieldLabels.length === 0) continue;
    const matches = normalisedLabels(t).filter((l) => headings.has(l)).length;
    const share = matches / t.fieldLabels.length;
    if (matches > bestMatches || (matches === bestMatches && matches > 0 && share > bestShare)) {
      best = t;
      bestMatches = matches;
      bestShare = share;
    }
  }
  return best;
}
