/**
 * The simulator's HTTP face: REST at `/` and `/api/v3/` (Probot with a GitHub Enterprise
 * base URL uses the latter), GraphQL at `/graphql` and `/api/graphql`, on 127.0.0.1 and a
 * free port. It counts every request the app makes and collects what the simulator could
 * not answer, so a run's result says both what the app did and where the simulator fell
 * short.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { faultBody, type FaultInjector, type RequestFault } from "./faults.js";
import { blobSha } from "./git.js";
import { executeGraphQL, mutationFieldCount } from "./graphql.js";
import type { World } from "./model.js";
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

    if (method === "POST" && (path === "/graphql" || path === "/api/graphql")) {
      this.requests.graphql += 1;
      let parsed: unknown = null;
      try {
        parsed = text === "" ? {} : JSON.parse(text);
      } catch {
        this.send(response, 400, { message: "Problems parsing JSON" });
        this.record({ method, path, status: 400, kind: "graphql" });
        return;
      }
      const request = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
      const mutations = mutationFieldCount(request["query"], request["operationName"]);
      const fault: RequestFault =
        this.faults?.request(`${mutations > 0 ? "a GraphQL mutation" : "a GraphQL query"} (${method} ${path})`, mutations, `${method} ${path} ${blobSha(text)}`) ?? { kind: "none" };
      if (fault.kind !== "none" && (fault.kind === "rate-limit" || fault.applied === 0)) {
        this.sendFault(response, fault);
        this.record({ method, path, status: fault.status, kind: "graphql", mutation: mutations > 0 });
        return;
      }
      const result = executeGraphQL(
        this.world,
        request,
        { unimplemented: (what) => this.report(what), requestCount: this.requests.graphql },
        fault.kind === "error" ? { mutationLimit: fault.applied } : {},
      );
      if (fault.kind === "error") {
        // Applied (all or a prefix), and still answered 5xx: the app must not trust the answer.
        this.sendFault(response, fault);
        this.record({ method, path, status: fault.status, kind: "graphql", mutation: result.mutation });
        return;
      }
      this.send(response, 200, result.body);
      this.record({ method, path, status: 200, kind: "graphql", mutation: result.mutation });
      return;
    }

    if (path.startsWith("/api/v3/")) path = path.slice("/api/v3".length);
    else if (path === "/api/v3") path = "/";
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        this.requests.rest += 1;
        this.send(response, 400, { message: "Problems parsing JSON" });
        this.record({ method, path, status: 400, kind: "rest" });
        return;
      }
    }
    const write = method !== "GET" && method !== "HEAD";
    const fault: RequestFault = this.faults?.request(`${method} ${path}`, write ? 1 : 0, `${method} ${path}${url.search} ${blobSha(text)}`) ?? { kind: "none" };
    if (fault.kind !== "none" && (fault.kind === "rate-limit" || fault.applied === 0)) {
      this.requests.rest += 1;
      this.sendFault(response, fault);
      this.record({ method, path, status: fault.status, kind: "rest" });
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
    if (fault.kind === "error") {
      this.requests.rest += 1;
      this.sendFault(response, fault);
      this.record({ method, path, status: fault.status, kind: "rest" });
      return;
    }
    if (restResponse.status === 304) this.requests.rest304 += 1;
    else this.requests.rest += 1;
    const headers = { ...(restResponse.headers ?? {}) };
    if (restResponse.body === undefined) {
      response.writeHead(restResponse.status, headers).end();
    } else if (typeof restResponse.body === "object" && restResponse.body !== null && !Array.isArray(restResponse.body) && "raw" in restResponse.body) {
      const raw = (restResponse.body as { raw: string }).raw;
      response.writeHead(restResponse.status, { "content-type": "application/vnd.github.raw; charset=utf-8", ...headers }).end(raw);
    } else {
      this.send(response, restResponse.status, restResponse.body as Json, headers);
    }
    this.record({ method, path, status: restResponse.status, kind: "rest" });
  }

  /** A GitHub-like failure; rate limits carry `retry-after: 1` as GitHub's secondary limits do. */
  private sendFault(response: ServerResponse, fault: Exclude<RequestFault, { kind: "none" }>): void {
    this.send(response, fault.status, faultBody(fault), fault.kind === "rate-limit" ? { "retry-after": "1" } : {});
  }

  private send(response: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    response
      .writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-github-media-type": "github.v3; format=json",
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        "x-ratelimit-reset": String(Math.floor(this.world.now / 1000) + 3600),
        ...headers,
      })
      .end(text);
  }
}
