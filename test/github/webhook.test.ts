import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createWebhookSender, signBody } from "../../src/github/webhook.js";

function fakeFetch(statuses: Array<number | Error>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const impl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = statuses.shift() ?? 200;
    if (next instanceof Error) throw next;
    return new Response(null, { status: next });
  }) as typeof fetch;
  return { impl, calls };
}

describe("escalation webhook", () => {
  it("POSTs one signed JSON document", async () => {
    const f = fakeFetch([200]);
    const send = createWebhookSender({ fetchImpl: f.impl, env: { HOOK_SECRET: "s3cret" }, sleep: async () => {} });
    await send("https://hooks.example.test/x", "HOOK_SECRET", { number: 1 });
    expect(f.calls).toHaveLength(1);
    const body = String(f.calls[0]?.init.body);
    expect(JSON.parse(body)).toEqual({ number: 1 });
    const headers = f.calls[0]?.init.headers as Record<string, string>;
    expect(headers["x-support-triage-signature-256"]).toBe(`sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`);
  });

  it("retries 5xx, 429 and network errors with growing delays, then succeeds", async () => {
    const f = fakeFetch([503, new Error("ECONNRESET"), 429, 200]);
    const delays: number[] = [];
    const send = createWebhookSender({ fetchImpl: f.impl, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) });
    await send("https://hooks.example.test/x", null, {});
    expect(f.calls).toHaveLength(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it("gives up on a 4xx at once and says so", async () => {
    const f = fakeFetch([404]);
    const send = createWebhookSender({ fetchImpl: f.impl, sleep: async () => {} });
    await expect(send("https://hooks.example.test/x", null, {})).rejects.toThrow(/hooks\.example\.test.*HTTP 404/);
    expect(f.calls).toHaveLength(1);
  });

  it("gives up after the configured attempts", async () => {
    const f = fakeFetch([500, 500, 500]);
    const send = createWebhookSender({ fetchImpl: f.impl, attempts: 3, sleep: async () => {} });
    await expect(send("https://hooks.example.test/x", null, {})).rejects.toThrow(/HTTP 500/);
    expect(f.calls).toHaveLength(3);
  });

  it("signs like GitHub signs webhooks", () => {
    expect(signBody("k", "{}")).toBe(`sha256=${createHmac("sha256", "k").update("{}").digest("hex")}`);
  });
});
