import { describe, expect, it } from "vitest";
import { codeSpan, didYouMean, editDistance, listOr } from "../../src/config/text.js";
import { businessLabel, describeClock, describeDays, parseClock, parseDay } from "../../src/config/hours.js";

describe("codeSpan", () => {
  it.each([
    { value: "busines", expected: "`busines`" },
    { value: "@acme/team", expected: "`@acme/team`" },
    { value: "a`b", expected: "``a`b``" },
    { value: "`x`", expected: "`` `x` ``" },
    { value: "line\nbreak", expected: "`line\\nbreak`" },
    { value: 'say "hi"', expected: '`say "hi"`' },
    { value: 3, expected: "`3`" },
    { value: true, expected: "`true`" },
    { value: null, expected: "`null`" },
    { value: "", expected: "`\u200b`" },
  ])("$value → $expected", ({ value, expected }) => {
    expect(codeSpan(value)).toBe(expected);
  });

  it("cuts long values", () => {
    const span = codeSpan("x".repeat(200));
    expect(span.length).toBe(82);
    expect(span.endsWith("…`")).toBe(true);
  });
});

describe("didYouMean", () => {
  const keys = ["plan", "customers", "timezone", "business_hours", "holidays", "targets"];
  it.each([
    { input: "timezon", expected: "timezone" },
    { input: "tiemzone", expected: "timezone" },
    { input: "businessHours", expected: "business_hours" },
    { input: "Business-Hours", expected: "business_hours" },
    { input: "customer", expected: "customers" },
    { input: "plna", expected: "plan" },
    { input: "colour", expected: null },
    { input: "x", expected: null },
  ])("$input → $expected", ({ input, expected }) => {
    expect(didYouMean(input, keys)).toBe(expected);
  });

  it("short names only match on case", () => {
    expect(didYouMean("p1", ["P1", "P2"])).toBe("P1");
    expect(didYouMean("P5", ["P1", "P2"])).toBeNull();
  });

  it.each([
    ["", "abc", 3],
    ["kitten", "sitting", 3],
    ["ab", "ba", 1],
    ["same", "same", 0],
  ] as const)("editDistance(%s, %s) = %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it("listOr", () => {
    expect(listOr(["a"])).toBe("a");
    expect(listOr(["a", "b", "c"])).toBe("a, b or c");
    expect(listOr(["a", "b"], "and")).toBe("a and b");
  });
});

describe("business hours helpers", () => {
  it.each([
    { start: "06:00", end: "18:00", days: [1, 2, 3, 4, 5], label: "12x5" },
    { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5], label: "9x5" },
    { start: "06:00", end: "18:00", days: [1, 2, 3, 4, 5, 6], label: "12x6" },
    { start: "09:00", end: "17:30", days: [1, 2, 3, 4, 5], label: "8.5x5" },
    { start: "00:00", end: "24:00", days: [1, 2, 3, 4, 5, 6, 7], label: "24x7" },
  ])("label of $start–$end on $days.length days is $label", ({ start, end, days, label }) => {
    expect(businessLabel({ start, end, days })).toBe(label);
  });

  it.each([
    { days: [1, 2, 3, 4, 5], text: "Mon–Fri" },
    { days: [1, 3, 5], text: "Mon, Wed, Fri" },
    { days: [7, 1, 2, 3, 4], text: "Sun–Thu" },
    { days: [1, 2, 3, 4, 5, 6, 7], text: "every day" },
    { days: [6, 7], text: "Sat, Sun" },
    { days: [1, 2, 4, 5, 6], text: "Mon, Tue, Thu–Sat" },
  ])("describeDays($days) = $text", ({ days, text }) => {
    expect(describeDays(days)).toBe(text);
  });

  it.each([
    [360, "6am"],
    [1080, "6pm"],
    [570, "9:30am"],
    [720, "12pm"],
    [0, "midnight"],
    [1440, "midnight"],
  ] as const)("describeClock(%d) = %s", (m, text) => {
    expect(describeClock(m)).toBe(text);
  });

  it.each([
    ["06:00", false, 360],
    ["6:00", false, 360],
    ["23:59", false, 1439],
    ["24:00", true, 1440],
    ["24:00", false, null],
    ["24:30", true, null],
    ["25:00", true, null],
    ["12:60", false, null],
    ["noon", false, null],
  ] as const)("parseClock(%s, %s) = %s", (text, allowEnd, expected) => {
    expect(parseClock(text, allowEnd)).toBe(expected);
  });

  it.each([
    ["mon", 1],
    ["Sunday", 7],
    [3, 3],
    ["5", 5],
    [0, null],
    ["funday", null],
    [true, null],
  ] as const)("parseDay(%s) = %s", (v, expected) => {
    expect(parseDay(v)).toBe(expected);
  });
});
