/**
 * Loads `.github/support-triage.yml`: parses the YAML keeping positions, validates every
 * key against the schema, and deep-merges the result over the defaults (the seed policy).
 *
 * Design choices:
 * - Validation walks the YAML syntax tree, not the plain JS value, so every problem can
 *   point at the exact line and column of the offending key or value.
 * - Every problem is collected; the loader never stops at the first one, because the
 *   configuration-error issue should list everything a maintainer has to fix at once.
 * - Maps merge over the defaults, lists replace them: a repository that lists its own
 *   `contacts` does not want the defaults' contacts appended.
 * - `null` for a section (`holidays:` with nothing under it) means "keep the defaults";
 *   `null` for a list means an empty list; `null` for a plan under `targets` removes it.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Pair,
} from "yaml";
import { isIP } from "node:net";
import Holidays from "date-holidays";
import { DateTime } from "luxon";
import { DEFAULT_CONFIG } from "./defaults.js";
import { businessLabel, DAY_NAMES, parseClock, parseDay } from "./hours.js";
import { codeSpan, escapeControls, listOr, suggestion } from "./text.js";
import { ASSOCIATIONS, CONFIG_KEYS, FORM_REQUIRE, HOLIDAY_TYPES, PATTERNS } from "./keys.js";
import { allowPrivateUrls, blockedAddress, checkOutgoingUrl, isLocalhostName } from "./url-policy.js";
import {
  PRIORITIES,
  type BusinessHoursConfig,
  type Config,
  type ConfigProblem,
  type ConfigResult,
  type CoverageKind,
  type DurationSpec,
  type EscalationConfig,
  type EscalationWebhookConfig,
  type FormConfig,
  type HolidaysConfig,
  type LabelsConfig,
  type NotificationFormat,
  NOTIFICATION_FORMATS,
  type Priority,
  REPORT_SCHEDULES,
  type ReportConfig,
  type ReportSchedule,
  type RespondersConfig,
  type SweepConfig,
  type TargetSpec,
} from "./types.js";

export const DEFAULT_CONFIG_FILE = ".github/support-triage.yml";

/** Larger files are certainly not hand-written configuration; refuse before parsing. */
const MAX_BYTES = 256 * 1024;
/** Aliases may be used for sharing a target table; thousands of expansions are an attack. */
const MAX_ALIAS_COUNT = 100;
/**
 * A configuration needs four levels of nesting (`targets.plan.P1.duration`). Far deeper
 * trees are mistakes or attacks, and the YAML library composes and converts them
 * recursively, so they are refused before anything else walks them.
 */
const MAX_DEPTH = 32;
/** Key paths are for reading; a 100 KB key would make every message about it useless. */
const MAX_PATH_KEY = 60;

const TOP_KEYS = CONFIG_KEYS.top;



/** GitHub's own limit on label names. */
const MAX_LABEL_LENGTH = 50;
const { LOGIN_RE, TEAM_RE, PLAN_RE, ENV_RE, DATE_RE } = PATTERNS;

/** Most minutes/hours/days a target may be: a year. Longer targets are typos. */
const MAX_AMOUNT: Readonly<Record<DurationSpec["unit"], number>> = { m: 366 * 24 * 60, h: 366 * 24, d: 366 };
/** Must stay below the calendar's own search bound (3660 days), with room for holidays. */
const MAX_TARGET_SPAN_DAYS = 3000;

type Node = unknown;

interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node;
  readonly path: string;
}

/** Why a string was rejected, or the normalised value. */
type Check<T> = { ok: true; value: T } | { ok: false; message: string };

const MISSING = Symbol("missing");

let countriesCache: Readonly<Record<string, string>> | null = null;
function countries(): Readonly<Record<string, string>> {
  countriesCache ??= new Holidays().getCountries("en");
  return countriesCache;
}
const statesCache = new Map<string, Readonly<Record<string, string>>>();
function statesOf(country: string): Readonly<Record<string, string>> {
  let states = statesCache.get(country);
  if (!states) {
    states = new Holidays().getStates(country, "en") ?? {};
    statesCache.set(country, states);
  }
  return states;
}

let zoneList: readonly string[] | null = null;
function knownZones(): readonly string[] {
  zoneList ??= Intl.supportedValuesOf("timeZone");
  return zoneList;
}

/** The canonical IANA name when both the platform and luxon accept the zone. */
export function canonicalZone(zone: string): string | null {
  try {
    const canonical = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    return DateTime.local().setZone(zone).isValid ? canonical : null;
  } catch {
    return null;
  }
}

/** Messages are full sentences (the configuration-error issue lists them as such). */
export function sentence(message: string): string {
  const text = message.trim();
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}

