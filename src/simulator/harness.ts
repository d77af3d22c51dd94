/**
 * The scenario runner: starts the in-memory GitHub, then a real Probot server running the
 * app through `createApp` (the production entry point) pointed at it, plays the scenario's
 * steps as webhooks over HTTP, and returns the final state (SPEC section 8) with a
 * timeline for the narration.
 *
 * Only three things differ from production, each because a simulation must be offline,
 * instant and reproducible: the clock is the simulator's; Octokit's throttling and retry
 * plugins are off (the throttler spaces writes a second apart in real time, and retries
 * would wait); outgoing escalation webhooks are recorded, not sent.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, ProbotOctokit, Server, type ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import { isoTime, SimulationError, World, type Effect, type SimComment, type SimItem, type SimRepo } from "./model.js";
import { advanceClock, parseScenario, ScenarioError, type Scenario, type Step } from "./scenario.js";
import { GitHubSimulator, type RequestCounts, type RequestRecord } from "./server.js";
import { WebhookDispatcher, type Delivery } from "./webhooks.js";

/** The JSON of `simulate --json`, exactly SPEC section 8's shape. */
export interface SimulationState {
  readonly repo: string;
  readonly now: string;
  readonly items: readonly SimulationItem[];
  readonly requests: { readonly rest: number; readonly graphql: number };
  readonly errors: readonly string[];
}

export interface SimulationItem {
  readonly kind: "issue" | "discussion";
  readonly number: number;
  readonly title: string;
  readonly state: "open" | "closed";
  readonly author: string;
  readonly labels: readonly string[];
  readonly assignees: readonly string[];
  readonly comments: readonly { readonly author: string; readonly body: string; readonly createdAt: string }[];
}

export interface PlanLog {
  readonly repo: string;
  readonly kind: string;
  readonly number: number;
  readonly trigger: string;
  readonly decisions: readonly { readonly rule: string; readonly message: string }[];
  readonly actions: readonly string[];
}

/** What happened, in order: the narration is rendered from this. */
export type TimelineEntry =
  | { readonly type: "install"; readonly at: number; readonly repo: string; readonly by: string }
  | { readonly type: "step"; readonly at: number; readonly step: Step }
  | { readonly type: "sweep-summary"; readonly text: string }
  | { readonly type: "note"; readonly text: string }
  | {
      readonly type: "delivery";
      readonly id: string;
      readonly event: string;
      readonly action: string | null;
      readonly cause: "user" | "app";
      readonly redelivery: boolean;
    }
  | { readonly type: "plan"; readonly plan: PlanLog }
  | { readonly type: "effect"; readonly effect: Effect }
  | { readonly type: "log"; readonly level: "warn" | "error"; readonly message: string }
  | { readonly type: "outgoing-webhook"; readonly url: string }
  | { readonly type: "requests"; readonly rest: number; readonly graphql: number; readonly rest304: number }
  /** One API request by the app (not narrated; lets tests see what each event cost). */
  | { readonly type: "api"; readonly request: RequestRecord }
  | { readonly type: "error"; readonly message: string };

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly state: SimulationState;
  /** `JSON.stringify(state)`: byte-identical for the same scenario. */
  readonly json: string;
  readonly timeline: readonly TimelineEntry[];
  /** Every webhook delivered, in order (tests validate the payloads). */
  readonly deliveries: readonly Delivery[];
}

export interface RunOptions {
  /** The app to run; default the production `createApp`. Tests may pass a small stand-in. */
  readonly createApp?: (options: AppOptions) => ApplicationFunction;
  /** Bound on deliveries per step (default 1,000). */
  readonly maxDeliveriesPerStep?: number;
}

const WEBHOOK_SECRET = "support-triage-simulator-webhook-secret";
const SWEEP_SECRET = "support-triage-simulator-sweep-secret";
const SWEEP_ROUTE = "/support-triage/sweep";
const WEBHOOK_PATH = "/api/github/webhooks";
/**
 * Environment the app reads while loading, set for the run and restored after: the sweep
 * route's secret, and no overrides from the caller's shell (an app slug or a sweep shard
 * there would make the simulated app miss its own events or skip the repository).
 */
