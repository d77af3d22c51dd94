/**
 * Reading the answers of a rendered form body (`### <label>`, blank line, value).
 *
 * The body is user-editable Markdown, so the parser has to tell GitHub's field headings
 * from `### ` lines users type or paste. With the template known, only its field labels
 * count as headings and they must appear in template order; the alignment that keeps
 * the most (and the most plausible) headings wins. Without a template, the configured
 * priority and environment labels are looked up among headings outside code fences.
 * Every step is a bounded linear pass: bodies can be 1 MB and must never throw.
 *
 * This runs for every event about an item (and every item of a sweep), with the same
 * configuration and templates each time: what depends only on them — the normalised field
 * labels, option sets and production values — is computed once per config or template
 * object, and short labels and answers are normalised once per distinct text.
 */
import type { Config, Priority } from "../config/types.js";
import type { FormTemplate } from "./types.js";
import { scanMarkdown } from "./markdown-scan.js";
import type { ScannedLine } from "./markdown-scan.js";
import { isEmptyAnswer, leadingPriority, normaliseLabel } from "./text.js";

/** Texts up to this length are normalised once and remembered (labels, options, answers). */
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 4096;
const normalisedTexts = new Map<string, string>();

/**
 * `normaliseLabel`, remembered for short texts: the same field labels and dropdown answers
 * come back on every event. Long texts (a heading a user typed, 1 MB of it) are not kept,
 * and the memory is dropped whole when it is full.
 */
export function normalised(text: string): string {
  if (text.length > MEMO_MAX_LENGTH) return normaliseLabel(text);
  let value = normalisedTexts.get(text);
  if (value === undefined) {
    value = normaliseLabel(text);
    if (normalisedTexts.size >= MEMO_MAX_ENTRIES) normalisedTexts.clear();
    normalisedTexts.set(text, value);
  }
  return value;
}

let lastBody: string | null = null;
let lastLines: readonly ScannedLine[] = [];

/**
 * `scanMarkdown` of a body, remembered for the last body: the template selection and the
 * answer reader scan the same body one after the other.
 */
export function scanBody(body: string): readonly ScannedLine[] {
  if (body !== lastBody) {
    lastLines = scanMarkdown(body);
    lastBody = body;
  }
  return lastLines;
}

/** What the form settings of a configuration come to, normalised: once per config object. */
interface FormKeys {
  readonly priorityKey: string;
  readonly envKey: string;
  readonly productionValues: ReadonlySet<string>;
}

const formKeysByConfig = new WeakMap<Config, FormKeys>();

function formKeys(config: Config): FormKeys {
  let keys = formKeysByConfig.get(config);
  if (keys === undefined) {
    keys = {
      priorityKey: normaliseLabel(config.form.priority_field),
      envKey: normaliseLabel(config.form.environment_field),
      productionValues: new Set(config.form.production_values.map(normaliseLabel)),
    };
    formKeysByConfig.set(config, keys);
  }
  return keys;
}

export interface FormAnswers {
  /** The body has the configured priority field (the item was filed through a support form). */
  readonly hasPriorityField: boolean;
  /** Leading P1..P4 token of the answer; the configured default when empty or unreadable. */
  readonly priority: Priority | null;
  /** The answer as written (trimmed, first line, capped); null when empty or absent. */
  readonly priorityRaw: string | null;
  /** True when an answer was given but carries no P1..P4 token (the default was used). */
  readonly priorityUnreadable: boolean;
  readonly environment: string | null;
  readonly production: boolean;
}

/** Answers echoed back are capped: they are for humans, and bodies can be huge. */
const MAX_ANSWER = 300;

