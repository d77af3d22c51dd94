/**
 * Deliveries as GitHub sends them: serialised and signed ahead of time, POSTed over a
 * keep-alive pool. Kept apart from the rig so that the open-loop sender's thread
 * (./sender.ts) loads only this, not the simulator.
 */
import { createHmac, randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import type { OutgoingWebhook } from "../simulator/model.js";

export const BENCH_WEBHOOK_SECRET = "support-triage-bench-webhook-secret";
export const WEBHOOK_PATH = "/api/github/webhooks";

export interface DeliveryResult {
  readonly status: number;
  /** Round trip, ms (high-resolution). */
  readonly ms: number;
}

/** A delivery serialised and signed ahead of time, so that sending it is all that is left. */
export interface SignedDelivery {
  /** `X-GitHub-Event`. */
  readonly event: string;
  readonly body: string;
  /** `X-Hub-Signature-256`. */
  readonly signature: string;
}

/** Serialises and signs a webhook as GitHub does. */
export function signDelivery(hook: OutgoingWebhook): SignedDelivery {
  const body = JSON.stringify(hook.payload);
  return { event: hook.name, body, signature: `sha256=${createHmac("sha256", BENCH_WEBHOOK_SECRET).update(body).digest("hex")}` };
}

/** Signs and POSTs deliveries like GitHub does, over a keep-alive pool. */
export class Deliverer {
  private readonly agent: Agent;
  private readonly target: URL;

  constructor(appUrl: string, maxSockets = 64) {
    // A timeout makes the agent honour the server's `Keep-Alive: timeout=5` (it drops an idle
    // socket a second before the server would), so a socket is not reused just as the server
    // closes it; without one, Node's agent ignores the hint.
    this.agent = new Agent({ keepAlive: true, maxSockets, timeout: 60_000 });
    this.target = new URL(WEBHOOK_PATH, appUrl);
  }

  post(hook: OutgoingWebhook): Promise<DeliveryResult> {
    return this.send(signDelivery(hook));
  }

  /**
   * POSTs a signed delivery (a new delivery id each time). A kept-alive socket the server
   * closed just as it was reused fails before any answer: that request is sent once more on
   * a new connection (Node's documented pattern), its round trip timed from the first attempt.
   */
  send(d: SignedDelivery, started = process.hrtime.bigint(), retried = false): Promise<DeliveryResult> {
    const { body, signature } = d;
    return new Promise((resolve, reject) => {
      const req = request(
        this.target,
        {
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "user-agent": "GitHub-Hookshot/bench",
            "x-github-event": d.event,
            "x-github-delivery": randomUUID(),
            "x-github-hook-id": "100001",
            "x-hub-signature-256": signature,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
          res.on("error", reject);
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (!retried && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) resolve(this.send(d, started, true));
        else reject(err);
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One keep-alive pool per app (by URL origin), kept across runs as GitHub keeps its connections. */
export class DelivererPool {
  private readonly pools = new Map<string, Deliverer>();

  constructor(private readonly maxSockets = 128) {}

  /** The pool that POSTs to the app at `appUrl` (its webhook path). */
  for(appUrl: string | URL): Deliverer {
    const origin = new URL(appUrl).origin;
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Deliverer(origin, this.maxSockets);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  close(): void {
    for (const p of this.pools.values()) p.close();
    this.pools.clear();
  }
}
