/**
 * The simulator's in-memory GitHub: repositories, users, labels, issues, discussions,
 * comments and label events, plus the queue of webhooks that every change causes.
 *
 * Everything here is deterministic on purpose: ids come from counters, every timestamp
 * comes from the one simulated clock (`world.now`), and nothing is random, so the same
 * scenario always produces byte-identical results. The HTTP layers (REST, GraphQL,
 * webhook delivery) only translate to and from this model; the rules of "what GitHub
 * does when X happens" (which webhooks, which sender, what is a no-op) live here, in one
 * place, so a user step and an app mutation cause exactly the same events.
 */
import {
  categoryJson as categoryJsonFor,
  discussionCommentJson,
  discussionJson,
  installationJson as installationJsonFor,
  installationLiteJson,
  issueCommentJson,
  issueJson,
  pullRequestJson,
  labelJson,
  orgJson,
  pushJson,
  repoJson,
  userJson,
  type Json,
} from "./payloads.js";
import { blobSha } from "./git.js";

export type ItemKind = "issue" | "discussion";
export type UserType = "User" | "Bot" | "Organization";

export interface SimUser {
  readonly id: number;
  readonly nodeId: string;
  /** REST/webhook login; bots end in `[bot]` here (GraphQL drops the suffix). */
  readonly login: string;
  readonly type: UserType;
}

export interface SimLabel {
  readonly id: number;
  readonly nodeId: string;
  readonly repo: SimRepo;
  name: string;
  color: string;
  description: string | null;
}

