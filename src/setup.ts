/**
 * Probot's set-up mode ("Register GitHub App" page), made to work end to end.
 *
 * `probot run` without APP_ID/PRIVATE_KEY serves Probot's set-up page, with two faults
 * (measured on Probot 14.3.2, the exact version this package pins):
 *
 * - the manifest JSON is interpolated raw into a single-quoted HTML attribute
 *   (`value='${manifest}'`): an apostrophe anywhere in app.yml ends the attribute and a
 *   browser submits a truncated, invalid manifest; `&` sequences are decoded as character
 *   references;
 * - `hook_attributes.url` is `<this server>/`, while Probot 14 receives webhooks only on
 *   WEBHOOK_PATH (default `/api/github/webhooks`): a registered app's deliveries got 404.
 *
 * `startSetup` composes the same server Probot's `run()` builds in set-up mode (Probot's
 * Server, a placeholder Probot, Probot's own set-up handler for the code exchange, the
 * import page and `.env` writing, the webhook proxy), with one handler of its own in front:
 * `GET /probot`, which renders Probot's page with a manifest that is HTML-escaped for the
 * attribute and whose hook URL is WEBHOOK_PROXY_URL when set, else
 * `<this server>${WEBHOOK_PATH}`. app.yml is validated before anything listens, so a
 * mistake is reported with the file's path instead of as a rejected registration on GitHub.
 *
 * Probot's set-up handler is not part of its public exports; it is loaded from Probot's
 * own files (`lib/apps/setup.js` and friends). Probot is pinned exactly in package.json;
 * if an upgrade moves those files, `startSetup` fails at once with a message saying so.
 */
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "node:util";
import { Probot, Server, type Logger } from "probot";
import YAML from "yaml";

/** Probot's default WEBHOOK_PATH. */
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/** Events GitHub delivers to every app and refuses in a manifest's `default_events`
 * ("Default events unsupported: installation_repositories"). */
const IMPLICIT_EVENTS = new Set(["installation", "installation_repositories", "github_app_authorization"]);

/** The permission each event this app may subscribe to needs (GitHub refuses a manifest
 * whose events are "not supported by permissions"). Events not listed are not checked. */
const EVENT_PERMISSION: Readonly<Record<string, string>> = {
  issues: "issues",
  issue_comment: "issues",
  discussion: "discussions",
  discussion_comment: "discussions",
  push: "contents",
  label: "issues",
  milestone: "issues",
};

/** Longest GitHub App name GitHub accepts. */
const MAX_NAME_LENGTH = 34;

/** Environment variables Probot's set-up handler reads from `process.env` itself. */
const PROBOT_PROCESS_ENV = ["WEBHOOK_PROXY_URL", "NO_SMEE_SETUP", "PROJECT_DOMAIN", "GHE_HOST", "GHE_PROTOCOL", "GH_ORG", "NODE_ENV"] as const;

export type UpdateEnv = (vars: Record<string, string>) => unknown;

export interface SetupOptions {
  /** Logger (default: Probot's, configured from LOG_LEVEL/LOG_FORMAT/… like `probot run`). */
  readonly log?: Logger;
  /** Persists credentials and the created smee channel (default: Probot's, writes `./.env`). */
  readonly updateEnv?: UpdateEnv;
}

