/**
 * The bench's test rig: the in-memory GitHub (the project's simulator, unchanged) with
 * one organisation and its support repositories, the app under measurement, and a
 * webhook sender that signs and POSTs deliveries over loopback with keep-alive, any
 * number in flight. Unlike the scenario runner, nothing here is sequential by force:
 * the throughput figure needs many deliveries at once.
 */
import { readFileSync } from "node:fs";
import { Server as HttpServer } from "node:http";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/types.js";
import { GitHubSimulator, type RequestRecord } from "../simulator/server.js";
import { World, type OutgoingWebhook, type SimRepo, type SimUser } from "../simulator/model.js";
import { labelSpecs } from "../triage/labels.js";
import { startAppHost, type AppHost } from "./app-host.js";
import { Deliverer } from "./deliverer.js";

export { Deliverer, signDelivery, type DeliveryResult, type SignedDelivery } from "./deliverer.js";

/** A Tuesday, 09:00 in Los Angeles: inside business hours, no holiday near. */
export const BENCH_NOW = Date.parse("2026-12-01T17:00:00Z");

/** The configuration every bench repository carries (customers give the plans variety). */
export const BENCH_CONFIG_TEXT = `customers:
  wanda: business
  erin: enterprise
escalation:
  contacts: ["@acme/support-leads"]
`;

const root = new URL("../../", import.meta.url);
const shipped = (path: string): string => readFileSync(new URL(path, root), "utf8");

/** The support forms this project ships (what a customer's repository would copy). */
export const ISSUE_FORM_PATH = ".github/ISSUE_TEMPLATE/support.yml";
export const DISCUSSION_FORM_PATH = ".github/DISCUSSION_TEMPLATE/support.yml";

export const benchConfig = (): Config => {
  const loaded = loadConfig(BENCH_CONFIG_TEXT);
  if (!loaded.config) throw new Error(`bench configuration is invalid: ${loaded.errors.map((e) => e.message).join("; ")}`);
  return loaded.config;
};

export interface FormAnswers {
  /** 0-based index into the form's Priority options. */
  readonly priority: number;
  readonly environment: "Production" | "Staging" | "Development";
}

let priorityOptions: string[] | null = null;
/** The Priority dropdown's options, read from the shipped issue form. */
function options(): string[] {
  if (priorityOptions) return priorityOptions;
  const form = parseYaml(shipped(ISSUE_FORM_PATH)) as { body: { attributes?: { label?: string; options?: string[] } }[] };
  const field = form.body.find((f) => f.attributes?.label === "Priority");
  priorityOptions = field?.attributes?.options ?? [];
  if (priorityOptions.length !== 4) throw new Error(`${ISSUE_FORM_PATH}: expected four Priority options`);
  return priorityOptions;
}

/** The body GitHub renders for a submitted support form. */
export function formBody(a: FormAnswers): string {
  const priority = options()[a.priority] ?? "";
  return [
    "### Priority",
    "",
    priority,
    "",
    "### Environment",
    "",
    a.environment,
    "",
    "### Description",
    "",
    "The nightly import stopped with a timeout.",
    "",
    "### Relevant log output",
    "",
    "```shell",
    "_No response_",
    "```",
  ].join("\n");
}

export interface RigOptions {
  /** Support repositories (acme/support, acme/support-2, …). Default 1. */
  readonly repos?: number;
  /** Run the app in a child process (see app-host.ts). */
  readonly isolate: boolean;
}


export interface Rig {
  readonly world: World;
  readonly sim: GitHubSimulator;
  readonly repos: readonly SimRepo[];
  readonly members: readonly SimUser[];
  readonly host: AppHost;
  readonly deliverer: Deliverer;
  /** Delivers the outbox one at a time, awaiting each answer, until it is empty. */
  drain(limit?: number): Promise<number>;
  stop(): Promise<void>;
}

/** A support repository with the bench's config, the shipped forms, and the labels the app creates on installation. */
export function benchRepo(world: World, fullName: string, config: Config = benchConfig()): SimRepo {
  const repo = world.createRepo(fullName);
  repo.files.set(".github/support-triage.yml", BENCH_CONFIG_TEXT);
  repo.files.set(ISSUE_FORM_PATH, shipped(ISSUE_FORM_PATH));
  repo.files.set(DISCUSSION_FORM_PATH, shipped(DISCUSSION_FORM_PATH));
  for (const spec of labelSpecs(config)) world.createLabel(repo, spec.name, spec.color, spec.description, world.bot);
  return repo;
}

/** One organisation with `repos` support repositories, each with the config, forms and labels. */
/**
 * The bench's world stands still at {@link BENCH_NOW}, so an hourly rate-limit window never
 * ends there: a simulator that enforces GitHub's primary limits (5,000 points or requests an
 * hour) would refuse every request after the first few thousand intakes of a run, and the
 * figures would measure refusals. The bench measures the app, not the budget (the request
 * counts per intake and per sweep are the budget's figures): where the simulator models the
 * limits, they are lifted. Looked up at run time, so this compiles with a simulator that has none.
 */