export interface SimCategory {
  readonly id: number;
  readonly nodeId: string;
  readonly repo: SimRepo;
  readonly slug: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface SimComment {
  readonly id: number;
  readonly nodeId: string;
  readonly item: SimItem;
  readonly author: SimUser;
  readonly association: string;
  body: string;
  readonly createdAt: number;
  updatedAt: number;
  /** Discussions only: the top-level comment this one answers. */
  readonly replyTo: SimComment | null;
}

export interface SimLabelEvent {
  readonly id: number;
  readonly nodeId: string;
  readonly label: SimLabel;
  readonly actor: SimUser;
  readonly createdAt: number;
  readonly added: boolean;
}

export interface SimItem {
  readonly kind: ItemKind;
  readonly id: number;
  readonly nodeId: string;
  readonly number: number;
  readonly repo: SimRepo;
  title: string;
  body: string;
  readonly author: SimUser;
  readonly association: string;
  readonly createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  state: "open" | "closed";
  /** In the order they were added. */
  labels: SimLabel[];
  assignees: SimUser[];
  /** All comments, replies included, oldest first. */
  comments: SimComment[];
  events: SimLabelEvent[];
  category: SimCategory | null;
  /** Pinned to the repository's issue list (GitHub allows three). */
  pinned?: boolean;
  /** A pull request (kind `issue`, as GitHub's issues API sees it; its own events are `pull_request`). */
  readonly pullRequest: boolean;
  /** Conversation locked: only people with write access (and apps) can comment. */
  locked: boolean;
  /** Discussions: the comment marked as the answer, and who marked it. */
  answer: SimComment | null;
  answerBy?: SimUser;
}

export interface SimRepo {
  readonly id: number;
  readonly nodeId: string;
  readonly owner: SimUser;
  readonly name: string;
  readonly fullName: string;
  readonly createdAt: number;
  labels: SimLabel[];
  /** path → text. */
  readonly files: Map<string, string>;
  readonly items: Map<number, SimItem>;
  readonly categories: SimCategory[];
  /** Lower-cased logins with write access (author association MEMBER). */
  readonly members: Set<string>;
  /** Lower-cased outside collaborators with write access (author association COLLABORATOR). */
  readonly collaborators: Set<string>;
  /** team slug (lower-cased) → member logins. */
  readonly teams: Map<string, readonly string[]>;
  /** Numbers up to this one are reserved for the scenario; the app's own issues go above. */
  nextNumber: number;
  /** Branches other than the default one (`main`): name → its files and head commit. */
  readonly branches: Map<string, SimBranch>;
  /** Pull requests (numbered with the issues, as on GitHub). */
  readonly pulls: SimPull[];
}

export interface SimBranch {
  readonly name: string;
  readonly files: Map<string, string>;
  head: string;
  /** Commits on the branch since it was created from the default branch. */
  commits: number;
}

export interface SimPull {
  readonly id: number;
  readonly nodeId: string;
  readonly number: number;
  readonly repo: SimRepo;
  readonly author: SimUser;
  readonly title: string;
  readonly body: string;
  readonly head: string;
  readonly base: string;
  readonly createdAt: number;
  state: "open" | "closed";
  mergedAt: number | null;
  closedAt: number | null;
}

/** The default branch of every simulated repository. */
export const DEFAULT_BRANCH = "main";

/** Anything a GraphQL `node(id:)` can resolve to. */
export type SimNode =
  | { readonly type: "user"; readonly value: SimUser }
  | { readonly type: "repo"; readonly value: SimRepo }
  | { readonly type: "label"; readonly value: SimLabel }
  | { readonly type: "item"; readonly value: SimItem }
  | { readonly type: "comment"; readonly value: SimComment }
  | { readonly type: "category"; readonly value: SimCategory }
  | { readonly type: "labelEvent"; readonly value: SimLabelEvent };

/** One webhook GitHub would send, before signing and delivery. */
export interface OutgoingWebhook {
  readonly name: string;
  readonly action: string | null;
  readonly payload: Json;
  /** Who caused it: a scenario step (a person) or the app's own write. */
  readonly cause: "user" | "app";
}

/** What the app changed, in plain words, for the narration. */
export interface Effect {
  readonly kind: "label" | "unlabel" | "comment" | "edit-comment" | "assign" | "create-label" | "issue" | "edit-issue" | "pin" | "branch" | "commit" | "pull";
  readonly repo: string;
  readonly number: number | null;
  readonly text: string;
  readonly body?: string;
}

/** A user step that GitHub would refuse, or that names something that does not exist. */
export class SimulationError extends Error {
  override readonly name = "SimulationError";
}

export const APP_ID = 1;
export const APP_SLUG = "support-triage";
export const INSTALLATION_ID = 1;
export const BOT_ID = 9001;
export const BOT_LOGIN = `${APP_SLUG}[bot]`;
/** GitHub pins at most three issues per repository. */
export const MAX_PINNED_ISSUES = 3;

const b64 = (text: string): string => Buffer.from(text).toString("base64").replace(/=+$/, "");

/**
 * GitHub's "next" node ids look like `I_kwDO…`: a type prefix and an opaque part. Ours
 * keep the prefix (it helps when reading logs) and make the opaque part a readable
 * counter so ids are stable across runs.
 */
export const nodeId = (prefix: string, id: number): string => `${prefix}_kwDO${b64(`sim:${id}`)}`;

/** GitHub timestamps have second precision and a `Z`. */
export const isoTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/**
 * Category slugs a scenario uses become categories on the fly. GitHub's defaults have
 * fixed names; other slugs are title-cased.
 */
export function categoryName(slug: string): string {
  const known: Record<string, string> = { "q-a": "Q&A", general: "General", ideas: "Ideas", announcements: "Announcements" };
  return (
    known[slug] ??
    slug
      .split("-")
      .filter((part) => part.length > 0)
      .map((part) => part[0]?.toUpperCase() + part.slice(1))
      .join(" ")
  );
}

// ------------------------------------------------------------------ primary rate limits

/** GitHub's primary rate-limit windows last an hour from the first request counted in them. */
export const RATE_LIMIT_WINDOW_MS = 3_600_000;

/**
 * An installation's hourly budgets. GitHub's defaults for an app installation: 5,000
 * GraphQL points and 5,000 REST requests an hour (more with over 20 repositories or
 * users, up to 12,500; 10,000 on Enterprise Cloud — not modelled: set them here).
 */
export interface RateLimitBudgets {
  readonly graphqlPoints: number;
  readonly restRequests: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitBudgets = { graphqlPoints: 5000, restRequests: 5000 };

/** GitHub's names for the two budgets (`x-ratelimit-resource`). */
export type RateLimitResource = "graphql" | "core";

/** One budget's current window, as GitHub's `x-ratelimit-*` headers and `rateLimit` report it. */
export interface RateLimitStatus {
  readonly resource: RateLimitResource;
  readonly limit: number;
  /** Counted in the current window (may pass `limit`: a query is charged in full when it runs). */
  readonly used: number;
  /** `limit - used`, never below 0. */
  readonly remaining: number;
  /** When the current window ends (epoch ms); an hour from now when none is open. */
  readonly resetAt: number;
}

/** What an installation has spent since the world began or its counters were reset (all windows). */
export interface RateLimitUsage {
  /** GraphQL points charged. */
  readonly graphqlPoints: number;
  /** GraphQL requests that ran (refused ones are not counted; `dryRun` ones are, at 0 points). */
  readonly graphqlRequests: number;
  /** REST requests charged (304s, refusals and requests without an installation token are free). */
  readonly restRequests: number;
  /** GraphQL nodes the charged queries could return (`rateLimit.nodeCount`, summed). */
  readonly nodes: number;
}

type Counters = { -readonly [K in keyof RateLimitUsage]: RateLimitUsage[K] };

interface Window {
  start: number;
  used: number;
}

/**
 * The primary rate limits of every installation, on the simulated clock. A budget's window
 * opens with the first request charged to it and ends an hour later; the next request after
 * that opens a new one. A request arriving when its budget is spent is refused (the server
 * answers GitHub's RATE_LIMITED / 403); a GraphQL query that costs more than what is left
 * still runs when something is left and is charged in full, so `remaining` reaches 0.
 */
export class RateLimits {
  /** The budgets of an installation not configured on its own (a world's `rate_limits:`). */
  defaults: RateLimitBudgets = DEFAULT_RATE_LIMITS;
  private readonly overrides = new Map<number, Partial<RateLimitBudgets>>();
  private readonly windows = new Map<string, Window>();
  private readonly totals = new Map<number, Counters>();

  constructor(private readonly clock: () => number) {}

