/**
 * Checks a form template against GitHub's form syntax (form-schema.ts, run by ajv) and the
 * rules JSON Schema cannot state, and words each problem as GitHub's documentation would
 * explain it, with the file, key path and line of the YAML node at fault.
 *
 * The YAML is read as YAML 1.1, as GitHub reads it: `Yes`, `No`, `on` and `off` are
 * booleans there, which GitHub refuses among dropdown options.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import type { ConfigProblem } from "../config/types.js";
import { codeSpan, listOr, suggestion } from "../config/text.js";

/** "a" or "an" before an element type ("an input", "a textarea"). */
const article = (word: string): string => (/^[aeiou]/i.test(word) ? "an" : "a");
import {
  ATTRIBUTES,
  CHOOSER_CONFIG_SCHEMA,
  CHOOSER_KEYS,
  CHOOSER_LINK_KEYS,
  DISCUSSION_FORM_KEYS,
  DISCUSSION_FORM_SCHEMA,
  ELEMENT_KEYS,
  ELEMENT_TYPES,
  ISSUE_FORM_KEYS,
  ISSUE_FORM_SCHEMA,
  type ElementType,
} from "./form-schema.js";

export type FormKind = "issue" | "discussion";

/** `.github/DISCUSSION_TEMPLATE/…` holds discussion category forms; anything else is an issue form. */
export function formKindOf(file: string): FormKind {
  return /(^|[\\/])DISCUSSION_TEMPLATE[\\/]/.test(file) ? "discussion" : "issue";
}

let validators: Record<FormKind, ValidateFunction> | null = null;

function validator(kind: FormKind): ValidateFunction {
  if (validators === null) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    validators = { issue: ajv.compile(ISSUE_FORM_SCHEMA), discussion: ajv.compile(DISCUSSION_FORM_SCHEMA) };
  }
  return validators[kind];
}

type Segment = string | number;

/** `body[1].attributes.options[0]`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = "";
  for (const s of segments) out += typeof s === "number" ? `[${s}]` : out === "" ? s : `.${s}`;
  return out;
}

function segmentsOf(pointer: string): Segment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty (null)";
  if (typeof value === "boolean") return `the boolean ${String(value)}`;
  if (typeof value === "number") return `the number ${String(value)}`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `the text ${codeSpan(value)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "text",
  boolean: "true or false",
  integer: "a whole number",
  array: "a list",
  object: "a mapping",
};

function valueAt(root: unknown, segments: readonly Segment[]): unknown {
  let v: unknown = root;
  for (const s of segments) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** The element type at `body[i]`, when it has a known one. */
function elementType(root: unknown, segments: readonly Segment[]): ElementType | null {
  if (segments[0] !== "body" || typeof segments[1] !== "number") return null;
  const t = valueAt(root, ["body", segments[1], "type"]);
  return typeof t === "string" && (ELEMENT_TYPES as readonly string[]).includes(t) ? (t as ElementType) : null;
}

function formName(kind: FormKind): string {
  return kind === "issue" ? "an issue form" : "a discussion category form";
}

