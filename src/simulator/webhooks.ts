/**
 * Webhook delivery: signs each payload like GitHub (`X-Hub-Signature-256`, HMAC-SHA256 of
 * the exact body) and POSTs it to the app's server, one at a time, awaiting each answer.
 *
 * Sequential delivery is what makes runs reproducible: the app's reaction to one event
 * (its mutations, and the events those cause) is complete before the next event arrives.
 * GitHub gives no such guarantee, which is why the app must also be idempotent; the
 * `redeliver` step, `concurrently` steps (deliveries in parallel), several app servers
 * (deliveries alternate between them) and fault injection (deliveries dropped or held
 * back until after the next step) cover that separately.
 */
import { createHash, createHmac } from "node:crypto";
import type { FaultInjector } from "./faults.js";
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
  /** Injected faults (requests answered 5xx or rate-limited) while this delivery was handled. */
  readonly faultsDuring: number;
}

export interface DrainResult {
  readonly delivered: number;
  /** True when the per-step bound stopped the loop (the rest of the queue was dropped). */
  readonly truncated: boolean;
}

export class WebhookDispatcher {
  private sequence = 0;
  private turn = 0;
  /** Every delivery made, in order of answers (tests validate their payloads). */
  readonly delivered: Delivery[] = [];
  /** The last delivery a scenario step caused: what `redeliver` sends again. */
  lastUserDelivery: Delivery | null = null;
  /** Called before each POST (so what the app does next follows it in a timeline)… */
  onDelivering: ((delivery: Delivery, redelivery: boolean, target: number) => void) | null = null;
  /** …and after the app answered. */
  onDelivered: ((outcome: DeliveryOutcome) => void) | null = null;
  /** Drops and holds back deliveries (scenario `faults:`); null = every delivery is made. */
  faults: FaultInjector | null = null;
  /** Called when a fault drops a delivery or holds it back. */
  onFault: ((delivery: Delivery, fault: "drop" | "delay") => void) | null = null;
  /**
   * Which step the world is at: deliveries held back during step n are made after the
   * deliveries of a later step ({@link releaseHeld}).
   */
  round = 0;
  private held: { readonly delivery: Delivery; readonly round: number }[] = [];
  private readonly targets: readonly DeliveryTarget[];

  /** Several targets = several app servers: deliveries go to each in turn. */
  constructor(
    private readonly world: World,
    target: DeliveryTarget | readonly DeliveryTarget[],
  ) {
    this.targets = Array.isArray(target) ? [...(target as readonly DeliveryTarget[])] : [target as DeliveryTarget];
    if (this.targets.length === 0) throw new Error("WebhookDispatcher needs at least one target");
  }

  /** Deliveries held back by faults and not made yet. */
  get pending(): number {
    return this.held.length;
  }

  private make(hook: OutgoingWebhook): Delivery {
    this.sequence += 1;
    return { id: deliveryId(this.sequence), name: hook.name, action: hook.action, body: JSON.stringify(hook.payload), cause: hook.cause };
  }

  private async post(delivery: Delivery, redelivery: boolean): Promise<number> {
    const index = this.turn % this.targets.length;
    const target = this.targets[index] as DeliveryTarget;
    this.turn += 1;
    this.onDelivering?.(delivery, redelivery, index);
    const faultsBefore = this.faults?.injected ?? 0;
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/simulator",
        "x-github-event": delivery.name,
        "x-github-delivery": delivery.id,
        "x-github-hook-id": HOOK_ID,
        "x-github-hook-installation-target-id": "1",
        "x-github-hook-installation-target-type": "integration",
        "x-hub-signature-256": signature(target.secret, delivery.body),
      },
      body: delivery.body,
    });
    await response.arrayBuffer();
    this.delivered.push(delivery);
    this.onDelivered?.({ delivery, status: response.status, redelivery, faultsDuring: (this.faults?.injected ?? 0) - faultsBefore });
    return response.status;
  }

  /** Takes the next queued webhook and decides its fate; null when it is not delivered now. */
  private take(hook: OutgoingWebhook): Delivery | null {
    const delivery = this.make(hook);
    if (hook.cause === "user") this.lastUserDelivery = delivery;
    const fate = this.faults?.delivery() ?? "deliver";
    if (fate === "deliver") return delivery;
    if (fate === "delay") this.held.push({ delivery, round: this.round });
    this.onFault?.(delivery, fate);
    return null;
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
      const delivery = this.take(hook);
      if (delivery === null) continue;
      await this.post(delivery, false);
      delivered += 1;
    }
    return { delivered, truncated: false };
  }

  /**
   * Delivers everything queued now all at once (in parallel, alternating between the
   * targets), as GitHub does when many events happen together; then drains what the
   * app's writes caused, one at a time.
   */
  async drainConcurrently(limit = 1000): Promise<DrainResult> {
    const batch = this.world.outbox.splice(0, this.world.outbox.length);
    const deliveries = batch.flatMap((hook) => {
      const delivery = this.take(hook);
      return delivery === null ? [] : [delivery];
    });
    await Promise.all(deliveries.map((delivery) => this.post(delivery, false)));
    const rest = await this.drain(Math.max(0, limit - deliveries.length));
    return { delivered: deliveries.length + rest.delivered, truncated: rest.truncated };
  }

  /**
   * Makes the deliveries held back before round `before` (all of them when omitted), in
   * the order they were held: late and out of order, but not lost.
   */
  async releaseHeld(before = Number.POSITIVE_INFINITY): Promise<number> {
    const due = this.held.filter((entry) => entry.round < before);
    this.held = this.held.filter((entry) => entry.round >= before);
    for (const entry of due) await this.post(entry.delivery, false);
    return due.length;
  }

  /**
   * Sends the last user-caused delivery again: same id, same body, same signature —
   * `times` times, one after another or all at once.
   */
  async redeliver(times = 1, concurrently = false): Promise<Delivery | null> {
    const last = this.lastUserDelivery;
    if (!last) return null;
    if (concurrently) await Promise.all(Array.from({ length: times }, () => this.post(last, true)));
    else for (let i = 0; i < times; i++) await this.post(last, true);
    return last;
  }
}