/** Turns the syntax tree into typed values, recording problems with positions. */
class Walker {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    /** The environment opt-in for http and private notification URLs (src/config/url-policy.ts). */
    readonly allowPrivateUrls: boolean = false,
  ) {}

  deref(node: Node): Node {
    // Bounded: alias chains cannot loop (an alias must follow its anchor), and the alias
    // count was checked before the walk started.
    let current = node;
    for (let i = 0; i < 16 && isAlias(current); i++) current = current.resolve(this.doc);
    return current;
  }

  position(node: Node): { line: number | null; column: number | null } {
    const n = this.deref(node);
    const range = (n as { range?: readonly number[] | null } | null)?.range;
    const offset = range?.[0];
    if (typeof offset !== "number") return { line: null, column: null };
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  error(path: string, node: Node, message: string): void {
    this.errors.push({ file: this.file, path, ...this.position(node), message: sentence(message) });
  }

  warn(path: string, node: Node, message: string): void {
    this.warnings.push({ file: this.file, path, ...this.position(node), message: sentence(message) });
  }

  /** The node at a key path, when the file has it (for problems found after the walk). */
  nodeAt(path: readonly string[]): Node | null {
    const node: unknown = this.doc.getIn(path, true);
    return node === undefined ? null : node;
  }

  /** The plain value of a scalar, or MISSING for maps, lists and absent nodes. */
  scalar(node: Node): unknown {
    const n = this.deref(node);
    if (n === null || n === undefined) return null;
    return isScalar(n) ? n.value : MISSING;
  }

  isNull(node: Node): boolean {
    return this.scalar(node) === null;
  }

  /** "a list", "the number `3`": how a wrong value is named in a message. */
  describe(node: Node): string {
    const n = this.deref(node);
    if (isMap(n)) return "a mapping";
    if (isSeq(n)) return "a list";
    const v = this.scalar(n);
    if (v === null) return "an empty value";
    if (typeof v === "string") return `the text ${codeSpan(v)}`;
    if (typeof v === "number" || typeof v === "bigint") return `the number ${codeSpan(v)}`;
    if (typeof v === "boolean") return `the boolean ${codeSpan(v)}`;
    return `the value ${codeSpan(v)}`;
  }

  /**
   * Entries of a mapping. Unknown keys (when `allowed` is given) are reported with a
   * "did you mean" and skipped; so is anything that is not a mapping.
   */
  entries(path: string, node: Node, allowed: readonly string[] | null, what: string): Entry[] | null {
    const n = this.deref(node);
    if (!isMap(n)) {
      this.error(path, node, `expected ${what} to be a mapping of keys to values, not ${this.describe(node)}`);
      return null;
    }
    const out: Entry[] = [];
    for (const item of n.items as Pair<unknown, unknown>[]) {
      const keyValue = this.scalar(item.key);
      if (keyValue === MISSING || keyValue === null || typeof keyValue === "object") {
        this.error(path, item.key, `keys must be plain names, not ${this.describe(item.key)}`);
        continue;
      }
      const key = String(keyValue);
      const childPath = path === "" ? pathKey(key) : `${path}.${pathKey(key)}`;
      if (allowed && !allowed.includes(key)) {
        this.error(
          childPath,
          item.key,
          `unknown key ${codeSpan(key)}${suggestion(key, allowed)} (allowed ${path === "" ? "at the top level" : `in ${path}`}: ${allowed.join(", ")})`,
        );
        continue;
      }
      out.push({ key, keyNode: item.key, value: item.value, path: childPath });
    }
    return out;
  }

  byKey(entries: readonly Entry[] | null): Map<string, Entry> {
    return new Map((entries ?? []).map((e) => [e.key, e]));
  }

  string(e: Entry, expected: string, opts: { allowEmpty?: boolean } = {}): string | undefined {
    const v = this.scalar(e.value);
    // Numbers are not coerced: a number where text is wanted is almost always a mistake
    // (`start: 6`, `plan: 3`).
    if (typeof v !== "string") {
      this.error(e.path, e.value, `expected ${expected}, not ${this.describe(e.value)}`);
      return undefined;
    }
    if (!opts.allowEmpty && v.trim() === "") {
      this.error(e.path, e.value, `expected ${expected}, not an empty text`);
      return undefined;
    }
    return v;
  }

  /** A list of items; `null` is an empty list; a single scalar is not silently wrapped. */
  list(e: Entry, expected: string): { node: Node; path: string }[] | undefined {
    const n = this.deref(e.value);
    if (this.isNull(n)) return [];
    if (!isSeq(n)) {
      this.error(e.path, e.value, `expected a list of ${expected}, not ${this.describe(e.value)}`);
      return undefined;
    }
    return n.items.map((node, i) => ({ node, path: `${e.path}[${i}]` }));
  }

  /** A list of strings each checked by `check`; bad items are reported and dropped. */
  stringList(e: Entry, expected: string, check: (s: string) => Check<string>): string[] | undefined {
    const items = this.list(e, expected);
    if (!items) return undefined;
    const out: string[] = [];
    let bad = false;
    for (const item of items) {
      const v = this.scalar(item.node);
      if (typeof v !== "string") {
        this.error(item.path, item.node, `expected ${expected}, not ${this.describe(item.node)}`);
        bad = true;
        continue;
      }
      const result = check(v);
      if (!result.ok) {
        this.error(item.path, item.node, result.message);
        bad = true;
        continue;
      }
      if (out.includes(result.value)) {
        this.warn(item.path, item.node, `${codeSpan(v)} is listed twice; the repeat is ignored`);
        continue;
      }
      out.push(result.value);
    }
    return bad ? undefined : out;
  }

  boolean(e: Entry): boolean | undefined {
    const v = this.scalar(e.value);
    if (typeof v !== "boolean") {
      this.error(e.path, e.value, `expected true or false, not ${this.describe(e.value)}`);
      return undefined;
    }
    return v;
  }
}

function checkLogin(what: string): (s: string) => Check<string> {
  return (raw) => {
    const s = raw.trim();
    if (s.startsWith("@")) {
      return { ok: false, message: `${what} ${codeSpan(raw)} must be written without the leading @` };
    }
    if (!LOGIN_RE.test(s)) {
      return {
        ok: false,
        message: `${codeSpan(raw)} is not a GitHub login (letters, digits and hyphens, at most 39 characters)`,
      };
    }
    return { ok: true, value: s };
  };
}

function checkTeam(raw: string): Check<string> {
  const s = raw.trim();
  if (s.startsWith("@")) {
    return { ok: false, message: `team ${codeSpan(raw)} must be written without the leading @, as org/team-slug` };
  }
  if (!TEAM_RE.test(s)) {
    return { ok: false, message: `${codeSpan(raw)} is not a team; write it as org/team-slug, e.g. acme/support` };
  }
  return { ok: true, value: s };
}

function checkContact(raw: string): Check<string> {
  const s = raw.trim();
  const bare = s.startsWith("@") ? s.slice(1) : s;
  if (!LOGIN_RE.test(bare) && !TEAM_RE.test(bare)) {
    return {
      ok: false,
      message: `${codeSpan(raw)} is not a contact; use a login (@carol) or a team (@acme/support-leads)`,
    };
  }
  return { ok: true, value: `@${bare}` };
}

function checkLabel(raw: string): Check<string> {
  const s = raw.trim();
  if (s === "") return { ok: false, message: "a label name cannot be empty" };
  if (s.length > MAX_LABEL_LENGTH) {
    return {
      ok: false,
      message: `label ${codeSpan(raw)} is ${s.length} characters long; GitHub allows at most ${MAX_LABEL_LENGTH}`,
    };
  }
  return { ok: true, value: s };
}

function checkDate(raw: string): Check<string> {
  const s = raw.trim();
  if (!DATE_RE.test(s) || !DateTime.fromISO(s, { zone: "UTC" }).isValid) {
    return { ok: false, message: `${codeSpan(raw)} is not a date; write YYYY-MM-DD, e.g. 2026-12-24` };
  }
  return { ok: true, value: s };
}

function checkPriority(raw: string): Check<Priority> {
  const s = raw.trim().toUpperCase();
  const p = PRIORITIES.find((x) => x === s);
  return p
    ? { ok: true, value: p }
    : { ok: false, message: `${codeSpan(raw)} is not a priority; use ${listOr([...PRIORITIES])}` };
}

const UNIT_WORDS: Readonly<Record<DurationSpec["unit"], string>> = { m: "minutes", h: "hours", d: "business days" };

/** Reads `4h`, `2d`, `15m` (the duration part of a target). */
function parseDuration(raw: string): Check<DurationSpec> {
  const m = /^(\d+)\s*([A-Za-z]+)$/.exec(raw.trim());
  const hint = "write a whole number and a unit: m (minutes), h (hours) or d (business days), e.g. 4h";
  if (!m) return { ok: false, message: `${codeSpan(raw)} is not a duration; ${hint}` };
  const amount = Number(m[1]);
  const unitText = (m[2] ?? "").toLowerCase();
  if (unitText !== "m" && unitText !== "h" && unitText !== "d") {
    return { ok: false, message: `${codeSpan(raw)} has an unknown unit ${codeSpan(m[2])}; ${hint}` };
  }
  const unit: DurationSpec["unit"] = unitText;
  if (amount < 1) return { ok: false, message: `${codeSpan(raw)} is zero; a response target must be at least 1${unit}` };
  if (amount > MAX_AMOUNT[unit]) {
    return {
      ok: false,
      message: `${codeSpan(raw)} is longer than a year; at most ${MAX_AMOUNT[unit]} ${UNIT_WORDS[unit]}`,
    };
  }
  return { ok: true, value: { amount, unit } };
}

