import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/index.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/config/", import.meta.url));

/** Runs the command line with stdout and stderr captured. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
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
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const tmp = mkdtempSync(join(tmpdir(), "support-triage-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A throwaway repository layout: files relative to a fresh directory. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, "repo-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A templates folder holding one valid support form. */
const formsOnly = (): string => repo({ "ISSUE_TEMPLATE/support.yml": GOOD_FORM });

const GOOD_FORM = `name: Support request
description: Ask the support team
body:
  - type: dropdown
    id: priority
    attributes:
      label: Priority
      options:
        - "P1 (Urgent): production down"
        - "P2 (High): production degraded"
        - "P3 (Normal)"
        - "P4 (Low)"
  - type: dropdown
    id: environment
    attributes:
      label: Environment
      options: [Production, Staging, Development]
`;
const BAD_FORM = GOOD_FORM.replace('"P3 (Normal)"', '"Normal"');

describe("help and exit codes", () => {
  it("no arguments: help on stderr, exit 2", async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^Usage: support-triage <command> \[options\]/);
  });

  it.each([["--help"], ["-h"], ["help"]])("%s: program help on stdout, exit 0", async (flag) => {
    const r = await run(flag);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Commands:");
    for (const command of ["target", "validate", "simulate", "sweep"]) expect(r.out).toContain(`  ${command} `);
  });

  it.each([
    [["target", "--help"], "Usage: support-triage target --plan <plan>"],
    [["target", "-h"], "Usage: support-triage target --plan <plan>"],
    [["help", "target"], "Usage: support-triage target --plan <plan>"],
    [["validate", "--help"], "Usage: support-triage validate [--config <file>] [--templates <dir>]"],
    [["target", "--bogus", "--help"], "Usage: support-triage target"],
  ])("%j prints the command's help", async (argv, first) => {
    const r = await run(...argv);
    expect(r.code).toBe(0);
    expect(r.out.startsWith(first)).toBe(true);
    expect(r.err).toBe("");
  });

  it("--version prints the package version", async () => {
    const r = await run("--version");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [["frobnicate"], 'support-triage: unknown command "frobnicate"; commands: target, validate, simulate, sweep, report (see support-triage --help)\n'],
    [["tagret"], 'support-triage: unknown command "tagret" (did you mean target?); commands: target, validate, simulate, sweep, report (see support-triage --help)\n'],
    [["--foo"], "support-triage: unknown option --foo (see support-triage --help)\n"],
    [["target", "--foo"], "support-triage: unknown option --foo for target (see support-triage target --help)\n"],
    [["target", "-x"], "support-triage: unknown option -x for target (see support-triage target --help)\n"],
    [["target", "--plan"], "support-triage: option --plan for target needs a value (see support-triage target --help)\n"],
    [["target", "--plan", "--json"], "support-triage: option --plan for target needs a value (see support-triage target --help)\n"],
    [["target", "--json=yes"], "support-triage: option --json for target takes no value (see support-triage target --help)\n"],
    [["target", "extra"], 'support-triage: unexpected argument "extra" for target (see support-triage target --help)\n'],
    [["target", "--plan", "business"], "support-triage: target needs --priority, --opened (see support-triage target --help)\n"],
    [["validate", "--strict"], "support-triage: unknown option --strict for validate (see support-triage validate --help)\n"],
  ])("%j: one line on stderr, exit 2", async (argv, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(line);
  });
});

