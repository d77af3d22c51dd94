/**
 * The validate Action (action.yml at the repository root), run the way GitHub's runner runs
 * a composite action: its steps read from the file, `${{ … }}` expressions evaluated with
 * the inputs' defaults (or given values) and the github context, each `run` written to a
 * script and executed with `bash --noprofile --norc -eo pipefail`, in the step's
 * working directory and environment, with GITHUB_ACTION_PATH and GITHUB_WORKSPACE set.
 *
 * The install step's `npm ci` is not re-run here (it needs the registry and minutes): its
 * product — the dependencies and lib/ compiled by `prepare` (`npm run build`) — is made the
 * same way, with node_modules shared and tsconfig.build.json compiled into the action path.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly "working-directory"?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}
interface Action {
  readonly name: string;
  readonly inputs: Record<string, { default?: string; required?: boolean }>;
  readonly runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as Action;
const tmp = mkdtempSync(join(tmpdir(), "support-triage-action-"));
const actionPath = join(tmp, "action");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  // What `npm ci` leaves in the Action's directory: the package, its dependencies, lib/.
  mkdirSync(actionPath);
  for (const f of ["package.json", "package-lock.json", "bin"]) cpSync(join(ROOT, f), join(actionPath, f), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(actionPath, "node_modules"));
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(actionPath, "lib")], {
    encoding: "utf8",
    timeout: 170_000,
  });
  expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
}, 180_000);

/** `${{ inputs.x }}`, `${{ github.workspace }}`, `${{ github.action_path }}`. */
function evaluate(text: string, inputs: Record<string, string>, workspace: string): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    if (expr === "github.workspace") return workspace;
    if (expr === "github.action_path") return actionPath;
    if (expr.startsWith("inputs.")) {
      const name = expr.slice("inputs.".length);
      if (!(name in action.inputs)) throw new Error(`action.yml uses an undeclared input ${name}`);
      return inputs[name] ?? action.inputs[name]?.default ?? "";
    }
    throw new Error(`action.yml uses ${expr}: teach this test what it means`);
  });
}

/** Runs the Action's validate step in `workspace`, as the runner would. */
function runValidate(workspace: string, inputs: Record<string, string> = {}): { code: number | null; out: string } {
  const step = action.runs.steps.find((s) => s.name === "Validate");
  if (!step?.run) throw new Error("no Validate step");
  expect(step.shell).toBe("bash");
  const script = join(tmp, "step.sh");
  writeFileSync(script, evaluate(step.run, inputs, workspace));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTION_PATH: actionPath, GITHUB_WORKSPACE: workspace };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(v, inputs, workspace);
  const cwd = evaluate(step["working-directory"] ?? "${{ github.workspace }}", inputs, workspace);
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A workspace (the user's checked-out repository) with these files. */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, "ws-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const shipped = (path: string) => readFileSync(join(ROOT, path), "utf8");
const fixture = (path: string) => readFileSync(join(ROOT, "test/fixtures/templates", path), "utf8");

describe("action.yml", () => {
  it("is a composite action: Node set up, the Action's own checkout installed, then validate", () => {
    expect(action.runs.using).toBe("composite");
    const [setup, install, validate] = action.runs.steps;
    expect(setup?.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(install?.["working-directory"]).toBe("${{ github.action_path }}");
    expect(install?.run).toMatch(/^npm ci\b/);
    expect(validate?.run).toContain('node "$GITHUB_ACTION_PATH/bin/support-triage.js"');
    // Never a package from the registry: no npx, no npm exec, no install by name.
    expect(readFileSync(join(ROOT, "action.yml"), "utf8")).not.toMatch(/\bnpx\b|npm exec|npm (i|install) /);
    // The prepare script is what compiles lib/ during that `npm ci`.
    expect((JSON.parse(shipped("package.json")) as { scripts: Record<string, string> }).scripts.prepare).toContain("npm run build");
  });

  it("the README's workflow uses the Action with inputs it declares, on pull requests touching .github", () => {
    const readme = shipped("README.md");
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, unknown>);
    const workflow = blocks.find((b) => b !== null && typeof b === "object" && "jobs" in b && JSON.stringify(b).includes("support-triage@")) as
      | { on: { pull_request: { paths: string[] } }; jobs: Record<string, { steps: Step[] }> }
      | undefined;
    expect(workflow).toBeDefined();
    expect(workflow!.on.pull_request.paths).toEqual([".github/support-triage.yml", ".github/ISSUE_TEMPLATE/**", ".github/DISCUSSION_TEMPLATE/**"]);
    const steps = Object.values(workflow!.jobs).flatMap((j) => j.steps);
    expect(steps[0]?.uses).toMatch(/^actions\/checkout@/);
    const uses = steps.find((s) => s.uses?.includes("support-triage@"));
    for (const key of Object.keys(uses?.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    expect(readme).not.toMatch(/^npx support-triage/m);
  });

  it("passes a repository with the shipped configuration and forms", () => {
    const ws = workspace({
      ".github/support-triage.yml": shipped(".github/support-triage.yml"),
      ".github/ISSUE_TEMPLATE/support.yml": shipped(".github/ISSUE_TEMPLATE/support.yml"),
      ".github/DISCUSSION_TEMPLATE/support.yml": shipped(".github/DISCUSSION_TEMPLATE/support.yml"),
    });
    const r = runValidate(ws, { templates: ".github" });
    expect(r.out).toBe("ok: .github/support-triage.yml and 2 form templates checked\n");
    expect(r.code).toBe(0);
  });

  it("fails with one annotation per problem, on the file, line and key", () => {
    const ws = workspace({
      ".github/support-triage.yml": "plan: busines\n",
      ".github/ISSUE_TEMPLATE/support.yml": fixture("dropdwn/ISSUE_TEMPLATE/support.yml"),
    });
    const r = runValidate(ws);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")).toEqual([
      expect.stringMatching(/^::error file=\.github\/support-triage\.yml,line=1,col=7,title=support-triage%3A plan::/),
      "::error file=.github/ISSUE_TEMPLATE/support.yml,line=14,col=11,title=support-triage%3A body[1].type::`dropdwn` is not a form element type; did you mean `dropdown`? (allowed: markdown, textarea, input, dropdown, checkboxes).",
      "2 errors in .github/support-triage.yml and 1 form template",
      "",
    ]);
  });

  it("with `templates`, a repository without forms fails; without it, the defaults and no forms pass", () => {
    const ws = workspace({ "README.md": "hello\n" });
    mkdirSync(join(ws, ".github"));
    expect(runValidate(ws).code).toBe(0);
    const r = runValidate(ws, { templates: ".github" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("::error file=.github,title=support-triage::No forms found");
  });

  it("inputs reach the command as data, not shell code", () => {
    const ws = workspace({ ".github/ISSUE_TEMPLATE/support.yml": shipped(".github/ISSUE_TEMPLATE/support.yml") });
    const r = runValidate(ws, { config: "$(touch pwned); x.yml" });
    expect(r.code).toBe(2);
    expect(r.out).toContain('cannot read config file "$(touch pwned); x.yml"');
  });
});