/** `24x7`, `business` or the derived business label (e.g. `12x5`). */
function parseCoverage(raw: string, label: string): Check<CoverageKind> {
  const s = raw.trim().toLowerCase();
  if (s === "24x7") return { ok: true, value: "24x7" };
  if (s === "business" || s === label.toLowerCase()) return { ok: true, value: "business" };
  const allowed = `24x7, business or ${label} (the label of the configured business hours)`;
  if (/^\d+(\.\d+)?x\d$/.test(s)) {
    return {
      ok: false,
      message: `coverage ${codeSpan(raw)} does not match the business hours, which are ${label}; use ${allowed}`,
    };
  }
  return { ok: false, message: `${codeSpan(raw)} is not a coverage; use ${allowed}` };
}

/**
 * A duration with its coverage. `d` under 24x7 is accepted and means days of wall-clock
 * time (24 hours each): "1d 24x7" is the same target as "24h 24x7".
 */
function combineTarget(duration: DurationSpec, coverage: CoverageKind, _raw: string): Check<TargetSpec> {
  return { ok: true, value: { duration, coverage } };
}

/** Reads a target: `"4h 24x7"`, `"1d business"`, `"2d"` or `{duration: 4h, coverage: 24x7}`. */
function parseTargetNode(w: Walker, path: string, node: Node, label: string): TargetSpec | undefined {
  const n = w.deref(node);
  if (isMap(n)) {
    const keys = w.byKey(w.entries(path, node, CONFIG_KEYS.target, "a target"));
    const d = keys.get("duration");
    if (!d) {
      w.error(path, node, "a target needs a duration, e.g. {duration: 4h, coverage: 24x7}");
      return undefined;
    }
    const durationText = w.string(d, "a duration such as 4h");
    if (durationText === undefined) return undefined;
    const duration = parseDuration(durationText);
    if (!duration.ok) {
      w.error(d.path, d.value, duration.message);
      return undefined;
    }
    let coverage: CoverageKind = "business";
    const c = keys.get("coverage");
    if (c) {
      const coverageText = w.string(c, `a coverage: 24x7, business or ${label}`);
      if (coverageText === undefined) return undefined;
      const parsed = parseCoverage(coverageText, label);
      if (!parsed.ok) {
        w.error(c.path, c.value, parsed.message);
        return undefined;
      }
      coverage = parsed.value;
    }
    const target = combineTarget(duration.value, coverage, `${durationText} ${c ? String(w.scalar(c.value)) : ""}`.trim());
    if (!target.ok) {
      w.error(d.path, d.value, target.message);
      return undefined;
    }
    return target.value;
  }
  const v = w.scalar(n);
  if (typeof v !== "string") {
    w.error(
      path,
      node,
      `expected a target such as "4h 24x7" or "1d ${label}", not ${w.describe(node)}${typeof v === "number" ? " (a number needs a unit: m, h or d)" : ""}`,
    );
    return undefined;
  }
  const parts = v.trim().split(/\s+/);
  let durationText: string;
  let coverageText: string | null = null;
  // Accept "4 h 24x7" as well as "4h 24x7": join a bare number with the unit after it.
  if (parts.length >= 2 && /^\d+$/.test(parts[0] ?? "") && /^[A-Za-z]+$/.test(parts[1] ?? "") && !/^business$/i.test(parts[1] ?? "")) {
    durationText = `${parts[0] ?? ""}${parts[1] ?? ""}`;
    coverageText = parts[2] ?? null;
    if (parts.length > 3) {
      w.error(path, node, `${codeSpan(v)} is not a target; write a duration and a coverage, e.g. "4h 24x7" or "1d ${label}"`);
      return undefined;
    }
  } else {
    durationText = parts[0] ?? "";
    coverageText = parts[1] ?? null;
    if (parts.length > 2) {
      w.error(path, node, `${codeSpan(v)} is not a target; write a duration and a coverage, e.g. "4h 24x7" or "1d ${label}"`);
      return undefined;
    }
  }
  const duration = parseDuration(durationText);
  if (!duration.ok) {
    w.error(path, node, duration.message);
    return undefined;
  }
  let coverage: CoverageKind = "business";
  if (coverageText !== null) {
    const parsed = parseCoverage(coverageText, label);
    if (!parsed.ok) {
      w.error(path, node, parsed.message);
      return undefined;
    }
    coverage = parsed.value;
  }
  const target = combineTarget(duration.value, coverage, v.trim());
  if (!target.ok) {
    w.error(path, node, target.message);
    return undefined;
  }
  return target.value;
}

/**
 * The `_extends` value of a config file (Probot's way to inherit another repository's
 * configuration), or null. Never throws: a broken file is reported by `loadConfig`.
 */
export function extendsTarget(text: string | null): string | null {
  if (text === null || text.length > MAX_BYTES) return null;
  try {
    // Duplicate keys are loadConfig's to report; the library's own check is quadratic.
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
    const value: unknown = doc.contents.get("_extends");
    return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
  } catch {
    return null;
  }
}

/** A key as it appears in a problem's path: control characters escaped, long keys cut. */
function pathKey(key: string): string {
  const text = escapeControls(key);
  return text.length > MAX_PATH_KEY ? `${text.slice(0, MAX_PATH_KEY - 1)}…` : text;
}

/**
 * The last line of defence for messages: whatever built them (this module or the YAML
 * library quoting the source), no raw control or bidi character leaves the loader.
 */
function inertProblem(p: ConfigProblem): ConfigProblem {
  return { ...p, path: escapeControls(p.path), message: escapeControls(p.message) };
}

/** The first list or mapping nested deeper than {@link MAX_DEPTH}, found without recursion. */
function tooDeep(root: unknown): { node: unknown; depth: number } | null {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, depth } = top;
    const children: unknown[] = [];
    if (isMap(node)) for (const pair of node.items) children.push(pair.key, pair.value);
    else if (isSeq(node)) children.push(...node.items);
    else continue;
    if (depth > MAX_DEPTH) return top;
    for (const child of children) stack.push({ node: child, depth: depth + 1 });
  }
  return null;
}

/**
 * Keys that repeat an earlier scalar key of the same mapping (collection keys are never
 * equal, as in the YAML library's own check), in one pass with a set per mapping. Call
 * only on a tree that {@link tooDeep} accepted.
 */
function duplicateKeys(root: unknown): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) out.push(pair.key);
          else seen.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return out;
}

const TOO_DEEP = `the file nests lists or mappings more than ${MAX_DEPTH} levels deep; a configuration needs at most 4 (e.g. targets.business.P1.duration)`;

function isStackOverflow(message: string): boolean {
  return /maximum call stack size exceeded|too much recursion/i.test(message);
}