describe("target", () => {
  const config = join(FIXTURES, "empty.yml");

  it("the Thanksgiving example prints exactly one JSON object", async () => {
    const r = await run("target", "--plan", "business", "--priority", "P3", "--opened", "2026-11-25T16:00:00-08:00", "--json", "--config", config);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.endsWith("\n")).toBe(true);
    expect(r.out.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(r.out)).toEqual({
      plan: "business",
      priority: "P3",
      coverage: "12x5",
      target: "1 business day, 12x5 — 6am–6pm Pacific, Mon–Fri, excluding US public holidays",
      openedAt: "2026-11-25T16:00:00.000-08:00",
      dueAt: "2026-11-27T16:00:00.000-08:00",
    });
  });

  it("normalises an opening given in another zone, and reads one without offset in the configured zone", async () => {
    const utc = await run("target", "--plan=enterprise", "--priority=p2", "--opened=2026-12-01T17:00:00Z", "--json", "--config", config);
    expect(JSON.parse(utc.out)).toMatchObject({ priority: "P2", coverage: "24x7", openedAt: "2026-12-01T09:00:00.000-08:00", dueAt: "2026-12-01T10:00:00.000-08:00" });
    const local = await run("target", "--plan", "enterprise", "--priority", "P3", "--opened", "2026-12-01T09:00", "--json", "--config", config);
    expect(JSON.parse(local.out)).toMatchObject({ openedAt: "2026-12-01T09:00:00.000-08:00", dueAt: "2026-12-01T13:00:00.000-08:00" });
  });

  it("prints a few human lines without --json", async () => {
    const r = await run("target", "--plan", "business", "--priority", "P2", "--opened", "2026-12-01T09:00:00-08:00", "--config", config);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "Plan:      business",
        "Priority:  P2 (High)",
        "Target:    4 hours, 24x7",
        "Opened:    Tue, Dec 1, 2026, 9:00 AM PST  (2026-12-01T09:00:00.000-08:00)",
        "Due:       Tue, Dec 1, 2026, 1:00 PM PST  (2026-12-01T13:00:00.000-08:00)",
        "",
      ].join("\n"),
    );
  });

  it("uses the plans and hours of the given config file", async () => {
    const r = await run("target", "--plan", "premium", "--priority", "P4", "--opened", "2026-12-01T09:00:00-08:00", "--json", "--config", join(FIXTURES, "valid.yml"));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ plan: "premium", coverage: "12x5", dueAt: "2026-12-02T09:00:00.000-08:00" });
  });

  it("reads .github/support-triage.yml from the working directory by default", async () => {
    const dir = repo({ ".github/support-triage.yml": "targets: { business: { P2: 2h 24x7 } }\n" });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run("target", "--plan", "business", "--priority", "P2", "--opened", "2026-12-01T09:00:00-08:00", "--json");
      expect(JSON.parse(r.out)).toMatchObject({ target: "2 hours, 24x7", dueAt: "2026-12-01T11:00:00.000-08:00" });
    } finally {
      process.chdir(cwd);
    }
  });

  it.each([
    [["--plan", "gold", "--priority", "P1"], 'support-triage: unknown plan "gold" for target: known plans are standard, business, enterprise (see support-triage target --help)\n'],
    [["--plan", "busines", "--priority", "P1"], 'support-triage: unknown plan "busines" for target (did you mean business?): known plans are standard, business, enterprise (see support-triage target --help)\n'],
    [["--plan", "business", "--priority", "P5"], 'support-triage: unknown priority "P5" for target: use P1, P2, P3 or P4 (see support-triage target --help)\n'],
  ])("%j: exit 2 with one line", async (args, line) => {
    const r = await run("target", ...args, "--opened", "2026-12-01T09:00:00-08:00", "--config", config);
    expect(r.code).toBe(2);
    expect(r.err).toBe(line);
  });

  it("a bad --opened exits 2", async () => {
    const r = await run("target", "--plan", "business", "--priority", "P1", "--opened", "yesterday", "--config", config);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'support-triage: --opened "yesterday" is not an ISO-8601 date-time; write e.g. 2026-11-25T16:00:00-08:00 (see support-triage target --help)\n',
    );
  });

  it("a missing config file named on the command line exits 2", async () => {
    const r = await run("target", "--plan", "business", "--priority", "P1", "--opened", "2026-12-01T09:00:00Z", "--config", join(tmp, "nope.yml"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^support-triage: cannot read config file ".*nope\.yml": no such file \(see support-triage target --help\)\n$/);
  });

  it("a config file with errors prints them and exits 1", async () => {
    const file = join(FIXTURES, "bad-zone.yml");
    const r = await run("target", "--plan", "business", "--priority", "P1", "--opened", "2026-12-01T09:00:00Z", "--config", file);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.split("\n")).toEqual([
      `${file}:1:11: timezone: \`America/Los_Angles\` is not a known IANA time zone; did you mean \`America/Los_Angeles\`? (examples: America/Los_Angeles, Europe/Berlin, UTC).`,
      `support-triage: ${file} has errors; fix them first`,
      "",
    ]);
  });
});