/** What a schema error means, in words; null for errors that only restate another one. */
function explain(e: ErrorObject, root: unknown, kind: FormKind): { segments: Segment[]; key: boolean; message: string } | null {
  const at = segmentsOf(e.instancePath);
  const last = at[at.length - 1];
  const type = elementType(root, at);
  const depth = at.length;
  const inElement = at[0] === "body" && typeof at[1] === "number";
  const where: "root" | "element" | "attributes" | "validations" | "checkbox" | "other" =
    depth === 0
      ? "root"
      : inElement && depth === 2
        ? "element"
        : inElement && depth === 3 && at[2] === "attributes"
          ? "attributes"
          : inElement && depth === 3 && at[2] === "validations"
            ? "validations"
            : inElement && depth === 5 && at[2] === "attributes" && at[3] === "options"
              ? "checkbox"
              : "other";
  const value = valueAt(root, at);
  switch (e.keyword) {
    case "if":
    case "anyOf":
      return null;
    case "required": {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const segments = [...at, missing];
      if (where === "root") {
        return {
          segments,
          key: false,
          message:
            kind === "issue"
              ? `The issue form has no \`${missing}\`: GitHub requires \`name\`, \`description\` and \`body\` in an issue form and does not offer it without them.`
              : "The discussion category form has no `body`: GitHub requires a `body` list of form elements.",
        };
      }
      if (where === "element" && missing === "type") {
        return { segments, key: false, message: `The element has no \`type\`; give it one of ${listOr([...ELEMENT_TYPES])}.` };
      }
      if (where === "element" && missing === "attributes" && type) {
        return { segments, key: false, message: `The ${type} element has no \`attributes\`; it needs ${listOr(ATTRIBUTES[type].required.map((k) => `\`${k}\``), "and")}.` };
      }
      if (where === "attributes" && type) {
        return { segments, key: false, message: `The ${type} element has no \`${missing}\` attribute, which GitHub requires.` };
      }
      if (where === "checkbox") return { segments, key: false, message: "Each checkbox option needs a `label`." };
      return { segments, key: false, message: `\`${missing}\` is required here.` };
    }
    case "additionalProperties": {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const segments = [...at, extra];
      const quoted = codeSpan(extra);
      if (where === "root") {
        if (kind === "discussion" && (ISSUE_FORM_KEYS as readonly string[]).includes(extra)) {
          return {
            segments,
            key: true,
            message: `${quoted} is not allowed in a discussion category form, and GitHub rejects the form: it takes only \`title\`, \`labels\` and \`body\` (the category's name and description are set in the repository's discussion settings).`,
          };
        }
        const allowed = kind === "issue" ? ISSUE_FORM_KEYS : DISCUSSION_FORM_KEYS;
        return { segments, key: true, message: `${quoted} is not a permitted top-level key of ${formName(kind)}${suggestion(extra, allowed)} (allowed: ${allowed.join(", ")}).` };
      }
      if (where === "element" && type) {
        const allowed = ELEMENT_KEYS[type];
        const why = type === "markdown" && (extra === "id" || extra === "validations") ? "; markdown is not submitted, so it takes no `id` or `validations`" : suggestion(extra, allowed);
        return { segments, key: true, message: `${quoted} is not a permitted key of ${article(type)} ${type} element${why} (allowed: ${allowed.join(", ")}).` };
      }
      if (where === "attributes" && type) {
        const allowed = ATTRIBUTES[type].allowed;
        return { segments, key: true, message: `${quoted} is not a permitted attribute of ${article(type)} ${type} element${suggestion(extra, allowed)} (allowed: ${allowed.join(", ")}).` };
      }
      if (where === "validations") return { segments, key: true, message: `${quoted} is not a permitted validation (the only one is \`required\`).` };
      if (where === "checkbox") return { segments, key: true, message: `${quoted} is not a permitted key of a checkbox option (allowed: label, required).` };
      return { segments, key: true, message: `${quoted} is not a permitted key here.` };
    }
    case "enum":
      if (where === "other" && last === "type" && depth === 3) {
        const raw = typeof value === "string" ? value : String(value);
        return {
          segments: at,
          key: false,
          message: `${codeSpan(raw)} is not a form element type${suggestion(raw, ELEMENT_TYPES)} (allowed: ${ELEMENT_TYPES.join(", ")}).`,
        };
      }
      return { segments: at, key: false, message: `${describe(value)} is not allowed here.` };
    case "type": {
      const expected = String((e.params as { type: string }).type);
      const isOption = at.length === 5 && at[3] === "options" && typeof last === "number";
      if (isOption && typeof value === "boolean") {
        return {
          segments: at,
          key: false,
          message: `This option is read as ${describe(value)}: GitHub refuses booleans among options; wrap values such as Yes, No, true and false in double quotes.`,
        };
      }
      const name = typeof last === "number" ? `Item ${last}` : `\`${String(last ?? "the form")}\``;
      const quote = expected === "string" && (typeof value === "boolean" || typeof value === "number") ? "; wrap the value in double quotes" : "";
      const what = depth === 0 ? "The form" : name;
      return { segments: at, key: false, message: `${what} must be ${EXPECTED[expected] ?? expected}, not ${describe(value)}${quote}.` };
    }
    case "pattern":
      if (last === "id") {
        return { segments: at, key: false, message: `The id ${codeSpan(value)} can only contain letters, digits, \`-\` and \`_\`.` };
      }
      return { segments: at, key: false, message: `${typeof last === "number" ? `Item ${last}` : `\`${String(last)}\``} must not be empty; remove the key if it is not needed.` };
    case "minItems":
      return last === "body"
        ? { segments: at, key: false, message: "`body` has no elements; add at least one field." }
        : { segments: at, key: false, message: `\`${String(last)}\` is empty; list at least one choice.` };
    case "uniqueItems": {
      const { i, j } = e.params as { i: number; j: number };
      const later = Math.max(i, j);
      const earlier = Math.min(i, j);
      const opt = valueAt(root, [...at, later]);
      return {
        segments: [...at, later],
        key: false,
        message: `The option ${codeSpan(opt)} is listed twice (also at options[${earlier}]); options must be unique.`,
      };
    }
    case "minimum":
      return { segments: at, key: false, message: "`default` must be the index of an option (0 for the first)." };
    default:
      return { segments: at, key: false, message: e.message ? `${String(last ?? "The form")} ${e.message}.` : "This value is not allowed here." };
  }
}