function resultOf(w: Walker, config: Config | null): ConfigResult {
  const order = (a: ConfigProblem, b: ConfigProblem): number =>
    (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  const errors = w.errors.map(inertProblem).sort(order);
  const warnings = w.warnings.map(inertProblem).sort(order);
  return { config: errors.length === 0 ? config : null, errors, warnings };
}

export interface LoadOptions {
  /**
   * Allow http and private addresses in notification URLs. Default: the server's
   * SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS (read from `env`, default process.env).
   */
  readonly allowPrivateUrls?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Parse, validate and merge a configuration file over `base` (the seed policy by default).
 * `text` null, empty or comment-only gives `base` unchanged. Never throws for bad input:
 * every problem is returned, each with file, key path, line, column and a message that
 * names the bad value and what is allowed.
 */
export function loadConfig(
  text: string | null,
  file: string = DEFAULT_CONFIG_FILE,
  base: Config = DEFAULT_CONFIG,
  options: LoadOptions = {},
): ConfigResult {
  const lines = new LineCounter();
  if (text === null || text.trim() === "") return { config: base, errors: [], warnings: [] };
  if (text.length > MAX_BYTES) {
    return {
      config: null,
      errors: [
        {
          file,
          path: "",
          line: 1,
          column: 1,
          message: sentence(`the file is ${text.length} bytes long; a configuration file may be at most ${MAX_BYTES} bytes`),
        },
      ],
      warnings: [],
    };
  }
  let doc: Document;
  try {
    // uniqueKeys off: the library compares every key with every other key of a map,
    // which a 256 KB file of distinct keys turns into seconds; duplicateKeys() below
    // reports the same problem in one pass.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    // The parser is robust, but a pathological input must not take the app down.
    const reason = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
    return {
      config: null,
      errors: [
        inertProblem({
          file,
          path: "",
          line: 1,
          column: 1,
          message: sentence(isStackOverflow(reason) ? TOO_DEEP : `the file could not be parsed as YAML (${reason})`),
        }),
      ],
      warnings: [],
    };
  }
  const w = new Walker(file, doc, lines, options.allowPrivateUrls ?? allowPrivateUrls(options.env));
  const deep = doc.errors.length === 0 ? tooDeep(doc.contents) : null;
  if (deep !== null) {
    w.error("", deep.node, TOO_DEEP);
    return resultOf(w, null);
  }
  const duplicates = doc.errors.length === 0 ? duplicateKeys(doc.contents) : [];
  for (const key of duplicates) w.error("", key, "invalid YAML: Map keys must be unique");
  if (duplicates.length > 0) return resultOf(w, null);
  if (doc.errors.length > 0) {
    let overflowReported = false;
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      const message = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
      // The library reports a stack overflow as a syntax error at the point it gave up;
      // say what is actually wrong, once.
      if (isStackOverflow(message)) {
        if (overflowReported) continue;
        overflowReported = true;
      }
      w.errors.push({
        file,
        path: "",
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        message: sentence(isStackOverflow(message) ? TOO_DEEP : `invalid YAML: ${message}`),
      });
    }
    return resultOf(w, null);
  }
  try {
    // mapAsMap: with plain objects, the library stringifies every collection used as a
    // key, and nested collection keys (`? ? ? x`) make that exponential.
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    w.errors.push({
      file,
      path: "",
      line: 1,
      column: 1,
      message: sentence(
        isStackOverflow(reason)
          ? TOO_DEEP
          : /alias/i.test(reason)
            ? `the file expands YAML aliases too often (${reason}); use fewer aliases`
            : `the file could not be read as YAML (${reason.split("\n")[0] ?? ""})`,
      ),
    });
    return resultOf(w, null);
  }
  if (doc.contents === null || w.isNull(doc.contents)) return { config: base, errors: [], warnings: [] };
  const top = w.byKey(w.entries("", doc.contents, TOP_KEYS, "the configuration"));
  if (!isMap(w.deref(doc.contents))) return resultOf(w, null);

  const ext = top.get("_extends");
  if (ext) w.string(ext, "the repository to extend, e.g. acme/.github or .github:path/to/file.yml");

  // The calendar sections come first: the business label they produce is a valid
  // coverage name in `targets`.
  const timezone = readTimezone(w, top.get("timezone"), base.timezone);
  const business_hours = readBusinessHours(w, top.get("business_hours"), base.business_hours);
  const holidays = readHolidays(w, top.get("holidays"), base.holidays);
  let label = "12x5";
  try {
    label = businessLabel(business_hours);
  } catch {
    // Reported by readBusinessHours; keep a placeholder so targets still get checked.
  }
  const targetsResult = readTargets(w, top.get("targets"), base, label);
  const plans = targetsResult.plans;
  const plan = readPlan(w, top.get("plan"), base.plan, plans, targetsResult.removed);
  const customers = readCustomers(w, top.get("customers"), base.customers, plans);
  const labels = readLabels(w, top.get("labels"), base.labels);
  const form = readForm(w, top.get("form"), base.form);
  const responders = readResponders(w, top.get("responders"), base.responders);
  const escalation = readEscalation(w, top.get("escalation"), base.escalation);
  const sweep = readSweep(w, top.get("sweep"), base.sweep);
  const report = readReport(w, top.get("report"), base.report);
  const onboardingEntry = top.get("onboarding");
  const onboarding = onboardingEntry && !w.isNull(onboardingEntry.value) ? (w.boolean(onboardingEntry) ?? base.onboarding) : base.onboarding;

  const config: Config = {
    plan,
    plans,
    customers,
    timezone,
    business_hours,
    holidays,
    targets: targetsResult.targets,
    labels,
    form,
    responders,
    escalation,
    sweep,
    report,
    onboarding,
  };
  checkLabelClashes(w, config, top.get("labels"));
  checkFeasible(w, config, top);
  return resultOf(w, config);
}

function readTimezone(w: Walker, e: Entry | undefined, fallback: string): string {
  if (!e) return fallback;
  const zone = w.string(e, "an IANA time zone name such as America/Los_Angeles");
  if (zone === undefined) return fallback;
  const canonical = canonicalZone(zone.trim());
  if (canonical === null) {
    w.error(
      e.path,
      e.value,
      `${codeSpan(zone)} is not a known IANA time zone${suggestion(zone, knownZones())} (examples: America/Los_Angeles, Europe/Berlin, UTC)`,
    );
    return fallback;
  }
  if (!zone.includes("/") && canonical !== zone.trim() && !/^(utc|gmt|etc\/)/i.test(zone.trim())) {
    w.warn(e.path, e.value, `${codeSpan(zone)} is a legacy alias; write the IANA name ${codeSpan(canonical)} instead`);
  }
  return zone.trim();
}

/** The longest report window: a year of creation times. */
export const MAX_REPORT_WINDOW_DAYS = 366;

function readReport(w: Walker, e: Entry | undefined, base: ReportConfig): ReportConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.report, "report"));
  let schedule = base.schedule;
  const sc = keys.get("schedule");
  if (sc) {
    const v = w.scalar(sc.value);
    // YAML reads a bare `off` as the boolean false.
    const text = v === false ? "off" : typeof v === "string" ? v.trim().toLowerCase() : null;
    if (text !== null && (REPORT_SCHEDULES as readonly string[]).includes(text)) schedule = text as ReportSchedule;
    else {
      const raw = typeof v === "string" ? v : "";
      w.error(sc.path, sc.value, `expected one of ${REPORT_SCHEDULES.join(", ")}, not ${w.describe(sc.value)}${raw ? suggestion(raw, REPORT_SCHEDULES) : ""}`);
    }
  }
  let day = base.day;
  const d = keys.get("day");
  if (d) {
    const parsed = parseDay(w.scalar(d.value));
    if (parsed === null) w.error(d.path, d.value, `${w.describe(d.value)} is not a day; use ${DAY_NAMES.join(", ")} or 1–7 (1 = Monday)`);
    else day = parsed;
  }
  let window = base.window;
  const wi = keys.get("window");
  if (wi) {
    const v = w.scalar(wi.value);
    const m = typeof v === "string" ? /^\s*(\d{1,4})\s*([dw])\s*$/.exec(v) : null;
    const days = m ? Number(m[1]) * (m[2] === "w" ? 7 : 1) : null;
    if (days !== null && days >= 1 && days <= MAX_REPORT_WINDOW_DAYS) window = days;
    else {
      w.error(
        wi.path,
        wi.value,
        `expected a window of days or weeks from 1d to ${MAX_REPORT_WINDOW_DAYS}d, e.g. 30d or 4w, not ${w.describe(wi.value)}`,
      );
    }
  }
  let discussion_category = base.discussion_category;
  const dc = keys.get("discussion_category");
  if (dc) {
    if (w.isNull(dc.value)) discussion_category = null;
    else {
      const v = w.string(dc, "a discussion category's slug or name, e.g. announcements");
      if (v !== undefined) {
        if (v.trim().length > 100) w.error(dc.path, dc.value, "a discussion category name has at most 100 characters");
        else discussion_category = v.trim();
      }
    }
  }
  return { schedule, day, window, discussion_category };
}

