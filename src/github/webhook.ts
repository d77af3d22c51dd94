/**
 * Sends one escalation notification (docs/notifications.md): a JSON POST with the
 * idempotency id in `X-Support-Triage-Delivery` (and `Idempotency-Key`), signed like
 * GitHub signs its own (`X-Support-Triage-Signature-256: sha256=<hmac>`) when the
 * configuration names a secret. Secrets — the HMAC key, and the URL itself for Slack and
 * Teams — are read from environment variables the configuration names, never from the
 * configuration.
 *
 * The URL policy (src/config/url-policy.ts) is applied here as well as at configuration
 * load: to the URL (an environment variable's URL was never checked), then to every
 * address the host name resolves to. The resolution happens inside the socket's own
 * `lookup`, and the socket connects to the addresses that were checked — there is no
 * second lookup that DNS rebinding could answer differently. Redirects are not followed
 * (a 3xx is a failed delivery). A failure throws {@link NotificationError}; the GitHub
 * layer records nothing and a later plan sends the notification again.
 */
import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { allowPrivateUrls, blockedAddress, checkOutgoingUrl, PRIVATE_OPT_IN_HINT } from "../config/url-policy.js";
import type { OutgoingNotification } from "../triage/types.js";

/**
 * Sends one notification. `target` is where it goes, safe to log and show (the configured
 * URL, or `$ENV_NAME` when the URL is a secret in the environment) — it is what the
 * simulator records; `notification` carries everything needed to send it.
 */
export type WebhookSender = (target: string, notification: OutgoingNotification) => Promise<void>;

/** Resolves a host name to all its addresses (default: the system resolver, `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface WebhookSendOptions {
  /** Tries per send, for network errors, 429 and 5xx (default 2: the next sweep re-sends anyway). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  readonly resolve?: Resolver;
  /** Default: SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS in `env`. */
  readonly allowPrivate?: boolean;
}

/** Why a notification was not delivered; `host` is safe to log (a Slack or Teams URL's path is its secret). */
export class NotificationError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
    /** False when trying again cannot help this time (refused URL, 4xx, redirect). */
    readonly transient: boolean,
  ) {
    super(`escalation notification to ${host || "(no host)"} failed: ${reason}`);
    this.name = "NotificationError";
  }
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/**
 * A socket `lookup` that resolves once, refuses the connection when any address is not
 * public (unless allowed), and hands the socket exactly the checked addresses.
 */
export function guardedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = all.filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
          return;
        }
        if (!allowPrivate) {
          for (const a of all) {
            const why = blockedAddress(a.address);
            if (why !== null) {
              callback(
                Object.assign(new Error(`${hostname} resolves to ${a.address}, ${why}; notifications go to public addresses only (${PRIVATE_OPT_IN_HINT})`), {
                  code: "ERR_SUPPORT_TRIAGE_PRIVATE_ADDRESS",
                }),
                "",
                0,
              );
              return;
            }
          }
        }
        if (options.all === true) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, addresses[0]?.address ?? "", addresses[0]?.family ?? 4);
      },
      (err: unknown) => callback(err instanceof Error ? (err as NodeJS.ErrnoException) : new Error(String(err)), "", 0),
    );
  };
}

interface PostResult {
  readonly status: number;
}

function post(url: URL, headers: Record<string, string>, body: string, lookup: LookupFunction, timeoutMs: number): Promise<PostResult> {
  return new Promise<PostResult>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        // A fresh connection each time: a pooled socket would skip the check of this send.
        agent: false,
        lookup,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res: IncomingMessage) => {
        // Only the status matters; the body is drained so the socket can close.
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (err.name === "TimeoutError" || err.name === "AbortError") return "no answer in time";
  if (code === "ECONNREFUSED") return "connection refused";
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

export function createWebhookSender(options: WebhookSendOptions = {}): WebhookSender {
  const attempts = Math.max(1, options.attempts ?? 2);
  const base = options.baseDelayMs ?? 1000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolver = options.resolve ?? systemResolver;
  return async (_target, n) => {
    const env = options.env ?? process.env;
    const allowPrivate = options.allowPrivate ?? allowPrivateUrls(env);
    const raw = n.url ?? (n.urlEnv !== null ? env[n.urlEnv] : undefined);
    if (raw === undefined || raw.trim() === "") {
      throw new NotificationError("", `the environment variable ${n.urlEnv ?? "(none)"} that should hold the URL is not set`, false);
    }
    // The URL of an environment variable is a secret: messages name the variable, not the URL.
    const checked = checkOutgoingUrl(raw, { allowPrivate }, n.url !== null ? "the webhook URL" : `the URL in ${n.urlEnv}`);
    if (!checked.ok) {
      let host = "";
      try {
        host = new URL(raw.trim()).host;
      } catch {
        host = "";
      }
      throw new NotificationError(host, checked.message, false);
    }
    const url = checked.url;
    const body = JSON.stringify(n.body);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "support-triage",
      "x-support-triage-event": "escalated",
      "x-support-triage-delivery": n.deliveryId,
      "idempotency-key": n.deliveryId,
    };
    const secret = n.secretEnv ? env[n.secretEnv] : undefined;
    if (secret) headers["x-support-triage-signature-256"] = signBody(secret, body);
    const lookup = guardedLookup(resolver, allowPrivate);
    let last = "";
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(base * 2 ** (i - 1));
      try {
        const res = await post(url, headers, body, lookup, timeoutMs);
        if (res.status >= 200 && res.status < 300) return;
        if (res.status >= 300 && res.status < 400) {
          throw new NotificationError(url.host, `HTTP ${res.status}: a redirect, which is not followed (configure the final URL)`, false);
        }
        last = `HTTP ${res.status}`;
        // A 4xx other than 408 and 429 will not get better by trying again now.
        if (res.status !== 408 && res.status !== 429 && res.status < 500) throw new NotificationError(url.host, last, false);
      } catch (err) {
        if (err instanceof NotificationError) throw err;
        if ((err as NodeJS.ErrnoException).code === "ERR_SUPPORT_TRIAGE_PRIVATE_ADDRESS") {
          throw new NotificationError(url.host, (err as Error).message, false);
        }
        last = describeError(err);
      }
    }
    throw new NotificationError(url.host, attempts > 1 ? `${last} (${attempts} tries)` : last, true);
  };
}

export const sendEscalationWebhook: WebhookSender = createWebhookSender();
