/**
 * GitHub's REST API over the simulator's model: the routes the app (and Probot's auth
 * and config plugins) use. Each handler answers the way GitHub does, including its
 * status codes, so the app's error handling is exercised too. A route that is not here
 * answers 404 and is reported by the server as unimplemented: a gap must never look like
 * a legitimately missing resource.
 */
import type { IncomingHttpHeaders } from "node:http";
import { blobSha } from "./git.js";
import { DEFAULT_BRANCH, isoTime, type SimItem, type SimLabel, type SimPull, type SimRepo, type SimUser, type World } from "./model.js";
import {
  API,
  APP_PERMISSIONS,
  appJson,
  installationJson,
  issueCommentJson,
  issueJson,
  labelJson,
  repoJson,
  userJson,
  type Json,
} from "./payloads.js";
import { parseSearch, search } from "./search.js";

export interface RestRequest {
  readonly method: string;
  /** Path without the `/api/v3` prefix and without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface RestResponse {
  readonly status: number;
  /** JSON value, raw text (for `application/vnd.github.raw`), or nothing. */
  readonly body?: Json | { readonly raw: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RestContext {
  readonly world: World;
  /** The simulator's own REST base (for `Link` headers), e.g. http://127.0.0.1:1234/api/v3. */
  readonly baseUrl: string;
  /** Issues a new installation token (counted, deterministic) for an installation. */
  readonly issueToken: (installationId: number) => string;
  /** The installation a request's token was issued for (1 when unknown). */
  readonly tokenInstallation: (authorization: string) => number;
  readonly report: (message: string) => void;
}

type Auth = "jwt" | "token" | "any";
type Handler = (request: RestRequest, params: readonly string[], context: RestContext) => RestResponse;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly auth: Auth;
  readonly handler: Handler;
}

const NOT_FOUND: RestResponse = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };

const json = (body: Json, status = 200, headers: Record<string, string> = {}): RestResponse => ({ status, body, headers });

/** An item's labels as the labels endpoints answer them, sorted by name. */
const itemLabels = (item: SimItem): RestResponse => json([...item.labels].sort((a, b) => a.name.localeCompare(b.name)).map(labelJson));

const validationFailed = (resource: string, field: string, code: string): RestResponse =>
  json({ message: "Validation Failed", errors: [{ resource, code, field }], documentation_url: "https://docs.github.com/rest" }, 422);

function field(body: unknown, key: string): unknown {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** The labels endpoints take `["a", "b"]` or `{ labels: ["a", "b"] }`. */
const labelNames = (body: unknown): string[] => (Array.isArray(body) ? strings(body) : strings(field(body, "labels")));

/** `per_page`/`page` like GitHub (30 by default, 100 at most) with a `Link` header. */
function paginate<T>(all: readonly T[], request: RestRequest, context: RestContext): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (n: number, rel: string): string => {
    const query = new URLSearchParams(request.query);
    query.set("page", String(n));
    query.set("per_page", String(perPage));
    return `<${context.baseUrl}${request.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return { page: all.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

function repoOf(context: RestContext, params: readonly string[]): SimRepo | null {
  return context.world.repo(params[0] ?? "", params[1] ?? "") ?? null;
}

function issueOf(context: RestContext, params: readonly string[]): { repo: SimRepo; item: SimItem } | null {
  const repo = repoOf(context, params);
  const item = repo?.items.get(Number(params[2]));
  // Discussions are not issues: GitHub's issues API does not serve them.
  return repo && item && item.kind === "issue" ? { repo, item } : null;
}

const base64Lines = (text: string): string => (Buffer.from(text, "utf8").toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n";

function fileEntry(repo: SimRepo, path: string, type: "file" | "dir"): Record<string, Json> {
  const text = repo.files.get(path) ?? "";
  const sha = type === "file" ? blobSha(text) : blobSha(`tree:${path}`);
  const url = `${API}/repos/${repo.fullName}/contents/${path}?ref=main`;
  return {
    type,
    size: type === "file" ? Buffer.byteLength(text) : 0,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url,
    git_url: `${API}/repos/${repo.fullName}/git/${type === "file" ? "blobs" : "trees"}/${sha}`,
    html_url: `https://github.com/${repo.fullName}/${type === "file" ? "blob" : "tree"}/main/${path}`,
    download_url: type === "file" ? `https://raw.githubusercontent.com/${repo.fullName}/main/${path}` : null,
    _links: { self: url, git: `${API}/repos/${repo.fullName}/git/blobs/${sha}`, html: `https://github.com/${repo.fullName}/blob/main/${path}` },
  };
}