function readBusinessHours(w: Walker, e: Entry | undefined, base: BusinessHoursConfig): BusinessHoursConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.business_hours, "business_hours"));
  let days = base.days;
  const d = keys.get("days");
  if (d) {
    const items = w.list(d, "days");
    if (items) {
      const out: number[] = [];
      let bad = false;
      for (const item of items) {
        const day = parseDay(w.scalar(item.node));
        if (day === null) {
          w.error(
            item.path,
            item.node,
            `${w.describe(item.node)} is not a day; use ${DAY_NAMES.join(", ")} or 1–7 (1 = Monday)`,
          );
          bad = true;
        } else if (out.includes(day)) {
          w.warn(item.path, item.node, `${DAY_NAMES[day - 1] ?? ""} is listed twice; the repeat is ignored`);
        } else {
          out.push(day);
        }
      }
      if (!bad && out.length === 0) {
        w.error(d.path, d.value, "at least one working day is needed; for around-the-clock coverage use 24x7 targets");
      } else if (!bad) {
        days = out.sort((a, b) => a - b);
      }
    }
  }
  const clock = (key: "start" | "end"): { text: string; minutes: number; entry: Entry | null } | null => {
    const entry = keys.get(key);
    const fallback = base[key];
    if (!entry) return { text: fallback, minutes: parseClock(fallback, key === "end") ?? 0, entry: null };
    const text = w.string(entry, `a time of day "HH:MM" (24-hour), e.g. ${key === "start" ? "06:00" : "18:00"}`);
    if (text === undefined) return null;
    const minutes = parseClock(text, key === "end");
    if (minutes === null) {
      w.error(
        entry.path,
        entry.value,
        `${codeSpan(text)} is not a time of day; write HH:MM on a 24-hour clock, 00:00–23:59${key === "end" ? " (or 24:00 for midnight)" : ""}`,
      );
      return null;
    }
    return { text: text.trim(), minutes, entry };
  };
  const start = clock("start");
  const end = clock("end");
  if (!start || !end) return { days, start: base.start, end: base.end };
  if (end.minutes <= start.minutes) {
    const at = end.entry ?? start.entry;
    w.error(
      at?.path ?? e.path,
      at?.value ?? e.value,
      `the business day must end after it starts: ${codeSpan(start.text)}–${codeSpan(end.text)} is empty or runs past midnight (windows across midnight are not supported)`,
    );
    return { days, start: base.start, end: base.end };
  }
  return { days, start: start.text, end: end.text };
}

function readHolidays(w: Walker, e: Entry | undefined, base: HolidaysConfig): HolidaysConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.holidays, "holidays"));
  let country = base.country;
  let state = base.state;
  let types = base.types;
  let add = base.add;
  let remove = base.remove;
  const c = keys.get("country");
  if (c) {
    const v = w.scalar(c.value);
    if (v === null || v === false) {
      country = null;
      state = null;
    } else if (typeof v === "string" && v.trim() !== "") {
      const code = v.trim().toUpperCase();
      const all = countries();
      if (all[code] === undefined) {
        w.error(
          c.path,
          c.value,
          `${codeSpan(v)} is not a country known to date-holidays; use an ISO 3166 code such as US, CA, GB or DE, or null for no generated holidays${suggestion(code, Object.keys(all))}`,
        );
      } else {
        if (code !== base.country) state = null;
        country = code;
      }
    } else {
      w.error(c.path, c.value, `expected a country code such as US, or null, not ${w.describe(c.value)}`);
    }
  }
  const s = keys.get("state");
  if (s) {
    const v = w.scalar(s.value);
    if (v === null || v === false) {
      state = null;
    } else if (typeof v === "string" && v.trim() !== "") {
      const code = v.trim().toUpperCase();
      if (country === null) {
        w.error(s.path, s.value, `state ${codeSpan(v)} needs a country; set holidays.country too`);
      } else {
        const states = statesOf(country);
        if (states[code] === undefined) {
          const known = Object.keys(states);
          w.error(
            s.path,
            s.value,
            known.length === 0
              ? `${codeSpan(v)}: date-holidays has no states for ${country}; remove holidays.state`
              : `${codeSpan(v)} is not a state of ${country}${suggestion(code, known)} (known: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", …" : ""})`,
          );
        } else {
          state = code;
        }
      }
    } else {
      w.error(s.path, s.value, `expected a state code such as CA, or null, not ${w.describe(s.value)}`);
    }
  }
  const t = keys.get("types");
  if (t) {
    const v = w.stringList(t, "holiday types", (raw) => {
      const x = raw.trim().toLowerCase();
      return (HOLIDAY_TYPES as readonly string[]).includes(x)
        ? { ok: true, value: x }
        : {
            ok: false,
            message: `${codeSpan(raw)} is not a holiday type${suggestion(x, HOLIDAY_TYPES)} (allowed: ${HOLIDAY_TYPES.join(", ")})`,
          };
    });
    if (v) types = v;
  }
  const a = keys.get("add");
  if (a) add = readDates(w, a) ?? add;
  const r = keys.get("remove");
  if (r) remove = readDates(w, r) ?? remove;
  for (const date of add.filter((d) => remove.includes(d))) {
    w.warn((r ?? a ?? e).path, (r ?? a ?? e).value, `${codeSpan(date)} is both added and removed; removal wins, so the desk is open that day`);
  }
  return { country, state, types, add, remove };
}

/** Dates may arrive as text (YAML 1.2) or as Date values (a `%YAML 1.1` document). */
function readDates(w: Walker, e: Entry): string[] | undefined {
  const items = w.list(e, "dates (YYYY-MM-DD)");
  if (!items) return undefined;
  const out: string[] = [];
  let bad = false;
  for (const item of items) {
    const v = w.scalar(item.node);
    const text = v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v;
    if (typeof text !== "string") {
      w.error(item.path, item.node, `expected a date YYYY-MM-DD, not ${w.describe(item.node)}`);
      bad = true;
      continue;
    }
    const checked = checkDate(text);
    if (!checked.ok) {
      w.error(item.path, item.node, checked.message);
      bad = true;
    } else if (!out.includes(checked.value)) {
      out.push(checked.value);
    }
  }
  return bad ? undefined : out;
}