  /** Sets budgets for one installation, or (no id) the defaults of every installation. */
  configure(budgets: Partial<RateLimitBudgets>, installationId?: number): void {
    for (const [key, value] of Object.entries(budgets)) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new RangeError(`rate limit ${key} must be a whole number ≥ 0, got ${String(value)}`);
    }
    if (installationId === undefined) this.defaults = { ...this.defaults, ...budgets };
    else this.overrides.set(installationId, { ...this.overrides.get(installationId), ...budgets });
  }

  budgets(installationId: number): RateLimitBudgets {
    return { ...this.defaults, ...this.overrides.get(installationId) };
  }

  private limit(installationId: number, resource: RateLimitResource): number {
    const budgets = this.budgets(installationId);
    return resource === "graphql" ? budgets.graphqlPoints : budgets.restRequests;
  }

  /** The open window, or null when none is (never used, or its hour is over). */
  private window(installationId: number, resource: RateLimitResource): Window | null {
    const found = this.windows.get(`${installationId}:${resource}`);
    return found && this.clock() < found.start + RATE_LIMIT_WINDOW_MS ? found : null;
  }

  /** The current window of one budget, without charging anything. */
  status(installationId: number, resource: RateLimitResource): RateLimitStatus {
    const limit = this.limit(installationId, resource);
    const open = this.window(installationId, resource);
    const used = open?.used ?? 0;
    return { resource, limit, used, remaining: Math.max(0, limit - used), resetAt: (open?.start ?? this.clock()) + RATE_LIMIT_WINDOW_MS };
  }

  /** Whether the budget is spent: a request now is refused. */
  spent(installationId: number, resource: RateLimitResource): boolean {
    return this.status(installationId, resource).remaining <= 0;
  }

  /** Counts `amount` (points or requests) against a budget, opening its window if none is open. */
  charge(installationId: number, resource: RateLimitResource, amount: number, nodes = 0): RateLimitStatus {
    let open = this.window(installationId, resource);
    if (!open) {
      open = { start: this.clock(), used: 0 };
      this.windows.set(`${installationId}:${resource}`, open);
    }
    open.used += amount;
    const total = this.total(installationId);
    if (resource === "graphql") {
      total.graphqlPoints += amount;
      total.graphqlRequests += 1;
      total.nodes += nodes;
    } else {
      total.restRequests += amount;
    }
    return this.status(installationId, resource);
  }

  private total(installationId: number): Counters {
    let total = this.totals.get(installationId);
    if (!total) {
      total = { graphqlPoints: 0, graphqlRequests: 0, restRequests: 0, nodes: 0 };
      this.totals.set(installationId, total);
    }
    return total;
  }

  /** What the installation has spent so far (a copy). */
  usage(installationId: number): RateLimitUsage {
    return { ...this.total(installationId) };
  }

  /** Forgets the counters and open windows of one installation, or of all: budgets are whole again. */
  reset(installationId?: number): void {
    if (installationId === undefined) {
      this.windows.clear();
      this.totals.clear();
      return;
    }
    this.totals.delete(installationId);
    for (const resource of ["graphql", "core"] as const) this.windows.delete(`${installationId}:${resource}`);
  }
}

export class World {
  /** The one simulated clock (epoch ms). */
  now: number;
  readonly bot: SimUser;
  readonly users = new Map<string, SimUser>();
  readonly repos = new Map<string, SimRepo>();
  readonly nodes = new Map<string, SimNode>();
  readonly outbox: OutgoingWebhook[] = [];
  readonly effects: Effect[] = [];
  /** Whoever is listening for the app's effects (the narration), in order. */
  onEffect: ((effect: Effect) => void) | null = null;
  /** Primary rate limits per installation, on this world's clock (see {@link RateLimits}). */
  readonly rateLimits = new RateLimits(() => this.now);
  private nextId = 10_001;

  constructor(now: number) {
    this.now = now;
    this.bot = { id: BOT_ID, nodeId: nodeId("BOT", BOT_ID), login: BOT_LOGIN, type: "Bot" };
    this.users.set(BOT_LOGIN.toLowerCase(), this.bot);
    this.nodes.set(this.bot.nodeId, { type: "user", value: this.bot });
  }

  private id(): number {
    return this.nextId++;
  }

  /** Any login used anywhere exists: the simulator creates users on first sight. */
  user(login: string, type: UserType = "User"): SimUser {
    const key = login.toLowerCase();
    const found = this.users.get(key);
    if (found) return found;
    const id = this.id();
    const resolvedType: UserType = login.endsWith("[bot]") ? "Bot" : type;
    const user: SimUser = { id, nodeId: nodeId(resolvedType === "Organization" ? "O" : resolvedType === "Bot" ? "BOT" : "U", id), login, type: resolvedType };
    this.users.set(key, user);
    this.nodes.set(user.nodeId, { type: "user", value: user });
    return user;
  }

  findUser(login: string): SimUser | undefined {
    return this.users.get(login.toLowerCase()) ?? this.users.get(`${login.toLowerCase()}[bot]`);
  }

