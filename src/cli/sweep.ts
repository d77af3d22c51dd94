/**
 * `support-triage sweep` — one escalation sweep against GitHub from the command line,
 * for an external scheduler or a support lead's terminal.
 *
 * Credentials come from the environment: GITHUB_TOKEN (a token that can write issues and
 * discussions of the named repositories), or APP_ID with PRIVATE_KEY / PRIVATE_KEY_PATH
 * (the app itself; needed for --installation and --all). GHE_HOST / GHE_PROTOCOL point it
 * at another GitHub host (the simulator uses this).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Probot } from "probot";
import type { GitHubClient, RepoRef } from "../github/client.js";
import { parseTargets } from "./targets.js";
import { createOctokit, Pacing, pacingFromEnv, realScheduler } from "../github/octokit.js";
import type { Redis } from "ioredis";
import { connectRedis, RedisClaims, RedisLeases, RedisPacingStore } from "../github/redis.js";
import { leaseMsFromEnv, SharedItemLocks } from "../handlers/item-locks.js";
import { VIEWER } from "../github/queries.js";
import { createServices, type Logger } from "../handlers/services.js";
import { appInstallations, installationRepositories, summarise, sweepRepositories, type RepoSweepReport, type SweepProgress } from "../handlers/sweep.js";

export const SWEEP_HELP = `Usage: support-triage sweep (--repo owner/name ... | --installation <id> | --all) [--dry-run] [--json] [--max-writes <n>]

Runs one escalation sweep: finds open items whose first-response target has passed
without an answer, escalates them, and records responses that a lost webhook hid.

Options:
  --repo owner/name   a repository to sweep (repeatable)
  --installation <id> every repository of one installation (app credentials)
  --all               every repository of every installation (app credentials)
  --dry-run           decide and report, write nothing
  --max-writes <n>    stop after this many write requests (the next run continues)
  --json              print the summary as one JSON object
  -h, --help          show this help

Environment: GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH;
GHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server.`;

export class UsageError extends Error {}

function fail(message: string): number {
  process.stderr.write(`support-triage: ${message} (see support-triage sweep --help)\n`);
  return 2;
}

const silentLog: Logger = { info: () => {}, warn: () => {}, debug: () => {}, error: (o, m) => process.stderr.write(`error: ${m ?? ""} ${JSON.stringify(o)}\n`) };

function baseUrl(env: NodeJS.ProcessEnv): string | undefined {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : undefined;
}

export function probotFromEnv(env: NodeJS.ProcessEnv, needApp: boolean, redis: Redis | null): Probot {
  const url = baseUrl(env);
  // The same Octokit stack as the server: no blind re-sends, writes paced per installation
  // (with REDIS_URL, in step with the servers: their back-off holds this run too).
  const Octokit = createOctokit(new Pacing(realScheduler, pacingFromEnv(env), ...(redis ? [new RedisPacingStore(redis)] : [])));
  const privateKey = env.PRIVATE_KEY ?? (env.PRIVATE_KEY_PATH ? readFileSync(env.PRIVATE_KEY_PATH, "utf8") : undefined);
  if (env.APP_ID && privateKey) {
    return new Probot({ appId: env.APP_ID, privateKey, Octokit, ...(url ? { baseUrl: url } : {}), logLevel: "warn" });
  }
  if (needApp) throw new UsageError("--installation and --all need APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH");
  if (!env.GITHUB_TOKEN) throw new UsageError("no credentials: set GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH");
  return new Probot({ githubToken: env.GITHUB_TOKEN, Octokit, ...(url ? { baseUrl: url } : {}), logLevel: "warn" });
}

function progressBar(p: SweepProgress): void {
  if (!process.stderr.isTTY || p.repoCount === 0) return;
  const width = 24;
  const done = Math.round((p.repoIndex / p.repoCount) * width);
  process.stderr.write(`\r[${"#".repeat(done)}${".".repeat(width - done)}] ${p.repoIndex}/${p.repoCount} ${p.repo.slice(0, 40).padEnd(40)}`);
  if (p.repoIndex === p.repoCount) process.stderr.write("\n");
}

async function whoIsToken(probot: Probot): Promise<string> {
  const gh = (await probot.auth()) as unknown as GitHubClient;
  const res = await gh.graphql<{ viewer: { login: string } }>(VIEWER);
  return res.viewer.login;
}

export function formatTable(reports: readonly RepoSweepReport[]): string {
  const head = ["repository", "items", "escalated", "responded", "writes", "points", "status"];
  const rows = reports.map((r) => [
    r.repo,
    String(r.items),
    String(r.escalated),
    String(r.responded),
    String(r.writes),
    String(r.points),
    r.error ? `failed: ${r.error.slice(0, 60)}` : r.skipped ? `skipped: ${r.skipped}` : r.stoppedByBudget ? "budget spent" : r.stoppedByReserve ? "points reserve reached" : "ok",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
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
        "dry-run": { type: "boolean" },
        "max-writes": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? (err.message.split("\n")[0] ?? "bad arguments") : "bad arguments");
  }
  if (values.help) {
    process.stdout.write(`${SWEEP_HELP}\n`);
    return 0;
  }
  const targets = parseTargets(values);
  if (typeof targets === "string") return fail(targets);
  const { repos, installationId } = targets;
  const maxWrites = values["max-writes"] !== undefined ? Number(values["max-writes"]) : Number.POSITIVE_INFINITY;
  if (!(maxWrites >= 0)) return fail(`--max-writes must be a number ≥ 0, got "${values["max-writes"]}"`);

  // With REDIS_URL the command takes the same pacing state, claims and leases as the
  // servers, so it can run beside them (a scheduled workflow and server timers) without
  // escalating twice. A Redis that cannot be reached fails the run instead of hanging it.
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, { retries: 3 }) : null;
  redis?.on("error", () => undefined);
  try {
    return await sweepWith(env, values, repos, installationId, maxWrites, redis);
  } finally {
    redis?.disconnect();
  }
}

async function sweepWith(
  env: NodeJS.ProcessEnv,
  values: { repo?: string[]; "dry-run"?: boolean; json?: boolean },
  repos: RepoRef[],
  installationId: number | null,
  maxWrites: number,
  redis: Redis | null,
): Promise<number> {
  let probot: Probot;
  try {
    probot = probotFromEnv(env, !values.repo?.length, redis);
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message);
    throw err;
  }
  const appMode = Boolean(env.APP_ID);
  const services = createServices({
    ...(redis ? { claims: new RedisClaims(redis), leases: new RedisLeases(redis), locks: new SharedItemLocks(new RedisLeases(redis), leaseMsFromEnv(env)) } : {}),
    appLogin: async () => {
      if (env.SUPPORT_TRIAGE_APP_SLUG) return `${env.SUPPORT_TRIAGE_APP_SLUG}[bot]`;
      const gh = (await probot.auth()) as unknown as GitHubClient;
      if (!appMode) return "support-triage[bot]";
      const { data } = await gh.request("GET /app");
      return `${(data as { slug: string }).slug}[bot]`;
    },
  });
  const options = { dryRun: values["dry-run"] ?? false, onProgress: progressBar };
  if (!appMode && !options.dryRun) {
    // The app knows its own comments by their author. A token that is not the app's (a
    // personal token writes as its user) would post target comments the app does not
    // recognise, and the next sweep would escalate again: such a token may only look.
    const viewer = await whoIsToken(probot);
    const appLogin = await services.appLogin();
    if (viewer.toLowerCase() !== appLogin.toLowerCase()) {
      return fail(
        `GITHUB_TOKEN belongs to ${viewer}, not to the app (${appLogin}): a sweep that writes needs the app's credentials (APP_ID and PRIVATE_KEY) or an installation token of the app; add --dry-run to only look`,
      );
    }
  }
  const budget = { remaining: maxWrites };
  const reports: RepoSweepReport[] = [];
  const auth = async (id?: number) => (await probot.auth(id)) as unknown as GitHubClient;

  if (repos.length > 0) {
    for (const repo of repos) {
      let client: GitHubClient;
      if (appMode) {
        const app = await auth();
        const inst = await app.request("GET /repos/{owner}/{repo}/installation", { owner: repo.owner, repo: repo.repo });
        client = await auth((inst.data as { id: number }).id);
      } else {
        client = await auth();
      }
      reports.push(...(await sweepRepositories(client, services, [repo], silentLog, options, budget)));
    }
  } else {
    const app = await auth();
    const ids: number[] = [];
    if (installationId !== null) ids.push(installationId);
    else ids.push(...(await appInstallations(app)));
    for (const id of ids) {
      const client = await auth(id);
      const list = await installationRepositories(client);
      reports.push(...(await sweepRepositories(client, services, list, silentLog, options, budget)));
    }
  }
  const summary = summarise(reports);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dryRun: options.dryRun, ...summary })}\n`);
  } else {
    process.stdout.write(`${formatTable(reports)}\n\n`);
    process.stdout.write(
      `${summary.repositories.length} repositories, ${summary.items} open tracked items, ${summary.escalated} escalated, ${summary.responded} responses recorded, ${summary.writes} write requests, ${summary.points} GraphQL points${options.dryRun ? " (dry run: nothing written)" : ""}${summary.stoppedByBudget ? "; write budget spent, the next run continues" : ""}${summary.stoppedByReserve ? "; the installation's points reserve was reached, the next run continues" : ""}.\n`,
    );
  }
  return summary.failures > 0 ? 1 : 0;
}