export interface SetupServer {
  /** Where the set-up page is, e.g. `http://localhost:3000`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** app.yml (or the environment) is unusable for set-up; the message says what and where. */
export class SetupError extends Error {
  override name = "SetupError";
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------
// app.yml

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const { protocol } = new URL(s);
  return protocol === "http:" || protocol === "https:";
}

/** Only JSON-representable values may reach the manifest (YAML can also express binary
 * data, sets, dates, …, which JSON.stringify would silently change). */
function checkJson(value: unknown, path: string, problems: string[]): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) problems.push(`${path}: ${value} is not a JSON number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, `${path}[${i}]`, problems));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkJson(v, path ? `${path}.${k}` : k, problems);
    return;
  }
  problems.push(`${path}: a ${Object.prototype.toString.call(value).slice(8, -1)} value cannot be put in a JSON manifest`);
}

/**
 * Reads and checks the manifest template. Throws a SetupError naming the file and every
 * problem found. `webhookPath` is the path the server receives webhooks on.
 */
export function readAppManifest(file: string, webhookPath: string = DEFAULT_WEBHOOK_PATH): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SetupError(
      code === "ENOENT"
        ? `${file} not found: the set-up page registers the GitHub App from it (start the server from the project directory)`
        : `${file} cannot be read: ${(error as Error).message}`,
    );
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SetupError(`${file} is not valid YAML:\n${doc.errors.map((e) => `  - ${e.message}`).join("\n")}`);
  }
  const data: unknown = doc.toJS();
  if (!isObject(data)) throw new SetupError(`${file} must be a YAML mapping (name:, description:, default_events:, …)`);

  const problems: string[] = [];
  checkJson(data, "", problems);
  const { name, description, url, default_events, default_permissions, hook_attributes } = data;

  if (typeof name !== "string" || name.trim() === "") problems.push("name: required, a non-empty string");
  else if (name.length > MAX_NAME_LENGTH) problems.push(`name: at most ${MAX_NAME_LENGTH} characters (GitHub's limit), got ${name.length}`);
  if (description !== undefined && typeof description !== "string") problems.push("description: must be a string");
  if (url !== undefined && (typeof url !== "string" || !isHttpUrl(url))) problems.push("url: must be an http(s) URL (the app's homepage)");
  if (data["public"] !== undefined && typeof data["public"] !== "boolean") problems.push("public: must be true or false");

  const permissions = new Map<string, string>();
  if (default_permissions !== undefined) {
    if (!isObject(default_permissions)) problems.push("default_permissions: must be a mapping of permission: read|write");
    else
      for (const [scope, level] of Object.entries(default_permissions)) {
        if (level !== "read" && level !== "write" && level !== "admin") problems.push(`default_permissions.${scope}: must be read, write or admin, got ${JSON.stringify(level)}`);
        else permissions.set(scope, level);
      }
  }
  if (default_events !== undefined) {
    if (!Array.isArray(default_events) || !default_events.every((e): e is string => typeof e === "string")) {
      problems.push("default_events: must be a list of event names");
    } else {
      for (const event of default_events) {
        if (IMPLICIT_EVENTS.has(event)) {
          problems.push(`default_events: remove ${event}: GitHub delivers it to every app and refuses it in a manifest ("Default events unsupported")`);
        } else {
          const needs = EVENT_PERMISSION[event];
          if (needs && !permissions.has(needs)) problems.push(`default_events: ${event} needs default_permissions.${needs}`);
        }
      }
    }
  }
  if (hook_attributes !== undefined) {
    if (!isObject(hook_attributes)) problems.push("hook_attributes: must be a mapping");
    else {
      const hookUrl = hook_attributes["url"];
      if (hookUrl !== undefined) {
        if (typeof hookUrl !== "string" || !isHttpUrl(hookUrl)) problems.push("hook_attributes.url: must be an http(s) URL");
        else if (!new URL(hookUrl).pathname.endsWith(webhookPath)) {
          problems.push(`hook_attributes.url: must end with ${webhookPath}, the only path the server receives webhooks on (or leave it out: the set-up page fills it in)`);
        }
      }
      if (hook_attributes["active"] !== undefined && typeof hook_attributes["active"] !== "boolean") problems.push("hook_attributes.active: must be true or false");
    }
  }
  if (problems.length > 0) throw new SetupError(`${file} is not a usable GitHub App manifest:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return data;
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  homepage?: unknown;
  repository?: unknown;
}

function readPackageJson(cwd: string): PackageJson {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    return isObject(pkg) ? (pkg as PackageJson) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export interface ManifestContext {
  /** How the browser reached this server, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  readonly webhookPath: string;
  /** The smee.io (or other) channel that forwards to this server, if any. */
  readonly webhookProxyUrl?: string | undefined;
  readonly pkg?: PackageJson;
}

/**
 * The manifest GitHub receives: Probot's fields and precedence (app.yml wins), except that
 * app.yml's hook_attributes are merged rather than replacing the generated URL, and that
 * URL is the proxy channel or this server's webhook path, never `/`.
 */
export function buildManifest(appYml: JsonObject, ctx: ManifestContext): JsonObject {
  const pkg = ctx.pkg ?? {};
  const { hook_attributes, ...rest } = appYml;
  const repository = isObject(pkg.repository) ? str(pkg.repository["url"]) : str(pkg.repository);
  const manifest: JsonObject = {
    description: str(appYml["description"]) ?? str(pkg.description) ?? "",
    hook_attributes: {
      url: ctx.webhookProxyUrl || `${ctx.baseUrl}${ctx.webhookPath}`,
      ...(isObject(hook_attributes) ? hook_attributes : {}),
    },
    name: str(appYml["name"]) ?? str(pkg.name) ?? "",
    public: true,
    redirect_url: `${ctx.baseUrl}/probot/setup`,
    url: str(appYml["url"]) ?? str(pkg.homepage) ?? repository ?? null,
    version: "v1",
    ...rest,
  };
  if (manifest["url"] === null) delete manifest["url"];
  return manifest;
}

/** Escapes text for HTML content and for single- or double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

// ---------------------------------------------------------------------------------------
// Probot internals (not in its exports map; loaded from its own files)

interface SetupFactoryOptions {
  host: string;
  port: number;
  log: Logger;
  updateEnv?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  SmeeClient?: { createChannel: () => Promise<string | undefined> };
}

interface ProbotInternals {
  setupAppFactory: (options: SetupFactoryOptions) => () => Promise<(req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>>;
  setupView: (o: { name?: string | undefined; description?: string | undefined; version?: string | undefined; createAppUrl: string; manifest: string }) => string;
  updateEnv: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  getLog: (o: Record<string, unknown>) => Promise<Logger>;
  readEnvOptions: (env: NodeJS.ProcessEnv) => {
    port: number;
    host: string | undefined;
    secret: string | undefined;
    webhookPath: string | undefined;
    webhookProxy: string | undefined;
    logLevel: string | undefined;
    logFormat: "json" | "pretty";
    logLevelInString: boolean;
    logMessageKey: string | undefined;
    sentryDsn: string | undefined;
    baseUrl: string;
  };
}

async function loadProbotInternals(): Promise<ProbotInternals> {
  const lib = dirname(createRequire(import.meta.url).resolve("probot"));
  const version = (): string => {
    try {
      return String((JSON.parse(readFileSync(join(lib, "..", "package.json"), "utf8")) as { version?: unknown }).version);
    } catch {
      return "unknown";
    }
  };
  const load = async (file: string, name: string): Promise<unknown> => {
    const path = join(lib, file);
    const fn = existsSync(path) ? ((await import(pathToFileURL(path).href)) as Record<string, unknown>)[name] : undefined;
    if (typeof fn !== "function") {
      throw new SetupError(`probot ${version()} has no ${name} in lib/${file}: src/setup.ts was written for probot 14.3.2's set-up mode; check it against the installed version`);
    }
    return fn;
  };
  return {
    setupAppFactory: (await load("apps/setup.js", "setupAppFactory")) as ProbotInternals["setupAppFactory"],
    setupView: (await load("views/setup.js", "setupView")) as ProbotInternals["setupView"],
    updateEnv: (await load("helpers/update-env.js", "updateEnv")) as ProbotInternals["updateEnv"],
    getLog: (await load("helpers/get-log.js", "getLog")) as ProbotInternals["getLog"],
    readEnvOptions: (await load("bin/read-env-options.js", "readEnvOptions")) as ProbotInternals["readEnvOptions"],
  };
}

