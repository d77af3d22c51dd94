/**
 * Hostile input for the form parsers: rendered bodies are whatever users typed or pasted
 * (logs, other issues, half-closed fences, megabytes), and templates are whatever a
 * repository holds. Neither may throw, and the priority chosen in the real Priority
 * field must survive any text the user puts in the free-text fields.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { PRIORITIES, type Priority } from "../../src/config/types.js";
import { readFormAnswers, type FormAnswers } from "../../src/triage/form.js";
import { parseFormTemplate, selectTemplate } from "../../src/triage/form-template.js";
import type { FormTemplate } from "../../src/triage/types.js";
import { anyCodeUnit, fragment, FRAGMENTS, hostileKey, hostileText, runs } from "./arbitraries.js";

const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

const ISSUE_FORM_TEXT = repoFile(".github/ISSUE_TEMPLATE/support.yml");
const DISCUSSION_FORM_TEXT = repoFile(".github/DISCUSSION_TEMPLATE/support.yml");

function shipped(text: string, file: string): FormTemplate {
  const { template, errors } = parseFormTemplate(text, file, DEFAULT_CONFIG);
  if (template === null || errors.length > 0) throw new Error(`${file} does not parse: ${JSON.stringify(errors)}`);
  return template;
}

const ISSUE_FORM = shipped(ISSUE_FORM_TEXT, ".github/ISSUE_TEMPLATE/support.yml");
const DISCUSSION_FORM = shipped(DISCUSSION_FORM_TEXT, ".github/DISCUSSION_TEMPLATE/support.yml");
const BUG_FORM = shipped(repoFile("test/fixtures/forms/bug-report.yml"), ".github/ISSUE_TEMPLATE/bug-report.yml");
const PRIORITY_OPTIONS = ISSUE_FORM.options["Priority"] ?? [];
const ENVIRONMENT_OPTIONS = ISSUE_FORM.options["Environment"] ?? [];

/** Lines that look like form structure, for splicing into free text. */
const structuralLine = fc.constantFrom(
  "### Priority",
  "### Priority\n\nP1",
  "### Priority\n\nP1 (Urgent) – production down with no workaround, data at risk, or a confirmed security incident",
  "### Environment\n\nProduction",
  "### Description",
  "### Relevant log output",
  "```",
  "```shell",
  "````",
  "~~~",
  "    ### Priority",
  "   ### Priority ###",
  "###\tPriority",
  "_No response_",
  "None",
);

/** Multi-line free text: a mix of structure, hostile fragments and noise, with any line ending. */
const freeText = fc
  .tuple(
    fc.array(fc.oneof(structuralLine, hostileText(6), fc.string({ unit: anyCodeUnit, maxLength: 20 })), { maxLength: 12 }),
    fc.constantFrom("\n", "\r\n", "\r"),
  )
  .map(([lines, eol]) => lines.join(eol));

function checkShape(a: FormAnswers): void {
  expect(a.priority === null || (PRIORITIES as readonly string[]).includes(a.priority)).toBe(true);
  expect(a.priorityRaw === null || typeof a.priorityRaw === "string").toBe(true);
  expect((a.priorityRaw ?? "").length).toBeLessThanOrEqual(301);
  expect(a.environment === null || typeof a.environment === "string").toBe(true);
  expect(typeof a.production).toBe("boolean");
  expect(typeof a.hasPriorityField).toBe("boolean");
  if (!a.hasPriorityField) expect(a.priority).toBeNull();
}

const TEMPLATES: readonly (FormTemplate | null)[] = [null, ISSUE_FORM, DISCUSSION_FORM, BUG_FORM];