interface TargetsResult {
  plans: string[];
  targets: Record<string, Record<Priority, TargetSpec>>;
  removed: Map<string, Entry>;
}

function readTargets(w: Walker, e: Entry | undefined, base: Config, label: string): TargetsResult {
  const targets: Record<string, Record<Priority, TargetSpec>> = {};
  for (const p of base.plans) {
    const t = base.targets[p];
    if (t) targets[p] = { ...t };
  }
  const plans = [...base.plans];
  const removed = new Map<string, Entry>();
  if (!e || w.isNull(e.value)) return { plans, targets, removed };
  for (const planEntry of w.entries(e.path, e.value, null, "targets") ?? []) {
    const name = planEntry.key;
    if (!PLAN_RE.test(name)) {
      w.error(
        planEntry.path,
        planEntry.keyNode,
        `${codeSpan(name)} is not a plan name; use letters, digits, '.', '-' or '_' (at most 40 characters)`,
      );
      continue;
    }
    const known = plans.includes(name);
    if (w.isNull(planEntry.value)) {
      if (known) {
        plans.splice(plans.indexOf(name), 1);
        delete targets[name];
        removed.set(name, planEntry);
      } else {
        w.error(planEntry.path, planEntry.keyNode, `plan ${codeSpan(name)} has no targets; give P1, P2, P3 and P4`);
      }
      continue;
    }
    const given = w.entries(
      planEntry.path,
      planEntry.value,
      PRIORITIES,
      `the targets of plan ${codeSpan(name)}`,
    );
    if (!given) continue;
    const table: Partial<Record<Priority, TargetSpec>> = known ? { ...targets[name] } : {};
    for (const pe of given) {
      const target = parseTargetNode(w, pe.path, pe.value, label);
      if (target) table[pe.key as Priority] = target;
    }
    const missing = PRIORITIES.filter((p) => table[p] === undefined && !given.some((g) => g.key === p));
    if (!known && missing.length > 0) {
      w.error(
        planEntry.path,
        planEntry.keyNode,
        `plan ${codeSpan(name)} is new, so it needs a target for each of P1, P2, P3 and P4; missing ${listOr(missing, "and")}${suggestion(name, plans)}`,
      );
    }
    // Even a broken plan stays known, so that `plan:` and `customers` that name it do
    // not produce follow-on errors; the config is discarded anyway when errors exist.
    if (!known) plans.push(name);
    targets[name] = { ...(targets[name] ?? {}), ...table } as Record<Priority, TargetSpec>;
  }
  if (plans.length === 0) {
    w.error(e.path, e.value, "targets removes every plan; at least one plan is needed");
  }
  return { plans, targets, removed };
}

function readPlan(
  w: Walker,
  e: Entry | undefined,
  fallback: string,
  plans: readonly string[],
  removed: ReadonlyMap<string, Entry>,
): string {
  if (!e) {
    const gone = removed.get(fallback);
    if (gone) {
      w.error(
        gone.path,
        gone.keyNode,
        `plan ${codeSpan(fallback)} is the default plan and cannot be removed; set \`plan\` to one of ${listOr([...plans])} first`,
      );
    }
    return fallback;
  }
  const v = w.string(e, `a plan name (${listOr([...plans])})`);
  if (v === undefined) return fallback;
  const name = v.trim();
  if (!plans.includes(name)) {
    w.error(e.path, e.value, `${codeSpan(v)} is not a plan${suggestion(name, plans)} (known plans: ${listOr([...plans])})`);
    return fallback;
  }
  return name;
}

function readCustomers(
  w: Walker,
  e: Entry | undefined,
  base: Readonly<Record<string, string>>,
  plans: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = { ...base };
  if (!e || w.isNull(e.value)) return out;
  const seen = new Set<string>();
  for (const c of w.entries(e.path, e.value, null, "customers") ?? []) {
    const login = checkLogin("login")(c.key);
    if (!login.ok) {
      w.error(c.path, c.keyNode, login.message);
      continue;
    }
    const key = login.value.toLowerCase();
    if (seen.has(key)) {
      w.warn(c.path, c.keyNode, `${codeSpan(c.key)} is listed twice (logins are compared without case); the last one wins`);
    }
    seen.add(key);
    const plan = w.string(c, `a plan name (${listOr([...plans])})`);
    if (plan === undefined) continue;
    if (!plans.includes(plan.trim())) {
      w.error(c.path, c.value, `${codeSpan(plan)} is not a plan${suggestion(plan, plans)} (known plans: ${listOr([...plans])})`);
      continue;
    }
    out[key] = plan.trim();
  }
  return out;
}

function readString(w: Walker, keys: Map<string, Entry>, key: string, fallback: string, expected: string, check?: (s: string) => Check<string>): string {
  const e = keys.get(key);
  if (!e) return fallback;
  const v = w.string(e, expected);
  if (v === undefined) return fallback;
  if (!check) return v.trim();
  const r = check(v);
  if (!r.ok) {
    w.error(e.path, e.value, r.message);
    return fallback;
  }
  return r.value;
}

function readLabels(w: Walker, e: Entry | undefined, base: LabelsConfig): LabelsConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(
    w.entries(e.path, e.value, CONFIG_KEYS.labels, "labels"),
  );
  const priorities: Record<Priority, string> = { ...base.priorities };
  const p = keys.get("priorities");
  if (p && !w.isNull(p.value)) {
    for (const pe of w.entries(p.path, p.value, PRIORITIES, "labels.priorities") ?? []) {
      const v = w.string(pe, `the label name for ${pe.key}`);
      if (v === undefined) continue;
      const r = checkLabel(v);
      if (!r.ok) w.error(pe.path, pe.value, r.message);
      else priorities[pe.key as Priority] = r.value;
    }
  }
  const plan_prefix = (() => {
    const pp = keys.get("plan_prefix");
    if (!pp) return base.plan_prefix;
    const v = w.string(pp, 'a label prefix such as "plan: "', { allowEmpty: true });
    if (v === undefined) return base.plan_prefix;
    if (v.trim() === "") {
      w.error(pp.path, pp.value, 'plan labels need a prefix so they cannot be mistaken for other labels, e.g. "plan: "');
      return base.plan_prefix;
    }
    return v.trimStart();
  })();
  return {
    priorities,
    production: readString(w, keys, "production", base.production, "a label name", checkLabel),
    security: readString(w, keys, "security", base.security, "a label name", checkLabel),
    escalated: readString(w, keys, "escalated", base.escalated, "a label name", checkLabel),
    plan_prefix,
  };
}