export function readFormAnswers(body: string, template: FormTemplate | null, config: Config): FormAnswers {
  const lines = scanBody(body);
  const keys = formKeys(config);
  const fields = template === null ? withoutTemplate(lines, keys) : withTemplate(lines, template);
  const { priorityKey, envKey } = keys;
  const priorityValue = fields.get(priorityKey);
  const envValue = fields.get(envKey);

  const environment = envValue === undefined || isEmptyAnswer(envValue) ? null : firstLine(envValue);
  const production = environment !== null && isProduction(envValue ?? "", keys.productionValues);

  if (priorityValue === undefined) {
    return { hasPriorityField: false, priority: null, priorityRaw: null, priorityUnreadable: false, environment, production };
  }
  if (isEmptyAnswer(priorityValue)) {
    return {
      hasPriorityField: true,
      priority: config.form.default_priority,
      priorityRaw: null,
      priorityUnreadable: false,
      environment,
      production,
    };
  }
  const raw = firstLine(priorityValue);
  const parsed = leadingPriority(raw);
  return {
    hasPriorityField: true,
    priority: parsed ?? config.form.default_priority,
    priorityRaw: raw,
    priorityUnreadable: parsed === null,
    environment,
    production,
  };
}

/**
 * Whether an environment answer names production. A multi-select dropdown renders its
 * choices joined by ", ", so each part is tried as well as the whole answer.
 */
function isProduction(value: string, wanted: ReadonlySet<string>): boolean {
  const whole = value.trim();
  if (wanted.has(normalised(whole))) return true;
  return whole.split(/,\s*/).some((part) => wanted.has(normalised(part)));
}

function firstLine(value: string): string {
  const line = value
    .trim()
    .split(/\r\n|\r|\n/, 1)[0]
    ?.trim() ?? "";
  return line.length > MAX_ANSWER ? `${line.slice(0, MAX_ANSWER)}…` : line;
}

/** Values keyed by normalised label; each runs to the next accepted heading. */
type FieldValues = Map<string, string>;

function valuesBetween(lines: readonly ScannedLine[], headings: readonly { line: number; key: string }[]): FieldValues {
  const out: FieldValues = new Map();
  headings.forEach((h, i) => {
    if (out.has(h.key)) return;
    const end = headings[i + 1]?.line ?? lines.length;
    const parts: string[] = [];
    for (let j = h.line + 1; j < end; j++) parts.push(lines[j]?.text ?? "");
    out.set(h.key, parts.join("\n").trim());
  });
  return out;
}

function withoutTemplate(lines: readonly ScannedLine[], keys: FormKeys): FieldValues {
  const wanted = new Set([keys.priorityKey, keys.envKey]);
  // Without a template every heading outside fences ends the previous value, but only
  // the first heading of each wanted label is read.
  const headings: { line: number; key: string }[] = [];
  lines.forEach((l, i) => {
    if (l.heading !== null) headings.push({ line: i, key: normalised(l.heading) });
  });
  const values = valuesBetween(lines, headings);
  const out: FieldValues = new Map();
  for (const key of wanted) {
    const v = values.get(key);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

interface Candidate {
  readonly line: number;
  readonly field: number;
  readonly weight: number;
}

/**
 * Heading weights: a heading outside code fences is far more plausible than one inside
 * (which only happens when a user left a fence open and it swallowed the real fields);
 * a dropdown heading followed by one of the dropdown's options is more plausible than
 * one followed by free text.
 */
const W_OUTSIDE = 4;
const W_INSIDE = 1;
const W_VALID_OPTION = 2;

/** A template's field labels and dropdown options, normalised: once per template object. */
interface TemplateKeys {
  readonly keys: readonly string[];
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  readonly optionSets: readonly (ReadonlySet<string> | null)[];
}

const templateKeysByTemplate = new WeakMap<FormTemplate, TemplateKeys>();

function templateKeys(template: FormTemplate): TemplateKeys {
  const cached = templateKeysByTemplate.get(template);
  if (cached !== undefined) return cached;
  const keys = template.fieldLabels.map(normaliseLabel);
  const byKey = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [i]);
    else list.push(i);
  });
  const optionSets = template.fieldLabels.map((label) => {
    const opts = Object.hasOwn(template.options, label) ? template.options[label] : undefined; // "constructor" is a valid field label
    return opts === undefined ? null : new Set(opts.map(normaliseLabel));
  });
  const result: TemplateKeys = { keys, byKey, optionSets };
  templateKeysByTemplate.set(template, result);
  return result;
}

