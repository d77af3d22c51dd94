/**
 * The simulator's HTTP face: REST at `/` and `/api/v3/` (Probot with a GitHub Enterprise
 * base URL uses the latter), GraphQL at `/graphql` and `/api/graphql`, on 127.0.0.1 and a
 * free port. It counts every request the app makes and collects what the simulator could
 * not answer, so a run's result says both what the app did and where the simulator fell
 * short.
 *
 * Primary rate limits as GitHub applies them (budgets in `world.rateLimits`, per
 * installation, on the simulated clock): a request with an installation token is charged
 * to that installation — GraphQL its documented point cost (./cost.ts), REST 1 (a 304 is
 * free) — and every answer carries `x-ratelimit-limit/remaining/used/reset/resource`
 * (`graphql` or `core`). Once a budget is spent, GraphQL answers HTTP 200 with GitHub's
 * RATE_LIMITED error and REST answers 403 with GitHub's message (GitHub may also send 429
 * for a primary limit; 403 is its usual answer), `x-ratelimit-remaining: 0` and the reset,
 * until the window's hour is over. Requests with the app's JWT are charged to nobody.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { faultBody, type FaultInjector, type RequestFault } from "./faults.js";
import { blobSha } from "./git.js";
import { executeGraphQL, mutationFieldCount, resetSeconds } from "./graphql.js";
import { RATE_LIMIT_WINDOW_MS, type RateLimitResource, type RateLimitStatus, type World } from "./model.js";
import type { Json } from "./payloads.js";
import { handleRest, type RestResponse } from "./rest.js";

export interface RequestCounts {
  rest: number;
  graphql: number;
  /** Conditional REST requests answered 304 (free on GitHub; not in `rest`). */
  rest304: number;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly kind: "rest" | "graphql";
  /** GraphQL: whether the document was a mutation. */
  readonly mutation?: boolean;
  /**
   * What the request was charged against its installation's primary rate limit: GraphQL
   * points, or 1 for a REST request; 0 when nothing was (refused, a 304, an injected
   * fault answered before the request ran, a `dryRun`, or no installation token).
   */
  readonly cost?: number;
  /** The installation whose budget the request counted against (absent: none). */
  readonly installation?: number;
}

/** GitHub's answer to a REST request once the installation's hourly budget is spent (403, as GitHub sends for a primary limit; 429 is possible too). */
export const restRateLimitedBody = (installation: number): Json => ({
  message: `API rate limit exceeded for installation ID ${installation}.`,
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
});

/** GitHub's `x-ratelimit-*` headers for one budget's window. */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    "x-ratelimit-limit": String(status.limit),
    "x-ratelimit-remaining": String(status.remaining),
    "x-ratelimit-used": String(status.used),
    "x-ratelimit-reset": String(resetSeconds(status.resetAt)),
    "x-ratelimit-resource": status.resource,
  };
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });

export class GitHubSimulator {
  readonly requests: RequestCounts = { rest: 0, graphql: 0, rest304: 0 };
  /** Every request, in order (for narration and tests). */
  readonly log: RequestRecord[] = [];
  /** What the simulator could not serve, each message once. */
  readonly errors: string[] = [];
  onRequest: ((record: RequestRecord) => void) | null = null;
  /**
   * Fault injection (scenario `faults:`): when set and active, some requests are answered
   * 5xx (before or after applying a write), some with a secondary rate limit, and every
   * request is slowed by the configured latency.
   */
  faults: FaultInjector | null = null;
  /** Called once per new entry in {@link errors}. */
  onError: ((message: string) => void) | null = null;
  private server: Server | null = null;
  private base = "";
  private tokens = 0;
  /** Installation token → the installation it was issued for. */
  private readonly tokenInstallations = new Map<string, number>();

  constructor(readonly world: World) {}

  /** The installation an `Authorization` header's installation token belongs to (1 when unknown); null without one (the app's JWT). */
  private installationOf(authorization: string): number | null {
    const match = /^(?:token|bearer)\s+(ghs_\S+)$/i.exec(authorization.trim());
    return match ? (this.tokenInstallations.get(match[1] ?? "") ?? 1) : null;
  }

