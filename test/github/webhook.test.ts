/**
 * The notification sender against a real HTTP receiver on 127.0.0.1: headers and
 * signature, retries, redirects not followed, and the URL policy at send time — after DNS
 * resolution (an injected resolver), with the connection made to the address checked.
 */
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebhookSender, NotificationError, signBody, type Resolver } from "../../src/github/webhook.js";
import type { OutgoingNotification } from "../../src/triage/types.js";
import { Receiver } from "../notify/receiver.js";

const ALLOW = { SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "1" };
const noSleep = async () => {};

function notification(o: Partial<OutgoingNotification> = {}): OutgoingNotification {
  return {
    name: "json",
    format: "json",
    url: "https://hooks.example.test/x",
    urlEnv: null,
    secretEnv: null,
    target: o.url ?? "https://hooks.example.test/x",
    deliveryId: "3f0c1e2a-9b8d-8c7e-a6f5-e4d3c2b1a098",
    body: { event: "support_triage.escalated", number: 1, deliveryId: "3f0c1e2a-9b8d-8c7e-a6f5-e4d3c2b1a098" },
    ...o,
  };
}

/** A resolver that answers from a table and counts its calls. */
function resolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    const addrs = table[host];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addrs.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

async function failure(p: Promise<unknown>): Promise<NotificationError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NotificationError) return err;
    throw err;
  }
  throw new Error("expected the send to fail");
}

let rx: Receiver;
let other: Receiver;
beforeEach(async () => {
  rx = await new Receiver().start();
  other = await new Receiver().start();
});
afterEach(async () => {
  await rx.stop();
  await other.stop();
});

describe("sending a notification", () => {
  it("POSTs the JSON body once, with the idempotency id in headers and body, signed when a secret is named", async () => {
    const send = createWebhookSender({ env: { ...ALLOW, HOOK_SECRET: "s3cret" }, sleep: noSleep });
    const n = notification({ url: rx.url, secretEnv: "HOOK_SECRET" });
    await send(n.target, n);
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/hook");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["x-support-triage-delivery"]).toBe(n.deliveryId);
    expect(req.headers["idempotency-key"]).toBe(n.deliveryId);
    expect(req.headers["x-support-triage-event"]).toBe("escalated");
    expect(JSON.parse(req.body)).toEqual(n.body);
    expect(JSON.parse(req.body).deliveryId).toBe(req.headers["x-support-triage-delivery"]);
    expect(req.headers["x-support-triage-signature-256"]).toBe(`sha256=${createHmac("sha256", "s3cret").update(req.body).digest("hex")}`);
  });

  it("sends no signature when the secret's variable is unset", async () => {
    const send = createWebhookSender({ env: ALLOW, sleep: noSleep });
    const n = notification({ url: rx.url, secretEnv: "UNSET_SECRET" });
    await send(n.target, n);
    expect(rx.requests[0]?.headers["x-support-triage-signature-256"]).toBeUndefined();
  });

  it("retries 503 with growing delays, with the same id each time, then succeeds", async () => {
    const delays: number[] = [];
    let calls = 0;
    rx.mode = "failing";
    const send = createWebhookSender({
      env: ALLOW,
      attempts: 3,
      baseDelayMs: 100,
      sleep: async (ms) => {
        delays.push(ms);
        if (++calls === 2) rx.mode = "up";
      },
    });
    const n = notification({ url: rx.url });
    await send(n.target, n);
    expect(rx.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(rx.requests.map((r) => r.headers["x-support-triage-delivery"]))).toEqual(new Set([n.deliveryId]));
    expect(delays).toEqual([100, 200]);
  });

  it("gives up on a 4xx at once and names the host", async () => {
    rx.mode = { status: 404 };
    const send = createWebhookSender({ env: ALLOW, attempts: 3, sleep: noSleep });
    const n = notification({ url: rx.url });
    const err = await failure(send(n.target, n));
    expect(err.host).toBe(`127.0.0.1:${rx.port}`);
    expect(err.reason).toBe("HTTP 404");
    expect(err.transient).toBe(false);
    expect(rx.requests).toHaveLength(1);
  });

  it("reports a refused connection as transient, after its tries", async () => {
    await rx.down();
    const send = createWebhookSender({ env: ALLOW, attempts: 2, sleep: noSleep });
    const n = notification({ url: rx.url });
    const err = await failure(send(n.target, n));
    expect(err.transient).toBe(true);
    expect(err.reason).toBe("connection refused (2 tries)");
    expect(err.message).toContain(`127.0.0.1:${rx.port}`);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    rx.mode = "hang";
    const send = createWebhookSender({ env: ALLOW, attempts: 1, timeoutMs: 200, sleep: noSleep });
    const n = notification({ url: rx.url });
    const err = await failure(send(n.target, n));
    expect(err.reason).toBe("no answer in time");
  });

  it.each([301, 302, 307, 308])("does not follow a %i redirect (not even to another allowed address)", async (status) => {
    rx.mode = { status, location: other.url };
    const send = createWebhookSender({ env: ALLOW, attempts: 3, sleep: noSleep });
    const n = notification({ url: rx.url });
    const err = await failure(send(n.target, n));
    expect(err.reason).toMatch(new RegExp(`^HTTP ${status}: a redirect, which is not followed`));
    expect(err.transient).toBe(false);
    expect(rx.requests).toHaveLength(1);
    expect(other.requests).toEqual([]);
  });

  it("signs like GitHub signs webhooks", () => {
    expect(signBody("k", "{}")).toBe(`sha256=${createHmac("sha256", "k").update("{}").digest("hex")}`);
  });
});

