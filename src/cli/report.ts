/**
 * `support-triage report` — the SLA report of one or more repositories against GitHub:
 * targets met per priority and plan, first-response times, breaches, what is at risk now.
 *
 * Credentials as for `sweep` (GITHUB_TOKEN, or APP_ID with PRIVATE_KEY / PRIVATE_KEY_PATH;
 * GHE_HOST / GHE_PROTOCOL for another GitHub host, the simulator included). The report
 * only reads: any token that can read the repositories' issues and discussions will do.
 */
import { parseArgs } from "node:util";
import type { Probot } from "probot";
import type { GitHubClient, RepoRef } from "../github/client.js";
import { parseTargets } from "./targets.js";
import { createServices } from "../handlers/services.js";
import { buildRepoReport, ReportConfigError, type RepoReport } from "../handlers/report.js";
import { appInstallations, installationRepositories } from "../handlers/sweep.js";
import { resolveBound, type SlaReport } from "../triage/report.js";
import { CSV_COLUMNS, renderReportCsv, renderReportMarkdown, renderReportTable } from "../triage/report-render.js";
import type { Config } from "../config/types.js";
import { probotFromEnv, UsageError } from "./sweep.js";

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export const REPORT_HELP = `Usage: support-triage report (--repo owner/name ... | --installation <id> | --all) [--since 30d|<date>] [--until <date>] [--format table|markdown|json|csv]

Prints the SLA report of items created in a window: per priority and plan, items tracked,
responded, targets met and missed, met %, median and p90 time to first response (business
time for business-hours targets), escalations, open items overdue / at risk / on track now,
and the breaches with links.

Options:
  --repo owner/name   a repository (repeatable)
  --installation <id> every repository of one installation (app credentials)
  --all               every repository of every installation (app credentials)
  --since <when>      start of the window: 30d, 4w, a date (YYYY-MM-DD, midnight in the
                      repository's time zone) or an ISO-8601 instant (default: the
                      repository's report.window, 30 days)
  --until <when>      end of the window, exclusive (a date counts whole; default now)
  --format <f>        table (default), markdown, json (one object), csv
  -h, --help          show this help

Environment: GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH;
GHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server.`;

const FORMATS = ["table", "markdown", "json", "csv"] as const;
type Format = (typeof FORMATS)[number];

function fail(message: string): number {
  process.stderr.write(`support-triage: ${message} (see support-triage report --help)\n`);
  return 2;
}

/** The window bound as a function of a repository's configuration, or a usage error. */
function bound(name: string, text: string | undefined, end: boolean): ((config: Config, now: number) => number) | undefined | Error {
  if (text === undefined) return undefined;
  // Checked once with the defaults' zone, so a bad value fails before any request.
  if (resolveBound(text, { timezone: "UTC" } as Config, 0, end) === null) {
    return new Error(`--${name} must be like 30d, 4w, 2026-11-01 or 2026-11-01T09:00:00-08:00, got "${text}"`);
  }
  return (config, now) => resolveBound(text, config, now, end) as number;
}

function progress(repo: string, index: number, count: number, items: number): void {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const done = count === 0 ? 0 : Math.round((index / count) * width);
  process.stderr.write(`\r[${"#".repeat(done)}${".".repeat(width - done)}] ${index}/${count} ${repo.slice(0, 40).padEnd(40)} ${String(items).padStart(6)} items`);
}

