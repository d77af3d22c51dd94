/**
 * `support-triage simulate <scenario.yml> [--json]`: runs the real app against the
 * built-in GitHub simulator (SPEC section 8) and prints a narrated timeline, or with
 * `--json` exactly one JSON object with the final state.
 *
 * Exit codes follow the rest of the CLI: 2 for bad arguments and for a scenario that
 * cannot run (bad YAML, unknown step, missing `now`… with its file and line), 1 when the
 * run completed but the app logged errors or the simulator met something it does not
 * implement, so `npm run demo` fails loudly in CI instead of narrating a broken run.
 */
import { readFile } from "node:fs/promises";
import { parseCommandArgs, UsageError } from "./args.js";

export const SIMULATE_HELP = `Usage: support-triage simulate <scenario.yml> [--json]

Runs the app, unchanged, against an in-memory GitHub on 127.0.0.1: the scenario's
steps become signed webhooks delivered to a real Probot server, and the app's REST
and GraphQL calls are answered by the simulator. Time is simulated: nothing waits.

Options:
  --json       print the final state as one JSON object (repo, now, items,
               requests, errors) instead of the narrated timeline
  -h, --help   show this help

Scenario files: see examples/*.yml and SPEC section 8.
Exit codes: 0 ok, 1 the app logged errors, 2 bad arguments or a broken scenario.`;

const COMMAND = "simulate";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(COMMAND, args, { json: { type: "boolean" } }, 1);
  if (parsed.help) {
    process.stdout.write(`${SIMULATE_HELP}\n`);
    return 0;
  }
  const file = parsed.positionals[0];
  if (file === undefined) throw new UsageError("simulate needs a scenario file, e.g. examples/demo.yml", COMMAND);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? "unreadable");
    throw new UsageError(`cannot read scenario ${JSON.stringify(file)}: ${why}`, COMMAND);
  }
  // Loaded here, not at the top: the simulator pulls in Probot and GitHub's schema.
  const { runScenario } = await import("../simulator/harness.js");
  const { ScenarioError } = await import("../simulator/scenario.js");
  let result;
  try {
    result = await runScenario(text, file);
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`support-triage: scenario error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.values["json"] === true) {
    process.stdout.write(`${result.json}\n`);
  } else {
    const { narrate } = await import("../simulator/narrate.js");
    process.stdout.write(narrate(result, { color: process.stdout.isTTY === true && !process.env["NO_COLOR"] }));
  }
  return result.state.errors.length > 0 ? 1 : 0;
}
