/**
 * A single linear pass over a Markdown body that finds `### ` headings and whether each
 * line sits inside a fenced code block.
 *
 * Rendered form bodies are Markdown, and users paste logs, shell sessions and even other
 * issues into textareas; a `### Priority` line inside a ``` block is text, not a field.
 * Only what the form parser needs is modelled (ATX level-3 headings, ``` and ~~~ fences
 * per CommonMark's length and character rules), and nothing here backtracks, so a 1 MB
 * body costs one pass.
 */

export interface ScannedLine {
  readonly text: string;
  /** Inside a fenced code block (the fence lines themselves included). */
  readonly inFence: boolean;
  /** Text of a level-3 ATX heading (`### Title ###` → "Title"), else null. */
  readonly heading: string | null;
}

interface Fence {
  readonly char: "`" | "~";
  readonly length: number;
}

/** Splits on CRLF, CR and LF alike: bodies edited on Windows arrive with CRLF. */
export function splitLines(body: string): string[] {
  return body.split(/\r\n|\r|\n/);
}

export function scanMarkdown(body: string): ScannedLine[] {
  const out: ScannedLine[] = [];
  let open: Fence | null = null;
  for (const text of splitLines(body)) {
    const fence = fenceOf(text);
    if (open !== null) {
      if (fence !== null && fence.char === open.char && fence.length >= open.length && fence.closing) {
        open = null;
      }
      out.push({ text, inFence: true, heading: null });
      continue;
    }
    if (fence !== null && fence.opening) {
      open = { char: fence.char, length: fence.length };
      out.push({ text, inFence: true, heading: null });
      continue;
    }
    out.push({ text, inFence: false, heading: headingOf(text) });
  }
  return out;
}

interface FenceLine extends Fence {
  /** Only spaces after the run: can close a block. */
  readonly closing: boolean;
  /** Can open a block (backtick fences may not have a backtick in their info string). */
  readonly opening: boolean;
}

function fenceOf(line: string): FenceLine | null {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 0x20) i++;
  const c = line[i];
  if (c !== "`" && c !== "~") return null;
  let j = i;
  while (line[j] === c) j++;
  const length = j - i;
  if (length < 3) return null;
  const rest = line.slice(j);
  return {
    char: c,
    length,
    closing: rest.trim() === "",
    opening: c === "~" || !rest.includes("`"),
  };
}

function headingOf(line: string): string | null {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 0x20) i++;
  if (!line.startsWith("###", i)) return null;
  const after = line[i + 3];
  if (after !== undefined && after !== " " && after !== "\t") return null;
  let text = line.slice(i + 3).trim();
  // An optional closing sequence of #s, preceded by a space, is not part of the text.
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end === 0) return "";
  if (end < text.length && (text[end - 1] === " " || text[end - 1] === "\t")) {
    text = text.slice(0, end).trimEnd();
  }
  return text;
}
