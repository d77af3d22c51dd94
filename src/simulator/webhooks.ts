/**
 * Webhook delivery: signs each payload like GitHub (`X-Hub-Signature-256`, HMAC-SHA256 of
 * the exact body) and POSTs it to the app's server, one at a time, awaiting each answer.
 *
 * Sequential delivery is what makes runs reproducible: the app's reaction to one event
 * (its mutations, and the events those cause) is complete before the next event arrives.
 * GitHub gives no such guarantee, which is why the app must also be idempotent; the
 * `redeliver` step and out-of-order tests cover that separately.
 */
import { createHash, createHmac } from "node:crypto";
import type { OutgoingWebhook, World } from "./model.js";

export interface Delivery {
  readonly id: string;
  readonly name: string;
  readonly action: string | null;
  /** The exact bytes sent (and signed). */
  readonly body: string;
  readonly cause: OutgoingWebhook["cause"];
}

export interface DeliveryTarget {
  readonly url: string;
  readonly secret: string;
}

export const HOOK_ID = "100001";

/** `sha256=<hex>` of the body, as GitHub sends it in `X-Hub-Signature-256`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** A UUID-shaped delivery id derived from a counter: looks like GitHub's, stable across runs. */
export function deliveryId(sequence: number): string {
  const hex = createHash("sha256").update(`support-triage-simulator:delivery:${sequence}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DeliveryOutcome {
  readonly delivery: Delivery;
  readonly status: number;
  readonly redelivery: boolean;
}

export interface DrainResult {
  readonly delivered: number;
  /** True when the per-step bound stopped the loop (the rest of the queue was dropped). */
  readonly truncated: boolean;
}

export class WebhookDispatcher {
  private sequence = 0;
  /** Every delivery made, in order (tests validate their payloads). */
  readonly delivered: Delivery[] = [];
  /** The last delivery a scenario step caused: what `redeliver` sends again. */
  lastUserDelivery: Delivery | null = null;
  /** Called before each POST (so what the app does next follows it in a timeline)… */
  onDelivering: ((delivery: Delivery, redelivery: boolean) => void) | null = null;
  /** …and after the app answered. */
  onDelivered: ((outcome: DeliveryOutcome) => void) | null = null;

  constructor(
    private readonly world: World,
    private readonly target: DeliveryTarget,
  ) {}

  private make(hook: OutgoingWebhook): Delivery {
    this.sequence += 1;
    return { id: deliveryId(this.sequence), name: hook.name, action: hook.action, body: JSON.stringify(hook.payload), cause: hook.cause };
  }

  private async post(delivery: Delivery, redelivery: boolean): Promise<number> {
    this.onDelivering?.(delivery, redelivery);
    const response = await fetch(this.target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/simulator",
        "x-github-event": delivery.name,
        "x-github-delivery": delivery.id,
        "x-github-hook-id": HOOK_ID,
        "x-github-hook-installation-target-id": "1",
        "x-github-hook-installation-target-type": "integration",
        "x-hub-signature-256": signature(this.target.secret, delivery.body),
      },
      body: delivery.body,
    });
    await response.arrayBuffer();
    this.delivered.push(delivery);
    this.onDelivered?.({ delivery, status: response.status, redelivery });
    return response.status;
  }

  /**
   * Delivers queued webhooks until the queue is empty; the app's writes while handling one
   * event queue further events, delivered after it. Bounded, so an app that reacts to its
   * own events forever cannot hang the run.
   */
  async drain(limit = 1000): Promise<DrainResult> {
    let delivered = 0;
    while (this.world.outbox.length > 0) {
      if (delivered >= limit) {
        this.world.outbox.length = 0;
        return { delivered, truncated: true };
      }
      const hook = this.world.outbox.shift();
      if (!hook) break;
      const delivery = this.make(hook);
      if (hook.cause === "user") this.lastUserDelivery = delivery;
      await this.post(delivery, false);
      delivered += 1;
    }
    return { delivered, truncated: false };
  }

  /** Sends the last user-caused delivery again: same id, same body, same signature. */
  async redeliver(): Promise<Delivery | null> {
    const last = this.lastUserDelivery;
    if (!last) return null;
    await this.post(last, true);
    return last;
  }
}
