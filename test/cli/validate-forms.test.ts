/**
 * `validate --templates` on one fixture folder per form mistake: the exact lines printed
 * (file:line:col: key: message) and the exit code. The folders are under
 * test/fixtures/templates/; each holds one otherwise valid support form with one mistake.
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TEMPLATES = relative(ROOT, fileURLToPath(new URL("../fixtures/templates/", import.meta.url)));
const CONFIG = relative(ROOT, fileURLToPath(new URL("../fixtures/config/empty.yml", import.meta.url)));

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  let out = "";
  let err = "";
  const cwd = process.cwd();
  process.chdir(ROOT);
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, out: out.trimEnd().split("\n"), err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.chdir(cwd);
  }
}

const validate = (folder: string) => run("validate", "--config", CONFIG, "--templates", join(TEMPLATES, folder));
const NO_PRIORITY_FORM = "The only form has no field labelled `Priority` (form.priority_field): customers cannot choose a priority in any form.";

describe("validate --templates: each form mistake, with file, line and key", () => {
  it("an issue form without `description`", async () => {
    const dir = join(TEMPLATES, "missing-description");
    const r = await validate("missing-description");
    expect(r.out).toEqual([
      `${dir}/ISSUE_TEMPLATE/support.yml:1:1: description: The issue form has no \`description\`: GitHub requires \`name\`, \`description\` and \`body\` in an issue form and does not offer it without them.`,
      `1 error in ${CONFIG} and 1 form template`,
    ]);
    expect(r.code).toBe(1);
  });

  it("`type: dropdwn`", async () => {
    const dir = join(TEMPLATES, "dropdwn");
    const r = await validate("dropdwn");
    expect(r.out).toEqual([
      `${dir}/ISSUE_TEMPLATE/support.yml:14:11: body[1].type: \`dropdwn\` is not a form element type; did you mean \`dropdown\`? (allowed: markdown, textarea, input, dropdown, checkboxes).`,
      `1 error in ${CONFIG} and 1 form template`,
    ]);
    expect(r.code).toBe(1);
  });

  it('a priority dropdown labelled "Urgency"', async () => {
    const dir = join(TEMPLATES, "urgency");
    const r = await validate("urgency");
    expect(r.out).toEqual([
      `${dir}/ISSUE_TEMPLATE/support.yml:8:14: body[0].attributes.label: The dropdown \`Urgency\` offers priorities (P1..P4), but the app reads the field labelled \`Priority\` (form.priority_field), so it would never find this one: label it \`Priority\`, or set \`form.priority_field: Urgency\` in .github/support-triage.yml.`,
      `${dir}: ${NO_PRIORITY_FORM}`,
      `2 errors in ${CONFIG} and 1 form template`,
    ]);
    expect(r.code).toBe(1);
  });

  it("the same form passes once the configuration names its field", async () => {
    const r = await run("validate", "--config", "test/fixtures/config/empty.yml", "--templates", join(TEMPLATES, "urgency"));
    expect(r.code).toBe(1);
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const tmp = mkdtempSync(join(tmpdir(), "validate-forms-"));
    try {
      writeFileSync(join(tmp, "c.yml"), "form:\n  priority_field: Urgency\n");
      const ok = await run("validate", "--config", join(tmp, "c.yml"), "--templates", join(TEMPLATES, "urgency"));
      expect(ok.out).toEqual([`ok: ${join(tmp, "c.yml")} and 1 form template checked`]);
      expect(ok.code).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("`name` and `description` in a discussion category form", async () => {
    const dir = join(TEMPLATES, "discussion-name");
    const r = await validate("discussion-name");
    const why = "is not allowed in a discussion category form, and GitHub rejects the form: it takes only `title`, `labels` and `body` (the category's name and description are set in the repository's discussion settings).";
    expect(r.out).toEqual([
      `${dir}/DISCUSSION_TEMPLATE/support.yml:2:1: name: \`name\` ${why}`,
      `${dir}/DISCUSSION_TEMPLATE/support.yml:3:1: description: \`description\` ${why}`,
      `2 errors in ${CONFIG} and 1 form template`,
    ]);
    expect(r.code).toBe(1);
  });

  it("a support form with no Priority field", async () => {
    const dir = join(TEMPLATES, "no-priority");
    const r = await validate("no-priority");
    expect(r.out).toEqual([
      `${dir}/ISSUE_TEMPLATE/support.yml:3:1: body: This looks like a support form (its \`Environment\` dropdown offers \`Production\`) but has no field labelled \`Priority\` (form.priority_field): items opened with it get no priority from the form. Add a dropdown labelled \`Priority\` whose options start with P1, P2, P3 or P4.`,
      `${dir}: ${NO_PRIORITY_FORM}`,
      `2 errors in ${CONFIG} and 1 form template`,
    ]);
    expect(r.code).toBe(1);
  });

  it("a folder with no forms (only the template chooser's config.yml)", async () => {
    const dir = join(TEMPLATES, "no-forms");
    const r = await validate("no-forms");
    expect(r.out).toEqual([
      `${dir}: No forms found: expected issue forms in ${dir}/ISSUE_TEMPLATE/*.yml or discussion category forms in ${dir}/DISCUSSION_TEMPLATE/<category-slug>.yml.`,
      `1 error in ${CONFIG} and 0 form templates`,
    ]);
    expect(r.code).toBe(1);
  });

  it("the project's own .github forms pass", async () => {
    const r = await run("validate", "--config", ".github/support-triage.yml", "--templates", ".github");
    expect(r.out).toEqual(["ok: .github/support-triage.yml and 2 form templates checked"]);
    expect(r.code).toBe(0);
  });
});

describe("validate --config without --templates", () => {
  it("checks the forms beside the configuration file, not those of the directory it runs in", async () => {
    const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const repo = mkdtempSync(join(tmpdir(), "validate-"));
    try {
      cpSync(join(ROOT, TEMPLATES, "dropdwn"), join(repo, ".github"), { recursive: true });
      writeFileSync(join(repo, ".github", "support-triage.yml"), "plan: business\n");
      const res = await run("validate", "--config", join(repo, ".github", "support-triage.yml"));
      expect(res.code).toBe(1);
      expect(res.out.join("\n")).toContain(join(repo, ".github", "ISSUE_TEMPLATE"));
      expect(res.out.join("\n")).toContain("dropdwn");
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
