/**
 * Echoing user text in the app's comments without letting it act.
 *
 * Anything a user typed (titles, form answers, label names, logins shown for
 * attribution) is shown as inert text: mentions cannot ping (a zero-width space after
 * `@` breaks GitHub's autolinker but reads the same), Markdown and HTML cannot inject
 * structure (punctuation is backslash-escaped, `<>&` become entities), it stays on one
 * line, bidi controls are dropped and the length is capped. Text the app writes itself
 * or takes from the configuration (escalation contacts) does not go through here.
 */

const ZWSP = "\u200B";
const DEFAULT_MAX = 200;

/** `@name` and `@org/team` cannot notify anyone after this. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`);
}

/** One line, no control or bidi characters, at most `max` characters (plus an ellipsis). */
export function flattenText(text: string, max: number): string {
  const flat = text
    .replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, "")
    .replace(/[\p{Cc}\s]+/gu, " ")
    .trim();
  if (flat.length <= max) return flat;
  // Do not cut a surrogate pair in half.
  let cut = max;
  const code = flat.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${flat.slice(0, cut)}…`;
}

/**
 * User text for inline use in Markdown: flattened, capped, escaped and mention-free.
 * Escaping happens after capping so an escape sequence is never cut in half.
 */
export function userText(text: string, max: number = DEFAULT_MAX): string {
  const escaped = flattenText(text, max)
    .replace(/[\\`*_[\]()#|~!{}]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return neutraliseMentions(escaped);
}

/**
 * User text as an inline code span: shown verbatim (nothing inside a code span renders,
 * links or pings), with a backtick fence longer than any backtick run in the text.
 */
export function codeSpan(text: string, max: number = DEFAULT_MAX): string {
  const flat = flattenText(text, max);
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A login shown for attribution ("set by @alice") that reads as a mention but does not ping. */
export function quietLogin(login: string): string {
  return `@${ZWSP}${userText(login, 60)}`;
}
