/**
 * Scenario files (SPEC section 8): parsing with source positions, and every check that
 * can be made before anything runs, so a broken scenario fails with one clear message
 * naming its file and line instead of a confusing simulation.
 *
 * Besides the shape, the checks follow GitHub's permissions: only people with triage or
 * write access (the scenario's `members`) label, unlabel, or edit/close others' items;
 * an author labels only at creation (a form's `labels:`). A step GitHub would refuse is a
 * scenario error, because a simulation of something impossible proves nothing.
 *
 * Optional top-level `rate_limits:` (an extension, like `faults:`) sets the installation's
 * hourly primary rate limits, which the simulated GitHub enforces on the simulated clock
 * (see `RateLimits` in ./model.ts and ./cost.ts): `rate_limits: {graphql_points: 5000,
 * rest_requests: 5000}` — both keys optional, whole numbers ≥ 0, GitHub's defaults for an
 * app installation (5,000 each) when absent. GraphQL requests are charged GitHub's
 * documented point cost, REST requests 1 each (304s free); once a budget is spent GitHub's
 * RATE_LIMITED (GraphQL, HTTP 200) or 403 (REST) comes back until the hour since the
 * window's first request is over. Apply a parsed scenario's limits to its world with
 * {@link applyScenarioRateLimits}.
 */
import { DateTime, Duration } from "luxon";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from "yaml";
import { DEFAULT_CONFIG } from "../config/defaults.js";
import { NO_FAULTS, type FaultSpec } from "./faults.js";
import type { RateLimitBudgets, World } from "./model.js";

export type ItemKind = "issue" | "discussion";
/** What `open.kind` may say: a pull request is played too (the app must ignore it). */
export type OpenKind = ItemKind | "pull_request";

interface StepBase {
  /** 1-based line of the step in the scenario file. */
  readonly line: number;
  /** Extension: the repository the step acts in (`owner/name`, one of `repositories:`); absent = the scenario's `repo`. */
  readonly repo?: string;
}

/** Extension: a further repository of the scenario (`repositories:`). */
export interface ExtraRepository {
  /** `owner/name`. */
  readonly name: string;
  readonly files: readonly (readonly [string, string])[];
  /** `user` when a person owns it (a separate installation, like every other owner). */
  readonly ownerType: "organization" | "user";
}

export type Step =
  | (StepBase & {
      readonly type: "open";
      readonly kind: OpenKind;
      readonly number: number;
      readonly author: string;
      readonly title: string;
      readonly body: string;
      readonly labels: readonly string[];
      readonly category: string | null;
    })
  | (StepBase & { readonly type: "label" | "unlabel"; readonly number: number; readonly label: string; readonly by: string })
  | (StepBase & { readonly type: "comment"; readonly number: number; readonly author: string; readonly body: string; readonly replyTo: number | string | null })
  | (StepBase & {
      readonly type: "edit";
      readonly number: number;
      readonly by: string;
      readonly title?: string;
      readonly body?: string;
      readonly category?: string;
    })
  | (StepBase & { readonly type: "close" | "reopen"; readonly number: number; readonly by: string })
  /** Extension: locking the conversation (members only), and marking a discussion comment as the answer. */
  | (StepBase & { readonly type: "lock" | "unlock"; readonly number: number; readonly by: string })
  /**
   * Extension: an issue transferred to another of the scenario's repositories (it takes
   * the next number there, `as` names it for later steps), or converted to a discussion
   * (same number, in `category`).
   */
  | (StepBase & { readonly type: "transfer"; readonly number: number; readonly to: string; readonly as: number; readonly by: string })
  | (StepBase & { readonly type: "convert"; readonly number: number; readonly category: string; readonly by: string })
  | (StepBase & { readonly type: "answer"; readonly number: number; readonly comment: number | string; readonly by: string })
  /**
   * Extension: a comment edited (`body`) or deleted. `comment` picks it: a 1-based index
   * among the item's comments as listed (the app's included), or a login meaning that
   * person's latest comment (`support-triage` for the app's target comment, its first).
   */
  | (StepBase & { readonly type: "edit_comment"; readonly number: number; readonly comment: number | string; readonly by: string; readonly body: string })
  | (StepBase & { readonly type: "delete_comment"; readonly number: number; readonly comment: number | string; readonly by: string })
  | (StepBase & { readonly type: "advance"; readonly text: string; readonly days: number; readonly minutes: number })
  /**
   * POST /support-triage/sweep. Extension: `token: wrong` or `token: none` calls it with a
   * wrong or no bearer token, which the route must refuse (401) without sweeping.
   */
  | (StepBase & { readonly type: "sweep"; readonly token?: "wrong" | "none" })
  /** Extension: the clock moves like `advance`, and the in-server timer runs each sweep that falls due, at its instant. */
  | (StepBase & { readonly type: "tick"; readonly text: string; readonly days: number; readonly minutes: number })
  /** The SLA report of the scenario's repository at the current clock (GET /support-triage/report). */
  | (StepBase & { readonly type: "report"; readonly since: string | null; readonly until: string | null })
  | (StepBase & {
      readonly type: "redeliver";
      /** How many times the delivery is sent again (default 1). */
      readonly times?: number;
      /** All at once rather than one after another (default false). */
      readonly concurrently?: boolean;
    })
  /** Turns fault injection off (or on again); see the scenario's `faults:` block. */
  | (StepBase & { readonly type: "faults"; readonly on: boolean })
  /** A commit on the default branch: files written (`null` deletes), then a `push` webhook. */
  | (StepBase & {
      readonly type: "push";
      readonly by: string;
      readonly message: string;
      readonly files: readonly (readonly [string, string | null])[];
    })
  /** The app is installed again (GitHub sends `installation.created` once more), as by `by`. */
  | (StepBase & { readonly type: "install"; readonly by: string | null })
  /** A member merges, or closes unmerged, the open pull request from `branch` (the app's onboarding one). */
  | (StepBase & { readonly type: "merge" | "close_pull"; readonly branch: string; readonly by: string })
  /** Several item steps whose webhooks are all delivered at once, in parallel. */
  | (StepBase & { readonly type: "concurrently"; readonly steps: readonly Step[] });

