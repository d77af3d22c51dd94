/**
 * The scenario runner: starts the in-memory GitHub, then one or more real Probot servers
 * running the app through `createApp` (the production entry point) pointed at it, plays
 * the scenario's steps as webhooks over HTTP, and returns the final state (SPEC section 8)
 * with a timeline for the narration.
 *
 * What differs from production is listed in app-host.ts (the clock, Octokit's throttling
 * and retries, outgoing webhooks). Fault injection (`faults:`) makes the simulated GitHub
 * fail the way the real one does; errors that are consequences of injected faults are
 * reported apart from the run's `errors`, which are kept for bugs and simulator gaps.
 */
import { randomUUID } from "node:crypto";
import type { ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import { APP_ENV, forkedHost, inProcessHost, REPORT_ROUTE, SWEEP_ROUTE, SWEEP_SECRET, WEBHOOK_PATH, WEBHOOK_SECRET, type AppHost, type HostSpec } from "./app-host.js";
import { FaultInjector, INJECTED, type FaultCounts } from "./faults.js";
import { DateTime } from "luxon";
import { isoTime, SimulationError, World, type Effect, type SimComment, type SimItem, type SimRepo } from "./model.js";
import { advanceClock, applyScenarioRateLimits, parseScenario, ScenarioError, type Scenario, type Step } from "./scenario.js";
import { GitHubSimulator, type RequestCounts, type RequestRecord } from "./server.js";
import { WebhookDispatcher, type Delivery } from "./webhooks.js";
import type { SlaReport } from "../triage/report.js";

/** The JSON of `simulate --json`, exactly SPEC section 8's shape. */
export interface SimulationState {
  readonly repo: string;
  readonly now: string;
  readonly items: readonly SimulationItem[];
  readonly requests: { readonly rest: number; readonly graphql: number };
  readonly errors: readonly string[];
  /** Extension: the repository's labels at the end, sorted by name. */
  readonly labels: readonly { readonly name: string; readonly color: string; readonly description: string }[];
  /** Extension: the escalation notifications the app sent, in order (recorded, not sent). */
  readonly notifications: readonly SimulationNotification[];
  /** Extension: the scenario's further repositories (`repositories:`), each with its items and labels. */
  readonly repositories?: readonly { readonly repo: string; readonly items: readonly SimulationItem[]; readonly labels: SimulationState["labels"] }[];
  /** The SLA reports `report` steps produced, in order (only when the scenario has such steps). */
  readonly reports?: readonly SlaReport[];
}

/** One outgoing escalation notification, as the receiver would have got it. */
export interface SimulationNotification {
  /** The URL's host, or the `$ENV_NAME` the URL is read from. */
  readonly host: string;
  /** `X-Support-Triage-Event`. */
  readonly event: string;
  /** `X-Support-Triage-Delivery`: the idempotency id. */
  readonly id: string;
  readonly body: unknown;
}

export interface SimulationItem {
  /** `pull_request` for the pull requests a scenario opens (an extension: the app ignores them). */
  readonly kind: "issue" | "discussion" | "pull_request";
  readonly number: number;
  readonly title: string;
  readonly body: string;
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
  /** What a `report` step produced. */
  | { readonly type: "report"; readonly report: SlaReport; readonly requests: number }
  | { readonly type: "note"; readonly text: string }
  | {
      readonly type: "delivery";
      readonly id: string;
      readonly event: string;
      readonly action: string | null;
      readonly cause: "user" | "app";
      readonly redelivery: boolean;
      /** Which app server received it (0-based), when a run has several. */
      readonly replica?: number;
    }
  | { readonly type: "plan"; readonly plan: PlanLog }
  | { readonly type: "effect"; readonly effect: Effect }
  | { readonly type: "log"; readonly level: "warn" | "error"; readonly message: string }
  /** An escalation notification, recorded: where it went and its idempotency id. */
  | { readonly type: "outgoing-webhook"; readonly url: string; readonly id: string; readonly body?: unknown }
  | { readonly type: "requests"; readonly rest: number; readonly graphql: number; readonly rest304: number }
  /** One API request by the app (not narrated; lets tests see what each event cost). */
  | { readonly type: "api"; readonly request: RequestRecord }
  | { readonly type: "error"; readonly message: string }
  /** Something fault injection did (or caused): a failed request, a lost or late delivery. */
  | { readonly type: "fault"; readonly text: string };

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly state: SimulationState;
  /** `JSON.stringify(state)`: byte-identical for the same scenario. */
  readonly json: string;
  readonly timeline: readonly TimelineEntry[];
  /** Every webhook delivered, in order (tests validate the payloads). */
  readonly deliveries: readonly Delivery[];
  /** The simulated GitHub at the end (label history, comment ids: what tests check invariants on). */
  readonly world?: World;
  /** What fault injection did, when the scenario has a `faults:` block. */
  readonly faults?: FaultReport;
}

export interface FaultReport {
  readonly counts: Readonly<FaultCounts>;
  /**
   * Errors that were consequences of injected faults (the app giving up on a request
   * GitHub kept failing, a delivery answered 500 because of one). They are expected, so
   * they are kept here and out of `state.errors`, which stays for bugs and gaps.
   */
  readonly expected: readonly string[];
}

export interface RunOptions {
  /** The app to run; default the production `createApp`. Tests may pass a small stand-in. */
  readonly createApp?: (options: AppOptions) => ApplicationFunction;
  /** Bound on deliveries per step (default 1,000). */
  readonly maxDeliveriesPerStep?: number;
  /**
   * App servers sharing the one simulated GitHub (default 1), like replicas behind a load
   * balancer: deliveries and sweeps go to each in turn, and each has its own caches and
   * per-item locks.
   */
  readonly replicas?: number;
  /**
   * Run each replica in its own Node process (`child_process.fork`), always with the
   * production app (`createApp` is ignored). Default: all in this process.
   */
  readonly replicaProcesses?: boolean;
  /** Node options for forked replicas (default: a TypeScript loader when running from sources). */
  readonly forkExecArgv?: readonly string[];
  /**
   * Redis shared by the replicas, as `REDIS_URL` is in production (escalation claims, the
   * pacing state, Probot's limiter). Each run uses keys of its own.
   */
  readonly redisUrl?: string;
}


/** Per step: an app that keeps reacting to its own events is stopped here. */
const MAX_DELIVERIES_PER_STEP = 1000;
/** Bound on replicas: each is a whole Probot server. */
const MAX_REPLICAS = 8;

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where a recorded notification went: the URL's host, or the `$ENV_NAME` it is read from. */
function hostOf(target: string): string {
  if (target.startsWith("$")) return target;
  try {
    return new URL(target).host;
  } catch {
    return target;
  }
}

function notificationsOf(timeline: readonly TimelineEntry[]): SimulationNotification[] {
  return timeline.flatMap((entry) =>
    entry.type === "outgoing-webhook" ? [{ host: hostOf(entry.url), event: "escalated", id: entry.id, body: entry.body ?? null }] : [],
  );
}

function itemsOf(repo: SimRepo): SimulationItem[] {
  return [...repo.items.values()]
    .sort((a, b) => a.number - b.number)
    .map(
      (item: SimItem): SimulationItem => ({
        kind: item.pullRequest ? "pull_request" : item.kind,
        number: item.number,
        title: item.title,
        body: item.body,
        state: item.state,
        author: item.author.login,
        labels: item.labels.map((label) => label.name).sort(byCodeUnit),
        assignees: item.assignees.map((user) => user.login),
        comments: item.comments.map((comment) => ({ author: comment.author.login, body: comment.body, createdAt: isoTime(comment.createdAt) })),
      }),
    );
}

function labelsOf(repo: SimRepo): SimulationState["labels"] {
  return [...repo.labels]
    .sort((a, b) => byCodeUnit(a.name.toLowerCase(), b.name.toLowerCase()) || byCodeUnit(a.name, b.name))
    .map((label) => ({ name: label.name, color: label.color, description: label.description ?? "" }));
}

function stateOf(world: World, repo: SimRepo, counts: RequestCounts, errors: readonly string[], timeline: readonly TimelineEntry[], reports: readonly SlaReport[] | null = null): SimulationState {
  return {
    repo: repo.fullName,
    now: isoTime(world.now),
    items: itemsOf(repo),
    requests: { rest: counts.rest, graphql: counts.graphql },
    errors: [...errors],
    labels: labelsOf(repo),
    notifications: notificationsOf(timeline),
    ...(reports !== null ? { reports: [...reports] } : {}),
  };
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

/**
 * Resolves an `edit_comment`/`delete_comment` selector: a 1-based index among the item's
 * comments, or a login meaning that person's latest comment (`support-triage`: the app's
 * target comment, its first).
 */
function pickComment(item: SimItem, selector: number | string, scenario: Scenario, line: number): SimComment {
  if (typeof selector === "number") {
    const found = item.comments[selector - 1];
    if (!found) throw new ScenarioError(scenario.file, line, `comment ${selector}: #${item.number} has only ${item.comments.length} comment(s) at this point`);
    return found;
  }
  const key = selector.toLowerCase();
  if (key === "support-triage" || key === "support-triage[bot]") {
    const mine = item.comments.find((comment) => comment.author.type === "Bot" && comment.author.login.toLowerCase().startsWith("support-triage"));
    if (!mine) throw new ScenarioError(scenario.file, line, `#${item.number} has no comment by the app at this point`);
    return mine;
  }
  const theirs = item.comments.filter((comment) => comment.author.login.toLowerCase() === key).at(-1);
  if (!theirs) throw new ScenarioError(scenario.file, line, `#${item.number} has no comment by ${selector} at this point`);
  return theirs;
}

/** Resolves `reply_to`: a 1-based index among top-level comments, or the author of the latest one. */
function replyTarget(item: SimItem, replyTo: number | string, scenario: Scenario, line: number): SimComment {
  const topLevel = item.comments.filter((comment) => comment.replyTo === null);
  if (typeof replyTo === "number") {
    const found = topLevel[replyTo - 1];
    if (!found) throw new ScenarioError(scenario.file, line, `reply_to ${replyTo}: discussion #${item.number} has only ${topLevel.length} top-level ${topLevel.length === 1 ? "comment" : "comments"} at this point`);
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


/** Every step, with the steps inside `concurrently` steps. */
function flatSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => (step.type === "concurrently" ? [step, ...flatSteps(step.steps)] : [step]));
}

/** Runs one scenario file's text end to end. Throws {@link ScenarioError} for a broken scenario. */
export async function runScenario(text: string, file: string, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = parseScenario(text, file);
  const maxDeliveries = options.maxDeliveriesPerStep ?? MAX_DELIVERIES_PER_STEP;
  const createApp = options.createApp ?? (await import("../app.js")).createApp;
  const replicas = options.replicas ?? scenario.replicas ?? 1;
  // A scenario's `replicas:` are separate processes, like replicas behind a load balancer.
  const replicaProcesses = options.replicaProcesses ?? (options.replicas === undefined && replicas > 1);
  const redisPrefix = `support-triage:sim-${randomUUID()}:`;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new RangeError(`replicas must be a whole number from 1 to ${MAX_REPLICAS}, got ${String(replicas)}`);
  }

  const world = new World(scenario.now);
  applyScenarioRateLimits(world, scenario);
  const repo = world.createRepo(scenario.repo, scenario.ownerType === "user" ? "User" : "Organization");
  for (const member of scenario.members) {
    world.user(member);
    repo.members.add(member.toLowerCase());
  }
  for (const login of scenario.collaborators) {
    world.user(login);
    repo.collaborators.add(login.toLowerCase());
  }
  for (const [team, logins] of Object.entries(scenario.teams)) repo.teams.set((team.split("/").pop() ?? team).toLowerCase(), logins);
  for (const [path, content] of scenario.files) repo.files.set(path, content);
  // Further repositories: the same people have the same access there; each owner is an installation.
  const extras = scenario.repositories.map((spec) => {
    const extra = world.createRepo(spec.name, spec.ownerType === "user" ? "User" : "Organization");
    for (const member of scenario.members) extra.members.add(member.toLowerCase());
    for (const login of scenario.collaborators) extra.collaborators.add(login.toLowerCase());
    for (const [team, logins] of Object.entries(scenario.teams)) extra.teams.set((team.split("/").pop() ?? team).toLowerCase(), logins);
    for (const [path, content] of spec.files) extra.files.set(path, content);
    return extra;
  });
  if (scenario.ownerConfig !== undefined && repo.name !== ".github" && !extras.some((extra) => extra.name === ".github" && extra.owner.login === repo.owner.login)) {
    // The owner's `.github` repository, holding the configuration every repository falls back to.
    world.createRepo(`${repo.owner.login}/.github`).files.set(".github/support-triage.yml", scenario.ownerConfig);
  }
  // The app's own issues take numbers after every number the scenario uses (per repository).
  for (const target of [repo, ...extras]) {
    const mine = (step: Step): boolean => (step.repo === undefined ? target === repo : step.repo.toLowerCase() === target.fullName.toLowerCase());
    const numbers = flatSteps(scenario.steps).flatMap((step) =>
      step.type === "open" && mine(step) ? [step.number] : step.type === "transfer" && step.to.toLowerCase() === target.fullName.toLowerCase() ? [step.as] : [],
    );
    target.nextNumber = Math.max(0, ...numbers) + 1;
  }

  const timeline: TimelineEntry[] = [];
  const errors: string[] = [];
  const expected: string[] = [];
  const sim = new GitHubSimulator(world);
  const faults = scenario.faults ? new FaultInjector(scenario.faults, () => world.now) : null;
  if (faults) {
    sim.faults = faults;
    faults.onInject = (what) => timeline.push({ type: "fault", text: what });
  }
  let simUrl = "";
  let appUrls: string[] = [];
  const clean = (message: string): string => {
    let out = message.split(simUrl || "\u0000").join("<simulator>");
    for (const url of appUrls) out = out.split(url).join("<app>");
    return out.replace(/ - \d+ms\b/g, "");
  };
  // Once the app has paused an installation (GitHub kept failing), what it refuses without
  // sending is a consequence of the injected faults too.
  let pausedSeen = false;
  const consequence = (cleaned: string): boolean => faults !== null && (cleaned.includes(INJECTED) || (pausedSeen && / are paused until /.test(cleaned)));
  const addError = (message: string): void => {
    const cleaned = clean(message);
    if (consequence(cleaned)) {
      // The app gave up on a request GitHub kept failing: what the scenario asked for.
      expected.push(cleaned);
      timeline.push({ type: "fault", text: `the app gave up: ${cleaned}` });
      return;
    }
    errors.push(cleaned);
    timeline.push({ type: "error", message: cleaned });
  };
  sim.onError = addError;
  sim.onRequest = (request) => timeline.push({ type: "api", request });
  world.onEffect = (effect) => timeline.push({ type: "effect", effect });

  const onLogLine = (raw: string): void => {
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      return;
    }
    const level = typeof line.level === "number" ? line.level : 30;
    if (line.event === "support-triage.plan") timeline.push({ type: "plan", plan: asPlan(line) });
    if (line.event === "support-triage.github-paused" || line.event === "support-triage.github-backoff") pausedSeen = true;
    if (level >= 50) addError(logMessage(line));
    else if (level >= 40) timeline.push({ type: "log", level: "warn", message: clean(logMessage(line)) });
  };
  const hostSpec = (): HostSpec => ({
    simUrl,
    clock: () => world.now,
    onLogLine,
    onOutgoingWebhook: (url, id, body) => {
      timeline.push({ type: "outgoing-webhook", url, id, body });
    },
    ...(options.redisUrl ? { redisUrl: options.redisUrl, redisPrefix } : {}),
  });

  const savedEnv = Object.keys(APP_ENV).map((name) => [name, process.env[name]] as const);
  const hosts: AppHost[] = [];
  try {
    simUrl = await sim.listen();
    for (const [name, value] of Object.entries(APP_ENV)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const started = await Promise.allSettled(
      Array.from({ length: replicas }, () => (replicaProcesses ? forkedHost(hostSpec(), options.forkExecArgv) : inProcessHost(hostSpec(), createApp))),
    );
    for (const outcome of started) if (outcome.status === "fulfilled") hosts.push(outcome.value);
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) throw failed.reason;
    appUrls = hosts.map((host) => host.url);

    const dispatcher = new WebhookDispatcher(
      world,
      hosts.map((host) => ({ url: `${host.url}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET })),
    );
    dispatcher.faults = faults;
    dispatcher.onFault = (delivery, fault) => {
      const what = `${delivery.name}${delivery.action ? `.${delivery.action}` : ""}`;
      timeline.push({ type: "fault", text: fault === "drop" ? `delivery of ${what} lost (never delivered)` : `delivery of ${what} held back (arrives after the next step)` });
    };
    dispatcher.onDelivering = (delivery, redelivery, replica) => {
      timeline.push({ type: "delivery", id: delivery.id, event: delivery.name, action: delivery.action, cause: delivery.cause, redelivery, ...(hosts.length > 1 ? { replica } : {}) });
    };
    dispatcher.onDelivered = ({ delivery, status, faultsDuring }) => {
      if (status >= 200 && status < 300) return;
      const message = `simulator: delivery ${delivery.id} (${delivery.name}${delivery.action ? `.${delivery.action}` : ""}) was answered ${status}`;
      if (faultsDuring > 0 || (faults !== null && pausedSeen && status === 503)) {
        expected.push(message);
        timeline.push({ type: "fault", text: `${message} (${faultsDuring > 0 ? `GitHub failed the app ${faultsDuring === 1 ? "once" : `${faultsDuring} times`} meanwhile` : "the app had paused its requests: GitHub kept failing"})` });
      } else addError(message);
    };
    const drain = async (line: number, concurrently = false): Promise<void> => {
      let delivered = 0;
      let truncated = false;
      for (let first = true; first || world.outbox.length > 0; first = false) {
        const result = first && concurrently ? await dispatcher.drainConcurrently(maxDeliveries - delivered) : await dispatcher.drain(maxDeliveries - delivered);
        delivered += result.delivered;
        truncated ||= result.truncated;
        // With a durable queue (Redis) deliveries are answered before they are handled:
        // let every replica finish, then deliver what its writes caused.
        await Promise.all(hosts.map((host) => host.flush()));
        if (truncated) break;
      }
      if (truncated) {
        addError(`simulator: more than ${maxDeliveries} webhook deliveries after the step at line ${line}; the rest were dropped (does the app react to its own events?)`);
      }
    };
    /** Deliveries faults held back before the current step arrive now, late and out of order. */
    const releaseHeld = async (line: number, before?: number): Promise<void> => {
      const released = await dispatcher.releaseHeld(before);
      if (released > 0) {
        timeline.push({ type: "fault", text: `${released} held-back ${released === 1 ? "delivery arrives" : "deliveries arrive"} late` });
        await drain(line);
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

    const context: PlayContext = { world, repo, scenario, timeline, dispatcher, hosts, faults, addError, sweeps: 0, drainNow: (line) => drain(line) };
    for (const [index, step] of scenario.steps.entries()) {
      dispatcher.round = index + 1;
      const before = { ...sim.requests };
      timeline.push({ type: "step", at: world.now, step });
      await playStep(step, context);
      await drain(step.line, step.type === "concurrently");
      await releaseHeld(step.line, dispatcher.round);
      spent(before);
    }
    // GitHub delivers late, not never: what is still held back arrives at the end.
    if (dispatcher.pending > 0) {
      const before = { ...sim.requests };
      await releaseHeld(scenario.steps.at(-1)?.line ?? 0);
      spent(before);
    }
    await Promise.all(hosts.map((host) => host.flush()));
    const hasReports = scenario.steps.some((st) => st.type === "report");
    const reports = timeline.flatMap((e) => (e.type === "report" ? [e.report] : []));
    const main = stateOf(world, repo, sim.requests, errors, timeline, hasReports ? reports : null);
    const state: SimulationState =
      extras.length === 0
        ? main
        : { ...main, repositories: extras.map((extra) => ({ repo: extra.fullName, items: itemsOf(extra), labels: labelsOf(extra) })) };
    return {
      scenario,
      state,
      json: JSON.stringify(state),
      timeline,
      deliveries: [...dispatcher.delivered],
      world,
      ...(faults ? { faults: { counts: { ...faults.counts }, expected: [...expected] } } : {}),
    };
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
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
  readonly hosts: readonly AppHost[];
  readonly faults: FaultInjector | null;
  readonly addError: (message: string) => void;
  /** Sweeps so far: each goes to the next replica, as an external cron's calls would. */
  sweeps: number;
  /** Delivers what the world queued so far (the events a timed sweep's writes caused). */
  readonly drainNow: (line: number) => Promise<void>;
}

/** POST /support-triage/sweep on one app server (`?wait=1`: answered when the sweep is done). */
async function sweepOn(host: AppHost, context: PlayContext, token?: "wrong" | "none"): Promise<void> {
  const headers: Record<string, string> =
    token === "none" ? {} : { authorization: `Bearer ${token === "wrong" ? `${SWEEP_SECRET}-wrong` : SWEEP_SECRET}` };
  const response = await fetch(`${host.url}${SWEEP_ROUTE}?wait=1`, { method: "POST", headers });
  const text = await response.text();
  if (token !== undefined) {
    // The route must refuse, and sweep nothing.
    if (response.status === 401) context.timeline.push({ type: "note", text: `the sweep route refused it: ${response.status} ${text.slice(0, 80)}` });
    else context.addError(`simulator: the sweep route answered ${response.status} to a request with ${token === "none" ? "no" : "a wrong"} token`);
    return;
  }
  // (A failure caused by an injected fault keeps its marker, however long the answer, so it is
  // told apart from a bug.)
  if (!response.ok) context.addError(`simulator: the sweep route answered ${response.status}: ${text.includes(INJECTED) ? `${text.slice(0, 160)}… (${INJECTED})` : text.slice(0, 200)}`);
  else context.timeline.push({ type: "sweep-summary", text });
}

/** GET /support-triage/report on one app server: the report of the scenario's repository now. */
async function reportOn(host: AppHost, step: { since: string | null; until: string | null }, context: PlayContext): Promise<void> {
  const query = new URLSearchParams({ repo: context.repo.fullName, format: "json" });
  if (step.since !== null) query.set("since", step.since);
  if (step.until !== null) query.set("until", step.until);
  const response = await fetch(`${host.url}${REPORT_ROUTE}?${query.toString()}`, { headers: { authorization: `Bearer ${SWEEP_SECRET}` } });
  const text = await response.text();
  if (!response.ok) {
    // A report GitHub kept failing (an injected fault) is told apart from a bug by addError.
    context.addError(`simulator: the report route answered ${response.status}: ${text.includes(INJECTED) ? `${text.slice(0, 160)}… (${INJECTED})` : text.slice(0, 200)}`);
    return;
  }
  const body = JSON.parse(text) as { report: SlaReport; requests: number };
  context.timeline.push({ type: "report", report: body.report, requests: body.requests });
}

/** Applies one step to the world; its webhooks are queued for delivery. */
async function playStep(step: Step, context: PlayContext): Promise<void> {
  const { world, scenario, timeline } = context;
  const [ownerName = "", repoName = ""] = (step.repo ?? "").split("/");
  const repo = step.repo === undefined ? context.repo : (world.repo(ownerName, repoName) ?? context.repo);
  const itemFor = (number: number): SimItem => {
    const item = world.item(repo, number);
    if (!item) throw new ScenarioError(scenario.file, step.line, `#${number} does not exist${step.repo !== undefined ? ` in ${step.repo}` : ""}`);
    return item;
  };
  try {
    switch (step.type) {
      case "open":
        world.openItem(repo, { ...step, kind: step.kind === "pull_request" ? "issue" : step.kind, pullRequest: step.kind === "pull_request", author: world.user(step.author) });
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
      case "edit_comment":
      case "delete_comment": {
        const item = itemFor(step.number);
        const comment = pickComment(item, step.comment, scenario, step.line);
        const by = world.user(step.by);
        const mayWrite = world.association(repo, by) !== "NONE" || by.type === "Bot";
        if (!mayWrite && comment.author.login.toLowerCase() !== by.login.toLowerCase()) {
          throw new ScenarioError(scenario.file, step.line, `${step.by} cannot change ${comment.author.login}'s comment on #${step.number}: only its author and members can`);
        }
        if (step.type === "edit_comment") world.editComment(comment, by, step.body);
        else world.deleteComment(comment, by);
        return;
      }
      case "close":
      case "reopen":
        world.setState(itemFor(step.number), world.user(step.by), step.type === "close" ? "closed" : "open");
        return;
      case "transfer": {
        const [toOwner = "", toName = ""] = step.to.split("/");
        const target = world.repo(toOwner, toName) ?? context.repo;
        const item = itemFor(step.number);
        world.transferIssue(item, target, world.user(step.by), step.as);
        return;
      }
      case "convert":
        world.convertToDiscussion(itemFor(step.number), step.category, world.user(step.by));
        return;
      case "lock":
      case "unlock":
        world.setLocked(itemFor(step.number), world.user(step.by), step.type === "lock");
        return;
      case "answer": {
        const item = itemFor(step.number);
        world.markAnswer(item, pickComment(item, step.comment, scenario, step.line), world.user(step.by));
        return;
      }
      case "advance":
        world.now = advanceClock(world.now, step, scenario.timezone);
        await Promise.all(context.hosts.map((host) => host.setClock(world.now)));
        return;
      case "sweep":
        await sweepOn(context.hosts[context.sweeps++ % context.hosts.length] as AppHost, context, step.token);
        return;
      case "tick": {
        const until = advanceClock(world.now, step, scenario.timezone);
        const timers = context.hosts.flatMap((host) => (host.timer ? [host.timer] : []));
        if (timers.length < context.hosts.length) throw new ScenarioError(scenario.file, step.line, "tick needs app servers in this process (replicas in their own processes keep their timers to themselves)");
        for (;;) {
          const due = timers.map((timer) => timer.nextDue()).filter((at): at is number => at !== null && at <= until);
          if (due.length === 0) break;
          world.now = Math.max(world.now, Math.min(...due));
          await Promise.all(context.hosts.map((host) => host.setClock(world.now)));
          for (const [index, timer] of timers.entries()) {
            if ((timer.nextDue() ?? Number.POSITIVE_INFINITY) > world.now) continue;
            const at = DateTime.fromMillis(world.now, { zone: scenario.timezone }).toFormat("HH:mm ZZZZ");
            timeline.push({ type: "note", text: `the in-server timer${timers.length > 1 ? ` of server ${index + 1}` : ""} sweeps (${at})` });
            await timer.runDue();
          }
          await context.drainNow(step.line);
        }
        world.now = until;
        await Promise.all(context.hosts.map((host) => host.setClock(world.now)));
        return;
      }
      case "report":
        await reportOn(context.hosts[context.sweeps++ % context.hosts.length] as AppHost, step, context);
        return;
      case "redeliver": {
        const last = context.dispatcher.lastUserDelivery;
        if (!last) throw new ScenarioError(scenario.file, step.line, "redeliver: no webhook has been delivered yet");
        const times = step.times ?? 1;
        const how = times === 1 ? "" : ` ${times} times${step.concurrently === true ? ", all at once" : ""}`;
        timeline.push({ type: "note", text: `redelivering ${last.name}${last.action ? `.${last.action}` : ""} (delivery ${last.id})${how}` });
        await context.dispatcher.redeliver(times, step.concurrently === true);
        return;
      }
      case "faults":
        if (context.faults) context.faults.enabled = step.on;
        return;
      case "push":
        world.push(repo, world.user(step.by), new Map(step.files), step.message);
        return;
      case "install":
        world.installationCreated(world.user(step.by ?? scenario.members[0] ?? `${repo.owner.login}-admin`));
        return;
      case "merge":
      case "close_pull": {
        const pull = world.openPullFor(repo, step.branch);
        if (!pull) throw new ScenarioError(scenario.file, step.line, `no open pull request from ${step.branch}`);
        if (step.type === "merge") world.mergePull(pull, world.user(step.by));
        else world.closePull(pull);
        return;
      }
      case "concurrently": {
        // The world changes in order, as GitHub applies the actions; the webhooks they
        // cause are then delivered all at once (see the drain after this step). Sweeps
        // in the list are all called at once, each on the next replica, as cron calls
        // that overlap would be.
        const sweeps: Promise<void>[] = [];
        for (const inner of step.steps) {
          if (inner.type === "sweep") sweeps.push(sweepOn(context.hosts[context.sweeps++ % context.hosts.length] as AppHost, context));
          else await playStep(inner, context);
        }
        await Promise.all(sweeps);
        return;
      }
    }
  } catch (error) {
    if (error instanceof SimulationError) throw new ScenarioError(scenario.file, step.line, error.message);
    throw error;
  }
}

export { ScenarioError };
