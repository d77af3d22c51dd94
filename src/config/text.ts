/**
 * Small text helpers shared by the config loader, the calendar and the command line:
 * quoting user-supplied values inside messages and "did you mean" suggestions.
 *
 * Messages built here end up in a GitHub issue (the configuration-error issue), so any
 * value that came from a user must be rendered inertly: no `@mention` may ping, no
 * markup may leak. A code span does both, as long as the fence is longer than any
 * backtick run inside the value.
 */

const MAX_QUOTED = 80;

/**
 * Characters that must never reach a message raw: C0 and C1 controls and DEL (terminal
 * escapes, NULs that truncate logs), line and paragraph separators (which break a
 * one-line message in some viewers), the byte-order mark, and bidirectional controls,
 * which can make a message read differently from what it says ("Trojan Source").
 */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * The text with every unsafe character written as a JSON-style escape (`\n`, `\u0007`),
 * so the value stays recognisable without acting on whatever displays it.
 */
export function escapeControls(text: string): string {
  return text.replace(
    UNSAFE_CHARS,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Render a user-supplied value as an inline code span.
 *
 * Strings are shown raw (with control and bidi characters escaped, so a newline cannot
 * end the span and nothing can reorder the message); other values as JSON. Long values
 * are cut, because the message has to stay one readable line.
 */
export function codeSpan(value: unknown): string {
  let text: string;
  if (typeof value === "string") {
    text = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"');
  } else if (value === undefined) {
    text = "undefined";
  } else if (typeof value === "bigint") {
    text = value.toString();
  } else if (value instanceof Date) {
    text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  // JSON escapes C0 controls only; DEL, C1 and bidi controls would still pass raw.
  text = escapeControls(text);
  if (text.length > MAX_QUOTED) text = `${text.slice(0, MAX_QUOTED - 1)}…`;
  if (text === "") return "`\u200b`";
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  // CommonMark strips one space on each side when both are present; pad when the text
  // itself starts or ends with a backtick so the fence stays unambiguous.
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** "a, b or c": for listing what is allowed. */
export function listOr(items: readonly string[], conj = "or"): string {
  if (items.length === 0) return "(nothing)";
  if (items.length === 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conj} ${items[items.length - 1] ?? ""}`;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), so that
 * both `timzeone` and `timezon` find `timezone`.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  const d: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let i = 0; i <= m; i++) (d[i] as number[])[0] = i;
  for (let j = 0; j <= n; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= m; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = v;
    }
  }
  return (d[m] as number[])[n] as number;
}

/** Case, `-`/`_` and spacing differences should not count as typos: `businessHours` → `business_hours`. */
function normaliseKey(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, "");
}

/**
 * The closest candidate, when it is close enough to be a plausible typo: at most a
 * third of the candidate's length (at least 1, at most 3; none for names shorter than
 * three characters) edits away after normalising case and separators.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | null {
  const norm = normaliseKey(input);
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // Very short names (country codes, P1..P4) are all one edit apart: only a case or
    // separator difference is a credible typo there.
    const limit = candidate.length < 3 ? 0 : Math.min(3, Math.max(1, Math.floor(candidate.length / 3)));
    const normCandidate = normaliseKey(candidate);
    // The distance is at least the difference in length. Checking that first keeps a
    // hostile 200 KB value from costing a full quadratic comparison per candidate
    // (hundreds of time zones), which took tens of seconds.
    if (Math.abs(norm.length - normCandidate.length) > limit) continue;
    const distance = editDistance(norm, normCandidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** "; did you mean `x`?" or "": appended to a message about a misspelt name. */
export function suggestion(input: string, candidates: readonly string[]): string {
  const best = didYouMean(input, candidates);
  return best === null ? "" : `; did you mean ${codeSpan(best)}?`;
}