export function unlimitedRateLimits(world: World): void {
  const limits = (world as unknown as { rateLimits?: { configure?: (budgets: Record<string, number>) => void } }).rateLimits;
  // GraphQL's Int is 32-bit: `rateLimit { remaining }` must stay representable.
  limits?.configure?.({ graphqlPoints: 2_000_000_000, restRequests: 2_000_000_000 });
}

export function benchWorld(repoCount: number): { world: World; repos: SimRepo[]; members: SimUser[] } {
  const world = new World(BENCH_NOW);
  unlimitedRateLimits(world);
  const config = benchConfig();
  const members = [world.user("carol"), world.user("dave")];
  const repos: SimRepo[] = [];
  for (let i = 1; i <= repoCount; i++) {
    const repo = benchRepo(world, i === 1 ? "acme/support" : `acme/support-${i}`, config);
    for (const m of members) repo.members.add(m.login.toLowerCase());
    repos.push(repo);
  }
  world.outbox.length = 0;
  world.effects.length = 0;
  return { world, repos, members };
}

/**
 * The simulator closes idle connections after 1 s and says so (`Keep-Alive: timeout=1`);
 * undici takes a 1 s safety margin off that hint, so the app opened a new TCP connection
 * for every request — a cost GitHub, which keeps connections for minutes, does not
 * impose, and 5% of the app's CPU in a profile. Until the simulator takes an option for
 * it, the bench lengthens the timeout on the simulator's server (a private field: if it
 * is renamed, this silently does nothing and the figures show the connection cost again).
 */
export function keepConnectionsOpen(sim: GitHubSimulator): boolean {
  const server = (sim as unknown as { server?: unknown }).server;
  if (!(server instanceof HttpServer)) return false;
  server.keepAliveTimeout = 60_000;
  return true;
}

export async function startRig(options: RigOptions, prepare?: (world: World, repos: readonly SimRepo[]) => void): Promise<Rig> {
  const { world, repos, members } = benchWorld(options.repos ?? 1);
  prepare?.(world, repos);
  world.outbox.length = 0;
  world.effects.length = 0;
  const sim = new GitHubSimulator(world);
  const simUrl = await sim.listen();
  keepConnectionsOpen(sim);
  let host: AppHost;
  try {
    host = await startAppHost(simUrl, world.now, options.isolate);
  } catch (err) {
    await sim.close();
    throw err;
  }
  const deliverer = new Deliverer(host.url);
  return {
    world,
    sim,
    repos,
    members,
    host,
    deliverer,
    async drain(limit = 10_000) {
      let n = 0;
      while (world.outbox.length > 0 && n < limit) {
        const hook = world.outbox.shift();
        if (!hook) break;
        const r = await deliverer.post(hook);
        if (r.status < 200 || r.status >= 300) throw new Error(`delivery ${hook.name}.${hook.action ?? ""} answered ${r.status}`);
        n++;
      }
      return n;
    },
    async stop() {
      deliverer.close();
      await host.stop();
      await sim.close();
    },
  };
}

export interface RequestTally {
  /** GraphQL queries. */
  readonly graphqlReads: number;
  /** GraphQL documents holding mutations. */
  readonly graphqlWrites: number;
  /** REST GETs answered with content (counted by GitHub). */
  readonly restReads: number;
  /** REST writes other than token mints. */
  readonly restWrites: number;
  /** Installation-token mints (`POST /app/installations/:id/access_tokens`, app JWT). */
  readonly tokens: number;
  /**
   * Other requests made as the app (JWT), not as an installation: `GET /app`,
   * `GET /app/installations`. They count against the app's own limit, not the installation's.
   */
  readonly appReads: number;
  /** Conditional requests answered 304: free on GitHub, reported apart. */
  readonly notModified: number;
  /** Everything GitHub counts: all of the above but the 304s. */
  readonly counted: number;
  /** Reads the installation makes: GraphQL queries and REST GETs (app-level reads apart). */
  readonly reads: number;
  /** Writes: mutation documents and REST writes (token mints excluded). */
  readonly writes: number;
  /** "GET /repos/…" and "graphql query|mutation", for the figure's detail. */
  readonly requests: readonly string[];
}

export function tally(records: readonly RequestRecord[]): RequestTally {
  let graphqlReads = 0;
  let graphqlWrites = 0;
  let restReads = 0;
  let restWrites = 0;
  let tokens = 0;
  let appReads = 0;
  let notModified = 0;
  const requests: string[] = [];
  for (const r of records) {
    if (r.kind === "graphql") {
      if (r.mutation) graphqlWrites++;
      else graphqlReads++;
      requests.push(`graphql ${r.mutation ? "mutation" : "query"}`);
      continue;
    }
    requests.push(`${r.method} ${r.path}${r.status === 304 ? " (304)" : ""}`);
    if (r.status === 304) notModified++;
    else if (/^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) tokens++;
    else if (r.method === "GET" && (r.path === "/app" || r.path === "/app/installations")) appReads++;
    else if (r.method === "GET") restReads++;
    else restWrites++;
  }
  const reads = graphqlReads + restReads;
  const writes = graphqlWrites + restWrites;
  return { graphqlReads, graphqlWrites, restReads, restWrites, tokens, appReads, notModified, counted: reads + writes + tokens + appReads, reads, writes, requests };
}
