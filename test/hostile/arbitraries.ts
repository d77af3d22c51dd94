/**
 * Generators of hostile text for the fuzz suites. Plain random strings almost never
 * contain the few sequences that matter to a Markdown or YAML parser, so the
 * generators splice random text with fragments chosen for what they attack: mentions,
 * HTML, fences, form headings, comment delimiters, line-ending variants, control and
 * bidi characters, and prototype-pollution keys.
 */
import fc from "fast-check";

/**
 * Case counts are sized so the whole folder runs in seconds on CI. For a deeper hunt,
 * scale them and lift the per-test timeout:
 * `HOSTILE_SCALE=20 npx vitest run test/hostile --testTimeout=0`; a failure prints the
 * seed and path to replay it.
 */
const SCALE = Math.max(0.01, Number(process.env["HOSTILE_SCALE"] ?? "1") || 1);
export function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/** Single UTF-16 code units, lone surrogates included (bodies are not guaranteed well-formed). */
export const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Text attackers and careless users actually write. */
export const FRAGMENTS = [
  "@alice",
  "@acme/support-leads",
  " @bob ",
  "foo@example.com",
  "&#64;eve",
  "&commat;eve",
  "\\@mallory",
  "`@quoted`",
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "<SCRIPT>",
  "<a href=javascript:alert(1)>x</a>",
  "[link](javascript:alert(1))",
  "![img](https://evil.test/x.png)",
  "[ref]: https://evil.test",
  "</details>",
  "<details><summary>",
  "<!--",
  "-->",
  "--!>",
  "<!-- support-triage:target ",
  '{"priority":"P1"}',
  "`",
  "``",
  "```",
  "````",
  "~~~",
  "### Priority",
  "### Priority\n\nP1",
  "### Environment\n\nProduction",
  "###",
  "#",
  "_No response_",
  "None",
  "P1",
  "P2 (High)",
  "|",
  "\\",
  "\\|",
  "*",
  "_",
  "\n",
  "\r\n",
  "\r",
  "\n\n",
  "\t",
  " ",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "\u200b",
  "\u200d",
  "\u202e",
  "\u2066",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udfff",
  "😀",
  "é",
  "__proto__",
  "constructor",
  "prototype",
] as const;

export const fragment = fc.constantFrom(...FRAGMENTS);

/** A short run of arbitrary code units. */
export const noise = fc.string({ unit: anyCodeUnit, maxLength: 8 });

/** Hostile text: fragments and noise spliced together. */
export function hostileText(maxParts = 12): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: fragment }, { weight: 1, arbitrary: noise }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), {
      maxLength: maxParts,
    })
    .map((parts) => parts.join(""));
}

/** Logins as an attacker might claim them in a forged payload or a hand-edited marker. */
export const hostileLogin = fc.oneof(
  fc.constantFrom("alice", "carol", "ghost", "x", "a-b", "support-triage[bot]", "dependabot[bot]"),
  hostileText(4).filter((s) => s.trim() !== ""),
);

/** Every key a configuration or marker might meet, hostile ones included. */
export const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "plan", "timezone", "P1", ""),
  fc.string({ maxLength: 10 }),
  fc.string({ unit: anyCodeUnit, maxLength: 6 }),
);

/** True when the text contains a raw C0/C1 control, DEL, bidi control or line separator. */
export function hasRawControl(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(text);
}