export interface Scenario {
  readonly file: string;
  /** `owner/name`. */
  readonly repo: string;
  /** Simulated clock at the start, epoch ms. */
  readonly now: number;
  /** Zone for calendar-day `advance` steps and the narration: the config's `timezone`, else the default. */
  readonly timezone: string;
  readonly description: string | null;
  readonly members: readonly string[];
  /** Extension: outside collaborators with write access (author association COLLABORATOR). */
  readonly collaborators: readonly string[];
  /** Extension: `user` when the repository belongs to a person (its owner is then OWNER, with write access). */
  readonly ownerType: "organization" | "user";
  /** Extension: `org/team-slug` → member logins, for team responders. */
  readonly teams: Readonly<Record<string, readonly string[]>>;
  /** Text of `.github/support-triage.yml`, when given. */
  readonly config: string | null;
  /** Extension: text of the owner's `.github` repository's `.github/support-triage.yml` (`owner_config:`). */
  readonly ownerConfig?: string;
  readonly files: readonly (readonly [string, string])[];
  /** Extension: further repositories (an owner's `.github`, other repositories, other owners: other installations). */
  readonly repositories: readonly ExtraRepository[];
  readonly steps: readonly Step[];
  /** Extension: fault injection (`faults:`); absent = GitHub never fails. */
  readonly faults?: FaultSpec;
  /** Extension: app replicas, each its own Node process (`replicas: 3`); absent = one server. */
  readonly replicas?: number;
  /** Extension: the installation's hourly budgets (`rate_limits:`); absent = GitHub's defaults. */
  readonly rateLimits?: Partial<RateLimitBudgets>;
}

/** Gives a scenario's world the scenario's `rate_limits:` (every installation; a scenario has one). */
export function applyScenarioRateLimits(world: World, scenario: Scenario): void {
  if (scenario.rateLimits) world.rateLimits.configure(scenario.rateLimits);
}

/** A scenario that cannot run, with where the problem is. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ""}: ${problem}`);
  }
}

const STEP_KEYS: Readonly<Record<string, readonly string[]>> = {
  open: ["kind", "number", "author", "title", "body", "labels", "category"],
  label: ["number", "label", "by"],
  unlabel: ["number", "label", "by"],
  comment: ["number", "author", "body", "reply_to"],
  edit: ["number", "by", "title", "body", "category"],
  close: ["number", "by"],
  reopen: ["number", "by"],
  edit_comment: ["number", "comment", "by", "body"],
  lock: ["number", "by"],
  transfer: ["number", "to", "as", "by"],
  convert: ["number", "category", "by"],
  unlock: ["number", "by"],
  answer: ["number", "comment", "by"],
  delete_comment: ["number", "comment", "by"],
  advance: [],
  tick: [],
  sweep: ["token"],
  report: ["since", "until"],
  redeliver: ["times", "concurrently"],
  faults: [],
  push: ["files", "by", "message"],
  install: ["by"],
  merge: ["branch", "by"],
  close_pull: ["branch", "by"],
  concurrently: [],
};
/** Steps a `concurrently` step may hold: a person's action on an item, or a sweep (a cron call). */
const CONCURRENT_STEPS = ["open", "label", "unlabel", "comment", "edit", "close", "reopen", "edit_comment", "delete_comment", "sweep"];
const TOP_KEYS = ["repo", "now", "members", "collaborators", "owner_type", "config", "owner_config", "files", "repositories", "steps", "teams", "description", "faults", "replicas", "rate_limits"];
/** Steps that may name another repository with `repo:`. */
const REPO_STEPS = ["open", "label", "unlabel", "comment", "edit", "close", "reopen", "edit_comment", "delete_comment", "lock", "unlock", "answer", "transfer", "convert", "push"];
const REPOSITORY_KEYS = ["files", "config", "owner_type"];
/** A login, or a bot's (`renovate[bot]`): bots comment and label, and never count as responders. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const RATE_LIMIT_KEYS = ["graphql_points", "rest_requests"];
/** Bound on `replicas:`: each is a whole Probot server in its own process. */
export const MAX_SCENARIO_REPLICAS = 8;
const FAULT_KEYS = ["seed", "error_rate", "applied_on_error", "secondary_rate_limit", "latency_ms", "drop_webhooks", "delay_webhooks", "until"];
/** Real latency is capped: a scenario must stay quick to run. */
const MAX_LATENCY_MS = 1000;

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

function suggestion(word: string, options: readonly string[]): string {
  const best = [...options].sort((a, b) => distance(word, a) - distance(word, b))[0];
  return best !== undefined && distance(word, best) <= 2 ? ` (did you mean "${best}"?)` : "";
}

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Parses `30m`, `2h`, `3d` (`d` = calendar days), or a combination such as `1d2h30m`.
 * Days stay separate from minutes because a calendar day is not always 24 hours.
 */
export function parseAdvance(text: string): { days: number; minutes: number } | null {
  const trimmed = text.trim();
  if (!/^(?:\d{1,6}[dhm])+$/.test(trimmed)) return null;
  let days = 0;
  let minutes = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([dhm])/g)) {
    const value = Number(amount);
    if (unit === "d") days += value;
    else minutes += unit === "h" ? value * 60 : value;
  }
  return { days, minutes };
}

/** Moves a clock by an `advance` step: days are calendar days in `zone`, then minutes are absolute. */
export function advanceClock(now: number, step: { days: number; minutes: number }, zone: string): number {
  const afterDays = step.days === 0 ? now : DateTime.fromMillis(now, { zone }).plus({ days: step.days }).toMillis();
  return afterDays + Duration.fromObject({ minutes: step.minutes }).toMillis();
}

