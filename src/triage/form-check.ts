/**
 * Everything `validate --templates` (and the app, on a push that changes forms) checks in
 * a form template: GitHub's form syntax (form-syntax.ts), then whether the form works with
 * the configuration — the priority field exists and each of its options names P1..P4, and
 * the environment field offers the production values.
 *
 * Which forms are support forms: those with the configured priority field. A form without
 * it is a support form by mistake when it offers priorities under another label (a
 * dropdown whose options start with P1..P4), or an environment dropdown with a production
 * value, or calls itself support (file name, `name` or `title`): then the app would never
 * read a priority from it, which is an error. Other forms (a bug report, even with a
 * free-text "Environment") are left alone.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Node as YamlNode, YAMLMap } from "yaml";
import type { Config, ConfigProblem } from "../config/types.js";
import { codeSpan, listOr } from "../config/text.js";
import { parseFormTemplate } from "./form-template.js";
import { checkFormSyntax, formKindOf, type FormKind } from "./form-syntax.js";
import { leadingPriority, normaliseLabel } from "./text.js";

export interface FormCheck {
  readonly file: string;
  readonly errors: ConfigProblem[];
  /** Whether the form has the configured priority field (a support form). */
  readonly hasPriorityField: boolean;
}

interface Field {
  readonly index: number;
  readonly type: string;
  readonly label: string;
  readonly labelNode: YamlNode | null;
  readonly options: { value: string; node: YamlNode }[];
  readonly optionsNode: YamlNode | null;
}

function scalarText(node: unknown): string | null {
  if (!isScalar(node)) return null;
  return typeof node.value === "string" ? node.value : typeof node.value === "number" || typeof node.value === "boolean" ? String(node.value) : null;
}

function fieldsOf(root: YAMLMap): Field[] {
  const body = root.get("body", true);
  if (!isSeq(body)) return [];
  const out: Field[] = [];
  body.items.forEach((el, index) => {
    if (!isMap(el)) return;
    const type = scalarText(el.get("type", true));
    const attributes = el.get("attributes", true);
    if (type === null || type === "markdown" || !isMap(attributes)) return;
    const labelNode = (attributes.get("label", true) as YamlNode | undefined) ?? null;
    const label = scalarText(labelNode);
    if (label === null) return;
    const optionsNode = (attributes.get("options", true) as YamlNode | undefined) ?? null;
    const options: { value: string; node: YamlNode }[] = [];
    if (isSeq(optionsNode)) {
      for (const o of optionsNode.items) {
        const v = scalarText(o);
        if (v !== null) options.push({ value: v, node: o as YamlNode });
      }
    }
    out.push({ index, type, label, labelNode, options, optionsNode });
  });
  return out;
}