describe("readFormAnswers on arbitrary bodies", () => {
  it.each(TEMPLATES.map((t) => [t?.file ?? "no template", t] as const))(
    "never throws and yields a well-formed answer (%s)",
    (_name, template) => {
      fc.assert(
        fc.property(fc.oneof(freeText, fc.string({ unit: anyCodeUnit, maxLength: 200 }), hostileText(20)), (body) => {
          checkShape(readFormAnswers(body, template, DEFAULT_CONFIG));
        }),
        { numRuns: runs(800) },
      );
    },
  );

  const oneMegabyte = (unit: string): string => unit.repeat(Math.ceil(1_048_576 / unit.length));
  const big: [string, string][] = [
    ["1 MB of one line", "x".repeat(1_048_576)],
    ["1 MB of fragments", oneMegabyte(FRAGMENTS.join("\n"))],
    ["10,000 Priority headings", "### Priority\n\nP1\n\n".repeat(10_000)],
    ["10,000 alternating fields", "### Priority\n\nP2\n\n### Environment\n\nProduction\n\n".repeat(10_000)],
    ["10,000 headings inside an unclosed fence", `\`\`\`\n${"### Priority\n\nP1\n".repeat(10_000)}`],
    ["20,000 fence lines", "```\n~~~\n".repeat(10_000)],
    ["1 MB of CR-only lines", oneMegabyte("### Priority\rP4\r")],
    ["10,000 lines of closing hashes", "### ##########\n".repeat(10_000)],
  ];
  it.each(big)("handles %s", (_name, body) => {
    for (const t of TEMPLATES) checkShape(readFormAnswers(body, t, DEFAULT_CONFIG));
    expect(selectTemplate([ISSUE_FORM, DISCUSSION_FORM, BUG_FORM], body)).not.toBe(undefined);
  });
});

/** The body GitHub renders for the shipped issue form (fields in template order). */
function renderIssueForm(o: { priority: string; environment: string; description: string; logs: string }): string {
  return [
    "### Priority",
    "",
    o.priority,
    "",
    "### Environment",
    "",
    o.environment,
    "",
    "### Description",
    "",
    o.description,
    "",
    "### Relevant log output",
    "",
    "```shell",
    o.logs,
    "```",
    "",
  ].join("\n");
}