  createRepo(fullName: string, ownerType: "Organization" | "User" = "Organization"): SimRepo {
    const [ownerLogin, name] = fullName.split("/");
    if (!ownerLogin || !name) throw new SimulationError(`repository "${fullName}" must look like owner/name`);
    const owner = this.user(ownerLogin, ownerType);
    const id = this.id();
    const repo: SimRepo = {
      id,
      nodeId: nodeId("R", id),
      owner,
      name,
      fullName: `${owner.login}/${name}`,
      createdAt: this.now,
      labels: [],
      files: new Map(),
      items: new Map(),
      categories: [],
      members: new Set(),
      collaborators: new Set(),
      teams: new Map(),
      nextNumber: 1,
      branches: new Map(),
      pulls: [],
    };
    this.repos.set(repo.fullName.toLowerCase(), repo);
    this.nodes.set(repo.nodeId, { type: "repo", value: repo });
    return repo;
  }

  repo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** Like GitHub: OWNER for the owning user, MEMBER for people with write access, COLLABORATOR for outside collaborators, else NONE. */
  association(repo: SimRepo, user: SimUser): string {
    if (user.type === "Bot") return "NONE";
    if (repo.owner.type === "User" && repo.owner.login.toLowerCase() === user.login.toLowerCase()) return "OWNER";
    if (repo.members.has(user.login.toLowerCase())) return "MEMBER";
    if (repo.collaborators.has(user.login.toLowerCase())) return "COLLABORATOR";
    return "NONE";
  }

  /** Triage/write permission: what labelling, closing others' items and editing them needs. */
  canTriage(repo: SimRepo, user: SimUser): boolean {
    return user.login === BOT_LOGIN || this.association(repo, user) !== "NONE";
  }

  findLabel(repo: SimRepo, name: string): SimLabel | undefined {
    const key = name.toLowerCase();
    return repo.labels.find((label) => label.name.toLowerCase() === key);
  }

  createLabel(repo: SimRepo, name: string, color = "ededed", description: string | null = null, by: SimUser | null = null): SimLabel {
    if (this.findLabel(repo, name)) throw new SimulationError(`label "${name}" already exists in ${repo.fullName}`);
    const id = this.id();
    const label: SimLabel = { id, nodeId: nodeId("LA", id), repo, name, color: color.replace(/^#/, "").toLowerCase(), description };
    repo.labels.push(label);
    this.nodes.set(label.nodeId, { type: "label", value: label });
    if (by?.login === BOT_LOGIN) this.effect({ kind: "create-label", repo: repo.fullName, number: null, text: `created label "${name}"` });
    return label;
  }

  /** Labels named by a person that do not exist yet are created, as GitHub's API does. */
  labelNamed(repo: SimRepo, name: string): SimLabel {
    return this.findLabel(repo, name) ?? this.createLabel(repo, name);
  }

  category(repo: SimRepo, slug: string): SimCategory {
    const found = repo.categories.find((category) => category.slug === slug);
    if (found) return found;
    const id = this.id();
    const category: SimCategory = { id, nodeId: nodeId("DIC", id), repo, slug, name: categoryName(slug), createdAt: repo.createdAt };
    repo.categories.push(category);
    this.nodes.set(category.nodeId, { type: "category", value: category });
    return category;
  }

  item(repo: SimRepo, number: number): SimItem | undefined {
    return repo.items.get(number);
  }

  // ---------------------------------------------------------------- webhooks

  private common(repo: SimRepo, sender: SimUser): Record<string, Json> {
    const base: Record<string, Json> = {
      repository: repoJson(repo),
      sender: userJson(sender),
      installation: installationLiteJson(this.installationId(repo)),
    };
    if (repo.owner.type === "Organization") base["organization"] = orgJson(repo.owner);
    return base;
  }

  private send(name: string, action: string | null, payload: Record<string, Json>, sender: SimUser): void {
    const cause = sender.login === BOT_LOGIN ? "app" : "user";
    this.outbox.push({ name, action, payload: action ? { action, ...payload } : payload, cause });
  }

  private itemEvent(item: SimItem, action: string, sender: SimUser, extra: Record<string, Json> = {}): void {
    const key = item.pullRequest ? "pull_request" : item.kind === "issue" ? "issue" : "discussion";
    const name = item.pullRequest ? "pull_request" : item.kind === "issue" ? "issues" : "discussion";
    const body = item.pullRequest ? pullRequestJson(item) : item.kind === "issue" ? issueJson(item) : discussionJson(item);
    this.send(name, action, { ...(item.pullRequest ? { number: item.number } : {}), [key]: body, ...extra, ...this.common(item.repo, sender) }, sender);
  }

  private effect(effect: Effect): void {
    this.effects.push(effect);
    this.onEffect?.(effect);
  }

  /** Commit id of each repository's default branch (pushes move it). */
  private readonly heads = new Map<SimRepo, string>();

  /**
   * One commit pushed to the default branch: files are written (`null` deletes one) and
   * GitHub sends `push`. A commit that changes nothing is refused, as git would.
   */
  push(repo: SimRepo, pusher: SimUser, files: ReadonlyMap<string, string | null>, message: string): void {
    const added: string[] = [];
    const modified: string[] = [];
    const removed: string[] = [];
    for (const [path, text] of files) {
      const before = repo.files.get(path);
      if (text === null) {
        if (before === undefined) throw new SimulationError(`${path} does not exist in ${repo.fullName}: there is nothing to delete`);
        repo.files.delete(path);
        removed.push(path);
      } else if (before === undefined) {
        repo.files.set(path, text);
        added.push(path);
      } else if (before !== text) {
        repo.files.set(path, text);
        modified.push(path);
      }
    }
    if (added.length + modified.length + removed.length === 0) throw new SimulationError(`the push changes nothing in ${repo.fullName}`);
    const before = this.heads.get(repo) ?? blobSha(`commit:${repo.fullName}:initial`);
    const tree = [...repo.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, text]) => `${blobSha(text)} ${path}`).join("\n");
    const after = blobSha(`commit:${before}:${tree}:${message}`);
    this.heads.set(repo, after);
    this.outbox.push({
      name: "push",
      action: null,
      payload: pushJson({ installationId: this.installationId(repo), repo, pusher, before, after, treeId: blobSha(`tree:${tree}`), message, at: this.now, added, modified, removed }),
      cause: pusher.login === BOT_LOGIN ? "app" : "user",
    });
  }