interface ItemShadow {
  readonly kind: ItemKind;
  readonly author: string;
  state: "open" | "closed";
  closedBy: string | null;
}

class Parser {
  private readonly lines = new LineCounter();
  private repoNames = new Map<string, string>();
  private mainRepo = "acme/support";

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  private lineOf(node: YamlNode | Pair | null | undefined): number | null {
    const range = node && "range" in node ? node.range : node && "key" in node && isScalar(node.key) ? node.key.range : null;
    return range ? this.lines.linePos(range[0]).line : null;
  }

  fail(node: YamlNode | Pair | null | undefined, problem: string): never {
    throw new ScenarioError(this.file, this.lineOf(node), problem);
  }

  private string(node: unknown, what: string, parent: YamlNode): string {
    if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number")) return String(node.value);
    this.fail((node as YamlNode | null) ?? parent, `${what} must be a string, found ${quote(isScalar(node) ? node.value : typeof node)}`);
  }

  private login(node: unknown, what: string, parent: YamlNode): string {
    const login = this.string(node, what, parent);
    if (!LOGIN.test(login)) this.fail((node as YamlNode | null) ?? parent, `${what} ${quote(login)} is not a GitHub login`);
    return login;
  }

  private integer(node: unknown, what: string, parent: YamlNode): number {
    if (isScalar(node) && typeof node.value === "number" && Number.isInteger(node.value) && node.value > 0) return node.value;
    this.fail((node as YamlNode | null) ?? parent, `${what} must be a positive whole number, found ${quote(isScalar(node) ? node.value : typeof node)}`);
  }

  private stringList(node: unknown, what: string, parent: YamlNode): string[] {
    if (isScalar(node) && typeof node.value === "string") return [node.value];
    if (!isSeq(node)) this.fail((node as YamlNode | null) ?? parent, `${what} must be a list of strings`);
    return node.items.map((item) => this.string(item, `each of ${what}`, node));
  }

