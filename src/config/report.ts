/**
 * Text of the single "configuration error" issue (SPEC §6). Pure: the GitHub layer decides
 * nothing and only creates, edits or closes the issue with this text.
 */
import type { ConfigProblem } from "./types.js";

export const CONFIG_ISSUE_TITLE = "support-triage: configuration error";
export const CONFIG_ISSUE_MARKER = "<!-- support-triage:config-error -->";

/** Keeps a value from the user's file inert in Markdown: no mentions, no markup. */
function inert(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/`/g, "'")
    .replace(/@/g, "@\u200b")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ")
    .slice(0, 500);
}

export function formatProblem(p: ConfigProblem): string {
  const where = [p.file, p.line !== null ? String(p.line) : null, p.line !== null && p.column !== null ? String(p.column) : null]
    .filter(Boolean)
    .join(":");
  return `${where}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export function renderConfigIssue(errors: readonly ConfigProblem[]): string {
  const rows = errors.map((e) => {
    const line = e.line !== null ? `line ${e.line}` : "—";
    return `| \`${inert(e.file)}\` | ${line} | ${e.path ? `\`${inert(e.path)}\`` : "—"} | ${inert(e.message).replace(/\|/g, "\\|")} |`;
  });
  return [
    CONFIG_ISSUE_MARKER,
    "support-triage found problems in its configuration and **has stopped acting in this repository** until they are fixed: no labels, no targets, no escalations.",
    "",
    "| File | Line | Key | Problem |",
    "|---|---|---|---|",
    ...rows,
    "",
    "Fix the file on the default branch; this issue is updated when the errors change and closed when the file is valid.",
    "You can check a file before committing it with `npx support-triage validate --config .github/support-triage.yml`.",
  ].join("\n");
}