// ---------------------------------------------------------------------------------------
// the server

/** Probot's reading of the request's origin, with the first of several forwarded values. */
function requestBaseUrl(req: IncomingMessage): string {
  const first = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h)?.split(",")[0]?.trim() || undefined;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const protocol = first(req.headers["x-forwarded-proto"]) ?? (encrypted ? "https" : "http");
  const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host ?? "localhost";
  return `${protocol}://${host}`;
}

function printableHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "[::]") return "localhost";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * Starts the set-up server (Probot's "Register GitHub App" flow) for a deployment without
 * APP_ID/PRIVATE_KEY. Like `probot run`, it first applies `./.env` over `env`, refuses to
 * run with NODE_ENV=production, and, outside production without WEBHOOK_PROXY_URL or
 * NO_SMEE_SETUP=true, creates a smee.io channel and saves it as WEBHOOK_PROXY_URL.
 * With WEBHOOK_PROXY_URL it also forwards the channel's deliveries to WEBHOOK_PATH.
 */
export async function startSetup(env: NodeJS.ProcessEnv = process.env, options: SetupOptions = {}): Promise<SetupServer> {
  const cwd = process.cwd();
  const envFile = join(cwd, ".env");
  if (existsSync(envFile)) Object.assign(env, parseEnv(readFileSync(envFile, "utf8")));

  if (env.NODE_ENV === "production") {
    throw new SetupError(
      "APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required with NODE_ENV=production; the set-up page runs only outside production. " +
        "Register the app once locally (npm start without credentials) or set the variables from an existing app (see .env.example).",
    );
  }

  const probot = await loadProbotInternals();
  const opts = probot.readEnvOptions(env);
  const webhookPath = opts.webhookPath || DEFAULT_WEBHOOK_PATH;
  const appYml = join(cwd, "app.yml");
  readAppManifest(appYml, webhookPath); // fail before listening

  const log =
    options.log ??
    (await probot.getLog({
      level: opts.logLevel,
      logFormat: opts.logFormat,
      logLevelInString: opts.logLevelInString,
      logMessageKey: opts.logMessageKey,
      sentryDsn: opts.sentryDsn,
    }));

  // Probot's set-up handler reads these from process.env; make it see what `env` says.
  const saved = new Map<string, string | undefined>();
  const processEnv = process.env as Record<string, string | undefined>;
  if (env !== process.env) {
    for (const key of PROBOT_PROCESS_ENV) {
      saved.set(key, processEnv[key]);
      if (env[key] === undefined) delete processEnv[key];
      else processEnv[key] = env[key];
    }
  }
  const restoreProcessEnv = (): void => {
    for (const [key, value] of saved) {
      if (value === undefined) delete processEnv[key];
      else processEnv[key] = value;
    }
    saved.clear();
  };

  const writeEnv = options.updateEnv ?? probot.updateEnv;
  const updateEnv = (vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) if (v !== undefined) clean[k] = v;
    writeEnv(clean);
    Object.assign(env, clean);
    return { ...env };
  };

  const host = opts.host ?? "localhost";
  const port = opts.port;
  const server = new Server({
    host,
    port,
    webhookPath,
    webhookProxy: opts.webhookProxy,
    log,
    // Set-up mode needs a Probot instance for the server, never for GitHub calls (as #1512 in `run()`).
    Probot: Probot.defaults({ appId: 1, privateKey: "placeholder for set-up mode", secret: opts.secret, baseUrl: opts.baseUrl, log }),
  });

  const pkg = readPackageJson(cwd);
  const setupPage = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/probot") return false;
    let manifest: JsonObject;
    try {
      manifest = buildManifest(readAppManifest(appYml, webhookPath), {
        baseUrl: requestBaseUrl(req),
        webhookPath,
        webhookProxyUrl: env.WEBHOOK_PROXY_URL,
        pkg,
      });
    } catch (error) {
      log.error({ err: error }, "set-up page: cannot build the manifest from app.yml");
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(error instanceof SetupError ? error.message : "cannot build the manifest");
      return true;
    }
    const ghHost = env.GHE_HOST || "github.com";
    const createAppUrl = `${env.GHE_PROTOCOL || "https"}://${ghHost}${env.GH_ORG ? `/organizations/${encodeURIComponent(env.GH_ORG)}` : ""}/settings/apps/new`;
    const text = (v: unknown): string | undefined => (str(v) === undefined ? undefined : escapeHtml(v as string));
    const html = probot.setupView({
      name: text(pkg.name) ?? text(manifest["name"]),
      version: text(pkg.version),
      description: text(pkg.description) ?? text(manifest["description"]),
      createAppUrl: escapeHtml(createAppUrl),
      // Probot puts this inside value='…': escaped, any app.yml content survives intact.
      manifest: escapeHtml(JSON.stringify(manifest)),
    });
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    return true;
  };

  const { SmeeClient } = await import("smee-client");
  try {
    await server.load((_app, { addHandler }) => addHandler(setupPage));
    await server.loadHandlerFactory(
      probot.setupAppFactory({ host, port, log: log.child({ name: "setup" }), updateEnv, SmeeClient: { createChannel: () => SmeeClient.createChannel() } }),
    );
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    restoreProcessEnv();
    throw error;
  }

  const url = `http://${printableHost(host)}:${server.port}`;
  log.info(`Set-up page: ${url}/probot (webhooks: ${env.WEBHOOK_PROXY_URL ? `${env.WEBHOOK_PROXY_URL} -> ` : ""}${webhookPath})`);
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.stop();
      } finally {
        restoreProcessEnv();
      }
    },
  };
}