/** The CSV of several reports: the report's columns after a repository column. */
export function reportsCsv(reports: readonly SlaReport[]): string {
  const lines = [["repository", ...CSV_COLUMNS].join(",")];
  for (const r of reports) {
    const rows = renderReportCsv(r).trimEnd().split("\r\n").slice(1);
    const repo = /[",\r\n]/.test(r.repo) ? `"${r.repo.replace(/"/g, '""')}"` : r.repo;
    for (const row of rows) lines.push(`${repo},${row}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        repo: { type: "string", multiple: true },
        installation: { type: "string" },
        all: { type: "boolean" },
        since: { type: "string" },
        until: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? (err.message.split("\n")[0] ?? "bad arguments") : "bad arguments");
  }
  if (values.help) {
    process.stdout.write(`${REPORT_HELP}\n`);
    return 0;
  }
  const targets = parseTargets(values);
  if (typeof targets === "string") return fail(targets);
  const { repos, installationId } = targets;
  const format = (values.format ?? "table") as Format;
  if (!(FORMATS as readonly string[]).includes(format)) return fail(`--format must be one of ${FORMATS.join(", ")}, got "${values.format}"`);
  const since = bound("since", values.since, false);
  const until = bound("until", values.until, true);
  if (since instanceof Error) return fail(since.message);
  if (until instanceof Error) return fail(until.message);

  let probot: Probot;
  try {
    probot = probotFromEnv(env, !values.repo?.length, null);
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message);
    throw err;
  }
  const appMode = Boolean(env.APP_ID);
  const services = createServices({
    appLogin: async () => {
      if (env.SUPPORT_TRIAGE_APP_SLUG) return `${env.SUPPORT_TRIAGE_APP_SLUG}[bot]`;
      if (!appMode) return "support-triage[bot]";
      const gh = (await probot.auth()) as unknown as GitHubClient;
      const { data } = await gh.request("GET /app");
      return `${(data as { slug: string }).slug}[bot]`;
    },
  });
  const auth = async (id?: number) => (await probot.auth(id)) as unknown as GitHubClient;

  // Which client reads which repository.
  const work: { client: () => Promise<GitHubClient>; repo: RepoRef }[] = [];
  if (repos.length > 0) {
    for (const repo of repos) {
      work.push({
        repo,
        client: async () => {
          if (!appMode) return auth();
          const app = await auth();
          const inst = await app.request("GET /repos/{owner}/{repo}/installation", { owner: repo.owner, repo: repo.repo });
          return auth((inst.data as { id: number }).id);
        },
      });
    }
  } else {
    const app = await auth();
    const ids = installationId !== null ? [installationId] : await appInstallations(app);
    for (const id of ids) {
      const client = await auth(id);
      for (const repo of await installationRepositories(client)) work.push({ repo, client: async () => client });
    }
  }

  const done: RepoReport[] = [];
  let failures = 0;
  let requests = 0;
  let points = 0;
  for (const [i, w] of work.entries()) {
    const name = `${w.repo.owner}/${w.repo.repo}`;
    progress(name, i, work.length, 0);
    try {
      const r = await buildRepoReport(await w.client(), services, w.repo, {
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        onPage: (n) => progress(name, i, work.length, n),
      });
      done.push(r);
      requests += r.requests;
      points += r.points;
    } catch (err) {
      failures++;
      if (process.stderr.isTTY) process.stderr.write("\n");
      const why = err instanceof ReportConfigError ? err.message : `${name}: ${err instanceof Error ? err.message : String(err)}`;
      process.stderr.write(`support-triage: report of ${name} failed: ${why}\n`);
    }
  }
  if (process.stderr.isTTY && work.length > 0) {
    progress("done", work.length, work.length, done.reduce((a, r) => a + r.report.total.tracked, 0));
    process.stderr.write("\n");
  }
  const reports = done.map((r) => r.report);
  switch (format) {
    case "json":
      process.stdout.write(`${JSON.stringify({ reports, requests, points, failures })}\n`);
      break;
    case "csv":
      process.stdout.write(reportsCsv(reports));
      break;
    case "markdown":
      process.stdout.write(reports.map((r) => `## Support response report — ${r.repo}\n\n${renderReportMarkdown(r)}`).join("\n"));
      break;
    case "table":
      process.stdout.write(`${reports.map((r) => renderReportTable(r)).join("\n\n")}\n\n${plural(reports.length, "repository", "repositories")}, ${plural(requests, "request", "requests")}, ${plural(points, "GraphQL point", "GraphQL points")}.\n`);
      break;
  }
  return failures > 0 ? 1 : 0;
}