describe("the URL policy at send time", () => {
  it("refuses loopback and plain http without the opt-in, before connecting", async () => {
    const send = createWebhookSender({ env: {}, sleep: noSleep });
    const n = notification({ url: rx.url });
    const err = await failure(send(n.target, n));
    expect(err.reason).toMatch(/uses http; notifications are sent over https only.*SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1/);
    const https = notification({ url: `https://127.0.0.1:${rx.port}/hook` });
    expect((await failure(send(https.target, https))).reason).toMatch(/points at 127\.0\.0\.1, a loopback address/);
    const mapped = notification({ url: `https://[::ffff:127.0.0.1]:${rx.port}/hook` });
    expect((await failure(send(mapped.target, mapped))).reason).toMatch(/a loopback address \(in IPv6 form\)/);
    expect(rx.requests).toEqual([]);
  });

  it.each([
    ["a private address", ["10.0.0.5"]],
    ["the metadata service", ["169.254.169.254"]],
    ["loopback", ["127.0.0.1"]],
    ["a unique-local IPv6 address", ["fd00::1"]],
    ["an IPv4-mapped loopback", ["::ffff:127.0.0.1"]],
    ["one private address among public ones", ["93.184.216.34", "192.168.1.10"]],
  ])("refuses a name that resolves to %s, without connecting", async (_what, addrs) => {
    const dns = resolver({ "hooks.example.test": addrs });
    const send = createWebhookSender({ env: {}, resolve: dns, attempts: 3, sleep: noSleep });
    const n = notification({ url: "https://hooks.example.test/x" });
    const err = await failure(send(n.target, n));
    expect(err.host).toBe("hooks.example.test");
    expect(err.reason).toMatch(/^hooks\.example\.test resolves to .+, a .+; notifications go to public addresses only/);
    expect(err.transient).toBe(false);
    // Resolved once: the check and the connection use the same answer.
    expect(dns.calls).toEqual(["hooks.example.test"]);
  });

  it("connects to the address it checked (the resolver's answer, not a second lookup)", async () => {
    // With the opt-in the check passes; the only way to reach the receiver is through the
    // injected resolver's answer, since receiver.example.test does not exist in DNS.
    const dns = resolver({ "receiver.example.test": ["127.0.0.1"] });
    const send = createWebhookSender({ env: ALLOW, resolve: dns, sleep: noSleep });
    const n = notification({ url: `http://receiver.example.test:${rx.port}/hook` });
    await send(n.target, n);
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0]?.headers.host).toBe(`receiver.example.test:${rx.port}`);
    expect(dns.calls).toEqual(["receiver.example.test"]);
  });

  it("reads a URL from the environment, checks it, and never puts it in a message", async () => {
    const secretUrl = "https://hooks.slack.example.test/services/T000/B000/very-secret-token";
    const dns = resolver({ "hooks.slack.example.test": ["10.1.2.3"] });
    const send = createWebhookSender({ env: { SLACK_URL: secretUrl }, resolve: dns, sleep: noSleep });
    const n = notification({ format: "slack", name: "slack", url: null, urlEnv: "SLACK_URL", target: "$SLACK_URL" });
    const err = await failure(send(n.target, n));
    expect(err.host).toBe("hooks.slack.example.test");
    expect(err.message).not.toContain("very-secret-token");

    const unset = createWebhookSender({ env: {}, sleep: noSleep });
    const missing = await failure(unset(n.target, n));
    expect(missing.reason).toBe("the environment variable SLACK_URL that should hold the URL is not set");
    expect(missing.transient).toBe(false);

    const http = createWebhookSender({ env: { SLACK_URL: "http://hooks.slack.example.test/services/very-secret-token" }, sleep: noSleep });
    const plain = await failure(http(n.target, n));
    expect(plain.reason).toMatch(/^the URL in SLACK_URL uses http/);
    expect(plain.message).not.toContain("very-secret-token");
  });
});
