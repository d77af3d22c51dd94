/**
 * Health routes for probes (docs/deploy.md), registered with Probot's `addHandler`:
 *
 * - `GET /healthz` (liveness): 200 `{"status":"ok"}` whenever the process answers HTTP. It
 *   checks nothing else, so an outage of GitHub or Redis never gets the process restarted.
 * - `GET /readyz` (readiness): runs the checks (GitHub authentication as the app; Redis when
 *   configured), each bounded by `timeoutMs`, and answers 200
 *   `{"status":"ready","checks":{"github":"ok","redis":"ok"|"not configured"}}`, or 503
 *   `{"status":"not ready","checks":{…,"github":"<short error>"}}` when one fails or hangs.
 *
 * HEAD is answered like GET without a body; other methods get 405. Any other path is not
 * ours: the handler returns false so the next handler (or Probot's 404) answers.
 *
 * Errors are reported as one short line with anything that looks like a credential (tokens,
 * JWTs, `Bearer …`, a password in a URL, a PEM block) masked: the routes are unauthenticated.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

export interface HealthChecks {
  /** Resolves when the app can authenticate to GitHub (e.g. `GET /app` with its JWT). */
  readonly github: () => Promise<void>;
  /** Resolves when Redis answers (e.g. `PING`); absent when `REDIS_URL` is not set. */
  readonly redis?: () => Promise<void>;
}

export type HealthHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

const MAX_ERROR_LENGTH = 200;

/** Masks what could be a credential in an error message. */
export function redact(text: string): string {
  return text
    .replace(/-----BEGIN [^-]*-----[\s\S]*?(?:-----END [^-]*-----|$)/g, "[redacted key]")
    .replace(/\b(?:gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,})/g, "[redacted token]")
    .replace(/\beyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g, "[redacted jwt]")
    .replace(/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi, "$1 [redacted]")
    .replace(/(\/\/)[^/@\s:]*:[^/@\s]*@/g, "$1[redacted]@");
}

/** One short line for a failed check: the status (when an HTTP error has one) and the message. */
export function shortError(err: unknown): string {
  const status = typeof err === "object" && err !== null && typeof (err as { status?: unknown }).status === "number" ? (err as { status: number }).status : null;
  const raw = err instanceof Error ? err.message || err.name : typeof err === "string" ? err : "check failed";
  const firstLine = redact(raw).split(/\r?\n/)[0]?.trim() || "check failed";
  const line = status !== null && !firstLine.startsWith(String(status)) ? `${status} ${firstLine}` : firstLine;
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

function send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

export function healthHandler(checks: HealthChecks, timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS): HealthHandler {
  // A check still running (hanging) is joined by later probes rather than started again, so
  // probes every few seconds during an outage do not pile up requests.
  const running = new Map<string, Promise<void>>();
  const run = (name: string, check: () => Promise<void>): Promise<void> => {
    let pending = running.get(name);
    if (!pending) {
      pending = Promise.resolve()
        .then(check)
        .finally(() => running.delete(name));
      running.set(name, pending);
    }
    return pending;
  };

  const withTimeout = async (promise: Promise<void>): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(timeoutMs)), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([promise, timeout]);
      return "ok";
    } catch (err) {
      return shortError(err);
    } finally {
      clearTimeout(timer);
    }
  };

  const readiness = async (): Promise<{ ready: boolean; results: Record<string, string> }> => {
    const [github, redis] = await Promise.all([
      withTimeout(run("github", checks.github)),
      checks.redis ? withTimeout(run("redis", checks.redis)) : Promise.resolve("not configured"),
    ]);
    return { ready: github === "ok" && (redis === "ok" || redis === "not configured"), results: { github, redis } };
  };

  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== HEALTH_PATH && path !== READY_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, req, 405, { error: "method not allowed" }, { allow: "GET, HEAD" });
      return true;
    }
    if (path === HEALTH_PATH) {
      send(res, req, 200, { status: "ok" });
      return true;
    }
    const { ready, results } = await readiness();
    send(res, req, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks: results });
    return true;
  };
}