const APP_ENV: Readonly<Record<string, string | undefined>> = {
  SUPPORT_TRIAGE_SWEEP_SECRET: SWEEP_SECRET,
  SUPPORT_TRIAGE_APP_SLUG: undefined,
  SUPPORT_TRIAGE_SWEEP_SHARD: undefined,
};
/** Per step: an app that keeps reacting to its own events is stopped here. */
const MAX_DELIVERIES_PER_STEP = 1000;

let privateKey: string | null = null;

/** One RSA key per process: generating one costs ~100 ms, and any key is fine for the simulator. */
function appPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return privateKey;
}

/** Probot's Server treats port 0 as "use 3000", so ask the OS for a free port first. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** No throttling and no retries: both would make the run wait in real time. */
const SimulatorOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(typeof options["throttle"] === "object" ? (options["throttle"] as object) : {}), enabled: false },
  retry: { enabled: false },
}));

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function stateOf(world: World, repo: SimRepo, counts: RequestCounts, errors: readonly string[]): SimulationState {
  const items = [...repo.items.values()]
    .sort((a, b) => a.number - b.number)
    .map(
      (item: SimItem): SimulationItem => ({
        kind: item.kind,
        number: item.number,
        title: item.title,
        state: item.state,
        author: item.author.login,
        labels: item.labels.map((label) => label.name).sort(byCodeUnit),
        assignees: item.assignees.map((user) => user.login),
        comments: item.comments.map((comment) => ({ author: comment.author.login, body: comment.body, createdAt: isoTime(comment.createdAt) })),
      }),
    );
  return { repo: repo.fullName, now: isoTime(world.now), items, requests: { rest: counts.rest, graphql: counts.graphql }, errors: [...errors] };
}

interface LogLine {
  level?: unknown;
  msg?: unknown;
  err?: unknown;
  event?: unknown;
  repo?: unknown;
  kind?: unknown;
  number?: unknown;
  trigger?: unknown;
  decisions?: unknown;
  actions?: unknown;
}

function logMessage(line: LogLine): string {
  const msg = typeof line.msg === "string" ? line.msg : "";
  const err = line.err;
  const detail =
    typeof err === "string" ? err : typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string" ? (err as { message: string }).message : "";
  if (detail && !msg.includes(detail)) return msg ? `${msg}: ${detail}` : detail;
  return msg || detail || "(error without a message)";
}

function asPlan(line: LogLine): PlanLog {
  const decisions = Array.isArray(line.decisions)
    ? line.decisions.flatMap((d: unknown) => {
        const rec = typeof d === "object" && d !== null ? (d as Record<string, unknown>) : {};
        return typeof rec["rule"] === "string" ? [{ rule: rec["rule"], message: typeof rec["message"] === "string" ? rec["message"] : "" }] : [];
      })
    : [];
  return {
    repo: String(line.repo ?? ""),
    kind: String(line.kind ?? ""),
    number: typeof line.number === "number" ? line.number : 0,
    trigger: String(line.trigger ?? ""),
    decisions,
    actions: Array.isArray(line.actions) ? line.actions.map(String) : [],
  };
}

/** Resolves `reply_to`: a 1-based index among top-level comments, or the author of the latest one. */
function replyTarget(item: SimItem, replyTo: number | string, scenario: Scenario, line: number): SimComment {
  const topLevel = item.comments.filter((comment) => comment.replyTo === null);
  if (typeof replyTo === "number") {
    const found = topLevel[replyTo - 1];
    if (!found) throw new ScenarioError(scenario.file, line, `reply_to ${replyTo}: discussion #${item.number} has only ${topLevel.length} top-level comment(s) at this point`);
    return found;
  }
  const login = replyTo.toLowerCase();
  const found = [...topLevel].reverse().find((comment) => {
    const author = comment.author.login.toLowerCase();
    return author === login || author === `${login}[bot]`;
  });
  if (!found) throw new ScenarioError(scenario.file, line, `reply_to ${JSON.stringify(replyTo)}: no top-level comment by ${replyTo} on discussion #${item.number} at this point`);
  return found;
}