  /** Headers for a request charged to nobody: a whole budget, nothing used. */
  private unchargedHeaders(resource: RateLimitResource): Record<string, string> {
    const limits = this.world.rateLimits.defaults;
    const limit = resource === "graphql" ? limits.graphqlPoints : limits.restRequests;
    return rateLimitHeaders({ resource, limit, used: 0, remaining: limit, resetAt: this.world.now + RATE_LIMIT_WINDOW_MS });
  }

  /** http://127.0.0.1:<port> once listening. */
  get url(): string {
    return this.base;
  }

  report(message: string): void {
    if (this.errors.includes(message)) return;
    this.errors.push(message);
    this.onError?.(message);
  }

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.report(`simulator: internal error on ${request.method ?? "?"} ${request.url ?? "?"}: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Server Error" }));
      });
    });
    // Keep-alive connections from the app would otherwise hold `close()` open.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${address.port}`;
    return this.base;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private record(entry: RequestRecord): void {
    this.log.push(entry);
    this.onRequest?.(entry);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const url = new URL(request.url ?? "/", "http://simulator.invalid");
    const text = await readBody(request);
    let path = url.pathname;
    const latency = this.faults?.latency() ?? 0;
    if (latency > 0) await new Promise<void>((resolve) => setTimeout(resolve, latency));

    const authorization = String(request.headers["authorization"] ?? "");
    const installation = this.installationOf(authorization);
    const limits = this.world.rateLimits;

    if (method === "POST" && (path === "/graphql" || path === "/api/graphql")) {
      this.requests.graphql += 1;
      const uncharged = this.unchargedHeaders("graphql");
      let parsed: unknown = null;
      try {
        parsed = text === "" ? {} : JSON.parse(text);
      } catch {
        this.send(response, 400, { message: "Problems parsing JSON" }, uncharged);
        this.record({ method, path, status: 400, kind: "graphql", cost: 0 });
        return;
      }
      const request = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
      const mutations = mutationFieldCount(request["query"], request["operationName"]);
      const fault: RequestFault =
        this.faults?.request(`${mutations > 0 ? "a GraphQL mutation" : "a GraphQL query"} (${method} ${path})`, mutations, `${method} ${path} ${blobSha(text)}`) ?? { kind: "none" };
      const current = (): Record<string, string> => (installation === null ? uncharged : rateLimitHeaders(limits.status(installation, "graphql")));
      if (fault.kind !== "none" && (fault.kind === "rate-limit" || fault.applied === 0)) {
        this.sendFault(response, fault, current());
        this.record({ method, path, status: fault.status, kind: "graphql", mutation: mutations > 0, cost: 0, ...(installation !== null ? { installation } : {}) });
        return;
      }
      const result = executeGraphQL(
        this.world,
        request,
        { unimplemented: (what) => this.report(what), installation },
        fault.kind === "error" ? { mutationLimit: fault.applied } : {},
      );
      const charged = { cost: result.rateLimit.charged, ...(installation !== null ? { installation } : {}) };
      const headers = result.rateLimit.status ? rateLimitHeaders(result.rateLimit.status) : current();
      if (fault.kind === "error") {
        // Applied (all or a prefix), and still answered 5xx: the app must not trust the answer.
        this.sendFault(response, fault, headers);
        this.record({ method, path, status: fault.status, kind: "graphql", mutation: result.mutation, ...charged });
        return;
      }
      // A spent budget is still HTTP 200 on GitHub's GraphQL API: the error is in the body.
      this.send(response, 200, result.body, headers);
      this.record({ method, path, status: 200, kind: "graphql", mutation: result.mutation, ...charged });
      return;
    }

    if (path.startsWith("/api/v3/")) path = path.slice("/api/v3".length);
    else if (path === "/api/v3") path = "/";
    const uncharged = this.unchargedHeaders("core");
    const current = (): Record<string, string> => (installation === null ? uncharged : rateLimitHeaders(limits.status(installation, "core")));
    const who = installation !== null ? { installation } : {};
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        this.requests.rest += 1;
        this.send(response, 400, { message: "Problems parsing JSON" }, current());
        this.record({ method, path, status: 400, kind: "rest", cost: 0, ...who });
        return;
      }
    }
    const write = method !== "GET" && method !== "HEAD";
    const fault: RequestFault = this.faults?.request(`${method} ${path}`, write ? 1 : 0, `${method} ${path}${url.search} ${blobSha(text)}`) ?? { kind: "none" };
    if (fault.kind !== "none" && (fault.kind === "rate-limit" || fault.applied === 0)) {
      this.requests.rest += 1;
      this.sendFault(response, fault, current());
      this.record({ method, path, status: fault.status, kind: "rest", cost: 0, ...who });
      return;
    }
    // The installation's hourly REST budget is spent: GitHub refuses before doing anything.
    if (installation !== null && limits.spent(installation, "core")) {
      this.requests.rest += 1;
      this.send(response, 403, restRateLimitedBody(installation), current());
      this.record({ method, path, status: 403, kind: "rest", cost: 0, ...who });
      return;
    }
    const outcome = handleRest(
      { method, path, query: url.searchParams, headers: request.headers, body },
      {
        world: this.world,
        baseUrl: `${this.base}/api/v3`,
        issueToken: (installationId) => {
          const token = `ghs_simulated${String(++this.tokens).padStart(4, "0")}`;
          this.tokenInstallations.set(token, installationId);
          return token;
        },
        tokenInstallation: (authorization) => this.tokenInstallations.get(authorization.replace(/^(?:token|bearer)\s+/i, "")) ?? 1,
        report: (message) => this.report(message),
      },
    );
    const restResponse: RestResponse =
      outcome.kind === "handled" ? outcome.response : { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    if (outcome.kind === "unimplemented") this.report(`simulator: unimplemented ${method} ${path}`);
    // Charged: every request an installation token makes, but a 304 (free on GitHub) and a
    // 401 (the token was not accepted, so the request is nobody's).
    const cost = installation !== null && restResponse.status !== 304 && restResponse.status !== 401 ? 1 : 0;
    const rate = cost > 0 && installation !== null ? rateLimitHeaders(limits.charge(installation, "core", cost)) : current();
    if (fault.kind === "error") {
      this.requests.rest += 1;
      this.sendFault(response, fault, rate);
      this.record({ method, path, status: fault.status, kind: "rest", cost, ...who });
      return;
    }
    if (restResponse.status === 304) this.requests.rest304 += 1;
    else this.requests.rest += 1;
    const headers = { ...rate, ...(restResponse.headers ?? {}) };
    if (restResponse.body === undefined) {
      response.writeHead(restResponse.status, headers).end();
    } else if (typeof restResponse.body === "object" && restResponse.body !== null && !Array.isArray(restResponse.body) && "raw" in restResponse.body) {
      const raw = (restResponse.body as { raw: string }).raw;
      response.writeHead(restResponse.status, { "content-type": "application/vnd.github.raw; charset=utf-8", ...headers }).end(raw);
    } else {
      this.send(response, restResponse.status, restResponse.body as Json, headers);
    }
    this.record({ method, path, status: restResponse.status, kind: "rest", cost, ...who });
  }

  /** A GitHub-like failure; rate limits carry `retry-after: 1` as GitHub's secondary limits do. */
  private sendFault(response: ServerResponse, fault: Exclude<RequestFault, { kind: "none" }>, rate: Record<string, string>): void {
    this.send(response, fault.status, faultBody(fault), { ...rate, ...(fault.kind === "rate-limit" ? { "retry-after": "1" } : {}) });
  }

  /** A JSON answer; `headers` carry the request's `x-ratelimit-*` (see {@link rateLimitHeaders}). */
  private send(response: ServerResponse, status: number, body: Json, headers: Record<string, string>): void {
    const text = JSON.stringify(body);
    response
      .writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-github-media-type": "github.v3; format=json",
        ...headers,
      })
      .end(text);
  }
}
