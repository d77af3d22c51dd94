/**
 * Text of the single "configuration error" issue (SPEC §6). Pure: the GitHub layer decides
 * nothing and only creates, edits or closes the issue with this text.
 *
 * File names, key paths and messages all carry text from the repository's file (keys,
 * values, anchor names quoted by the YAML parser), so each table cell is made inert for
 * the context it sits in: a Markdown table row, where an unescaped `|` starts a new cell
 * even inside a code span, and where a mention would notify whoever it names.
 */
import { escapeControls } from "./text.js";
import type { ConfigProblem } from "./types.js";

export const CONFIG_ISSUE_TITLE = "support-triage: configuration error";
export const CONFIG_ISSUE_MARKER = "<!-- support-triage:config-error -->";

/** Characters of a message shown before it is cut (escaping may lengthen it). */
const MAX_MESSAGE = 300;
/** Characters of a file name or key path shown before it is cut. */
const MAX_NAME = 120;
/**
 * GitHub refuses issue bodies over 65,536 characters, and a file with thousands of
 * broken keys would otherwise produce one: the issue could then never be opened or
 * updated. Rows stop before this budget and the rest is counted.
 */
const MAX_BODY = 60_000;

/** Cut to `max` UTF-16 units without splitting a surrogate pair, marking the cut. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * A message as plain text in a table cell: every character Markdown could act on is
 * escaped (so a quoted `[x](javascript:…)` or `<img>` stays text, and backticks show as
 * backticks), `&` cannot start an entity such as `&#64;`, and a zero-width space after
 * each `@` keeps mentions from notifying anyone.
 */
function plainCell(text: string, max: number = MAX_MESSAGE): string {
  return cap(escapeControls(text), max)
    .replace(/[\\`*_[\]()#|~!{}]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b");
}

/**
 * A file name or key path as a code span in a table cell. Nothing inside a code span
 * renders or pings; the fence is longer than any backtick run inside, and `|` is escaped
 * because GFM splits table cells before it looks for code spans.
 */
function codeCell(text: string, max: number = MAX_NAME): string {
  const content = cap(escapeControls(text), max);
  if (content === "") return "—";
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = content.startsWith("`") || content.endsWith("`") ? " " : "";
  return `${fence}${pad}${content.replace(/\|/g, "\\|")}${pad}${fence}`;
}

export function formatProblem(p: ConfigProblem): string {
  const where = [p.file, p.line !== null ? String(p.line) : null, p.line !== null && p.column !== null ? String(p.column) : null]
    .filter(Boolean)
    .join(":");
  return `${where}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

/** Files of issue forms and discussion category forms (the rest is configuration). */
export function isFormFile(file: string): boolean {
  return /(^|[\\/:])\.github[\\/](ISSUE_TEMPLATE|DISCUSSION_TEMPLATE)[\\/]/.test(file);
}

export function renderConfigIssue(errors: readonly ConfigProblem[]): string {
  const formsOnly = errors.length > 0 && errors.every((e) => isFormFile(e.file));
  const head = [
    CONFIG_ISSUE_MARKER,
    formsOnly
      ? "support-triage found problems in this repository's support forms. It keeps acting on items, but GitHub may refuse these forms, or the app cannot read a priority from them, until they are fixed."
      : "support-triage found problems in its configuration and **has stopped acting in this repository** until they are fixed: no labels, no targets, no escalations.",
    "",
    "| File | Line | Key | Problem |",
    "|---|---|---|---|",
  ];
  const tail = [
    "",
    `Fix ${formsOnly ? "the forms" : "the file"} on the default branch; this issue is updated when the errors change and closed when everything is valid.`,
    "",
    "To check a change before it is merged, run the same checks in a pull request with the support-triage validate Action (`action.yml` in the support-triage repository; the README's \"Check changes in pull requests\" has a workflow to copy), or from a clone of support-triage:",
    "",
    "```sh",
    "npm ci",
    "node bin/support-triage.js validate --config <your repository>/.github/support-triage.yml --templates <your repository>/.github",
    "```",
  ];
  let budget = MAX_BODY - [...head, ...tail].join("\n").length - 200;
  const rows: string[] = [];
  for (const e of errors) {
    const line = e.line !== null && Number.isFinite(e.line) ? `line ${e.line}` : "—";
    const row = `| ${codeCell(e.file)} | ${line} | ${e.path ? codeCell(e.path) : "—"} | ${plainCell(e.message)} |`;
    if (row.length + 1 > budget) break;
    budget -= row.length + 1;
    rows.push(row);
  }
  const more = errors.length - rows.length;
  const note =
    more > 0
      ? ["", `…and ${more} more problem${more === 1 ? "" : "s"}. Run the \`validate\` command below to see them all.`]
      : [];
  return [...head, ...rows, ...note, ...tail].join("\n");
}