/** Runs one scenario file's text end to end. Throws {@link ScenarioError} for a broken scenario. */
export async function runScenario(text: string, file: string, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = parseScenario(text, file);
  const maxDeliveries = options.maxDeliveriesPerStep ?? MAX_DELIVERIES_PER_STEP;
  const createApp = options.createApp ?? (await import("../app.js")).createApp;

  const world = new World(scenario.now);
  const repo = world.createRepo(scenario.repo);
  for (const member of scenario.members) {
    world.user(member);
    repo.members.add(member.toLowerCase());
  }
  for (const [team, logins] of Object.entries(scenario.teams)) repo.teams.set((team.split("/").pop() ?? team).toLowerCase(), logins);
  for (const [path, content] of scenario.files) repo.files.set(path, content);
  // The app's own issues take numbers after every number the scenario uses.
  repo.nextNumber = Math.max(0, ...scenario.steps.flatMap((step) => (step.type === "open" ? [step.number] : []))) + 1;

  const timeline: TimelineEntry[] = [];
  const errors: string[] = [];
  const sim = new GitHubSimulator(world);
  let simUrl = "";
  let appUrl = "";
  const clean = (message: string): string =>
    message
      .split(simUrl || "\u0000")
      .join("<simulator>")
      .split(appUrl || "\u0000")
      .join("<app>")
      .replace(/ - \d+ms\b/g, "");
  const addError = (message: string): void => {
    const cleaned = clean(message);
    errors.push(cleaned);
    timeline.push({ type: "error", message: cleaned });
  };
  sim.onError = addError;
  sim.onRequest = (request) => timeline.push({ type: "api", request });
  world.onEffect = (effect) => timeline.push({ type: "effect", effect });

  const logger = pino(
    { level: "info", base: null, timestamp: false },
    {
      write: (chunk: string): void => {
        for (const raw of chunk.split("\n")) {
          if (raw.trim() === "") continue;
          let line: LogLine;
          try {
            line = JSON.parse(raw) as LogLine;
          } catch {
            continue;
          }
          const level = typeof line.level === "number" ? line.level : 30;
          if (line.event === "support-triage.plan") timeline.push({ type: "plan", plan: asPlan(line) });
          if (level >= 50) addError(logMessage(line));
          else if (level >= 40) timeline.push({ type: "log", level: "warn", message: clean(logMessage(line)) });
        }
      },
    },
  );

  const savedEnv = Object.keys(APP_ENV).map((name) => [name, process.env[name]] as const);
  let server: Server | null = null;
  try {
    simUrl = await sim.listen();
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    for (const [name, value] of Object.entries(APP_ENV)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    server = new Server({
      host: "127.0.0.1",
      port,
      log: logger,
      webhookPath: WEBHOOK_PATH,
      Probot: Probot.defaults({
        appId: 1,
        privateKey: appPrivateKey(),
        secret: WEBHOOK_SECRET,
        baseUrl: `${simUrl}/api/v3`,
        log: logger,
        Octokit: SimulatorOctokit,
      }),
    });
    await server.load(
      createApp({
        clock: () => world.now,
        sweepTimer: false,
        sendWebhook: async (url) => {
          timeline.push({ type: "outgoing-webhook", url });
        },
      }),
    );
    await server.start();

    const dispatcher = new WebhookDispatcher(world, { url: `${appUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
    dispatcher.onDelivering = (delivery, redelivery) => {
      timeline.push({ type: "delivery", id: delivery.id, event: delivery.name, action: delivery.action, cause: delivery.cause, redelivery });
    };
    dispatcher.onDelivered = ({ delivery, status }) => {
      if (status < 200 || status >= 300) {
        addError(`simulator: delivery ${delivery.id} (${delivery.name}${delivery.action ? `.${delivery.action}` : ""}) was answered ${status}`);
      }
    };
    const drain = async (line: number): Promise<void> => {
      const result = await dispatcher.drain(maxDeliveries);
      if (result.truncated) {
        addError(`simulator: more than ${maxDeliveries} webhook deliveries after the step at line ${line}; the rest were dropped (does the app react to its own events?)`);
      }
    };

    // Installing the app: GitHub sends installation.created with the repository.
    const spent = (before: RequestCounts): void => {
      const rest = sim.requests.rest - before.rest;
      const graphql = sim.requests.graphql - before.graphql;
      const rest304 = sim.requests.rest304 - before.rest304;
      if (rest + graphql + rest304 > 0) timeline.push({ type: "requests", rest, graphql, rest304 });
    };

    const installer = world.user(scenario.members[0] ?? `${repo.owner.login}-admin`);
    timeline.push({ type: "install", at: world.now, repo: repo.fullName, by: installer.login });
    world.installationCreated(installer);
    await drain(0);
    spent({ rest: 0, graphql: 0, rest304: 0 });

    for (const step of scenario.steps) {
      const before = { ...sim.requests };
      timeline.push({ type: "step", at: world.now, step });
      await playStep(step, { world, repo, scenario, timeline, dispatcher, appUrl, addError });
      if (step.type !== "advance") await drain(step.line);
      spent(before);
    }
    const state = stateOf(world, repo, sim.requests, errors);
    return { scenario, state, json: JSON.stringify(state), timeline, deliveries: [...dispatcher.delivered] };
  } finally {
    if (server) await server.stop();
    await sim.close();
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

interface PlayContext {
  readonly world: World;
  readonly repo: SimRepo;
  readonly scenario: Scenario;
  readonly timeline: TimelineEntry[];
  readonly dispatcher: WebhookDispatcher;
  readonly appUrl: string;
  readonly addError: (message: string) => void;
}

/** Applies one step to the world; its webhooks are queued for delivery. */
async function playStep(step: Step, context: PlayContext): Promise<void> {
  const { world, repo, scenario, timeline } = context;
  const itemFor = (number: number): SimItem => {
    const item = world.item(repo, number);
    if (!item) throw new ScenarioError(scenario.file, step.line, `#${number} does not exist`);
    return item;
  };
  try {
    switch (step.type) {
      case "open":
        world.openItem(repo, { ...step, author: world.user(step.author) });
        return;
      case "label": {
        const item = itemFor(step.number);
        const label = world.labelNamed(repo, step.label);
        if (world.addLabels(item, [label], world.user(step.by)).length === 0) {
          timeline.push({ type: "note", text: `#${step.number} already has ${step.label}: GitHub sends no event` });
        }
        return;
      }
      case "unlabel": {
        const item = itemFor(step.number);
        const label = world.findLabel(repo, step.label);
        if (!label || world.removeLabels(item, [label], world.user(step.by)).length === 0) {
          timeline.push({ type: "note", text: `#${step.number} has no label ${step.label}: nothing happens` });
        }
        return;
      }
      case "comment": {
        const item = itemFor(step.number);
        const replyTo = step.replyTo === null ? null : replyTarget(item, step.replyTo, scenario, step.line);
        world.addComment(item, world.user(step.author), step.body, replyTo);
        return;
      }
      case "edit":
        world.editItem(itemFor(step.number), world.user(step.by), step);
        return;
      case "close":
      case "reopen":
        world.setState(itemFor(step.number), world.user(step.by), step.type === "close" ? "closed" : "open");
        return;
      case "advance":
        world.now = advanceClock(world.now, step, scenario.timezone);
        return;
      case "sweep": {
        const response = await fetch(`${context.appUrl}${SWEEP_ROUTE}`, { method: "POST", headers: { authorization: `Bearer ${SWEEP_SECRET}` } });
        const text = await response.text();
        if (!response.ok) {
          context.addError(`simulator: the sweep route answered ${response.status}: ${text.slice(0, 200)}`);
        } else {
          timeline.push({ type: "sweep-summary", text });
        }
        return;
      }
      case "redeliver": {
        const last = context.dispatcher.lastUserDelivery;
        if (!last) throw new ScenarioError(scenario.file, step.line, "redeliver: no webhook has been delivered yet");
        timeline.push({ type: "note", text: `redelivering ${last.name}${last.action ? `.${last.action}` : ""} (delivery ${last.id})` });
        await context.dispatcher.redeliver();
        return;
      }
    }
  } catch (error) {
    if (error instanceof SimulationError) throw new ScenarioError(scenario.file, step.line, error.message);
    throw error;
  }
}

export { ScenarioError };