/** Conditional GET: a matching `If-None-Match` answers 304 without a body. */
function conditional(request: RestRequest, etag: string, response: RestResponse): RestResponse {
  const presented = request.headers["if-none-match"];
  const tags = (Array.isArray(presented) ? presented.join(",") : (presented ?? "")).split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (tags.includes(etag)) return { status: 304, headers: { etag } };
  return { ...response, headers: { ...(response.headers ?? {}), etag } };
}

function contents(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const path = (params[2] ?? "").replace(/^\/+|\/+$/g, "");
  const ref = request.query.get("ref");
  const branch = ref === null ? undefined : repo.branches.get(ref.replace(/^refs\/heads\//, ""));
  if (ref !== null && ref !== "main" && ref !== "HEAD" && ref !== "refs/heads/main" && !branch) {
    return json({ message: `No commit found for the ref ${ref}`, documentation_url: "https://docs.github.com/rest" }, 404);
  }
  const accept = String(request.headers["accept"] ?? "");
  if (branch) {
    // A branch other than the default one: files only (the app reads back what it committed).
    const onBranch = branch.files.get(path);
    if (onBranch === undefined) return NOT_FOUND;
    return json({ type: "file", name: path.split("/").pop() ?? path, path, sha: blobSha(onBranch), size: Buffer.byteLength(onBranch), encoding: "base64", content: base64Lines(onBranch) });
  }
  const text = repo.files.get(path);
  if (text !== undefined) {
    const sha = blobSha(text);
    if (/\.raw/.test(accept)) {
      // Each representation has its own ETag, as on GitHub (the ETag hashes the body).
      return conditional(request, `"${blobSha(`raw:${text}`)}"`, { status: 200, body: { raw: text }, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } });
    }
    return conditional(request, `"${sha}"`, json({ ...fileEntry(repo, path, "file"), encoding: "base64", content: base64Lines(text) }));
  }
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, "file" | "dir">();
  for (const file of repo.files.keys()) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf("/");
    children.set(prefix + (slash < 0 ? rest : rest.slice(0, slash)), slash < 0 ? "file" : "dir");
  }
  if (children.size === 0) return NOT_FOUND;
  const listing = [...children.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([child, type]) => fileEntry(repo, child, type));
  return conditional(request, `"${blobSha(JSON.stringify(listing))}"`, json(listing));
}

function permission(repo: SimRepo, user: SimUser, world: World): "admin" | "write" | "read" {
  const association = world.association(repo, user);
  return association === "OWNER" ? "admin" : association === "MEMBER" ? "write" : "read";
}

function labelsByName(context: RestContext, repo: SimRepo, names: readonly string[]): SimLabel[] {
  return names.map((name) => context.world.labelNamed(repo, name));
}

