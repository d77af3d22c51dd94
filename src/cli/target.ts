/**
 * `support-triage target`: the response target and due time of one item, computed
 * offline with the same code the app uses, so a support lead can answer "when is this
 * due?" without waiting for the bot.
 */
import { DateTime } from "luxon";
import { DEFAULT_CONFIG_FILE } from "../config/load.js";
import { didYouMean } from "../config/text.js";
import { PRIORITIES, PRIORITY_NAMES, type Config, type Priority } from "../config/types.js";
import { computeTarget, describeDue } from "../triage/target.js";
import { formatProblem, parseCommandArgs, readConfigFile, stringOption, UsageError } from "./args.js";

export const TARGET_HELP = `Usage: support-triage target --plan <plan> --priority <P1..P4> --opened <ISO-8601> [--config <file>] [--json]

Prints the first-response target of an item and when it is due.

Options:
  --plan <plan>          the customer's plan, e.g. standard, business, enterprise
  --priority <P1..P4>    the item's priority
  --opened <ISO-8601>    when the item was opened, e.g. 2026-11-25T16:00:00-08:00
                         (without an offset the time is read in the configured zone)
  --config <file>        configuration file (default: ${DEFAULT_CONFIG_FILE} when it
                         exists, else the built-in defaults)
  --json                 print one JSON object:
                         {"plan","priority","coverage","target","openedAt","dueAt"}
  -h, --help             show this help

Exit codes: 0 ok, 1 the configuration file has errors, 2 bad arguments.

Example:
  support-triage target --plan business --priority P3 --opened 2026-11-25T16:00:00-08:00 --json`;

const COMMAND = "target";

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

function parsePriority(raw: string): Priority {
  const p = PRIORITIES.find((x) => x === raw.trim().toUpperCase());
  if (!p) throw new UsageError(`unknown priority ${JSON.stringify(raw)} for target: use P1, P2, P3 or P4`, COMMAND);
  return p;
}

function parsePlan(raw: string, config: Config): string {
  const name = raw.trim();
  if (config.plans.includes(name)) return name;
  const caseless = config.plans.find((p) => p.toLowerCase() === name.toLowerCase());
  if (caseless) return caseless;
  const guess = didYouMean(name, config.plans);
  throw new UsageError(
    `unknown plan ${JSON.stringify(raw)} for target${guess ? ` (did you mean ${guess}?)` : ""}: known plans are ${config.plans.join(", ")}`,
    COMMAND,
  );
}

function parseOpened(raw: string, config: Config): number {
  const dt = DateTime.fromISO(raw.trim(), { zone: config.timezone });
  if (!dt.isValid) {
    throw new UsageError(
      `--opened ${JSON.stringify(raw)} is not an ISO-8601 date-time; write e.g. 2026-11-25T16:00:00-08:00`,
      COMMAND,
    );
  }
  return dt.toMillis();
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(COMMAND, args, {
    plan: { type: "string" },
    priority: { type: "string" },
    opened: { type: "string" },
    config: { type: "string" },
    json: { type: "boolean" },
  });
  if (parsed.help) {
    write(process.stdout, TARGET_HELP);
    return 0;
  }
  const plan = stringOption(parsed.values, "plan");
  const priority = stringOption(parsed.values, "priority");
  const opened = stringOption(parsed.values, "opened");
  const missing = [plan === undefined ? "--plan" : null, priority === undefined ? "--priority" : null, opened === undefined ? "--opened" : null].filter(
    (x): x is string => x !== null,
  );
  if (plan === undefined || priority === undefined || opened === undefined) {
    throw new UsageError(`target needs ${missing.join(", ")}`, COMMAND);
  }
  const loaded = await readConfigFile(COMMAND, stringOption(parsed.values, "config"));
  const problems = [...loaded.errors.map((p) => formatProblem(p, "error")), ...loaded.warnings.map((p) => formatProblem(p, "warning"))];
  if (!loaded.config) {
    for (const line of problems) write(process.stderr, line);
    write(process.stderr, `support-triage: ${loaded.file ?? "the configuration"} has errors; fix them first`);
    return 1;
  }
  for (const line of problems) write(process.stderr, line);
  const config = loaded.config;
  const p = parsePriority(priority);
  const planName = parsePlan(plan, config);
  const openedMs = parseOpened(opened, config);
  const target = computeTarget(config, planName, p, openedMs);
  if (parsed.values.json === true) {
    write(
      process.stdout,
      JSON.stringify({
        plan: target.plan,
        priority: target.priority,
        coverage: target.coverage,
        target: target.text,
        openedAt: target.openedAt,
        dueAt: target.dueAt,
      }),
    );
    return 0;
  }
  const lines = [
    `Plan:      ${target.plan}`,
    `Priority:  ${target.priority} (${PRIORITY_NAMES[target.priority]})`,
    `Target:    ${target.text}`,
    `Opened:    ${describeDue(config, openedMs)}  (${target.openedAt})`,
    `Due:       ${describeDue(config, target.dueMs)}  (${target.dueAt})`,
  ];
  write(process.stdout, lines.join("\n"));
  return 0;
}
