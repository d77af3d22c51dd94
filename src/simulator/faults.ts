/**
 * Fault injection for the simulator: the failures GitHub really produces (5xx answers,
 * secondary rate limits, slow answers, lost and late webhook deliveries), chosen
 * pseudo-randomly but reproducibly from a seed.
 *
 * Why a seed and counters instead of `Math.random`: a failing run must be replayable.
 * Every decision is a hash of (seed, stream, n) where n counts the decisions taken on
 * that stream, so the same scenario with the same seed injects the same faults — as
 * long as the app makes the same requests in the same order, which sequential delivery
 * guarantees. Requests and deliveries use separate streams so that tuning one kind of
 * fault does not reshuffle the other.
 *
 * Requests are keyed by what they are (method, path and a hash of the body) and how many
 * identical requests came before, not by their position in the whole run: the app makes
 * some requests concurrently (Octokit fetches a token while a handler starts), and their
 * order varies with the machine's load, but the fate of "the second read of issue #2"
 * does not.
 *
 * A failed write is modelled both ways GitHub fails: refused before anything happened,
 * and answered 5xx after it was applied — for a batched GraphQL document, after a prefix
 * of its mutations was applied. The second kind is what makes "retry from a fresh read,
 * never re-send" necessary, so the simulator has to be able to produce it.
 */

/** The scenario's `faults:` block, resolved. Rates are shares in [0, 1]. */
export interface FaultSpec {
  readonly seed: number;
  /** Share of the app's requests answered 500, 502 or 503. */
  readonly errorRate: number;
  /** Of the writes answered 5xx, the share GitHub had applied anyway (all, or a batch prefix). */
  readonly appliedOnError: number;
  /** Share answered with a secondary rate limit (403 with the message, or 429), `retry-after: 1`. */
  readonly secondaryRateLimit: number;
  /** Real milliseconds added to every request while faults are on. */
  readonly latencyMs: number;
  /** Share of webhook deliveries GitHub never makes. */
  readonly dropWebhooks: number;
  /** Share of webhook deliveries made only after the next step (out of order). */
  readonly delayWebhooks: number;
  /** Simulated epoch ms at which faults stop; null = never (or until a `faults: off` step). */
  readonly until: number | null;
}

export const NO_FAULTS: FaultSpec = {
  seed: 1,
  errorRate: 0,
  appliedOnError: 0.5,
  secondaryRateLimit: 0,
  latencyMs: 0,
  dropWebhooks: 0,
  delayWebhooks: 0,
  until: null,
};

/** Text every injected failure carries, so a run can tell consequences of chaos from bugs. */
export const INJECTED = "simulator: injected fault";

export type RequestFault =
  | { readonly kind: "none" }
  | {
      readonly kind: "error";
      readonly status: 500 | 502 | 503;
      /**
       * Mutations applied before the error: 0 = refused before applying; for a REST write
       * 1 = applied; for a GraphQL document, how many of its top-level mutations ran.
       */
      readonly applied: number;
    }
  | { readonly kind: "rate-limit"; readonly status: 403 | 429 };

export type DeliveryFault = "deliver" | "drop" | "delay";

export interface FaultCounts {
  /** Requests answered while faults were on. */
  requests: number;
  /** 5xx answers to reads and to writes refused before applying. */
  errors: number;
  /** 5xx answers to writes that were (fully or partly) applied first. */
  appliedErrors: number;
  rateLimited: number;
  dropped: number;
  delayed: number;
}

/** 32-bit avalanche hash (lowbias32): good enough spread for fault dice, and tiny. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform number in [0, 1) for decision `n` of `stream` under `seed`. */
export function roll(seed: number, stream: string, n: number): number {
  return mix32(mix32(seed ^ hashString(stream)) + mix32(n)) / 0x1_0000_0000;
}