  /** Commit id of the default branch. */
  headOf(repo: SimRepo): string {
    return this.heads.get(repo) ?? blobSha(`commit:${repo.fullName}:initial`);
  }

  /** A branch created from `sha` (the default branch's head: the only commit refs are made from here). */
  createBranch(repo: SimRepo, name: string, sha: string): SimBranch {
    if (name === DEFAULT_BRANCH || repo.branches.has(name)) throw new SimulationError(`Reference already exists`);
    if (sha !== this.headOf(repo)) throw new SimulationError(`Object does not exist`);
    const branch: SimBranch = { name, files: new Map(repo.files), head: sha, commits: 0 };
    repo.branches.set(name, branch);
    this.effect({ kind: "branch", repo: repo.fullName, number: null, text: `created branch ${name}` });
    return branch;
  }

  /** One commit on a branch other than the default one (no webhook: the app listens to the default branch only). */
  commitToBranch(repo: SimRepo, branch: SimBranch, path: string, text: string, message: string): string {
    branch.files.set(path, text);
    branch.commits++;
    branch.head = blobSha(`commit:${branch.head}:${path}:${blobSha(text)}:${message}`);
    this.effect({ kind: "commit", repo: repo.fullName, number: null, text: `committed ${path} to ${branch.name}` });
    return branch.head;
  }

  openPull(repo: SimRepo, spec: { title: string; body: string; head: string; base: string; author: SimUser }): SimPull {
    const id = this.id();
    const pull: SimPull = { id, nodeId: nodeId("PR", id), number: repo.nextNumber++, repo, ...spec, createdAt: this.now, state: "open", mergedAt: null, closedAt: null };
    repo.pulls.push(pull);
    this.effect({ kind: "pull", repo: repo.fullName, number: pull.number, text: `opened pull request #${pull.number} "${pull.title}"`, body: pull.body });
    return pull;
  }

  /** The open pull request whose head is `branch`. */
  openPullFor(repo: SimRepo, branch: string): SimPull | undefined {
    return repo.pulls.find((p) => p.head === branch && p.state === "open");
  }

  /** Merges a pull request: its branch's changes land on the default branch as one commit (`push` follows). */
  mergePull(pull: SimPull, by: SimUser): void {
    const branch = pull.repo.branches.get(pull.head);
    if (!branch || pull.state !== "open") throw new SimulationError(`pull request #${pull.number} cannot be merged`);
    const changes = new Map<string, string | null>();
    for (const [path, text] of branch.files) if (pull.repo.files.get(path) !== text) changes.set(path, text);
    for (const path of pull.repo.files.keys()) if (!branch.files.has(path)) changes.set(path, null);
    this.push(pull.repo, by, changes, `Merge pull request #${pull.number} from ${pull.repo.owner.login}/${pull.head}`);
    pull.state = "closed";
    pull.mergedAt = this.now;
    pull.closedAt = this.now;
  }

  closePull(pull: SimPull): void {
    if (pull.state !== "open") throw new SimulationError(`pull request #${pull.number} is not open`);
    pull.state = "closed";
    pull.closedAt = this.now;
  }

  /** The one `installation.created` GitHub sends when the app is installed. */
  /**
   * The app is installed once per owner (organisation or user): installation 1 is the owner
   * of the first repository, 2 the next owner, and so on.
   */
  installationOwners(): SimUser[] {
    const owners: SimUser[] = [];
    for (const repo of this.repos.values()) if (!owners.includes(repo.owner)) owners.push(repo.owner);
    return owners;
  }

  installationId(repo: SimRepo): number {
    return this.installationOwners().indexOf(repo.owner) + 1;
  }

  /** Repositories of one installation (all repositories of its owner). */
  installationRepos(id: number): SimRepo[] {
    const owner = this.installationOwners()[id - 1];
    return owner ? [...this.repos.values()].filter((repo) => repo.owner === owner) : [];
  }

  /** `installation.created` for each owner's installation, with its repositories. */
  installationCreated(sender: SimUser): void {
    for (const [index] of this.installationOwners().entries()) {
      const list = this.installationRepos(index + 1);
      const first = list[0];
      if (!first) continue;
      const repos = list.map((repo) => ({ id: repo.id, node_id: repo.nodeId, name: repo.name, full_name: repo.fullName, private: false }));
      this.send("installation", "created", { installation: installationJsonFor(first, index + 1), repositories: repos, sender: userJson(sender) }, sender);
    }
  }