/** Issue list filters GitHub supports that the app may use. */
function listIssues(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const state = request.query.get("state") ?? "open";
  const creator = request.query.get("creator")?.toLowerCase() ?? null;
  const assignee = request.query.get("assignee")?.toLowerCase() ?? null;
  const labels = (request.query.get("labels") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  const direction = request.query.get("direction") ?? "desc";
  const sort = request.query.get("sort") ?? "created";
  const all = [...repo.items.values()]
    .filter((item) => item.kind === "issue")
    .filter((item) => state === "all" || item.state === state)
    .filter((item) => creator === null || item.author.login.toLowerCase() === creator)
    .filter((item) => assignee === null || (assignee === "none" ? item.assignees.length === 0 : item.assignees.some((u) => u.login.toLowerCase() === assignee)))
    .filter((item) => labels.every((name) => item.labels.some((label) => label.name.toLowerCase() === name)))
    .sort((a, b) => {
      const diff = (sort === "updated" ? a.updatedAt - b.updatedAt : a.createdAt - b.createdAt) || a.number - b.number;
      return direction === "asc" ? diff : -diff;
    });
  const { page, headers } = paginate(all, request, context);
  return json(page.map(issueJson), 200, headers);
}

function createIssue(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const title = field(request.body, "title");
  if (typeof title !== "string" || title.trim() === "") return validationFailed("Issue", "title", "missing_field");
  const body = field(request.body, "body");
  const item = context.world.openItem(repo, {
    kind: "issue",
    number: repo.nextNumber,
    author: context.world.bot,
    title,
    body: typeof body === "string" ? body : "",
    labels: strings(field(request.body, "labels")),
    category: null,
  });
  const assignees = strings(field(request.body, "assignees")).map((login) => context.world.user(login));
  if (assignees.length > 0) context.world.addAssignees(item, assignees, context.world.bot);
  return json(issueJson(item), 201);
}

function updateIssue(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const found = issueOf(context, params);
  if (!found) return NOT_FOUND;
  const { repo, item } = found;
  const world = context.world;
  const title = field(request.body, "title");
  const body = field(request.body, "body");
  world.editItem(item, world.bot, { title: typeof title === "string" ? title : undefined, body: typeof body === "string" ? body : undefined });
  const state = field(request.body, "state");
  if (state === "open" || state === "closed") world.setState(item, world.bot, state);
  const labels = field(request.body, "labels");
  if (Array.isArray(labels)) {
    const names = labels.map((label) => (typeof label === "string" ? label : String(field(label, "name") ?? "")));
    const wanted = labelsByName(context, repo, names);
    world.removeLabels(item, item.labels.filter((label) => !wanted.includes(label)), world.bot);
    world.addLabels(item, wanted, world.bot);
  }
  const assignees = field(request.body, "assignees");
  if (Array.isArray(assignees)) {
    const wanted = strings(assignees).map((login) => world.user(login));
    world.removeAssignees(item, item.assignees.filter((user) => !wanted.includes(user)), world.bot);
    world.addAssignees(item, wanted, world.bot);
  }
  return json(issueJson(item));
}

function labelEventJson(item: SimItem, index: number): Json[] {
  const event = item.events[index];
  if (!event) return [];
  return [
    {
      id: event.id,
      node_id: event.nodeId,
      url: `${API}/repos/${item.repo.fullName}/issues/events/${event.id}`,
      actor: userJson(event.actor),
      event: event.added ? "labeled" : "unlabeled",
      commit_id: null,
      commit_url: null,
      created_at: isoTime(event.createdAt),
      label: { name: event.label.name, color: event.label.color },
      performed_via_github_app: null,
    },
  ];
}

// ---- git refs, file commits and pull requests (the onboarding pull request)

function pullJson(pull: SimPull, world: World): Json {
  const repo = pull.repo;
  const api = `${API}/repos/${repo.fullName}`;
  const head = repo.branches.get(pull.head);
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: `https://github.com/${repo.fullName}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    user: userJson(pull.author),
    created_at: isoTime(pull.createdAt),
    updated_at: isoTime(pull.closedAt ?? pull.createdAt),
    closed_at: pull.closedAt === null ? null : isoTime(pull.closedAt),
    merged_at: pull.mergedAt === null ? null : isoTime(pull.mergedAt),
    draft: false,
    head: { label: `${repo.owner.login}:${pull.head}`, ref: pull.head, sha: head?.head ?? null, repo: repoJson(repo) },
    base: { label: `${repo.owner.login}:${pull.base}`, ref: pull.base, sha: world.headOf(repo), repo: repoJson(repo) },
  };
}

/** `GET /repos/{o}/{r}/git/ref/heads/{branch}`. */
function getRef(_request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const ref = params[2] ?? "";
  const name = ref.replace(/^heads\//, "");
  const sha = !ref.startsWith("heads/") ? null : name === DEFAULT_BRANCH ? context.world.headOf(repo) : (repo.branches.get(name)?.head ?? null);
  if (sha === null) return NOT_FOUND;
  return json({ ref: `refs/${ref}`, node_id: `REF_${blobSha(ref)}`, url: `${API}/repos/${repo.fullName}/git/refs/${ref}`, object: { sha, type: "commit", url: `${API}/repos/${repo.fullName}/git/commits/${sha}` } });
}

/** `POST /repos/{o}/{r}/git/refs` {ref: "refs/heads/…", sha}. */
function createRef(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const ref = field(request.body, "ref");
  const sha = field(request.body, "sha");
  if (typeof ref !== "string" || !ref.startsWith("refs/heads/") || typeof sha !== "string") return validationFailed("Reference", "ref", "invalid");
  const name = ref.slice("refs/heads/".length);
  if (name === DEFAULT_BRANCH || repo.branches.has(name)) return json({ message: "Reference already exists", documentation_url: "https://docs.github.com/rest/git/refs#create-a-reference" }, 422);
  if (sha !== context.world.headOf(repo)) return json({ message: "Object does not exist", documentation_url: "https://docs.github.com/rest/git/refs#create-a-reference" }, 422);
  const branch = context.world.createBranch(repo, name, sha);
  return json({ ref, node_id: `REF_${blobSha(ref)}`, url: `${API}/repos/${repo.fullName}/git/${ref}`, object: { sha: branch.head, type: "commit", url: `${API}/repos/${repo.fullName}/git/commits/${branch.head}` } }, 201);
}

/**
 * `PUT /repos/{o}/{r}/contents/{path}` {message, content (base64), branch, sha?}: one commit.
 * Only branches other than the default one are written here (the app never commits to the
 * default branch); an existing file needs its blob `sha`, as on GitHub.
 */
function putContents(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const path = (params[2] ?? "").replace(/^\/+|\/+$/g, "");
  const message = field(request.body, "message");
  const content = field(request.body, "content");
  const branchName = field(request.body, "branch");
  if (typeof message !== "string" || message === "") return validationFailed("Commit", "message", "missing_field");
  if (typeof content !== "string") return validationFailed("Commit", "content", "missing_field");
  if (typeof branchName !== "string" || branchName === DEFAULT_BRANCH) {
    return json({ message: "simulator: commits go to a branch other than the default one (the app proposes changes by pull request)" }, 422);
  }
  const branch = repo.branches.get(branchName);
  if (!branch) return json({ message: `Branch ${branchName} not found`, documentation_url: "https://docs.github.com/rest/repos/contents#create-or-update-file-contents" }, 404);
  const existing = branch.files.get(path);
  const sha = field(request.body, "sha");
  if (existing !== undefined && sha !== blobSha(existing)) return json({ message: `${path} does not match ${String(sha)}`, documentation_url: "https://docs.github.com/rest/repos/contents#create-or-update-file-contents" }, 409);
  const text = Buffer.from(content, "base64").toString("utf8");
  const commit = context.world.commitToBranch(repo, branch, path, text, message);
  return json({ content: { name: path.split("/").pop() ?? path, path, sha: blobSha(text), size: Buffer.byteLength(text), type: "file" }, commit: { sha: commit, message } }, existing === undefined ? 201 : 200);
}

/** `GET /repos/{o}/{r}/pulls?state=&head=owner:branch&base=`, newest first. */
function listPulls(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const state = request.query.get("state") ?? "open";
  const head = request.query.get("head");
  const base = request.query.get("base");
  const headName = head === null ? null : head.includes(":") ? head.slice(head.indexOf(":") + 1) : head;
  const headOwner = head !== null && head.includes(":") ? head.slice(0, head.indexOf(":")).toLowerCase() : null;
  const all = [...repo.pulls]
    .filter((p) => state === "all" || p.state === state)
    .filter((p) => headName === null || (p.head === headName && (headOwner === null || headOwner === repo.owner.login.toLowerCase())))
    .filter((p) => base === null || p.base === base)
    .sort((a, b) => b.number - a.number);
  const { page, headers } = paginate(all, request, context);
  return json(page.map((p) => pullJson(p, context.world)), 200, headers);
}

/** `POST /repos/{o}/{r}/pulls` {title, head, base, body}. */
function createPull(request: RestRequest, params: readonly string[], context: RestContext): RestResponse {
  const repo = repoOf(context, params);
  if (!repo) return NOT_FOUND;
  const title = field(request.body, "title");
  const head = field(request.body, "head");
  const base = field(request.body, "base");
  const body = field(request.body, "body");
  if (typeof title !== "string" || title.trim() === "") return validationFailed("PullRequest", "title", "missing_field");
  if (typeof head !== "string" || typeof base !== "string") return validationFailed("PullRequest", "head", "missing_field");
  const name = head.includes(":") ? head.slice(head.indexOf(":") + 1) : head;
  const branch = repo.branches.get(name);
  if (!branch || base !== DEFAULT_BRANCH) return validationFailed("PullRequest", branch ? "base" : "head", "invalid");
  if (context.world.openPullFor(repo, name)) {
    return json({ message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner.login}:${name}.` }] }, 422);
  }
  if (branch.commits === 0) {
    return json({ message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${name}` }] }, 422);
  }
  const pull = context.world.openPull(repo, { title, body: typeof body === "string" ? body : "", head: name, base, author: context.world.bot });
  return json(pullJson(pull, context.world), 201);
}

const ROUTES: readonly Route[] = [
  // ---- the app and its installation (app JWT)
  { method: "GET", pattern: /^\/app$/, auth: "jwt", handler: (_r, _p, c) => json(appJson([...c.world.repos.values()][0]?.owner ?? c.world.bot)) },
  {
    method: "GET",
    pattern: /^\/app\/installations$/,
    auth: "jwt",
    handler: (request, _p, context) => {
      const all = context.world.installationOwners().flatMap((_, i) => {
        const first = context.world.installationRepos(i + 1)[0];
        return first ? [installationJson(first, i + 1)] : [];
      });
      const { page, headers } = paginate(all, request, context);
      return json(page, 200, headers);
    },
  },
  {
    method: "GET",
    pattern: /^\/app\/installations\/(\d+)$/,
    auth: "jwt",
    handler: (_r, params, context) => {
      const id = Number(params[0]);
      const first = context.world.installationRepos(id)[0];
      return first ? json(installationJson(first, id)) : NOT_FOUND;
    },
  },
  {
    method: "POST",
    pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
    auth: "jwt",
    handler: (_r, params, context) => {
      const id = Number(params[0]);
      if (context.world.installationRepos(id).length === 0) return NOT_FOUND;
      return json(
        {
          token: context.issueToken(id),
          expires_at: isoTime(context.world.now + 3_600_000),
          permissions: { ...APP_PERMISSIONS },
          repository_selection: "selected",
        },
        201,
      );
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/installation$/,
    auth: "jwt",
    handler: (_r, params, context) => {
      const repo = repoOf(context, params);
      return repo ? json(installationJson(repo, context.world.installationId(repo))) : NOT_FOUND;
    },
  },
  // ---- installation-token routes
  {
    method: "GET",
    pattern: /^\/installation\/repositories$/,
    auth: "token",
    handler: (request, _p, context) => {
      const all = context.world.installationRepos(context.tokenInstallation(String(request.headers["authorization"] ?? "")));
      const { page, headers } = paginate(all, request, context);
      return json({ total_count: all.length, repository_selection: "selected", repositories: page.map(repoJson) }, 200, headers);
    },
  },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)$/, auth: "token", handler: (_r, params, context) => {
    const repo = repoOf(context, params);
    return repo ? json(repoJson(repo)) : NOT_FOUND;
  } },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/, auth: "token", handler: contents },
  { method: "PUT", pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/, auth: "token", handler: putContents },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/(.+)$/, auth: "token", handler: getRef },
  { method: "POST", pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/refs$/, auth: "token", handler: createRef },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, auth: "token", handler: listPulls },
  { method: "POST", pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, auth: "token", handler: createPull },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/,
    auth: "token",
    handler: (_r, params, context) => {
      const repo = repoOf(context, params);
      if (!repo) return NOT_FOUND;
      const user = context.world.user(params[2] ?? "");
      const level = permission(repo, user, context.world);
      return json({ permission: level, role_name: level === "admin" ? "admin" : level === "write" ? "write" : "read", user: userJson(user) });
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)$/,
    auth: "token",
    handler: (_r, params, context) => {
      const repo = repoOf(context, params);
      return repo && repo.members.has((params[2] ?? "").toLowerCase()) ? { status: 204 } : NOT_FOUND;
    },
  },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, auth: "token", handler: listIssues },
  { method: "POST", pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, auth: "token", handler: createIssue },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    auth: "token",
    handler: (_r, params, context) => {
      const node = [...context.world.nodes.values()].find((n) => n.type === "comment" && n.value.id === Number(params[2]) && n.value.item.kind === "issue");
      return node?.type === "comment" && node.value.item.repo === repoOf(context, params) ? json(issueCommentJson(node.value)) : NOT_FOUND;
    },
  },
  {
    method: "PATCH",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    auth: "token",
    handler: (request, params, context) => {
      const node = [...context.world.nodes.values()].find((n) => n.type === "comment" && n.value.id === Number(params[2]) && n.value.item.kind === "issue");
      if (node?.type !== "comment" || node.value.item.repo !== repoOf(context, params)) return NOT_FOUND;
      const body = field(request.body, "body");
      if (typeof body !== "string") return validationFailed("IssueComment", "body", "missing_field");
      context.world.editComment(node.value, context.world.bot, body);
      return json(issueCommentJson(node.value));
    },
  },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, auth: "token", handler: (_r, params, context) => {
    const found = issueOf(context, params);
    return found ? json(issueJson(found.item)) : NOT_FOUND;
  } },
  { method: "PATCH", pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, auth: "token", handler: updateIssue },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const { page, headers } = paginate(found.item.comments, request, context);
      return json(page.map(issueCommentJson), 200, headers);
    },
  },
  {
    method: "POST",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const body = field(request.body, "body");
      if (typeof body !== "string" || body === "") return validationFailed("IssueComment", "body", "missing_field");
      return json(issueCommentJson(context.world.addComment(found.item, context.world.bot, body)), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
    auth: "token",
    handler: (_r, params, context) => {
      const found = issueOf(context, params);
      return found ? itemLabels(found.item) : NOT_FOUND;
    },
  },
  {
    method: "POST",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const names = labelNames(request.body);
      context.world.addLabels(found.item, labelsByName(context, found.repo, names), context.world.bot);
      return itemLabels(found.item);
    },
  },
  {
    method: "PUT",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const names = labelNames(request.body);
      const wanted = labelsByName(context, found.repo, names);
      context.world.removeLabels(found.item, found.item.labels.filter((label) => !wanted.includes(label)), context.world.bot);
      context.world.addLabels(found.item, wanted, context.world.bot);
      return itemLabels(found.item);
    },
  },
  {
    method: "DELETE",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/,
    auth: "token",
    handler: (_r, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const label = found.item.labels.find((present) => present.name.toLowerCase() === (params[3] ?? "").toLowerCase());
      if (!label) return json({ message: "Label does not exist", documentation_url: "https://docs.github.com/rest" }, 404);
      context.world.removeLabels(found.item, [label], context.world.bot);
      return itemLabels(found.item);
    },
  },
  {
    method: "POST",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/assignees$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const users = strings(field(request.body, "assignees")).map((login) => context.world.user(login));
      context.world.addAssignees(found.item, users, context.world.bot);
      return json(issueJson(found.item), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/(?:events|timeline)$/,
    auth: "token",
    handler: (request, params, context) => {
      const found = issueOf(context, params);
      if (!found) return NOT_FOUND;
      const all = found.item.events.flatMap((_event, index) => labelEventJson(found.item, index));
      const { page, headers } = paginate(all, request, context);
      return json(page, 200, headers);
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels$/,
    auth: "token",
    handler: (request, params, context) => {
      const repo = repoOf(context, params);
      if (!repo) return NOT_FOUND;
      const { page, headers } = paginate([...repo.labels].sort((a, b) => a.name.localeCompare(b.name)), request, context);
      return json(page.map(labelJson), 200, headers);
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/,
    auth: "token",
    handler: (_r, params, context) => {
      const repo = repoOf(context, params);
      const label = repo ? context.world.findLabel(repo, params[2] ?? "") : undefined;
      return label ? json(labelJson(label)) : NOT_FOUND;
    },
  },
  {
    method: "POST",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels$/,
    auth: "token",
    handler: (request, params, context) => {
      const repo = repoOf(context, params);
      if (!repo) return NOT_FOUND;
      const name = field(request.body, "name");
      const color = field(request.body, "color");
      const description = field(request.body, "description");
      if (typeof name !== "string" || name.trim() === "") return validationFailed("Label", "name", "missing_field");
      if (color !== undefined && (typeof color !== "string" || !/^#?[0-9a-fA-F]{6}$/.test(color))) return validationFailed("Label", "color", "invalid");
      if (context.world.findLabel(repo, name)) return validationFailed("Label", "name", "already_exists");
      const label = context.world.createLabel(repo, name, typeof color === "string" ? color : "ededed", typeof description === "string" ? description : null, context.world.bot);
      return json(labelJson(label), 201);
    },
  },
  {
    method: "PATCH",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/,
    auth: "token",
    handler: (request, params, context) => {
      const repo = repoOf(context, params);
      const label = repo ? context.world.findLabel(repo, params[2] ?? "") : undefined;
      if (!label) return NOT_FOUND;
      const color = field(request.body, "color");
      const description = field(request.body, "description");
      const newName = field(request.body, "new_name");
      if (typeof color === "string") label.color = color.replace(/^#/, "").toLowerCase();
      if (typeof description === "string") label.description = description;
      if (typeof newName === "string" && newName !== "") label.name = newName;
      return json(labelJson(label));
    },
  },
  {
    method: "GET",
    pattern: /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/,
    auth: "token",
    handler: (request, params, context) => {
      const repo = [...context.world.repos.values()].find((candidate) => candidate.owner.login.toLowerCase() === (params[0] ?? "").toLowerCase());
      const members = repo?.teams.get((params[1] ?? "").toLowerCase());
      if (!members) return NOT_FOUND;
      const { page, headers } = paginate(members.map((login) => context.world.user(login)), request, context);
      return json(page.map(userJson), 200, headers);
    },
  },
  {
    method: "GET",
    pattern: /^\/users\/([^/]+)$/,
    auth: "any",
    handler: (_r, params, context) => {
      const user = context.world.findUser(params[0] ?? "");
      return user ? json(userJson(user)) : NOT_FOUND;
    },
  },
  {
    method: "GET",
    pattern: /^\/search\/issues$/,
    auth: "token",
    handler: (request, _p, context) => {
      const query = parseSearch(request.query.get("q") ?? "");
      for (const token of query.unsupported) context.report(`simulator: search qualifier "${token}" is not implemented`);
      const issues = [...context.world.repos.values()].flatMap((repo) => [...repo.items.values()]).filter((item) => item.kind === "issue");
      const found = search(query, issues).slice(0, 1000);
      const { page, headers } = paginate(found, request, context);
      return json({ total_count: found.length, incomplete_results: false, items: page.map(issueJson) }, 200, headers);
    },
  },
];

export type RestOutcome = { readonly kind: "handled"; readonly response: RestResponse } | { readonly kind: "unimplemented" };

/**
 * Finds the route and checks the credential type: app endpoints need the app's JWT, the
 * rest an installation token, as on GitHub (mixing them up is a classic app bug).
 */
export function handleRest(request: RestRequest, context: RestContext): RestOutcome {
  for (const route of ROUTES) {
    if (route.method !== request.method) continue;
    const match = route.pattern.exec(request.path);
    if (!match) continue;
    const authorization = String(request.headers["authorization"] ?? "");
    const jwt = /^bearer\s+ey/i.test(authorization);
    const token = /^(?:token|bearer)\s+ghs_/i.test(authorization);
    if ((route.auth === "jwt" && !jwt) || (route.auth === "token" && !token)) {
      const wanted = route.auth === "jwt" ? "the app's JWT" : "an installation token";
      context.report(`simulator: ${request.method} ${request.path} was called without ${wanted}; GitHub answers 401`);
      return { kind: "handled", response: json({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }, 401) };
    }
    const params = match.slice(1).map((part) => (part === undefined ? "" : decodeURIComponent(part)));
    return { kind: "handled", response: route.handler(request, params, context) };
  }
  return { kind: "unimplemented" };
}