function readForm(w: Walker, e: Entry | undefined, base: FormConfig): FormConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(
    w.entries(e.path, e.value, CONFIG_KEYS.form, "form"),
  );
  let production_values = base.production_values;
  const pv = keys.get("production_values");
  if (pv) {
    production_values =
      w.stringList(pv, "environment values", (raw) =>
        raw.trim() === "" ? { ok: false, message: "an environment value cannot be empty" } : { ok: true, value: raw.trim() },
      ) ?? production_values;
  }
  let default_priority = base.default_priority;
  const dp = keys.get("default_priority");
  if (dp) {
    const v = w.string(dp, `a priority (${listOr([...PRIORITIES])})`);
    if (v !== undefined) {
      const r = checkPriority(v);
      if (r.ok) default_priority = r.value;
      else w.error(dp.path, dp.value, r.message);
    }
  }
  let require = base.require;
  const rq = keys.get("require");
  if (rq) {
    const v = w.scalar(rq.value);
    const text = typeof v === "string" ? v.trim().toLowerCase() : null;
    if (text !== null && (FORM_REQUIRE as readonly string[]).includes(text)) require = text as FormConfig["require"];
    else {
      const raw = typeof v === "string" ? v : "";
      w.error(rq.path, rq.value, `expected one of ${FORM_REQUIRE.join(", ")}, not ${w.describe(rq.value)}${raw ? suggestion(raw, FORM_REQUIRE) : ""}`);
    }
  }
  return {
    require,
    priority_field: readString(w, keys, "priority_field", base.priority_field, "the label of the form's priority field, e.g. Priority"),
    environment_field: readString(w, keys, "environment_field", base.environment_field, "the label of the form's environment field, e.g. Environment"),
    production_values,
    default_priority,
  };
}

function readResponders(w: Walker, e: Entry | undefined, base: RespondersConfig): RespondersConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.responders, "responders"));
  let associations = base.associations;
  const a = keys.get("associations");
  if (a) {
    associations =
      w.stringList(a, "author associations", (raw) => {
        const x = raw.trim().toUpperCase();
        return (ASSOCIATIONS as readonly string[]).includes(x)
          ? { ok: true, value: x }
          : {
              ok: false,
              message: `${codeSpan(raw)} is not an author association${suggestion(x, ASSOCIATIONS)} (allowed: ${ASSOCIATIONS.join(", ")})`,
            };
      }) ?? associations;
  }
  let users = base.users;
  const u = keys.get("users");
  if (u) users = w.stringList(u, "GitHub logins", checkLogin("login")) ?? users;
  let teams = base.teams;
  const t = keys.get("teams");
  if (t) teams = w.stringList(t, "teams (org/team-slug)", checkTeam) ?? teams;
  return { associations, users, teams };
}

/** Most notifications one configuration may send per escalation. */
const MAX_WEBHOOKS = 5;
const WEBHOOK_KEYS = CONFIG_KEYS.webhook;
const NOTIFICATION_NAME_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const FORMAT_NAMES: Readonly<Record<NotificationFormat, string>> = { json: "JSON", slack: "Slack", teams: "Microsoft Teams" };

/**
 * `escalation.webhook`: one mapping (the original form) or a list of them; null, false or
 * an empty list for none. Each is checked on its own; names must be distinct, because the
 * name keys the notification's delivery record in the marker.
 */
function readWebhooks(w: Walker, e: Entry, base: readonly EscalationWebhookConfig[]): readonly EscalationWebhookConfig[] {
  const v = w.scalar(e.value);
  if (v === null || v === false) return [];
  const node = w.deref(e.value);
  let items: { node: Node; path: string }[];
  if (isSeq(node)) {
    items = node.items.map((n, i) => ({ node: n, path: `${e.path}[${i}]` }));
    if (items.length > MAX_WEBHOOKS) {
      w.error(e.path, e.value, `at most ${MAX_WEBHOOKS} notifications can be configured; ${items.length} are listed`);
    }
  } else if (isMap(node)) {
    items = [{ node: e.value, path: e.path }];
  } else {
    w.error(e.path, e.value, `expected a notification (a mapping with format and url or url_env) or a list of them, or null for none, not ${w.describe(e.value)}`);
    return base;
  }
  const out: EscalationWebhookConfig[] = [];
  let bad = false;
  const seen = new Map<string, string>();
  for (const item of items) {
    const one = readWebhook(w, { key: "webhook", keyNode: item.node, value: item.node, path: item.path });
    if (one === null) {
      bad = true;
      continue;
    }
    const other = seen.get(one.name);
    if (other !== undefined) {
      const at = w.deref(item.node);
      const nameNode = isMap(at) ? (at.get("name", true) ?? item.node) : item.node;
      w.error(
        isMap(at) && at.has("name") ? `${item.path}.name` : item.path,
        nameNode,
        `two notifications are named ${codeSpan(one.name)} (the other is ${other}); give each its own name, e.g. name: ${one.format}-2`,
      );
      bad = true;
      continue;
    }
    seen.set(one.name, item.path);
    out.push(one);
  }
  return bad || items.length > MAX_WEBHOOKS ? base : out;
}

/** One notification; null when it has errors (they are recorded). */
function readWebhook(w: Walker, e: Entry): EscalationWebhookConfig | null {
  const keys = w.byKey(w.entries(e.path, e.value, WEBHOOK_KEYS, "escalation.webhook"));
  if (!isMap(w.deref(e.value))) return null;
  const before = w.errors.length;

  let format: NotificationFormat = "json";
  const f = keys.get("format");
  if (f) {
    const text = w.string(f, `a notification format (${NOTIFICATION_FORMATS.join(", ")})`);
    if (text !== undefined) {
      const x = text.trim().toLowerCase();
      if ((NOTIFICATION_FORMATS as readonly string[]).includes(x)) format = x as NotificationFormat;
      else {
        w.error(
          f.path,
          f.value,
          `${codeSpan(text)} is not a notification format${suggestion(x, NOTIFICATION_FORMATS)} (allowed: ${NOTIFICATION_FORMATS.join(", ")})`,
        );
      }
    }
  }

  let name: string = format;
  const n = keys.get("name");
  if (n) {
    const text = w.string(n, "a short name for this notification, e.g. support-slack");
    if (text !== undefined) {
      if (NOTIFICATION_NAME_RE.test(text.trim())) name = text.trim();
      else {
        w.error(n.path, n.value, `${codeSpan(text)} is not a notification name: up to 32 lower-case letters, digits and -, starting with a letter or digit`);
      }
    }
  }

  const envName = (entry: Entry, what: string): string | null => {
    if (w.isNull(entry.value)) return null;
    const text = w.string(entry, `the name of an environment variable, e.g. ${what}`);
    if (text === undefined) return null;
    if (!ENV_RE.test(text.trim())) {
      w.error(
        entry.path,
        entry.value,
        `${codeSpan(text)} is not an environment variable name (letters, digits and _); give the variable's name, never the secret itself`,
      );
      return null;
    }
    return text.trim();
  };

  let url: string | null = null;
  let url_env: string | null = null;
  const u = keys.get("url");
  const ue = keys.get("url_env");
  if (ue) url_env = envName(ue, format === "json" ? "SUPPORT_TRIAGE_WEBHOOK_URL" : `SUPPORT_TRIAGE_${format.toUpperCase()}_URL`);
  if (u && !w.isNull(u.value)) {
    if (ue && !w.isNull(ue.value)) {
      w.error(u.path, u.value, "give either url or url_env, not both");
    } else if (format !== "json") {
      w.error(
        u.path,
        u.value,
        `${FORMAT_NAMES[format]} webhook URLs are secrets (anyone who has one can post to the channel), so they do not belong in a repository: put it in an environment variable of the app and name the variable with url_env, e.g. url_env: SUPPORT_TRIAGE_${format.toUpperCase()}_URL`,
      );
    } else {
      const text = w.string(u, "an https URL");
      if (text !== undefined) url = checkWebhookUrl(w, u, text);
    }
  } else if (!ue || w.isNull(ue.value)) {
    w.error(
      e.path,
      e.value,
      format === "json"
        ? "escalation.webhook needs a url (e.g. https://hooks.example.com/support) or url_env (the environment variable that holds it)"
        : `a ${FORMAT_NAMES[format]} notification needs url_env: the name of the environment variable that holds the webhook URL`,
    );
  }

  let secret_env: string | null = null;
  const s = keys.get("secret_env");
  if (s) {
    secret_env = envName(s, "SUPPORT_TRIAGE_WEBHOOK_SECRET");
    if (secret_env !== null && format !== "json") {
      w.warn(s.path, s.value, `${FORMAT_NAMES[format]} does not check signatures, so secret_env (which signs the generic JSON format) has no effect here`);
      secret_env = null;
    }
  }
  if (w.errors.length > before) return null;
  return { name, format, url, url_env, secret_env };
}