  private mapEntries(map: YAMLMap, allowed: readonly string[], where: string): Map<string, { pair: Pair; value: unknown }> {
    const entries = new Map<string, { pair: Pair; value: unknown }>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) this.fail(map, `${where}: keys must be plain words`);
      if (!allowed.includes(key)) {
        this.fail(pair.key as YamlNode, `${where}: unknown key ${quote(key)}${suggestion(key, allowed)}; allowed: ${allowed.join(", ")}`);
      }
      entries.set(key, { pair, value: pair.value });
    }
    return entries;
  }

  parse(): Scenario {
    const doc = parseDocument(this.text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const firstError = doc.errors[0];
    if (firstError) {
      const line = this.lines.linePos(firstError.pos[0]).line;
      const message = (firstError.message.split("\n")[0] ?? firstError.message).replace(/ at line \d+, column \d+:?$/, "");
      throw new ScenarioError(this.file, line, `invalid YAML: ${message}`);
    }
    const root = doc.contents;
    if (!isMap(root)) throw new ScenarioError(this.file, 1, "a scenario must be a YAML mapping with at least `now` and `steps`");
    const top = this.mapEntries(root, TOP_KEYS, "scenario");

    const configNode = top.get("config")?.value;
    const config = configNode === undefined || (isScalar(configNode) && configNode.value === null) ? null : this.string(configNode, "config", root);
    const ownerConfigNode = top.get("owner_config")?.value;
    const ownerConfig = ownerConfigNode === undefined ? null : this.string(ownerConfigNode, "owner_config", root);
    const timezone = zoneFromConfig(config) ?? DEFAULT_CONFIG.timezone;

    const repoNode = top.get("repo")?.value;
    const repo = repoNode === undefined ? "acme/support" : this.string(repoNode, "repo", root);
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo)) this.fail(repoNode as YamlNode, `repo ${quote(repo)} must look like owner/name`);

    const nowEntry = top.get("now");
    if (!nowEntry) this.fail(root, "`now` is required: the simulated clock at the start, e.g. now: \"2026-12-01T09:00:00-08:00\"");
    const nowText = this.string(nowEntry.value, "now", root);
    const parsedNow = DateTime.fromISO(nowText, { setZone: true, zone: timezone });
    if (!parsedNow.isValid) this.fail(nowEntry.value as YamlNode, `now ${quote(nowText)} is not an ISO-8601 time such as "2026-12-01T09:00:00-08:00"`);

    const descriptionNode = top.get("description")?.value;
    const description = descriptionNode === undefined ? null : this.string(descriptionNode, "description", root);

    const membersNode = top.get("members")?.value;
    const members = membersNode === undefined ? [] : this.stringList(membersNode, "members", root);
    for (const member of members) if (!LOGIN.test(member)) this.fail(membersNode as YamlNode, `member ${quote(member)} is not a GitHub login`);
    const collaboratorsNode = top.get("collaborators")?.value;
    const collaborators = collaboratorsNode === undefined ? [] : this.stringList(collaboratorsNode, "collaborators", root);
    for (const login of collaborators) if (!LOGIN.test(login)) this.fail(collaboratorsNode as YamlNode, `collaborator ${quote(login)} is not a GitHub login`);
    const ownerTypeNode = top.get("owner_type")?.value;
    const ownerType = ownerTypeNode === undefined ? "organization" : this.string(ownerTypeNode, "owner_type", root);
    if (ownerType !== "organization" && ownerType !== "user") this.fail(ownerTypeNode as YamlNode, `owner_type must be organization or user, found ${quote(ownerType)}`);
    // Write access: members, outside collaborators, the owning user, and bots (an app installed with permissions).
    const memberSet = new Set([...members, ...collaborators, ...(ownerType === "user" ? [repo.split("/")[0] ?? ""] : [])].map((m) => m.toLowerCase()));

    const teams: Record<string, string[]> = {};
    const teamsNode = top.get("teams")?.value;
    if (teamsNode !== undefined) {
      if (!isMap(teamsNode)) this.fail(teamsNode as YamlNode, "teams must map team names (org/slug) to lists of logins");
      for (const pair of teamsNode.items) {
        const name = this.string(pair.key, "team name", teamsNode);
        teams[name] = this.stringList(pair.value, `members of team ${name}`, teamsNode);
      }
    }

    const files: [string, string][] = [];
    if (config !== null) files.push([".github/support-triage.yml", config]);
    const filesNode = top.get("files")?.value;
    if (filesNode !== undefined) {
      if (!isMap(filesNode)) this.fail(filesNode as YamlNode, "files must map repository paths to file contents");
      for (const pair of filesNode.items) {
        const path = this.string(pair.key, "file path", filesNode);
        if (path.startsWith("/") || path.includes("..") || path === "") this.fail(pair.key as YamlNode, `file path ${quote(path)} must be relative to the repository root`);
        if (files.some(([existing]) => existing === path)) {
          this.fail(pair.key as YamlNode, `${path} is given twice${path === ".github/support-triage.yml" ? " (once as config:)" : ""}`);
        }
        files.push([path, this.string(pair.value, `contents of ${path}`, filesNode)]);
      }
    }

    const faultsNode = top.get("faults")?.value;
    const faults = faultsNode === undefined ? null : this.faults(faultsNode as YamlNode, root, timezone);

    const replicasNode = top.get("replicas")?.value;
    let replicas: number | null = null;
    if (replicasNode !== undefined) {
      const value = isScalar(replicasNode) ? replicasNode.value : null;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_SCENARIO_REPLICAS) {
        this.fail(replicasNode as YamlNode, `replicas must be a whole number from 1 to ${MAX_SCENARIO_REPLICAS}, found ${quote(value ?? typeof replicasNode)}`);
      }
      replicas = value;
    }

    const rateLimitsNode = top.get("rate_limits")?.value;
    const rateLimits = rateLimitsNode === undefined ? null : this.rateLimits(rateLimitsNode as YamlNode, root);

    const repositories: ExtraRepository[] = [];
    const reposNode = top.get("repositories")?.value;
    if (reposNode !== undefined) {
      if (!isMap(reposNode)) this.fail(reposNode as YamlNode, "repositories must map owner/name to {files, config, owner_type}");
      for (const pair of reposNode.items) {
        const name = this.string(pair.key, "repository name", reposNode);
        if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(name)) this.fail(pair.key as YamlNode, `repository ${quote(name)} must look like owner/name`);
        if (name.toLowerCase() === repo.toLowerCase() || repositories.some((r) => r.name.toLowerCase() === name.toLowerCase())) this.fail(pair.key as YamlNode, `${name} is given twice`);
        const spec = pair.value;
        const entries = spec === null || (isScalar(spec) && spec.value === null) ? new Map() : isMap(spec) ? this.mapEntries(spec, REPOSITORY_KEYS, `repositories.${name}`) : this.fail(spec as YamlNode, `repositories.${name} must be a mapping`);
        const extraFiles: [string, string][] = [];
        const extraConfig = entries.get("config")?.value;
        if (extraConfig !== undefined) extraFiles.push([".github/support-triage.yml", this.string(extraConfig, `repositories.${name}.config`, reposNode)]);
        const fileMap = entries.get("files")?.value;
        if (fileMap !== undefined) {
          if (!isMap(fileMap)) this.fail(fileMap as YamlNode, `repositories.${name}.files must map paths to contents`);
          for (const filePair of fileMap.items) {
            const path = this.string(filePair.key, "file path", fileMap);
            if (path.startsWith("/") || path.includes("..") || path === "") this.fail(filePair.key as YamlNode, `file path ${quote(path)} must be relative to the repository root`);
            if (extraFiles.some(([existing]) => existing === path)) this.fail(filePair.key as YamlNode, `${path} is given twice`);
            extraFiles.push([path, this.string(filePair.value, `contents of ${path}`, fileMap)]);
          }
        }
        const typeNode = entries.get("owner_type")?.value;
        const type = typeNode === undefined ? "organization" : this.string(typeNode, "owner_type", reposNode);
        if (type !== "organization" && type !== "user") this.fail(typeNode as YamlNode, `owner_type must be organization or user, found ${quote(type)}`);
        repositories.push({ name, files: extraFiles, ownerType: type });
      }
    }
    this.repoNames = new Map([[repo.toLowerCase(), repo], ...repositories.map((r) => [r.name.toLowerCase(), r.name] as [string, string])]);
    this.mainRepo = repo;

    const stepsEntry = top.get("steps");
    if (!stepsEntry) this.fail(root, "`steps` is required: a list of steps such as `- open: {...}`");
    const stepsNode = stepsEntry.value;
    if (!isSeq(stepsNode)) this.fail(stepsEntry.pair.key as YamlNode, "steps must be a list");

    const items = new Map<string, ItemShadow>();
    const steps: Step[] = [];
    for (const node of stepsNode.items) {
      const step = this.step(node as YamlNode, items, memberSet);
      if (step.type === "faults" && faults === null) this.fail(node as YamlNode, "a faults step needs a `faults:` block at the top of the scenario");
      steps.push(step);
    }
    return {
      file: this.file,
      repo,
      now: parsedNow.toMillis(),
      timezone,
      description,
      members,
      collaborators,
      ownerType,
      teams,
      config,
      files,
      repositories,
      steps,
      ...(ownerConfig !== null ? { ownerConfig } : {}),
      ...(faults !== null ? { faults } : {}),
      ...(replicas !== null ? { replicas } : {}),
      ...(rateLimits !== null ? { rateLimits } : {}),
    };
  }

  /** The `rate_limits:` block: `graphql_points` and `rest_requests`, each optional, whole numbers ≥ 0. */
  private rateLimits(node: YamlNode, root: YamlNode): Partial<RateLimitBudgets> {
    if (!isMap(node)) this.fail(node ?? root, "rate_limits must be a mapping, e.g. `rate_limits: {graphql_points: 5000, rest_requests: 5000}`");
    const entries = this.mapEntries(node, RATE_LIMIT_KEYS, "rate_limits");
    const budget = (key: string): number | undefined => {
      const value = entries.get(key)?.value;
      if (value === undefined) return undefined;
      if (isScalar(value) && typeof value.value === "number" && Number.isSafeInteger(value.value) && value.value >= 0) return value.value;
      this.fail((value as YamlNode | null) ?? node, `rate_limits.${key} must be a whole number ≥ 0, found ${quote(isScalar(value) ? value.value : typeof value)}`);
    };
    const graphqlPoints = budget("graphql_points");
    const restRequests = budget("rest_requests");
    return { ...(graphqlPoints !== undefined ? { graphqlPoints } : {}), ...(restRequests !== undefined ? { restRequests } : {}) };
  }

  private share(node: unknown, what: string, parent: YamlNode): number {
    if (isScalar(node) && typeof node.value === "number" && node.value >= 0 && node.value <= 1) return node.value;
    this.fail((node as YamlNode | null) ?? parent, `${what} must be a share between 0 and 1, found ${quote(isScalar(node) ? node.value : typeof node)}`);
  }

  /** The `faults:` block: every key optional; shares in [0, 1]; `until` a time like `now`. */
  private faults(node: YamlNode, root: YamlNode, timezone: string): FaultSpec {
    if (!isMap(node)) this.fail(node ?? root, "faults must be a mapping, e.g. `faults: {seed: 7, error_rate: 0.2}`");
    const entries = this.mapEntries(node, FAULT_KEYS, "faults");
    const get = (key: string): unknown => entries.get(key)?.value;
    const share = (key: string, fallback: number): number => (get(key) === undefined ? fallback : this.share(get(key), `faults.${key}`, node));
    let seed = NO_FAULTS.seed;
    if (get("seed") !== undefined) {
      const seedNode = get("seed");
      if (!(isScalar(seedNode) && typeof seedNode.value === "number" && Number.isInteger(seedNode.value) && seedNode.value >= 0)) {
        this.fail((seedNode as YamlNode) ?? node, `faults.seed must be a whole number ≥ 0, found ${quote(isScalar(seedNode) ? seedNode.value : typeof seedNode)}`);
      }
      seed = seedNode.value as number;
    }
    let latencyMs = 0;
    if (get("latency_ms") !== undefined) {
      const latencyNode = get("latency_ms");
      if (!(isScalar(latencyNode) && typeof latencyNode.value === "number" && Number.isInteger(latencyNode.value) && latencyNode.value >= 0 && latencyNode.value <= MAX_LATENCY_MS)) {
        this.fail((latencyNode as YamlNode) ?? node, `faults.latency_ms must be whole milliseconds from 0 to ${MAX_LATENCY_MS}, found ${quote(isScalar(latencyNode) ? latencyNode.value : typeof latencyNode)}`);
      }
      latencyMs = latencyNode.value as number;
    }
    let until: number | null = null;
    if (get("until") !== undefined) {
      const text = this.string(get("until"), "faults.until", node);
      const parsed = DateTime.fromISO(text, { setZone: true, zone: timezone });
      if (!parsed.isValid) this.fail(get("until") as YamlNode, `faults.until ${quote(text)} is not an ISO-8601 time such as "2026-12-01T12:00:00-08:00"`);
      until = parsed.toMillis();
    }
    const spec: FaultSpec = {
      seed,
      errorRate: share("error_rate", 0),
      appliedOnError: share("applied_on_error", NO_FAULTS.appliedOnError),
      secondaryRateLimit: share("secondary_rate_limit", 0),
      latencyMs,
      dropWebhooks: share("drop_webhooks", 0),
      delayWebhooks: share("delay_webhooks", 0),
      until,
    };
    if (spec.errorRate + spec.secondaryRateLimit > 1) this.fail(node, "faults.error_rate and faults.secondary_rate_limit add up to more than 1");
    if (spec.dropWebhooks + spec.delayWebhooks > 1) this.fail(node, "faults.drop_webhooks and faults.delay_webhooks add up to more than 1");
    return spec;
  }

  /** A step's `repo:`: null for the scenario's own repository; else one of `repositories:`. */
  private repoOf(node: unknown, parent: YamlNode): string | null {
    if (node === undefined) return null;
    const name = this.string(node, "repo", parent);
    const known = this.repoNames.get(name.toLowerCase());
    if (known === undefined) this.fail(node as YamlNode, `repo ${quote(name)} is not the scenario's repo nor one of its repositories:`);
    return known.toLowerCase() === this.mainRepo.toLowerCase() ? null : known;
  }

  private step(node: YamlNode, shadows: Map<string, ItemShadow>, members: ReadonlySet<string>): Step {
    const kinds = Object.keys(STEP_KEYS);
    if (!isMap(node) || node.items.length !== 1) {
      this.fail(node, `each step is a mapping with exactly one of: ${kinds.join(", ")}`);
    }
    const pair = node.items[0] as Pair;
    const type = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!(type in STEP_KEYS)) this.fail(pair.key as YamlNode, `unknown step ${quote(type)}${suggestion(type, kinds)}; steps are: ${kinds.join(", ")}`);
    const line = this.lineOf(pair.key as YamlNode) ?? 0;
    const value = pair.value as YamlNode | null;

    if (type === "advance" || type === "tick") {
      const text = isScalar(value) ? String(value.value) : "";
      const parsed = parseAdvance(text);
      if (!parsed) this.fail(value ?? node, `${type} ${quote(isScalar(value) ? value.value : null)} is not a duration: use minutes, hours or calendar days, e.g. 30m, 2h, 3d or 1d2h30m`);
      return { type, line, text: text.trim(), ...parsed };
    }
    const empty = value === null || (isScalar(value) && value.value === null) || (isMap(value) && value.items.length === 0);
    if (type === "sweep") {
      if (empty) return { type, line };
      if (!isMap(value)) this.fail(value ?? node, "sweep takes `{}` or `{token: wrong}` / `{token: none}`");
      const entries = this.mapEntries(value, STEP_KEYS["sweep"] ?? [], "sweep");
      const tokenNode = entries.get("token")?.value;
      const token = tokenNode === undefined ? null : this.string(tokenNode, "sweep.token", value);
      if (token !== null && token !== "wrong" && token !== "none") this.fail(tokenNode as YamlNode, `sweep.token must be wrong or none, found ${quote(token)}`);
      return token === null ? { type, line } : { type, line, token };
    }
    if (type === "report") {
      if (empty) return { type, line, since: null, until: null };
      if (!isMap(value)) this.fail(value ?? node, "report takes `{}` or `{since: 7d, until: 2026-12-04}`");
      const entries = this.mapEntries(value, STEP_KEYS["report"] ?? [], "report");
      const bound = (key: "since" | "until"): string | null => {
        const v = entries.get(key)?.value;
        if (v === undefined) return null;
        const text = isScalar(v) ? String(v.value) : "";
        if (!/^(\d{1,4}[dw]|\d{4}-\d{2}-\d{2}(T.*)?)$/.test(text.trim())) this.fail(v as YamlNode, `report.${key} must be like 7d, 4w or 2026-12-01, found ${quote(text)}`);
        return text.trim();
      };
      return { type, line, since: bound("since"), until: bound("until") };
    }
    if (type === "redeliver") {
      if (empty) return { type, line };
      if (!isMap(value)) this.fail(value ?? node, "redeliver takes `{}` or `{times: 10, concurrently: true}`");
      const entries = this.mapEntries(value, STEP_KEYS["redeliver"] ?? [], "redeliver");
      const timesNode = entries.get("times")?.value;
      const times = timesNode === undefined ? 1 : this.integer(timesNode, "redeliver.times", value);
      if (times > 100) this.fail(timesNode as YamlNode, `redeliver.times must be at most 100, found ${times}`);
      const concurrentNode = entries.get("concurrently")?.value;
      if (concurrentNode !== undefined && !(isScalar(concurrentNode) && typeof concurrentNode.value === "boolean")) {
        this.fail(concurrentNode as YamlNode, "redeliver.concurrently must be true or false");
      }
      return { type, line, times, concurrently: isScalar(concurrentNode) && concurrentNode.value === true };
    }
    if (type === "faults") {
      const text = isScalar(value) ? value.value : null;
      // YAML 1.2 reads bare on/off as strings; true/false are accepted too.
      if (text === "off" || text === false) return { type, line, on: false };
      if (text === "on" || text === true) return { type, line, on: true };
      this.fail(value ?? node, `faults takes off or on, found ${quote(text)}`);
    }
    if (type === "concurrently") {
      if (!isSeq(value) || value.items.length === 0) this.fail(value ?? node, "concurrently needs a list of steps, e.g. `- concurrently: [{label: {...}}, {comment: {...}}]`");
      if (value.items.length > 200) this.fail(value, `concurrently holds at most 200 steps, found ${value.items.length}`);
      const inner = value.items.map((child) => {
        const childNode = child as YamlNode;
        const childType = isMap(childNode) && childNode.items.length === 1 && isScalar(childNode.items[0]?.key) ? String(childNode.items[0]?.key.value) : "";
        if (!CONCURRENT_STEPS.includes(childType)) {
          this.fail(childNode, `concurrently may hold only ${CONCURRENT_STEPS.join(", ")} steps${childType ? `, not ${quote(childType)}` : ""}`);
        }
        return this.step(childNode, shadows, members);
      });
      return { type, line, steps: inner };
    }
    if (type === "push") {
      if (!isMap(value)) this.fail(value ?? node, "push needs a mapping, e.g. `- push: {files: {.github/support-triage.yml: \"...\"}, by: carol}`");
      const entries = this.mapEntries(value, [...(STEP_KEYS["push"] ?? []), "repo"], "push");
      const pushRepo = this.repoOf(entries.get("repo")?.value, value);
      const byNode = entries.get("by")?.value;
      if (byNode === undefined) this.fail(value, "push needs `by`");
      const by = this.login(byNode, "push.by", value);
      if (!members.has(by.toLowerCase())) this.fail(byNode as YamlNode, `${by} cannot push: pushing needs write access (list them under members)`);
      const filesNode = entries.get("files")?.value;
      if (!isMap(filesNode) || filesNode.items.length === 0) this.fail((filesNode as YamlNode) ?? value, "push.files must map repository paths to new contents (null deletes a file)");
      const files: [string, string | null][] = [];
      for (const pair of filesNode.items) {
        const path = this.string(pair.key, "file path", filesNode);
        if (path.startsWith("/") || path.includes("..") || path === "") this.fail(pair.key as YamlNode, `file path ${quote(path)} must be relative to the repository root`);
        if (files.some(([existing]) => existing === path)) this.fail(pair.key as YamlNode, `${path} is given twice`);
        const content = pair.value === null || (isScalar(pair.value) && pair.value.value === null) ? null : this.string(pair.value, `contents of ${path}`, filesNode);
        files.push([path, content]);
      }
      const messageNode = entries.get("message")?.value;
      const message = messageNode === undefined ? `Update ${files.map(([path]) => path).join(", ")}` : this.string(messageNode, "push.message", value);
      return { type, line, by, message, files, ...(pushRepo !== null ? { repo: pushRepo } : {}) };
    }
    if (type === "install") {
      if (empty) return { type, line, by: null };
      if (!isMap(value)) this.fail(value ?? node, "install takes `{}` or `{by: carol}`");
      const entries = this.mapEntries(value, STEP_KEYS["install"] ?? [], "install");
      const byNode = entries.get("by")?.value;
      return { type, line, by: byNode === undefined ? null : this.login(byNode, "install.by", value) };
    }
    if (type === "merge" || type === "close_pull") {
      if (!isMap(value)) this.fail(value ?? node, `${type} needs a mapping, e.g. \`- ${type}: {branch: support-triage/onboarding, by: carol}\``);
      const entries = this.mapEntries(value, STEP_KEYS[type] ?? [], type);
      const branchNode = entries.get("branch")?.value;
      if (branchNode === undefined) this.fail(value, `${type} needs \`branch\` (the pull request's head branch)`);
      const byNode = entries.get("by")?.value;
      if (byNode === undefined) this.fail(value, `${type} needs \`by\``);
      const by = this.login(byNode, `${type}.by`, value);
      if (!members.has(by.toLowerCase())) this.fail(byNode as YamlNode, `${by} cannot ${type === "merge" ? "merge" : "close"} pull requests: that needs write access (list them under members)`);
      return { type, line, branch: this.string(branchNode, `${type}.branch`, value), by };
    }
    if (!isMap(value)) this.fail(value ?? node, `${type} needs a mapping, e.g. \`- ${type}: {number: 1, ...}\``);
    const entries = this.mapEntries(value, [...(STEP_KEYS[type] ?? []), ...(REPO_STEPS.includes(type) ? ["repo"] : [])], type);
    const get = (key: string): unknown => entries.get(key)?.value;
    const stepRepo = this.repoOf(get("repo"), value);
    const inRepo = stepRepo !== null ? { repo: stepRepo } : {};
    const repoKey = (stepRepo ?? this.mainRepo).toLowerCase();
    const items = {
      keys: (): number[] => [...shadows.keys()].filter((k) => k.startsWith(`${repoKey}#`)).map((k) => Number(k.slice(repoKey.length + 1))),
      has: (n: number): boolean => shadows.has(`${repoKey}#${n}`),
      get: (n: number): ItemShadow | undefined => shadows.get(`${repoKey}#${n}`),
      set: (n: number, shadow: ItemShadow): void => void shadows.set(`${repoKey}#${n}`, shadow),
    };
    const required = (key: string): unknown => {
      const found = entries.get(key);
      if (!found) this.fail(value, `${type} needs \`${key}\``);
      return found.value;
    };
    const optionalString = (key: string): string | undefined => (get(key) === undefined ? undefined : this.string(get(key), `${type}.${key}`, value));

    if (type === "open") {
      const kindText = optionalString("kind") ?? "issue";
      if (kindText !== "issue" && kindText !== "discussion" && kindText !== "pull_request") this.fail(get("kind") as YamlNode, `open.kind must be issue, discussion or pull_request, found ${quote(kindText)}`);
      const highest = Math.max(0, ...items.keys());
      const number = get("number") === undefined ? highest + 1 : this.integer(get("number"), "open.number", value);
      if (items.has(number)) this.fail((get("number") as YamlNode) ?? value, `#${number} is already opened by an earlier step`);
      const author = this.login(required("author"), "open.author", value);
      const category = optionalString("category");
      if (category !== undefined && kindText !== "discussion") this.fail(get("category") as YamlNode, "open.category is only for discussions");
      if (category !== undefined && !/^[a-z0-9-]+$/.test(category)) this.fail(get("category") as YamlNode, `open.category ${quote(category)} must be a category slug such as support or q-a`);
      const labels = get("labels") === undefined ? [] : this.stringList(get("labels"), "open.labels", value);
      items.set(number, { kind: kindText === "discussion" ? "discussion" : "issue", author, state: "open", closedBy: null });
      return {
        ...inRepo,
        type,
        line,
        kind: kindText,
        number,
        author,
        title: optionalString("title") ?? `${kindText === "issue" ? "Issue" : kindText === "pull_request" ? "Pull request" : "Discussion"} #${number}`,
        body: optionalString("body") ?? "",
        labels,
        category: kindText === "discussion" ? (category ?? "general") : null,
      };
    }

    const number = this.integer(required("number"), `${type}.number`, value);
    const item = items.get(number);
    if (!item) this.fail(get("number") as YamlNode, `#${number} is not an item opened by an earlier step`);
    const isMember = (login: string): boolean => members.has(login.toLowerCase()) || login.toLowerCase().endsWith("[bot]");
    const mayModify = (login: string, what: string, at: unknown): void => {
      if (login.toLowerCase() !== item.author.toLowerCase() && !isMember(login)) {
        this.fail((at as YamlNode) ?? value, `${login} cannot ${what} #${number}: only its author and members (triage/write access) can`);
      }
    };

    switch (type) {
      case "label":
      case "unlabel": {
        const label = this.string(required("label"), `${type}.label`, value);
        const by = this.login(required("by"), `${type}.by`, value);
        if (!isMember(by)) {
          this.fail(get("by") as YamlNode, `${by} cannot ${type} #${number}: labels need triage or write access (list them under members); authors label only at creation, through a form's labels`);
        }
        return { ...inRepo, type, line, number, label, by };
      }
      case "comment": {
        const author = this.login(required("author"), "comment.author", value);
        const body = this.string(required("body"), "comment.body", value);
        const replyNode = get("reply_to");
        let replyTo: number | string | null = null;
        if (replyNode !== undefined) {
          if (item.kind !== "discussion") this.fail(replyNode as YamlNode, "comment.reply_to is only for discussions (issues have no threads)");
          replyTo = isScalar(replyNode) && typeof replyNode.value === "number" ? this.integer(replyNode, "comment.reply_to", value) : this.string(replyNode, "comment.reply_to", value);
        }
        return { ...inRepo, type, line, number, author, body, replyTo };
      }
      case "edit": {
        const by = get("by") === undefined ? item.author : this.login(get("by"), "edit.by", value);
        mayModify(by, "edit", get("by"));
        const title = optionalString("title");
        const body = optionalString("body");
        const category = optionalString("category");
        if (category !== undefined && item.kind !== "discussion") this.fail(get("category") as YamlNode, "edit.category is only for discussions");
        if (title === undefined && body === undefined && category === undefined) this.fail(value, "edit needs at least one of title, body or category");
        return {
          ...inRepo,
          type,
          line,
          number,
          by,
          ...(title !== undefined ? { title } : {}),
          ...(body !== undefined ? { body } : {}),
          ...(category !== undefined ? { category } : {}),
        };
      }
      case "edit_comment":
      case "delete_comment": {
        const selector = required("comment");
        const comment =
          isScalar(selector) && typeof selector.value === "number"
            ? this.integer(selector, `${type}.comment`, value)
            : this.string(selector, `${type}.comment`, value);
        const by = this.login(required("by"), `${type}.by`, value);
        // Only the comment's author or someone with write access edits or deletes a comment.
        if (!isMember(by) && !(typeof comment === "string" && comment.toLowerCase() === by.toLowerCase())) {
          this.fail(get("by") as YamlNode, `${by} cannot ${type === "edit_comment" ? "edit" : "delete"} that comment on #${number}: only its author and members (write access) can`);
        }
        if (type === "delete_comment") return { ...inRepo, type, line, number, comment, by };
        return { ...inRepo, type, line, number, comment, by, body: this.string(required("body"), "edit_comment.body", value) };
      }
      case "transfer": {
        if (item.kind !== "issue") this.fail(value, `#${number} is not an issue: only issues are transferred`);
        const by = this.login(required("by"), "transfer.by", value);
        if (!isMember(by)) this.fail(get("by") as YamlNode, `${by} cannot transfer #${number}: it needs write access in both repositories`);
        const to = this.repoOf(required("to"), value) ?? this.mainRepo;
        if (to.toLowerCase() === repoKey) this.fail(get("to") as YamlNode, `#${number} is already in ${to}`);
        const toKey = to.toLowerCase();
        const taken = [...shadows.keys()].filter((k) => k.startsWith(`${toKey}#`)).map((k) => Number(k.slice(toKey.length + 1)));
        const as = get("as") === undefined ? Math.max(0, ...taken) + 1 : this.integer(get("as"), "transfer.as", value);
        if (taken.includes(as)) this.fail((get("as") as YamlNode) ?? value, `#${as} already exists in ${to}`);
        shadows.delete(`${repoKey}#${number}`);
        shadows.set(`${toKey}#${as}`, { ...item });
        return { ...inRepo, type, line, number, to, as, by };
      }
      case "convert": {
        if (item.kind !== "issue") this.fail(value, `#${number} is not an issue: only issues are converted to discussions`);
        const by = this.login(required("by"), "convert.by", value);
        if (!isMember(by)) this.fail(get("by") as YamlNode, `${by} cannot convert #${number}: it needs write access`);
        const category = optionalString("category") ?? "general";
        if (!/^[a-z0-9-]+$/.test(category)) this.fail(get("category") as YamlNode, `convert.category ${quote(category)} must be a category slug`);
        items.set(number, { ...item, kind: "discussion" });
        return { ...inRepo, type, line, number, category, by };
      }
      case "lock":
      case "unlock": {
        const by = this.login(required("by"), `${type}.by`, value);
        if (!isMember(by)) this.fail(get("by") as YamlNode, `${by} cannot ${type} #${number}: it needs write access (list them under members)`);
        return { ...inRepo, type, line, number, by };
      }
      case "answer": {
        if (item.kind !== "discussion") this.fail(value, `#${number} is not a discussion: only discussions have answers`);
        const selector = required("comment");
        const comment = isScalar(selector) && typeof selector.value === "number" ? this.integer(selector, "answer.comment", value) : this.string(selector, "answer.comment", value);
        const by = get("by") === undefined ? item.author : this.login(get("by"), "answer.by", value);
        mayModify(by, "mark an answer on", get("by"));
        return { ...inRepo, type, line, number, comment, by };
      }
      case "close":
      case "reopen": {
        const by = get("by") === undefined ? item.author : this.login(get("by"), `${type}.by`, value);
        mayModify(by, type, get("by"));
        if (type === "close" && item.state === "closed") this.fail(value, `#${number} is already closed`);
        if (type === "reopen" && item.state === "open") this.fail(value, `#${number} is open: there is nothing to reopen`);
        if (type === "reopen" && !isMember(by) && item.closedBy !== null && item.closedBy.toLowerCase() !== by.toLowerCase()) {
          this.fail((get("by") as YamlNode) ?? value, `${by} cannot reopen #${number}: it was closed by ${item.closedBy}, and an author can only reopen what they closed`);
        }
        item.state = type === "close" ? "closed" : "open";
        item.closedBy = type === "close" ? by : null;
        return { ...inRepo, type, line, number, by };
      }
      default:
        this.fail(pair.key as YamlNode, `unknown step ${quote(type)}`);
    }
  }
}

/** The config's `timezone`, when the scenario's config names a valid one. */
function zoneFromConfig(config: string | null): string | null {
  if (config === null) return null;
  try {
    const doc = parseDocument(config);
    const zone = isMap(doc.contents) ? doc.contents.get("timezone") : undefined;
    return typeof zone === "string" && DateTime.local().setZone(zone).isValid ? zone : null;
  } catch {
    return null;
  }
}

/** Parses and checks a scenario; throws {@link ScenarioError} naming the file and line. */
export function parseScenario(text: string, file: string): Scenario {
  return new Parser(file, text).parse();
}