describe("the real form's Priority field wins over anything typed in the free-text fields", () => {
  const answers = fc.record({
    chosen: fc.integer({ min: 0, max: PRIORITY_OPTIONS.length - 1 }),
    environment: fc.constantFrom(...ENVIRONMENT_OPTIONS),
    description: freeText,
    logs: freeText,
  });

  it.each([
    ["the issue form as template", ISSUE_FORM],
    ["no template", null],
    ["the template selectTemplate picks", "select"],
  ] as const)("with %s", (_name, how) => {
    fc.assert(
      fc.property(answers, ({ chosen, environment, description, logs }) => {
        const option = PRIORITY_OPTIONS[chosen] ?? "";
        const body = renderIssueForm({ priority: option, environment, description, logs });
        const template = how === "select" ? selectTemplate([BUG_FORM, DISCUSSION_FORM, ISSUE_FORM], body) : how;
        const a = readFormAnswers(body, template, DEFAULT_CONFIG);
        expect(a.hasPriorityField).toBe(true);
        expect(a.priority).toBe(`P${chosen + 1}` as Priority);
        expect(a.priorityUnreadable).toBe(false);
        expect(a.environment).toBe(environment);
        expect(a.production).toBe(environment === "Production");
      }),
      { numRuns: runs(1000) },
    );
  });

  it("CRLF bodies (as edited on Windows) read the same", () => {
    fc.assert(
      fc.property(answers, ({ chosen, environment, description, logs }) => {
        const body = renderIssueForm({ priority: PRIORITY_OPTIONS[chosen] ?? "", environment, description, logs });
        const crlf = body.replace(/\r\n|\r|\n/g, "\r\n");
        expect(readFormAnswers(crlf, ISSUE_FORM, DEFAULT_CONFIG).priority).toBe(readFormAnswers(body, ISSUE_FORM, DEFAULT_CONFIG).priority);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("parseFormTemplate and selectTemplate on arbitrary text", () => {
  /** The shipped form with hostile fragments spliced in at random offsets. */
  const mutatedForm = fc
    .array(fc.tuple(fc.nat({ max: ISSUE_FORM_TEXT.length }), fc.oneof(fragment, fc.constantFrom(": ", "- ", "&a ", "*a", "!!map", "? ", "{", "[", "\n  ", "'", '"'))), {
      minLength: 1,
      maxLength: 6,
    })
    .map((cuts) => {
      let text = ISSUE_FORM_TEXT;
      for (const [at, insert] of cuts) text = text.slice(0, at) + insert + text.slice(at);
      return text;
    });
  const jsonish = fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v));
  const formShaped = fc
    .array(
      fc.record({
        type: fc.oneof(fc.constantFrom("dropdown", "input", "textarea", "checkboxes", "markdown"), fc.jsonValue({ maxDepth: 1 })),
        attributes: fc.oneof(
          fc.record({ label: fc.oneof(hostileText(4), hostileKey, fc.jsonValue({ maxDepth: 1 })), options: fc.oneof(fc.array(hostileText(3), { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      }, { requiredKeys: [] }),
      { maxLength: 6 },
    )
    .map((body) => stringify({ name: "x", labels: ["support"], body }));

  it("never throws; every problem has file, path, line and message", () => {
    fc.assert(
      fc.property(fc.oneof(mutatedForm, jsonish, formShaped, fc.string({ unit: anyCodeUnit, maxLength: 200 }), hostileText(20)), (text) => {
        const r = parseFormTemplate(text, ".github/ISSUE_TEMPLATE/x.yml", DEFAULT_CONFIG);
        for (const e of r.errors) {
          expect(e.file).toBe(".github/ISSUE_TEMPLATE/x.yml");
          expect(typeof e.path).toBe("string");
          expect(e.line === null || (Number.isInteger(e.line) && e.line >= 1)).toBe(true);
          expect(typeof e.message).toBe("string");
          expect(e.message.length).toBeGreaterThan(0);
        }
        if (r.template !== null) {
          for (const l of r.template.fieldLabels) expect(typeof l).toBe("string");
          for (const l of r.template.labels) expect(typeof l).toBe("string");
          for (const opts of Object.values(r.template.options)) for (const o of opts) expect(typeof o).toBe("string");
          // Whatever the template, reading a body with it is safe.
          checkShape(readFormAnswers(text, r.template, DEFAULT_CONFIG));
          const picked = selectTemplate([r.template, ISSUE_FORM], text);
          expect(picked === null || picked === r.template || picked === ISSUE_FORM).toBe(true);
        }
      }),
      { numRuns: runs(1000) },
    );
  });

  it("selectTemplate returns one of the given templates or null for any body", () => {
    fc.assert(
      fc.property(fc.oneof(freeText, hostileText(20)), (body) => {
        const all = [BUG_FORM, ISSUE_FORM, DISCUSSION_FORM];
        const picked = selectTemplate(all, body);
        expect(picked === null || all.includes(picked)).toBe(true);
      }),
      { numRuns: runs(1000) },
    );
  });

  // Found by the property above: a plain object's inherited keys looked like dropdown
  // options, so a field labelled "constructor" made every body read with the template throw.
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])("a field labelled %s", (label) => {
    const text = stringify({ body: [{ type: "input", attributes: { label } }, { type: "dropdown", attributes: { label: "Priority", options: ["P1", "P2"] } }] });
    const { template } = parseFormTemplate(text, "t.yml", DEFAULT_CONFIG);
    expect(template).not.toBeNull();
    const a = readFormAnswers(`### ${label}\n\nx\n\n### Priority\n\nP2\n`, template, DEFAULT_CONFIG);
    expect(a.priority).toBe("P2");
  });

  it.each([
    ["a 1 MB template", `body:\n${"  - type: input\n    attributes:\n      label: x\n".repeat(20_000)}`],
    ["10,000 nested flow lists", `body: ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["an alias bomb", `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nbody: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`],
    ["500 nested explicit keys", `${"? ".repeat(500)}x`],
  ])("a pathological template (%s) gives a result, not a crash", (_name, text) => {
    const r = parseFormTemplate(text, "t.yml", DEFAULT_CONFIG);
    expect(r.template !== null || r.errors.length > 0).toBe(true);
  });
});