  // ---------------------------------------------------------------- items

  /** Opens an issue or discussion; form labels follow as `labeled` events by the author. */
  openItem(
    repo: SimRepo,
    spec: { kind: ItemKind; number: number; author: SimUser; title: string; body: string; labels: readonly string[]; category: string | null; pullRequest?: boolean },
  ): SimItem {
    if (repo.items.has(spec.number)) throw new SimulationError(`#${spec.number} already exists in ${repo.fullName}`);
    const id = this.id();
    const item: SimItem = {
      kind: spec.kind,
      id,
      nodeId: nodeId(spec.kind === "issue" ? "I" : "D", id),
      number: spec.number,
      repo,
      title: spec.title,
      body: spec.body,
      author: spec.author,
      association: this.association(repo, spec.author),
      createdAt: this.now,
      updatedAt: this.now,
      closedAt: null,
      state: "open",
      labels: [],
      assignees: [],
      comments: [],
      events: [],
      category: spec.kind === "discussion" ? this.category(repo, spec.category ?? "general") : null,
      pullRequest: spec.kind === "issue" && spec.pullRequest === true,
      locked: false,
      answer: null,
    };
    repo.items.set(item.number, item);
    repo.nextNumber = Math.max(repo.nextNumber, item.number + 1);
    this.nodes.set(item.nodeId, { type: "item", value: item });
    // GitHub applies a form's labels at creation: the opened payload already lists them
    // for issues, and one `labeled` event per label follows, sent as the author.
    const labels = spec.labels.map((name) => this.labelNamed(repo, name));
    for (const label of labels) {
      item.labels.push(label);
      this.recordLabelEvent(item, label, spec.author, true);
    }
    this.itemEvent(item, spec.kind === "issue" ? "opened" : "created", spec.author);
    for (const label of labels) this.itemEvent(item, "labeled", spec.author, { label: labelJson(label) });
    if (spec.author.login === BOT_LOGIN) {
      this.effect({ kind: "issue", repo: repo.fullName, number: item.number, text: `opened issue #${item.number} "${item.title}"`, body: item.body });
    }
    return item;
  }

  private recordLabelEvent(item: SimItem, label: SimLabel, actor: SimUser, added: boolean): void {
    const id = this.id();
    const event: SimLabelEvent = { id, nodeId: nodeId(added ? "LE" : "UNLE", id), label, actor, createdAt: this.now, added };
    item.events.push(event);
    this.nodes.set(event.nodeId, { type: "labelEvent", value: event });
  }

  /** Adds labels; labels already present are no-ops and send nothing, like GitHub. */
  addLabels(item: SimItem, labels: readonly SimLabel[], actor: SimUser): SimLabel[] {
    const added: SimLabel[] = [];
    for (const label of labels) {
      if (item.labels.some((present) => present.id === label.id)) continue;
      item.labels.push(label);
      item.updatedAt = this.now;
      this.recordLabelEvent(item, label, actor, true);
      this.itemEvent(item, "labeled", actor, { label: labelJson(label) });
      added.push(label);
    }
    if (actor.login === BOT_LOGIN && added.length > 0) {
      this.effect({ kind: "label", repo: item.repo.fullName, number: item.number, text: `added ${added.map((l) => l.name).join(", ")}` });
    }
    return added;
  }

  removeLabels(item: SimItem, labels: readonly SimLabel[], actor: SimUser): SimLabel[] {
    const removed: SimLabel[] = [];
    for (const label of labels) {
      if (!item.labels.some((present) => present.id === label.id)) continue;
      item.labels = item.labels.filter((present) => present.id !== label.id);
      item.updatedAt = this.now;
      this.recordLabelEvent(item, label, actor, false);
      this.itemEvent(item, "unlabeled", actor, { label: labelJson(label) });
      removed.push(label);
    }
    if (actor.login === BOT_LOGIN && removed.length > 0) {
      this.effect({ kind: "unlabel", repo: item.repo.fullName, number: item.number, text: `removed ${removed.map((l) => l.name).join(", ")}` });
    }
    return removed;
  }

  addComment(item: SimItem, author: SimUser, body: string, replyTo: SimComment | null = null): SimComment {
    if (replyTo && item.kind !== "discussion") throw new SimulationError("only discussion comments can be replies");
    if (item.locked && author.type !== "Bot" && this.association(item.repo, author) === "NONE" && author.login !== BOT_LOGIN) {
      throw new SimulationError(`#${item.number} is locked: only people with write access can comment`);
    }
    if (replyTo?.replyTo) throw new SimulationError("replies can only answer top-level comments");
    const id = this.id();
    const comment: SimComment = {
      id,
      nodeId: nodeId(item.kind === "issue" ? "IC" : "DC", id),
      item,
      author,
      association: this.association(item.repo, author),
      body,
      createdAt: this.now,
      updatedAt: this.now,
      replyTo,
    };
    item.comments.push(comment);
    item.updatedAt = this.now;
    this.nodes.set(comment.nodeId, { type: "comment", value: comment });
    if (item.kind === "issue") {
      this.send("issue_comment", "created", { issue: issueJson(item), comment: issueCommentJson(comment), ...this.common(item.repo, author) }, author);
    } else {
      this.send(
        "discussion_comment",
        "created",
        { comment: discussionCommentJson(comment), discussion: discussionJson(item), ...this.common(item.repo, author) },
        author,
      );
    }
    if (author.login === BOT_LOGIN) {
      this.effect({ kind: "comment", repo: item.repo.fullName, number: item.number, text: `commented on #${item.number}`, body });
    }
    return comment;
  }

