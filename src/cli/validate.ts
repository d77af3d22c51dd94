/**
 * `support-triage validate`: checks the configuration file and the form templates
 * offline, with the same code the app runs, so a pull request can be checked before it
 * is merged (and before the app opens a configuration-error issue about it).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, dirname } from "node:path";
import { DEFAULT_CONFIG } from "../config/defaults.js";
import { DEFAULT_CONFIG_FILE, extendsTarget } from "../config/load.js";
import { checkFormSet, checkFormTemplate, type FormCheck } from "../triage/form-check.js";
import { checkChooserConfig } from "../triage/form-syntax.js";
import type { ConfigProblem } from "../config/types.js";
import { formatProblem, parseCommandArgs, readConfigFile, stringOption, UsageError } from "./args.js";

export const VALIDATE_HELP = `Usage: support-triage validate [--config <file>] [--templates <dir>] [--format text|github]

Checks a configuration file and the issue and discussion form templates offline:
the configuration's keys and values; each form against GitHub's form syntax (issue
forms in ISSUE_TEMPLATE/, discussion category forms in DISCUSSION_TEMPLATE/); and the
forms against the configuration (the priority field exists, its options start with
P1..P4, the environment field offers the production values). With --templates, a
folder without forms, or without a form that has the priority field, is an error.
Each problem is printed as file:line:col: path: message.

Options:
  --config <file>     configuration file (default: ${DEFAULT_CONFIG_FILE}; when it is
                      missing the built-in defaults are checked against the templates)
  --templates <dir>   directory holding ISSUE_TEMPLATE/ and DISCUSSION_TEMPLATE/
                      (default: the folder of --config, else .github)
  --format <format>   text (default): file:line:col: path: message; github: each
                      problem as a GitHub Actions annotation (::error file=…,line=…::…),
                      as the Action in action.yml prints them
  -h, --help          show this help

Exit codes: 0 valid (warnings may be printed), 1 errors found, 2 bad arguments.`;

const COMMAND = "validate";
const DEFAULT_TEMPLATES = ".github";

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Form template files under `dir`: every `*.yml`/`*.yaml` of DISCUSSION_TEMPLATE/, and of
 * ISSUE_TEMPLATE/ except `config.yml`, which configures the template chooser and is not
 * a form.
 */
export async function findTemplates(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const sub of ["ISSUE_TEMPLATE", "DISCUSSION_TEMPLATE"]) {
    const folder = join(dir, sub);
    if (!(await isDirectory(folder))) continue;
    const names = (await readdir(folder)).filter((n) => /\.ya?ml$/i.test(n)).sort();
    for (const name of names) {
      if (sub === "ISSUE_TEMPLATE" && /^config\.ya?ml$/i.test(name)) continue;
      found.push(join(folder, name));
    }
  }
  return found;
}

/** Escapes for a workflow command's properties and message (GitHub's toolkit rules). */
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** `::error file=…,line=…,col=…,title=…::message`: shown on the pull request's changed line. */
export function annotation(p: ConfigProblem, severity: "error" | "warning"): string {
  const props = [`file=${escapeProperty(p.file)}`];
  if (p.line !== null) props.push(`line=${p.line}`);
  if (p.line !== null && p.column !== null) props.push(`col=${p.column}`);
  props.push(`title=${escapeProperty(p.path === "" ? "support-triage" : `support-triage: ${p.path}`)}`);
  return `::${severity} ${props.join(",")}::${escapeData(p.message)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(COMMAND, args, { config: { type: "string" }, templates: { type: "string" }, format: { type: "string" } });
  if (parsed.help) {
    write(process.stdout, VALIDATE_HELP);
    return 0;
  }
  const configArg = stringOption(parsed.values, "config");
  const templatesArg = stringOption(parsed.values, "templates");
  const format = stringOption(parsed.values, "format") ?? "text";
  if (format !== "text" && format !== "github") {
    throw new UsageError(`--format must be text or github, not ${JSON.stringify(format)}`, COMMAND);
  }
  const show = (p: ConfigProblem, severity: "error" | "warning"): string => (format === "github" ? annotation(p, severity) : formatProblem(p, severity));
  if (templatesArg !== undefined && !(await isDirectory(templatesArg))) {
    throw new UsageError(`--templates ${JSON.stringify(templatesArg)} is not a directory`, COMMAND);
  }
  const loaded = await readConfigFile(COMMAND, configArg);
  let errors = loaded.errors.length;
  const warnings = loaded.warnings.length;
  for (const p of loaded.errors) write(process.stdout, show(p, "error"));
  for (const p of loaded.warnings) write(process.stdout, show(p, "warning"));
  if (loaded.file !== null) {
    const ext = extendsTarget(await readFile(loaded.file, "utf8"));
    if (ext !== null) {
      write(
        process.stdout,
        `${loaded.file}: note: _extends ${JSON.stringify(ext)} is resolved by the app on GitHub; only this file was checked`,
      );
    }
  }

  // Templates are checked against the file's configuration when it is valid, else the
  // defaults, so a broken config file does not hide template problems.
  const config = loaded.config ?? DEFAULT_CONFIG;
  // Without --templates, the forms beside the configuration file (its `.github` folder), not
  // those of whatever directory the command runs in.
  const dir = templatesArg ?? (configArg !== undefined ? dirname(configArg) : DEFAULT_TEMPLATES);
  const files = await findTemplates(dir);
  const checks: FormCheck[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    const result = checkFormTemplate(text, file, config);
    checks.push(result);
    for (const p of result.errors) write(process.stdout, show(p, "error"));
    errors += result.errors.length;
  }
  // The template chooser's config.yml, when there is one (not a form; not counted as one).
  for (const name of ["config.yml", "config.yaml"]) {
    const file = join(dir, "ISSUE_TEMPLATE", name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    const problems = checkChooserConfig(text, file);
    for (const p of problems) write(process.stdout, show(p, "error"));
    errors += problems.length;
  }
  // Asked to check forms: a folder without any, or without one that carries a priority, is an error.
  if (templatesArg !== undefined) {
    const folder = checkFormSet(dir.replace(/[\\/]+$/, ""), checks, config);
    for (const p of folder) write(process.stdout, show(p, "error"));
    errors += folder.length;
  }

  const checked = `${loaded.file ?? "the default configuration"} and ${plural(files.length, "form template")}`;
  if (errors > 0) {
    write(process.stdout, `${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""} in ${checked}`);
    return 1;
  }
  write(process.stdout, `ok: ${checked} checked${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`);
  return 0;
}
