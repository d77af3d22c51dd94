/**
 * Plumbing shared by the `target` and `validate` commands: argument parsing on top of
 * `util.parseArgs`, reading the configuration file, and printing problems.
 *
 * parseArgs' own strict-mode errors are multi-line and name neither the command nor
 * where to get help, and it happily takes `--json` as the value of `--plan --json`. The
 * contract (SPEC section 7) is one line and exit code 2 for any bad argument, so we
 * parse leniently and judge the tokens ourselves.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../config/defaults.js";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../config/load.js";
import type { Config, ConfigProblem } from "../config/types.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** A bad command line: the message is one line, ready for stderr; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly command: string | null,
  ) {
    super(message);
  }
}

/** "support-triage: <message> (see support-triage <command> --help)". */
export function usageLine(err: UsageError): string {
  const help = err.command ? `support-triage ${err.command} --help` : "support-triage --help";
  return `support-triage: ${err.message} (see ${help})`;
}

/**
 * Parse `args` for `command`. `--help`/`-h` anywhere wins over every other problem, so
 * a confused user always gets the help they asked for.
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  maxPositionals = 0,
): ParsedArgs {
  const all: Record<string, OptionSpec> = { ...options, help: { type: "boolean", short: "h" } };
  const { tokens } = parseArgs({
    args: [...args],
    options: all,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) {
    return { values: {}, positionals: [], help: true };
  }
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      positionals.push(token.value);
      if (positionals.length > maxPositionals) {
        throw new UsageError(`unexpected argument ${JSON.stringify(token.value)} for ${command}`, command);
      }
      continue;
    }
    const spec = Object.hasOwn(all, token.name) ? all[token.name] : undefined;
    if (!spec) throw new UsageError(`unknown option ${token.rawName} for ${command}`, command);
    const name = `--${token.name}`;
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`option ${name} for ${command} takes no value`, command);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-") && token.value.length > 1)) {
      throw new UsageError(`option ${name} for ${command} needs a value`, command);
    }
    if (values[token.name] !== undefined) throw new UsageError(`option ${name} for ${command} is given twice`, command);
    values[token.name] = token.value;
  }
  return { values, positionals, help: false };
}

/** The string value of an option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** `file:line:col: path: message`, leaving out what is unknown; warnings say so. */
export function formatProblem(p: ConfigProblem, severity: "error" | "warning"): string {
  const where = [p.file, p.line !== null ? String(p.line) : null, p.line !== null && p.column !== null ? String(p.column) : null]
    .filter((x): x is string => x !== null)
    .join(":");
  const parts = [where];
  if (severity === "warning") parts.push("warning");
  if (p.path !== "") parts.push(p.path);
  parts.push(p.message);
  return parts.join(": ");
}

export interface LoadedConfig {
  /** The merged configuration, or null when the file has errors. */
  readonly config: Config | null;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
  /** The file that was read, or null when the defaults apply because there is none. */
  readonly file: string | null;
}

/**
 * Reads the configuration for a command. Without `--config`, a missing
 * `.github/support-triage.yml` means the defaults; a file named on the command line
 * that cannot be read is a usage error (exit code 2), not a configuration error.
 */
export async function readConfigFile(command: string, explicit: string | undefined): Promise<LoadedConfig> {
  const file = explicit ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit === undefined && code === "ENOENT") return { config: DEFAULT_CONFIG, errors: [], warnings: [], file: null };
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? "unreadable");
    throw new UsageError(`cannot read config file ${JSON.stringify(file)}: ${why}`, command);
  }
  const result = loadConfig(text, file);
  return { config: result.config, errors: result.errors, warnings: result.warnings, file };
}