/** Checks one form template file: syntax, then its fit with `config`. */
export function checkFormTemplate(text: string, file: string, config: Config, kind: FormKind = formKindOf(file)): FormCheck {
  const parsed = parseFormTemplate(text, file, config);
  const lines = new LineCounter();
  const doc = parseDocument(text.length > 256 * 1024 ? "" : text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0 || parsed.template === null) {
    // Bad YAML, or no body to read: what parseFormTemplate says, plus the syntax problems.
    const paths = new Set(parsed.errors.map((e) => e.path));
    const syntax = doc.errors.length > 0 ? [] : checkFormSyntax(text, file, kind).filter((e) => !paths.has(e.path));
    return { file, errors: merge(parsed.errors, syntax), hasPriorityField: false };
  }
  const syntax = checkFormSyntax(text, file, kind);
  const errors: ConfigProblem[] = [];
  const problem = (path: string, node: YamlNode | null, message: string): void => {
    const pos = node?.range ? lines.linePos(node.range[0]) : null;
    errors.push({ file, path, line: pos?.line ?? null, column: pos?.col ?? null, message });
  };
  const root = doc.contents as YAMLMap;
  const fields = fieldsOf(root);
  const { priority_field: priorityField, environment_field: environmentField, production_values: productionValues } = config.form;
  const priorityKey = normaliseLabel(priorityField);
  const environmentKey = normaliseLabel(environmentField);
  const priority = fields.find((f) => normaliseLabel(f.label) === priorityKey);
  const environment = fields.find((f) => normaliseLabel(f.label) === environmentKey);

  if (!priority) {
    const offering = fields.find((f) => f.type === "dropdown" && f.options.filter((o) => leadingPriority(o.value) !== null).length >= 2);
    if (offering) {
      problem(
        `body[${offering.index}].attributes.label`,
        offering.labelNode,
        `The dropdown ${codeSpan(offering.label)} offers priorities (P1..P4), but the app reads the field labelled ${codeSpan(priorityField)} (form.priority_field), so it would never find this one: label it ${codeSpan(priorityField)}, or set \`form.priority_field: ${offering.label}\` in .github/support-triage.yml.`,
      );
    } else if (offersProduction(environment, productionValues) || looksLikeSupport(root, file)) {
      // A free-text "Environment" is common in bug reports: only a dropdown offering a
      // production value (or the form's name) says the form is meant for support.
      const why = environment && offersProduction(environment, productionValues) ? `its ${codeSpan(environment.label)} dropdown offers ${codeSpan(productionValues[0] ?? "Production")}` : "it is named as one";
      const body = root.items.find((p) => isScalar(p.key) && p.key.value === "body");
      problem(
        "body",
        (body?.key as YamlNode | undefined) ?? null,
        `This looks like a support form (${why}) but has no field labelled ${codeSpan(priorityField)} (form.priority_field): items opened with it get no priority from the form. Add a dropdown labelled ${codeSpan(priorityField)} whose options start with P1, P2, P3 or P4.`,
      );
    }
  } else if (!environment) {
    const body = root.items.find((p) => isScalar(p.key) && p.key.value === "body");
    problem(
      "body",
      (body?.key as YamlNode | undefined) ?? null,
      `The support form has no field labelled ${codeSpan(environmentField)} (form.environment_field): no item opened with it can be marked production, so P1 and P2 chosen in it are always lowered. Add a dropdown labelled ${codeSpan(environmentField)} with the option ${codeSpan(productionValues[0] ?? "Production")}.`,
    );
  }
  if (priority && environment && environment.type === "dropdown" && environment.optionsNode !== null) {
    const wanted = new Set(productionValues.map((v) => v.trim().toLowerCase()));
    if (!environment.options.some((o) => wanted.has(o.value.trim().toLowerCase()))) {
      problem(
        `body[${environment.index}].attributes.options`,
        environment.optionsNode,
        `The ${codeSpan(environment.label)} dropdown offers none of the production values (${listOr(productionValues.map((v) => codeSpan(v)))}; form.production_values): no item opened with this form can be marked production. Add one of them as an option, or list this form's production option under form.production_values.`,
      );
    }
  }
  if (priority && (priority.type === "input" || priority.type === "textarea")) {
    problem(
      `body[${priority.index}].attributes.label`,
      priority.labelNode,
      `The priority field ${codeSpan(priority.label)} is a free-text ${priority.type}; make it a dropdown whose options start with P1, P2, P3 or P4, so every answer names a priority.`,
    );
  }
  return { file, errors: merge(merge(syntax, parsed.errors), errors), hasPriorityField: priority !== undefined };
}

function offersProduction(field: Field | undefined, productionValues: readonly string[]): boolean {
  if (!field || field.type !== "dropdown") return false;
  const wanted = new Set(productionValues.map((v) => v.trim().toLowerCase()));
  return field.options.some((o) => wanted.has(o.value.trim().toLowerCase()));
}

function looksLikeSupport(root: YAMLMap, file: string): boolean {
  const name = scalarText(root.get("name", true)) ?? "";
  const title = scalarText(root.get("title", true)) ?? "";
  const base = file.split(/[\\/]/).pop() ?? "";
  return /\bsupport\b/i.test(`${base.replace(/[._-]/g, " ")} ${name} ${title}`);
}

/** Problems of both lists, each (path, message) once, in line order. */
function merge(a: readonly ConfigProblem[], b: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const p of [...a, ...b]) {
    const key = `${p.path}\u0000${p.line}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.sort((x, y) => (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0));
}

/**
 * Problems of a whole templates folder: none of its forms can carry a priority. `dir` names
 * the folder in the problem.
 */
export function checkFormSet(dir: string, checks: readonly FormCheck[], config: Config): ConfigProblem[] {
  if (checks.length === 0) {
    return [
      {
        file: dir,
        path: "",
        line: null,
        column: null,
        message: `No forms found: expected issue forms in ${dir}/ISSUE_TEMPLATE/*.yml or discussion category forms in ${dir}/DISCUSSION_TEMPLATE/<category-slug>.yml.`,
      },
    ];
  }
  if (checks.some((c) => c.hasPriorityField)) return [];
  const n = checks.length;
  return [
    {
      file: dir,
      path: "",
      line: null,
      column: null,
      message: `${n === 1 ? "The only form has no field" : `None of the ${n} forms has a field`} labelled ${codeSpan(config.form.priority_field)} (form.priority_field): customers cannot choose a priority in any form.`,
    },
  ];
}