function withTemplate(lines: readonly ScannedLine[], template: FormTemplate): FieldValues {
  const { keys, byKey, optionSets } = templateKeys(template);

  // Candidate heading lines: any `### ` line (fenced or not) whose text is a field label.
  const candidateLines: { line: number; fields: readonly number[]; inFence: boolean }[] = [];
  lines.forEach((l, i) => {
    const text = l.heading ?? (l.inFence ? fencedHeading(l.text) : null);
    if (text === null) return;
    const fields = byKey.get(normalised(text));
    if (fields !== undefined) candidateLines.push({ line: i, fields, inFence: l.inFence });
  });

  const candidates: Candidate[] = [];
  candidateLines.forEach((c, ci) => {
    const next = candidateLines[ci + 1]?.line ?? lines.length;
    const first = firstNonEmpty(lines, c.line + 1, next);
    for (const field of c.fields) {
      const opts = optionSets[field];
      const valid = opts !== undefined && opts !== null && first !== null && isOptionAnswer(first, opts);
      candidates.push({ line: c.line, field, weight: (c.inFence ? W_INSIDE : W_OUTSIDE) + (valid ? W_VALID_OPTION : 0) });
    }
  });

  const chosen = bestAlignment(candidates, keys.length);
  return valuesBetween(
    lines,
    chosen.map((c) => ({ line: c.line, key: keys[c.field] ?? "" })),
  );
}

/** `### x` inside a fence is not a heading to Markdown, but may be a real field after an unclosed fence. */
function fencedHeading(text: string): string | null {
  const m = /^ {0,3}###[ \t]+(\S.*)$/.exec(text);
  return m?.[1]?.trim() ?? null;
}

function firstNonEmpty(lines: readonly ScannedLine[], from: number, to: number): string | null {
  for (let j = from; j < to; j++) {
    const t = lines[j]?.text.trim() ?? "";
    if (t !== "") return t;
  }
  return null;
}

function isOptionAnswer(value: string, options: ReadonlySet<string>): boolean {
  if (isEmptyAnswer(value) || options.has(normalised(value))) return true;
  return value.split(/,\s*/).every((part) => options.has(normalised(part)));
}

/**
 * The heaviest sequence of candidates whose field indices strictly increase in body
 * order (a weighted longest increasing subsequence). GitHub renders fields in template
 * order, so the real headings always form such a sequence; fakes typed by users only
 * win where they are indistinguishable, and then the earliest is kept.
 * Cost: O(candidates × fields).
 */
function bestAlignment(candidates: readonly Candidate[], fieldCount: number): Candidate[] {
  const bestScore: number[] = new Array<number>(fieldCount).fill(0);
  const bestNode: number[] = new Array<number>(fieldCount).fill(-1);
  const prevOf: number[] = [];
  const scoreOf: number[] = [];
  // Candidates on the same line share a start; process a line's candidates against the
  // state before that line so one line is never used for two fields.
  let i = 0;
  while (i < candidates.length) {
    const line = candidates[i]?.line;
    let j = i;
    const updates: { field: number; score: number; node: number }[] = [];
    while (j < candidates.length && candidates[j]?.line === line) {
      const c = candidates[j];
      if (c !== undefined) {
        let before = 0;
        let beforeNode = -1;
        for (let f = 0; f < c.field; f++) {
          const s = bestScore[f] ?? 0;
          if (s > before) {
            before = s;
            beforeNode = bestNode[f] ?? -1;
          }
        }
        prevOf[j] = beforeNode;
        scoreOf[j] = before + c.weight;
        updates.push({ field: c.field, score: before + c.weight, node: j });
      }
      j++;
    }
    for (const u of updates) {
      if (u.score > (bestScore[u.field] ?? 0)) {
        bestScore[u.field] = u.score;
        bestNode[u.field] = u.node;
      }
    }
    i = j;
  }
  let end = -1;
  let top = 0;
  for (let f = 0; f < fieldCount; f++) {
    const s = bestScore[f] ?? 0;
    if (s > top) {
      top = s;
      end = bestNode[f] ?? -1;
    }
  }
  const chain: Candidate[] = [];
  for (let n = end; n >= 0; n = prevOf[n] ?? -1) {
    const c = candidates[n];
    if (c !== undefined) chain.push(c);
  }
  return chain.reverse();
}