function nodeAt(doc: Document, segments: readonly Segment[], key: boolean): YamlNode | null {
  if (segments.length === 0) return (doc.contents as YamlNode | null) ?? null;
  const parent = segments.length === 1 ? doc.contents : doc.getIn(segments.slice(0, -1), true);
  const last = segments[segments.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    if (pair) return ((key || pair.value === null ? pair.key : pair.value) as YamlNode | null) ?? null;
    // A missing key: point at the mapping that lacks it.
    return parent as unknown as YamlNode;
  }
  if (isSeq(parent) && typeof last === "number") return (parent.items[last] as YamlNode | undefined) ?? (parent as unknown as YamlNode);
  return (parent as YamlNode | undefined) ?? null;
}

/**
 * Problems with the template's syntax as GitHub checks it. `text` must be valid YAML
 * (parseFormTemplate reports YAML errors); an empty list means GitHub accepts the form.
 */
export function checkFormSyntax(text: string, file: string, kind: FormKind): ConfigProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, version: "1.1" });
  if (doc.errors.length > 0) return [];
  const problems: ConfigProblem[] = [];
  const add = (segments: readonly Segment[], node: YamlNode | null, message: string): void => {
    const pos = node?.range ? lines.linePos(node.range[0]) : null;
    problems.push({ file, path: formatPath(segments), line: pos?.line ?? null, column: pos?.col ?? null, message });
  };
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    add([], (doc.contents as YamlNode | null) ?? null, `${formName(kind) === "an issue form" ? "An issue form" : "A discussion category form"} must be a YAML mapping with a \`body\` list of form elements.`);
    return problems;
  }
  const validate = validator(kind);
  validate(root);
  const errors = validate.errors ?? [];
  // Where a key may take one of several shapes (anyOf), one message says what it takes.
  const anyOf = errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath);
  const seen = new Set<string>();
  for (const pointer of anyOf) {
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    const segments = segmentsOf(pointer);
    add(segments, nodeAt(doc, segments, false), `\`${String(segments[segments.length - 1])}\` must be a list of names or one comma-separated string, each not empty.`);
  }
  const reported = new Set<string>();
  for (const e of errors) {
    if (anyOf.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
    const x = explain(e, root, kind);
    if (!x) continue;
    const id = `${formatPath(x.segments)}\u0000${x.message}`;
    if (reported.has(id)) continue;
    reported.add(id);
    add(x.segments, nodeAt(doc, x.segments, x.key), x.message);
  }
  crossElementChecks(doc, root as Record<string, unknown>, add);
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** What JSON Schema cannot say: unique ids, a field to fill in, `None`, `default` in range. */
function crossElementChecks(doc: Document, root: Record<string, unknown>, add: (segments: readonly Segment[], node: YamlNode | null, message: string) => void): void {
  const body = root.body;
  if (!Array.isArray(body) || body.length === 0) return;
  const ids = new Map<string, number>();
  let fields = 0;
  body.forEach((el: unknown, i) => {
    if (el === null || typeof el !== "object" || Array.isArray(el)) return;
    const element = el as Record<string, unknown>;
    if (typeof element.type === "string" && element.type !== "markdown") fields++;
    if (typeof element.id === "string") {
      const key = element.id.toLowerCase();
      const first = ids.get(key);
      if (first !== undefined) {
        add(["body", i, "id"], nodeAt(doc, ["body", i, "id"], false), `Another element (body[${first}]) already has the id ${codeSpan(element.id)}: ids must be unique.`);
      } else {
        ids.set(key, i);
      }
    }
    const attributes = element.attributes;
    if (element.type !== "dropdown" || attributes === null || typeof attributes !== "object") return;
    const { options, default: dflt } = attributes as { options?: unknown; default?: unknown };
    if (!Array.isArray(options)) return;
    options.forEach((o: unknown, j) => {
      if (typeof o === "string" && o.trim().toLowerCase() === "none") {
        const at: Segment[] = ["body", i, "attributes", "options", j];
        add(at, nodeAt(doc, at, false), `${codeSpan(o)} is a reserved option: GitHub adds "None" itself to a dropdown that is not required; remove it.`);
      }
    });
    if (typeof dflt === "number" && Number.isInteger(dflt) && dflt >= options.length && options.length > 0) {
      const at: Segment[] = ["body", i, "attributes", "default"];
      add(at, nodeAt(doc, at, false), `\`default\` is ${dflt}, but the dropdown has ${options.length === 1 ? "1 option" : `${options.length} options`} (0 is the first).`);
    }
  });
  if (fields === 0 && body.every((el) => el !== null && typeof el === "object" && typeof (el as { type?: unknown }).type === "string")) {
    add(["body"], nodeAt(doc, ["body"], true), "The form has no field to fill in: GitHub requires at least one element other than markdown.");
  }
}

let chooserValidator: ValidateFunction | null = null;

/**
 * Problems in `.github/ISSUE_TEMPLATE/config.yml` (the template chooser): only
 * `blank_issues_enabled` (true or false) and `contact_links` (each with `name`, an http(s)
 * `url` and `about`). Bad YAML is reported with its line.
 */
export function checkChooserConfig(text: string, file: string): ConfigProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, version: "1.1" });
  const problems: ConfigProblem[] = [];
  const add = (segments: readonly Segment[], node: YamlNode | null, message: string): void => {
    const pos = node?.range ? lines.linePos(node.range[0]) : null;
    problems.push({ file, path: formatPath(segments), line: pos?.line ?? null, column: pos?.col ?? null, message });
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      problems.push({ file, path: "", line: pos?.line ?? null, column: pos?.col ?? null, message: `The template chooser's config is not valid YAML: ${(e.message.split("\n")[0] ?? "").replace(/[.:]\s*$/, "")}.` });
    }
    return problems;
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return problems;
  }
  if (root === null || root === undefined) return problems;
  chooserValidator ??= new Ajv({ allErrors: true, strict: true }).compile(CHOOSER_CONFIG_SCHEMA);
  chooserValidator(root);
  for (const e of chooserValidator.errors ?? []) {
    const at = segmentsOf(e.instancePath);
    const last = at[at.length - 1];
    if (e.keyword === "additionalProperties") {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = at.length === 0 ? CHOOSER_KEYS : CHOOSER_LINK_KEYS;
      const where = at.length === 0 ? "the template chooser's config.yml" : "a contact link";
      add([...at, extra], nodeAt(doc, [...at, extra], true), `${codeSpan(extra)} is not a permitted key of ${where}${suggestion(extra, allowed)} (allowed: ${allowed.join(", ")}).`);
    } else if (e.keyword === "required") {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      add([...at, missing], nodeAt(doc, [...at, missing], false), `The contact link has no \`${missing}\`: GitHub requires \`name\`, \`url\` and \`about\`.`);
    } else if (e.keyword === "type") {
      const expected = String((e.params as { type: string }).type);
      add(at, nodeAt(doc, at, false), `${typeof last === "number" ? `Item ${last}` : `\`${String(last ?? "config.yml")}\``} must be ${EXPECTED[expected] ?? expected}, not ${describe(valueAt(root, at))}.`);
    } else if (e.keyword === "pattern") {
      add(at, nodeAt(doc, at, false), last === "url" ? `${codeSpan(valueAt(root, at))} is not an http(s) URL.` : `\`${String(last)}\` must not be empty.`);
    }
  }
  return problems;
}
