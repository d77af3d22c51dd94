/**
 * The command line: `support-triage <command> …` (SPEC section 7). This file only
 * dispatches; each command lives in its own module. `simulate`, `sweep` and `report` are loaded
 * on demand because they pull in Probot and the simulator, which `target` and
 * `validate` (and `--help`) have no need to pay for.
 */
import { readFileSync } from "node:fs";
import { didYouMean } from "../config/text.js";
import { usageLine, UsageError } from "./args.js";

export const HELP = `Usage: support-triage <command> [options]

Runs a support desk's first-response policy on GitHub Issues and Discussions:
priorities from forms, the production rule, response targets in business hours,
escalation when a target passes without a response.

Commands:
  target     print the response target and due time of an item
  validate   check the configuration file and form templates offline
  simulate   run the app against the built-in GitHub simulator
  sweep      run one escalation sweep against GitHub
  report     print the SLA report (targets met, response times, breaches)

Options:
  -h, --help     show this help (or: support-triage <command> --help)
  -V, --version  print the version

Exit codes: 0 ok, 1 errors found or the command failed, 2 bad arguments.`;

const COMMANDS = ["target", "validate", "simulate", "sweep", "report"] as const;
type Command = (typeof COMMANDS)[number];

function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

function version(): string {
  try {
    // Same relative path from src/cli (tests) and lib/cli (the built package).
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

async function runCommand(command: Command, args: string[]): Promise<number> {
  switch (command) {
    case "target":
      return (await import("./target.js")).run(args);
    case "validate":
      return (await import("./validate.js")).run(args);
    case "simulate":
      return (await import("./simulate.js")).run(args);
    case "sweep":
      return (await import("./sweep.js")).run(args);
    case "report":
      return (await import("./report.js")).run(args);
  }
}

/**
 * Runs the command line and resolves to the exit code. Output goes through
 * `process.stdout.write` / `process.stderr.write` only, so tests can capture it.
 */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  if (first === "-h" || first === "--help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (first === "-V" || first === "--version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    return main([topic, "--help"]);
  }
  try {
    if (first.startsWith("-")) throw new UsageError(`unknown option ${first}`, null);
    if (!isCommand(first)) {
      const guess = didYouMean(first, COMMANDS);
      throw new UsageError(
        `unknown command ${JSON.stringify(first)}${guess ? ` (did you mean ${guess}?)` : ""}; commands: ${COMMANDS.join(", ")}`,
        null,
      );
    }
    return await runCommand(first, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${usageLine(err)}\n`);
      return 2;
    }
    process.stderr.write(`support-triage: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