export class FaultInjector {
  /** Turned off (and on again) by `faults:` steps; `until` also ends faults. */
  enabled = true;
  readonly counts: FaultCounts = { requests: 0, errors: 0, appliedErrors: 0, rateLimited: 0, dropped: 0, delayed: 0 };
  /** Every injected request fault, in order (for the narration and tests). */
  onInject: ((text: string) => void) | null = null;
  /** How many times each request identity was seen. */
  private readonly seen = new Map<string, number>();
  private deliveryN = 0;

  constructor(
    readonly spec: FaultSpec,
    private readonly clock: () => number,
  ) {}

  /** Whether faults apply at this moment of simulated time. */
  active(): boolean {
    return this.enabled && (this.spec.until === null || this.clock() < this.spec.until);
  }

  /** Injected failures so far (answers and lost or late deliveries). */
  get injected(): number {
    const c = this.counts;
    return c.errors + c.appliedErrors + c.rateLimited + c.dropped + c.delayed;
  }

  /**
   * The fate of one request. `mutations` is how many writes it carries: 0 for a read,
   * 1 for a REST write, the number of top-level mutation fields for a GraphQL document.
   * `identity` names the request exactly (default `what`): the server passes method,
   * path and a hash of the body.
   */
  request(what: string, mutations: number, identity: string = what): RequestFault {
    if (!this.active()) return { kind: "none" };
    const n = this.seen.get(identity) ?? 0;
    this.seen.set(identity, n + 1);
    this.counts.requests++;
    const { seed, errorRate, secondaryRateLimit, appliedOnError } = this.spec;
    const stream = `request:${identity}`;
    const r = roll(seed, stream, n);
    if (r < errorRate) {
      const status = ([500, 502, 503] as const)[Math.floor(roll(seed, `${stream}:status`, n) * 3)] ?? 502;
      let applied = 0;
      if (mutations > 0 && roll(seed, `${stream}:applied`, n) < appliedOnError) {
        applied = mutations === 1 ? 1 : 1 + Math.floor(roll(seed, `${stream}:prefix`, n) * mutations);
      }
      if (applied > 0) this.counts.appliedErrors++;
      else this.counts.errors++;
      const how = mutations === 0 ? "" : applied === 0 ? ", nothing applied" : applied === mutations ? ", after applying it" : `, after applying ${applied} of ${mutations} mutations`;
      this.onInject?.(`injected ${status} on ${what}${how}`);
      return { kind: "error", status, applied };
    }
    if (r < errorRate + secondaryRateLimit) {
      this.counts.rateLimited++;
      const status = roll(seed, `${stream}:status`, n) < 0.5 ? 403 : 429;
      this.onInject?.(`injected secondary rate limit (${status}) on ${what}`);
      return { kind: "rate-limit", status };
    }
    return { kind: "none" };
  }

  /** The fate of one webhook delivery (redeliveries asked for by a step are never faulted). */
  delivery(): DeliveryFault {
    if (!this.active()) return "deliver";
    const n = this.deliveryN++;
    const r = roll(this.spec.seed, "delivery", n);
    if (r < this.spec.dropWebhooks) {
      this.counts.dropped++;
      return "drop";
    }
    if (r < this.spec.dropWebhooks + this.spec.delayWebhooks) {
      this.counts.delayed++;
      return "delay";
    }
    return "deliver";
  }

  /** Real latency to add to a request now (0 when faults are off). */
  latency(): number {
    return this.active() ? this.spec.latencyMs : 0;
  }
}

/** The JSON body GitHub-like failures carry; the message names the injection. */
export function faultBody(fault: Exclude<RequestFault, { kind: "none" }>): { message: string; documentation_url: string } {
  if (fault.kind === "rate-limit") {
    return {
      message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. (${INJECTED})`,
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    };
  }
  const text = fault.status === 500 ? "Server Error" : fault.status === 502 ? "Bad Gateway" : "Service Unavailable";
  return { message: `${text} (${INJECTED})`, documentation_url: "https://docs.github.com/rest" };
}
