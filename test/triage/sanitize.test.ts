import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeSpan, neutraliseMentions, quietLogin, userText } from "../../src/triage/sanitize.js";

/** GitHub's mention syntax: @ at a word boundary followed by a login or org/team. */
const PINGS = /(^|[^\w`])@[A-Za-z0-9][\w-]*/;

describe("userText", () => {
  it.each([
    ["@alice please", "@\u200Balice please"],
    ["ping @acme/support-leads now", "ping @\u200Bacme/support-leads now"],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"],
    ["[click](https://evil.example)", "\\[click\\]\\(https://evil.example\\)"],
    ["a | b `code` *em* _u_ #12 ~~s~~", "a \\| b \\`code\\` \\*em\\* \\_u\\_ \\#12 \\~\\~s\\~\\~"],
    ["line one\nline two\r\n\tthree", "line one line two three"],
    ["mail me at bob@example.com", "mail me at bob@\u200Bexample.com"],
    ["right\u202Eleft", "rightleft"],
  ])("%j → %j", (input, expected) => {
    expect(userText(input)).toBe(expected);
  });

  it("caps the length without splitting a surrogate pair", () => {
    const out = userText("🚨".repeat(300), 11);
    expect(out.endsWith("…")).toBe(true);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("never leaves a live mention, tag or line break", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("@", "a", "/", "-", "<", ">", "\n", " ", "`", "[", "]", "\\") , maxLength: 80 }), (s) => {
        const out = userText(s);
        expect(out).not.toMatch(PINGS);
        expect(out).not.toMatch(/[<>\n]/);
      }),
    );
  });
});

describe("codeSpan", () => {
  it.each([
    ["plain", "`plain`"],
    ["has `tick`", "`` has `tick` ``"], ["a `b` c", "``a `b` c``"],
    ["`edge`", "`` `edge` ``"],
    ["@alice\nnext", "`@alice next`"],
  ])("%j → %j", (input, expected) => {
    expect(codeSpan(input)).toBe(expected);
  });
});

describe("mentions", () => {
  it("neutraliseMentions leaves lone @ and e-mail-free text alone", () => {
    expect(neutraliseMentions("@ 5 @@")).toBe("@ 5 @@");
  });
  it("quietLogin reads as a mention but does not ping", () => {
    expect(quietLogin("carol")).toBe("@\u200Bcarol");
    expect(quietLogin("ci[bot]")).toBe("@\u200Bci\\[bot\\]");
  });
});