function checkWebhookUrl(w: Walker, u: Entry, text: string): string | null {
  const checked = checkOutgoingUrl(text, { allowPrivate: w.allowPrivateUrls }, codeSpan(text));
  if (!checked.ok) {
    w.error(u.path, u.value, checked.message);
    return null;
  }
  const url = checked.url;
  if (url.protocol === "http:" && !isLocalhostName(url.hostname) && (isIP(url.hostname.replace(/^\[|\]$/g, "")) === 0 || blockedAddress(url.hostname) === null)) {
    w.warn(u.path, u.value, "the webhook URL uses http, so escalations travel unencrypted; prefer https");
  }
  return url.toString();
}

function readEscalation(w: Walker, e: Entry | undefined, base: EscalationConfig): EscalationConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.escalation, "escalation"));
  let contacts = base.contacts;
  const c = keys.get("contacts");
  if (c) contacts = w.stringList(c, "logins or teams to mention, e.g. @acme/support-leads", checkContact) ?? contacts;
  let assignees = base.assignees;
  const a = keys.get("assignees");
  if (a) assignees = w.stringList(a, "GitHub logins", checkLogin("assignee")) ?? assignees;
  if (assignees.length > 10) {
    w.error(a?.path ?? e.path, a?.value ?? e.value, `GitHub allows at most 10 assignees per item; ${assignees.length} are listed`);
  }
  const wh = keys.get("webhook");
  const webhooks = wh ? readWebhooks(w, wh, base.webhooks) : base.webhooks;
  let warn_at = base.warn_at;
  const wa = keys.get("warn_at");
  if (wa) {
    const v = w.scalar(wa.value);
    if (v === null || v === false) warn_at = null;
    else if (typeof v === "number" && Number.isFinite(v) && v > 0 && v < 1) warn_at = v;
    else {
      w.error(
        wa.path,
        wa.value,
        `expected a share of the target between 0 and 1 (exclusive), e.g. 0.75, or null for no warning, not ${w.describe(wa.value)}`,
      );
    }
  }
  return { contacts, assignees, webhooks, warn_at };
}

function readSweep(w: Walker, e: Entry | undefined, base: SweepConfig): SweepConfig {
  if (!e || w.isNull(e.value)) return base;
  const keys = w.byKey(w.entries(e.path, e.value, CONFIG_KEYS.sweep, "sweep"));
  let enabled = base.enabled;
  const en = keys.get("enabled");
  if (en) enabled = w.boolean(en) ?? enabled;
  let max_writes = base.max_writes;
  const mw = keys.get("max_writes");
  if (mw) {
    const v = w.scalar(mw.value);
    if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 10_000) max_writes = v;
    else w.error(mw.path, mw.value, `expected a whole number from 1 to 10000, not ${w.describe(mw.value)}`);
  }
  return { enabled, max_writes };
}

/** GitHub label names are case-insensitive: two roles on one label would fight each other. */
function checkLabelClashes(w: Walker, config: Config, labelsEntry: Entry | undefined): void {
  const roles: { role: string; name: string; at: readonly string[] }[] = [
    ...PRIORITIES.map((p) => ({ role: `labels.priorities.${p}`, name: config.labels.priorities[p], at: ["labels", "priorities", p] })),
    ...(["production", "security", "escalated"] as const).map((k) => ({
      role: `labels.${k}`,
      name: config.labels[k],
      at: ["labels", k],
    })),
    ...config.plans.map((p) => ({ role: `the label of plan ${p}`, name: `${config.labels.plan_prefix}${p}`, at: ["targets", p] })),
  ];
  const seen = new Map<string, { role: string; at: readonly string[] }>();
  for (const r of roles) {
    const key = r.name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      // Point at whichever of the two the file actually sets.
      const node = w.nodeAt(r.at) ?? w.nodeAt(other.at) ?? labelsEntry?.value ?? null;
      const path = w.nodeAt(r.at) ? r.at.join(".") : w.nodeAt(other.at) ? other.at.join(".") : "labels";
      w.error(path, node, `label ${codeSpan(r.name)} is used for both ${other.role} and ${r.role}; each role needs its own label`);
    } else {
      seen.set(key, r);
    }
    if (r.at[0] === "targets" && r.name.length > MAX_LABEL_LENGTH) {
      w.error(
        "labels.plan_prefix",
        w.nodeAt(["labels", "plan_prefix"]) ?? w.nodeAt(r.at) ?? null,
        `plan label ${codeSpan(r.name)} is longer than GitHub's ${MAX_LABEL_LENGTH} characters; shorten labels.plan_prefix or the plan name`,
      );
    }
  }
}

/**
 * A business target that needs years of calendar to use up (a long target on a
 * one-hour, one-day-a-week window) would hit the calendar's search bound at run time;
 * refuse it here, where the maintainer can see why.
 */
function checkFeasible(w: Walker, config: Config, top: Map<string, Entry>): void {
  let windowMs: number;
  try {
    windowMs = businessWindowMs(config.business_hours);
  } catch {
    return;
  }
  const weekly = windowMs * new Set(config.business_hours.days).size;
  if (weekly <= 0) return;
  for (const plan of config.plans) {
    const table = config.targets[plan];
    if (!table) continue;
    for (const p of PRIORITIES) {
      const t = table[p];
      if (!t || t.coverage !== "business") continue;
      const ms = t.duration.amount * (t.duration.unit === "d" ? windowMs : t.duration.unit === "h" ? 3_600_000 : 60_000);
      const days = Math.ceil(ms / weekly) * 7 + config.holidays.add.length;
      if (days > MAX_TARGET_SPAN_DAYS) {
        const e = top.get("targets") ?? top.get("business_hours");
        w.error(
          `targets.${plan}.${p}`,
          w.nodeAt(["targets", plan, p]) ?? e?.value ?? null,
          `target ${t.duration.amount}${t.duration.unit} needs about ${Math.round(days / 365)} years of these business hours to elapse; shorten it or widen business_hours`,
        );
      }
    }
  }
}

/** Nominal length of one business window in ms: the length of a business day `d`. */
export function businessWindowMs(hours: BusinessHoursConfig): number {
  const start = parseClock(hours.start, false);
  const end = parseClock(hours.end, true);
  if (start === null || end === null || end <= start) throw new Error(`invalid business hours ${hours.start}–${hours.end}`);
  return (end - start) * 60_000;
}
