/**
 * A real HTTP receiver on 127.0.0.1 for notification tests: records every request, and
 * can be down (nothing listens: connection refused), failing (answers 503) or up.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered (0: it never answered). */
  readonly status: number;
}

export type Mode = "up" | "failing" | { status: number; location?: string } | "hang";

export class Receiver {
  readonly requests: Received[] = [];
  mode: Mode = "up";
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Requests the receiver accepted (2xx): what a real receiver would have acted on. */
  get accepted(): Received[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const mode = this.mode;
        if (mode === "hang") {
          this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status: 0 });
          return;
        }
        const status = mode === "up" ? 200 : mode === "failing" ? 503 : mode.status;
        this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
        const headers: Record<string, string> = { "content-type": "text/plain", connection: "close" };
        if (typeof mode === "object" && mode.location) headers.location = mode.location;
        res.writeHead(status, headers).end(status < 300 ? "ok" : "no");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Nothing listens on the port any more: connections are refused. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Listening again, on the same port. */
  async up(): Promise<void> {
    this.mode = "up";
    if (!this.server) await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