describe("validate", () => {
  it("a valid config and valid templates: ok, exit 0", async () => {
    const dir = repo({
      "support-triage.yml": "plan: business\n",
      "gh/ISSUE_TEMPLATE/support.yml": GOOD_FORM,
      "gh/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n",
      "gh/ISSUE_TEMPLATE/bug.md": "---\nname: Bug\n---\n",
      "gh/DISCUSSION_TEMPLATE/support.yaml": GOOD_FORM.replace(/^name:.*\ndescription:.*\n/, "title: '[Support] '\n"),
    });
    const r = await run("validate", "--config", join(dir, "support-triage.yml"), "--templates", join(dir, "gh"));
    expect(r.err).toBe("");
    expect(r.out).toBe(`ok: ${join(dir, "support-triage.yml")} and 2 form templates checked\n`);
    expect(r.code).toBe(0);
  });

  it("config errors are printed as file:line:col: path: message, exit 1", async () => {
    const file = join(FIXTURES, "unknown-key.yml");
    const r = await run("validate", "--config", file, "--templates", formsOnly());
    expect(r.code).toBe(1);
    const lines = r.out.trim().split("\n");
    expect(lines.slice(0, 4).map((l) => l.slice(file.length).split(": ").slice(0, 2).join(": "))).toEqual([
      ":2:1: timezon",
      ":5:3: business_hours.strat",
      ":8:3: escalation.webhok",
      ":9:1: color",
    ]);
    expect(lines[1]).toBe(`${file}:5:3: business_hours.strat: Unknown key \`strat\`; did you mean \`start\`? (allowed in business_hours: days, start, end).`);
    expect(lines[4]).toBe(`4 errors in ${file} and 1 form template`);
  });

  it("warnings alone keep exit code 0", async () => {
    const dir = repo({ "c.yml": "timezone: PST8PDT\n", "ISSUE_TEMPLATE/support.yml": GOOD_FORM });
    const r = await run("validate", "--config", join(dir, "c.yml"), "--templates", dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `${join(dir, "c.yml")}:1:11: warning: timezone: \`PST8PDT\` is a legacy alias; write the IANA name \`America/Los_Angeles\` instead.\n` +
        `ok: ${join(dir, "c.yml")} and 1 form template checked, 1 warning\n`,
    );
  });

  it("template errors count, checked against the defaults when there is no config file", async () => {
    const dir = repo({ ".github/ISSUE_TEMPLATE/support.yml": BAD_FORM });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run("validate");
      expect(r.code).toBe(1);
      const lines = r.out.trim().split("\n");
      expect(lines[0]).toMatch(/^\.github\/ISSUE_TEMPLATE\/support\.yml:11:11: body\[0\]\.attributes\.options\[2\]: /);
      expect(lines[lines.length - 1]).toBe("1 error in the default configuration and 1 form template");
    } finally {
      process.chdir(cwd);
    }
  });

  it("notes an _extends it cannot follow offline", async () => {
    const file = join(FIXTURES, "extends.yml");
    const r = await run("validate", "--config", file, "--templates", formsOnly());
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe(`${file}: note: _extends ".github" is resolved by the app on GitHub; only this file was checked`);
  });

  it.each([
    [["--config", "/nonexistent/x.yml"], 'support-triage: cannot read config file "/nonexistent/x.yml": no such file (see support-triage validate --help)\n'],
    [["--templates", "/nonexistent"], 'support-triage: --templates "/nonexistent" is not a directory (see support-triage validate --help)\n'],
  ])("%j: exit 2", async (args, line) => {
    const r = await run("validate", ...args);
    expect(r.code).toBe(2);
    expect(r.err).toBe(line);
  });
});