  editComment(comment: SimComment, editor: SimUser, body: string): void {
    if (comment.body === body) return;
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = this.now;
    const item = comment.item;
    const changes: Json = { body: { from } };
    if (item.kind === "issue") {
      this.send("issue_comment", "edited", { changes, issue: issueJson(item), comment: issueCommentJson(comment), ...this.common(item.repo, editor) }, editor);
    } else {
      this.send(
        "discussion_comment",
        "edited",
        { changes, comment: discussionCommentJson(comment), discussion: discussionJson(item), ...this.common(item.repo, editor) },
        editor,
      );
    }
    if (editor.login === BOT_LOGIN) {
      this.effect({ kind: "edit-comment", repo: item.repo.fullName, number: item.number, text: `updated its comment on #${item.number}`, body });
    }
  }

  /**
   * Moves an issue's content into a new item: its title, body, author, creation time and
   * comments (re-created there, with their original authors and times), the labels the
   * destination has by name, and its assignees. The old item is gone from its repository.
   */
  private moveItem(item: SimItem, target: SimRepo, kind: ItemKind, number: number, category: string | null): SimItem {
    const same = target === item.repo && number === item.number;
    if (target.items.has(number) && !same) throw new SimulationError(`#${number} already exists in ${target.fullName}`);
    const id = this.id();
    const moved: SimItem = {
      kind,
      id,
      nodeId: nodeId(kind === "issue" ? "I" : "D", id),
      number,
      repo: target,
      title: item.title,
      body: item.body,
      author: item.author,
      association: this.association(target, item.author),
      createdAt: item.createdAt,
      updatedAt: this.now,
      closedAt: null,
      state: "open",
      labels: item.labels.flatMap((label) => this.findLabel(target, label.name) ?? []),
      assignees: kind === "issue" ? [...item.assignees] : [],
      comments: [],
      events: [],
      category: kind === "discussion" ? this.category(target, category ?? "general") : null,
      pullRequest: false,
      locked: item.locked,
      answer: null,
    };
    for (const old of item.comments) {
      const cid = this.id();
      const copy: SimComment = {
        id: cid,
        nodeId: nodeId(kind === "issue" ? "IC" : "DC", cid),
        item: moved,
        author: old.author,
        association: this.association(target, old.author),
        body: old.body,
        createdAt: old.createdAt,
        updatedAt: old.updatedAt,
        replyTo: null,
      };
      moved.comments.push(copy);
      this.nodes.set(copy.nodeId, { type: "comment", value: copy });
    }
    item.repo.items.delete(item.number);
    this.nodes.delete(item.nodeId);
    for (const old of item.comments) this.nodes.delete(old.nodeId);
    target.items.set(number, moved);
    target.nextNumber = Math.max(target.nextNumber, number + 1);
    this.nodes.set(moved.nodeId, { type: "item", value: moved });
    return moved;
  }

  /**
   * Transfers an issue to another repository: GitHub sends `issues.transferred` in the old
   * one (with `changes.new_issue` and `changes.new_repository`) and `issues.opened` for
   * the new issue, which takes the destination's next number.
   */
  transferIssue(item: SimItem, target: SimRepo, actor: SimUser, number: number = target.nextNumber): SimItem {
    if (item.kind !== "issue" || item.pullRequest) throw new SimulationError("only issues can be transferred");
    if (target === item.repo) throw new SimulationError(`#${item.number} is already in ${target.fullName}`);
    const old = issueJson(item);
    const moved = this.moveItem(item, target, "issue", number, null);
    this.send("issues", "transferred", { changes: { new_issue: issueJson(moved), new_repository: repoJson(target) }, issue: old, ...this.common(item.repo, actor) }, actor);
    this.itemEvent(moved, "opened", actor);
    return moved;
  }

  /**
   * Converts an issue into a discussion in the same repository, keeping its number (the two
   * share one sequence): the comments become discussion comments, the labels stay.
   * GitHub sends `issues.deleted` for the issue and `discussion.created` for the discussion.
   */
  convertToDiscussion(item: SimItem, category: string, actor: SimUser): SimItem {
    if (item.kind !== "issue" || item.pullRequest) throw new SimulationError("only issues can be converted to discussions");
    const old = issueJson(item);
    const moved = this.moveItem(item, item.repo, "discussion", item.number, category);
    this.send("issues", "deleted", { issue: old, ...this.common(item.repo, actor) }, actor);
    this.itemEvent(moved, "created", actor);
    return moved;
  }

  /** Locks or unlocks the conversation (`issues.locked`/`unlocked`, `discussion.locked`/`unlocked`). */
  setLocked(item: SimItem, actor: SimUser, locked: boolean): void {
    if (item.locked === locked) return;
    item.locked = locked;
    item.updatedAt = this.now;
    this.itemEvent(item, locked ? "locked" : "unlocked", actor);
  }

