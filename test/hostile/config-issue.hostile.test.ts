/**
 * The configuration-error issue quotes file names, key paths and messages that carry
 * text from the repository's file. Whatever they contain, the issue must not ping
 * anyone, inject markup, or break its table, and it must stay within GitHub's size
 * limit for issue bodies (or it could never be opened).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { CONFIG_ISSUE_MARKER, renderConfigIssue } from "../../src/config/report.js";
import type { ConfigProblem } from "../../src/config/types.js";
import { anyCodeUnit, hostileKey, hostileText, runs } from "./arbitraries.js";
import { assertInert } from "./markdown-safety.js";

/** GFM splits a row at every `|` that no backslash escapes (inside code spans too). */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === "\\" && row[i + 1] === "|") {
      cell += "\\|";
      i++;
    } else if (c === "|") {
      out.push(cell);
      cell = "";
    } else {
      cell += c;
    }
  }
  out.push(cell);
  // A leading and a trailing pipe delimit the row; they do not make cells.
  return out.slice(1, -1);
}

function tableRows(body: string): string[] {
  const lines = body.split("\n");
  const start = lines.indexOf("|---|---|---|---|");
  if (start < 0) throw new Error("no table");
  const rows: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i] !== ""; i++) rows.push(lines[i] ?? "");
  return rows;
}

const problem: fc.Arbitrary<ConfigProblem> = fc.record({
  file: fc.oneof(fc.constantFrom(".github/support-triage.yml", "acme/.github:.github/support-triage.yml"), hostileText(6), fc.string({ unit: anyCodeUnit, maxLength: 20 })),
  path: fc.oneof(fc.constant(""), fc.constantFrom("targets.business.P1", "a|b", "`x`", "@alice.team"), hostileText(6)),
  line: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null }),
  column: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
  message: fc.oneof(hostileText(16), fc.string({ unit: anyCodeUnit, maxLength: 60 }), fc.constantFrom("a\\|b", "ends with a backslash \\", "@alice | `@bob` | <img src=x> | [x](javascript:alert(1)) | &#64;eve")),
});

describe("renderConfigIssue with hostile problems", () => {
  it("never pings, never injects markup, and keeps one four-cell row per problem", () => {
    fc.assert(
      fc.property(fc.array(problem, { minLength: 1, maxLength: 8 }), (errors) => {
        const body = renderConfigIssue(errors);
        expect(body.startsWith(CONFIG_ISSUE_MARKER)).toBe(true);
        assertInert(body);
        const rows = tableRows(body);
        expect(rows).toHaveLength(errors.length);
        for (const row of rows) expect(cells(row)).toHaveLength(4);
      }),
      { numRuns: runs(2000) },
    );
  });

  it("problems from loading hostile files render inert too", () => {
    const text = fc.oneof(
      fc.dictionary(hostileKey, fc.oneof(hostileText(4), fc.dictionary(hostileKey, hostileText(3), { maxKeys: 3 })), { maxKeys: 5 }).map((o) => stringify(o)),
      hostileText(12),
      fc.constantFrom("a: *@alice\n", "plan: !<@alice> x\n", "timezone: '[x](javascript:alert(1))'\n", "targets:\n  '@acme/leads': {P1: 1h}\n"),
    );
    fc.assert(
      fc.property(text, (t) => {
        const { errors } = loadConfig(t, ".github/support-triage.yml");
        if (errors.length === 0) return;
        const body = renderConfigIssue(errors);
        assertInert(body);
        for (const row of tableRows(body)) expect(cells(row)).toHaveLength(4);
      }),
      { numRuns: runs(500) },
    );
  });

  it("a file with thousands of problems still fits in one issue body", () => {
    const errors: ConfigProblem[] = Array.from({ length: 10_000 }, (_, i) => ({
      file: ".github/support-triage.yml",
      path: `k${i}`,
      line: i + 1,
      column: 1,
      message: `Unknown key \`${"<".repeat(300)}\`.`,
    }));
    const body = renderConfigIssue(errors);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/…and \d+ more problems/);
    assertInert(body);
  });

  it("the real loader's problems for 5,000 unknown keys fit too", () => {
    const { errors } = loadConfig(Array.from({ length: 5_000 }, (_, i) => `k${i}: 1`).join("\n"));
    expect(errors.length).toBe(5_000);
    expect(renderConfigIssue(errors).length).toBeLessThanOrEqual(65_536);
  });
});
