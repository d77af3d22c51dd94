import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { World } from "../../src/simulator/model.js";
import { deliveryId, signature, WebhookDispatcher } from "../../src/simulator/webhooks.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

/** A webhook receiver that runs `react` before answering, like an app making writes. */
async function receiver(react: (received: Received) => void = () => {}): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(entry);
      react(entry);
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe("signing", () => {
  it("signs the exact body with HMAC-SHA256, and Probot's verifier accepts it", async () => {
    const body = JSON.stringify({ action: "opened", zero: "\u200d", emoji: "✓" });
    expect(signature("s3cret", body)).toBe(`sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const probot = new Probot({ appId: 1, privateKey, secret: "s3cret", logLevel: "fatal" });
    await probot.ready();
    expect(await probot.webhooks.verify(body, signature("s3cret", body))).toBe(true);
    expect(await probot.webhooks.verify(body, signature("other", body))).toBe(false);
  });

  it("makes uuid-shaped delivery ids that are stable per sequence number", () => {
    expect(deliveryId(1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryId(1)).toBe(deliveryId(1));
    expect(deliveryId(1)).not.toBe(deliveryId(2));
  });
});

describe("WebhookDispatcher", () => {
  it("delivers one at a time with GitHub's headers; events caused meanwhile come after", async () => {
    const world = new World(Date.parse("2026-12-01T17:00:00Z"));
    const repo = world.createRepo("acme/support");
    const issue = world.openItem(repo, { kind: "issue", number: 1, author: world.user("alice"), title: "t", body: "", labels: ["P1"], category: null });
    let reacted = false;
    const target = await receiver(() => {
      // The "app" comments while handling the first delivery.
      if (!reacted) world.addComment(issue, world.bot, "target");
      reacted = true;
    });
    const dispatcher = new WebhookDispatcher(world, { url: target.url, secret: "s3cret" });
    expect(await dispatcher.drain()).toEqual({ delivered: 3, truncated: false });
    expect(target.received.map((r) => `${String(r.headers["x-github-event"])}.${(JSON.parse(r.body) as { action: string }).action}`)).toEqual([
      "issues.opened",
      "issues.labeled",
      "issue_comment.created",
    ]);
    const first = target.received[0];
    expect(first?.headers).toMatchObject({ "content-type": "application/json", "x-github-hook-id": "100001", "x-github-delivery": deliveryId(1) });
    expect(first?.headers["x-hub-signature-256"]).toBe(signature("s3cret", first?.body ?? ""));

    // Redelivery repeats the last event a person caused: same id and bytes.
    const again = await dispatcher.redeliver();
    expect(again?.id).toBe(deliveryId(2));
    const last = target.received.at(-1);
    expect(last?.headers["x-github-delivery"]).toBe(deliveryId(2));
    expect(last?.body).toBe(target.received[1]?.body);
  });

  it("stops at the bound when every delivery causes another", async () => {
    const world = new World(0);
    const repo = world.createRepo("acme/support");
    const issue = world.openItem(repo, { kind: "issue", number: 1, author: world.user("alice"), title: "t", body: "", labels: [], category: null });
    const target = await receiver(() => world.addComment(issue, world.bot, "again"));
    const result = await new WebhookDispatcher(world, { url: target.url, secret: "x" }).drain(5);
    expect(result).toEqual({ delivered: 5, truncated: true });
    expect(world.outbox).toEqual([]);
  });
});