  /** Marks a discussion comment as the answer (`discussion.answered`, with the answer). */
  markAnswer(item: SimItem, comment: SimComment, actor: SimUser): void {
    if (item.kind !== "discussion") throw new SimulationError("only discussions have answers");
    if (comment.replyTo !== null) throw new SimulationError("only a top-level comment can be the answer");
    if (item.answer === comment) return;
    item.answer = comment;
    item.answerBy = actor;
    item.updatedAt = this.now;
    const { reactions: _reactions, ...answer } = discussionCommentJson(comment) as Record<string, Json>;
    this.itemEvent(item, "answered", actor, { answer });
  }

  /** A comment deleted (GitHub sends its last state in the `deleted` webhook). */
  deleteComment(comment: SimComment, actor: SimUser): void {
    const item = comment.item;
    const index = item.comments.indexOf(comment);
    if (index < 0) return;
    // A discussion comment's replies go with it.
    const gone = new Set([comment, ...item.comments.filter((other) => other.replyTo === comment)]);
    item.comments = item.comments.filter((other) => !gone.has(other));
    item.updatedAt = this.now;
    for (const removed of gone) this.nodes.delete(removed.nodeId);
    if (item.kind === "issue") {
      this.send("issue_comment", "deleted", { issue: issueJson(item), comment: issueCommentJson(comment), ...this.common(item.repo, actor) }, actor);
    } else {
      this.send("discussion_comment", "deleted", { comment: discussionCommentJson(comment), discussion: discussionJson(item), ...this.common(item.repo, actor) }, actor);
    }
    if (actor.login === BOT_LOGIN) this.effect({ kind: "edit-comment", repo: item.repo.fullName, number: item.number, text: `deleted its comment on #${item.number}` });
  }

  /** Title/body edits send one `edited`; a category move sends `category_changed`. */
  editItem(item: SimItem, editor: SimUser, change: { title?: string | undefined; body?: string | undefined; category?: string | undefined }): void {
    const changes: Record<string, Json> = {};
    if (change.title !== undefined && change.title !== item.title) {
      changes["title"] = { from: item.title };
      item.title = change.title;
    }
    if (change.body !== undefined && change.body !== item.body) {
      changes["body"] = { from: item.body };
      item.body = change.body;
    }
    if (Object.keys(changes).length > 0) {
      item.updatedAt = this.now;
      this.itemEvent(item, "edited", editor, { changes });
      if (editor.login === BOT_LOGIN) this.effect({ kind: "edit-issue", repo: item.repo.fullName, number: item.number, text: `edited #${item.number}`, body: item.body });
    }
    if (change.category !== undefined && item.kind === "discussion" && item.category?.slug !== change.category) {
      const from = item.category;
      item.category = this.category(item.repo, change.category);
      item.updatedAt = this.now;
      this.itemEvent(item, "category_changed", editor, from ? { changes: { category: { from: categoryJsonFor(from) } } } : {});
    }
  }

  /** Pins an issue; false when the repository already has GitHub's maximum of three pinned issues. */
  pinIssue(item: SimItem, actor: SimUser): boolean {
    if (item.pinned === true) return true;
    const pinned = [...item.repo.items.values()].filter((i) => i.pinned === true).length;
    if (pinned >= MAX_PINNED_ISSUES) return false;
    item.pinned = true;
    if (actor.login === BOT_LOGIN) this.effect({ kind: "pin", repo: item.repo.fullName, number: item.number, text: `pinned issue #${item.number}` });
    return true;
  }

  setState(item: SimItem, actor: SimUser, state: "open" | "closed"): void {
    if (item.state === state) return;
    item.state = state;
    item.closedAt = state === "closed" ? this.now : null;
    item.updatedAt = this.now;
    this.itemEvent(item, state === "closed" ? "closed" : "reopened", actor);
    if (actor.login === BOT_LOGIN) {
      this.effect({ kind: "edit-issue", repo: item.repo.fullName, number: item.number, text: `${state === "closed" ? "closed" : "reopened"} #${item.number}` });
    }
  }

  addAssignees(item: SimItem, users: readonly SimUser[], actor: SimUser): void {
    if (item.kind !== "issue") throw new SimulationError("discussions cannot have assignees");
    const added: SimUser[] = [];
    for (const user of users) {
      if (item.assignees.some((present) => present.id === user.id)) continue;
      item.assignees.push(user);
      item.updatedAt = this.now;
      this.itemEvent(item, "assigned", actor, { assignee: userJson(user) });
      added.push(user);
    }
    if (actor.login === BOT_LOGIN && added.length > 0) {
      this.effect({ kind: "assign", repo: item.repo.fullName, number: item.number, text: `assigned ${added.map((u) => u.login).join(", ")}` });
    }
  }

  removeAssignees(item: SimItem, users: readonly SimUser[], actor: SimUser): void {
    for (const user of users) {
      if (!item.assignees.some((present) => present.id === user.id)) continue;
      item.assignees = item.assignees.filter((present) => present.id !== user.id);
      item.updatedAt = this.now;
      this.itemEvent(item, "unassigned", actor, { assignee: userJson(user) });
    }
  }
}
