/**
 * What is worth retrying, and after how long. Probot's throttling plugin retries primary
 * rate limits but only logs secondary ones, and its retry plugin may be off (the simulator)
 * — so the item pipeline retries on its own, by reading again and re-planning rather than
 * re-sending a write: a write that failed with a 502 may still have happened, and the
 * reconciling planner sees that on the next read instead of posting a duplicate.
 */
import { errorStatus } from "./client.js";
import { InstallationPausedError } from "./octokit.js";

export interface RetryAdvice {
  readonly retry: boolean;
  /** How long to wait first, from `retry-after` or the rate-limit reset when GitHub said. */
  readonly delayMs: number | null;
}

function header(err: unknown, name: string): string | null {
  const h = (err as { response?: { headers?: Record<string, unknown> } })?.response?.headers;
  const v = h?.[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : null;
}

export function retryAdvice(err: unknown, nowMs: number): RetryAdvice {
  const status = errorStatus(err);
  const retryAfter = header(err, "retry-after");
  const delayFromHeader = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null;
  // The installation is paused (rate limit, outage): nothing was sent; wait for the pause.
  if (err instanceof InstallationPausedError) return { retry: true, delayMs: err.retryAfterMs };
  if (status === null) {
    // A network error, or a GraphQL error document without an HTTP status.
    const message = err instanceof Error ? err.message : String(err);
    const graphqlRateLimited = /RATE_LIMITED|rate limit/i.test(message);
    const network = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|other side closed/i.test(message);
    return { retry: graphqlRateLimited || network, delayMs: null };
  }
  if (status === 429) return { retry: true, delayMs: delayFromHeader };
  if (status === 403) {
    const message = err instanceof Error ? err.message : "";
    const remaining = header(err, "x-ratelimit-remaining");
    const reset = header(err, "x-ratelimit-reset");
    if (delayFromHeader !== null || /secondary rate limit|abuse/i.test(message)) return { retry: true, delayMs: delayFromHeader };
    if (remaining === "0" && reset !== null && /^\d+$/.test(reset)) {
      return { retry: true, delayMs: Math.max(0, Number(reset) * 1000 - nowMs) };
    }
    return { retry: false, delayMs: null };
  }
  if (status >= 500) return { retry: true, delayMs: delayFromHeader };
  return { retry: false, delayMs: null };
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** Longest single wait; a longer `retry-after` gives up instead (a later sweep repairs). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** Wait before attempt `attempt` (1-based retry count): GitHub's word, else exponential. */
export function retryDelay(policy: RetryPolicy, attempt: number, advice: RetryAdvice): number | null {
  const d = advice.delayMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
  return d > policy.maxDelayMs ? null : d;
}
