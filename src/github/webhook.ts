/**
 * The outgoing escalation webhook: one JSON POST, signed like GitHub signs its own
 * (`X-Support-Triage-Signature-256: sha256=<hmac>`), retried with exponential backoff on
 * network errors, 429 and 5xx. The secret is read from the environment variable the
 * configuration names, never from the configuration itself.
 */
import { createHmac } from "node:crypto";

export type WebhookSender = (url: string, secretEnv: string | null, payload: unknown) => Promise<void>;

export interface WebhookSendOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetchImpl?: typeof fetch;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function createWebhookSender(options: WebhookSendOptions = {}): WebhookSender {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const doFetch = options.fetchImpl ?? fetch;
  const env = options.env ?? process.env;
  return async (url, secretEnv, payload) => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "support-triage",
    };
    const secret = secretEnv ? env[secretEnv] : undefined;
    if (secret) headers["x-support-triage-signature-256"] = signBody(secret, body);
    let lastError = "";
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(base * 2 ** (i - 1));
      try {
        const res = await doFetch(url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) break; // a 4xx other than 429 will not get better
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    throw new Error(`escalation webhook to ${new URL(url).host} failed after retries: ${lastError}`);
  };
}

export const sendEscalationWebhook: WebhookSender = createWebhookSender();
