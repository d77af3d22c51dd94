/**
 * Checks that a Markdown body the app writes cannot ping anyone or inject markup.
 *
 * The checks read the body the way GitHub's renderer does, as far as that matters for
 * safety: text inside inline code spans is inert (mentions, HTML and links do not work
 * there), a backslash escape makes the next punctuation character literal, and an HTML
 * comment hides its text. Everything is erred towards reporting: where the Markdown
 * rules are subtle, the checker treats text as live rather than hidden, so a pass means
 * "safe under a stricter reading than GitHub's", not "safe under a lucky one".
 */

/** Blocks are separated by blank lines; code spans never cross them. */
function blocks(body: string): string[] {
  return body.split(/\r\n|\r|\n/).reduce<string[][]>(
    (acc, line) => {
      if (line.trim() === "") acc.push([]);
      else acc[acc.length - 1]?.push(line);
      return acc;
    },
    [[]],
  ).map((lines) => lines.join("\n"));
}

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/**
 * The block with every inline code span replaced by a single space, and every backslash
 * escape kept as-is (so later checks can see it). A backtick run opens a span only when a
 * run of exactly the same length follows in the same block; an escaped backtick opens
 * nothing.
 */
function withoutCodeSpansInBlock(block: string): string {
  let out = "";
  let i = 0;
  while (i < block.length) {
    const c = block[i];
    if (c === "\\" && i + 1 < block.length && ASCII_PUNCT.test(block[i + 1] ?? "")) {
      out += block.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== "`") {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (block[j] === "`") j++;
    const run = j - i;
    // Look for a closing run of exactly `run` backticks.
    let k = j;
    let close = -1;
    while (k < block.length) {
      if (block[k] !== "`") {
        k++;
        continue;
      }
      let e = k;
      while (block[e] === "`") e++;
      if (e - k === run) {
        close = k;
        break;
      }
      k = e;
    }
    if (close < 0) {
      out += block.slice(i, j);
      i = j;
    } else {
      out += " ";
      i = close + run;
    }
  }
  return out;
}

/** The body outside inline code spans, blocks joined by blank lines. */
export function outsideCodeSpans(body: string): string {
  return blocks(body).map(withoutCodeSpansInBlock).join("\n\n");
}

/** `<!--` that no `-->` closes (the first `-->` after an opener closes it, as in HTML). */
export function hasUnbalancedComment(text: string): boolean {
  let i = 0;
  for (;;) {
    const open = text.indexOf("<!--", i);
    if (open < 0) return false;
    const close = text.indexOf("-->", open + 4);
    if (close < 0) return true;
    i = close + 3;
  }
}

function withoutComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, " ");
}

const NAMED: Readonly<Record<string, string>> = { commat: "@", amp: "&", lt: "<", gt: ">", quot: '"', num: "#", lowbar: "_", hyphen: "-", dash: "-" };

/** What the reader sees: entities decoded and backslash escapes resolved. */
function rendered(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .replace(/&#(\d{1,7});/g, (_m, d: string) => safeChar(Number(d)))
    .replace(/&#[xX]([0-9a-fA-F]{1,6});/g, (_m, h: string) => safeChar(Number.parseInt(h, 16)))
    .replace(/&([a-zA-Z]+);/g, (m, name: string) => NAMED[name] ?? m);
}

function safeChar(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
}

/**
 * A mention that would notify: `@` then a login character, with no word character right
 * before the `@` (GitHub does not link e-mail addresses). Stricter than GitHub on
 * purpose: a backtick or a zero-width space before the `@` does not count as protection
 * (outside a code span a lone backtick is just a character); only a zero-width space
 * after the `@`, or a real code span around it, does.
 */
const PING = /(^|[^A-Za-z0-9_])@[A-Za-z0-9-]+/;

export interface SafetyReport {
  readonly pings: string[];
  readonly html: string[];
  readonly links: string[];
  readonly unbalancedComment: boolean;
}

/**
 * Everything in `body` that could ping or inject markup. `allowedComments` are HTML
 * comments the app writes itself (its markers); they are removed before the HTML check
 * but their content is still checked for an early `-->`.
 */
export function inspect(body: string, options: { allowMentions?: readonly string[] } = {}): SafetyReport {
  const outside = outsideCodeSpans(body);
  const unbalancedComment = hasUnbalancedComment(outside);
  const visible = withoutComments(outside);
  const html = [...visible.matchAll(/<\/?[A-Za-z!?][^\s>]*/g)].map((m) => m[0]);
  const shown = rendered(visible);
  const allowed = new Set((options.allowMentions ?? []).map((m) => m.toLowerCase()));
  const pings: string[] = [];
  for (const m of shown.matchAll(new RegExp(PING.source, "g"))) {
    const mention = m[0].slice(m[1]?.length ?? 0);
    if (!allowed.has(mention.toLowerCase())) pings.push(mention);
  }
  // Links and images: an unescaped `](` (inline link) or `]:` at a line start (reference definition).
  const unescaped = visible.replace(/\\[!-/:-@[-`{-~]/g, "  ");
  const links = [
    ...[...unescaped.matchAll(/\]\s*\(/g)].map((m) => m[0]),
    ...[...unescaped.matchAll(/^\s{0,3}\[[^\]]*\]:/gm)].map((m) => m[0]),
  ];
  return { pings, html, links, unbalancedComment };
}

/** Throws with the offending parts when the body is unsafe; used inside properties. */
export function assertInert(body: string, options: { allowMentions?: readonly string[] } = {}): void {
  const r = inspect(body, options);
  if (r.pings.length > 0 || r.html.length > 0 || r.links.length > 0 || r.unbalancedComment) {
    throw new Error(
      `unsafe body: ${JSON.stringify({ pings: r.pings, html: r.html, links: r.links, unbalancedComment: r.unbalancedComment })}\n---\n${body}`,
    );
  }
}
