/**
 * Where webhooks arrive: only on /api/github/webhooks (the path the manifest now names),
 * directly and through WEBHOOK_PROXY_URL (smee-client, a dependency, found by Probot's
 * lazy npx-import without installing anything). The channel is a fake smee.io on 127.0.0.1.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { Probot, Server } from "probot";
import { SmeeClient } from "smee-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSetup, type SetupServer } from "../../src/setup.js";
import { privateKey } from "../app/nock-harness.js";
import { captureLog, fakeSmeeChannel, freePort, inDir, projectDir, readSetupForm, sign, waitFor, type FakeChannel } from "./helpers.js";

const SECRET = "setup-test-secret";
const MISSING_SMEE = /smee-client|SmeeClient is not available/i;

/** A signed `issues` delivery; `body` is the exact text signed, `payload` what smee carries. */
function delivery(id: string, secret = SECRET) {
  const payload = { action: "opened", issue: { number: 1, title: "help" }, repository: { full_name: "acme/app" } };
  const body = JSON.stringify(payload);
  const headers = { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": id, "x-hub-signature-256": sign(secret, body) };
  return { payload, body, headers };
}

const asSmee = (d: ReturnType<typeof delivery>) => ({ headers: d.headers, body: d.payload });

describe("a running app (Probot's Server, a recording no-op app)", () => {
  const received: Array<{ name: string; id: string }> = [];
  const captured = captureLog();
  let channel: FakeChannel;
  let server: Server;
  let base = "";

  beforeAll(async () => {
    channel = await fakeSmeeChannel();
    server = new Server({
      host: "127.0.0.1",
      port: await freePort(),
      webhookProxy: channel.url,
      log: captured.log,
      Probot: Probot.defaults({ appId: 1, privateKey: privateKey(), secret: SECRET, log: captured.log }),
    });
    await server.load((app) => {
      app.onAny(async (context) => void received.push({ name: context.name, id: context.id }));
    });
    await server.start();
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop();
    await channel?.close();
  });

  it("receives a signed delivery on /api/github/webhooks and answers 404 on /", async () => {
    const d = delivery("direct-1");
    const res = await fetch(`${base}/api/github/webhooks`, { method: "POST", headers: d.headers, body: d.body });
    expect(res.status).toBe(200);
    expect(received).toContainEqual({ name: "issues", id: "direct-1" });

    const root = await fetch(`${base}/`, { method: "POST", headers: { ...d.headers, "x-github-delivery": "root-1" }, body: d.body });
    expect(root.status).toBe(404);
    expect(received.map((r) => r.id)).not.toContain("root-1");
  });

  it("receives a delivery forwarded from WEBHOOK_PROXY_URL, with no smee-client warning", async () => {
    expect(channel.clients()).toBe(1);
    channel.send(asSmee(delivery("proxied-1")));
    await waitFor("the proxied delivery", () => received.find((r) => r.id === "proxied-1"));
    expect(captured.messages()).toContain(`Forwarding ${channel.url} to ${base}/api/github/webhooks`);
    expect(captured.messages().filter((m) => MISSING_SMEE.test(m))).toEqual([]);
  });
});

describe("the set-up server with WEBHOOK_PROXY_URL", () => {
  const project = projectDir();
  const captured = captureLog();
  const updateEnv = vi.fn();
  let channel: FakeChannel;
  let setup: SetupServer;
  let port = 0;

  beforeAll(async () => {
    channel = await fakeSmeeChannel();
    port = await freePort();
    // No NO_SMEE_SETUP: with WEBHOOK_PROXY_URL set Probot must not ask smee.io for a channel.
    const env = { HOST: "127.0.0.1", PORT: String(port), NODE_ENV: "test", WEBHOOK_PROXY_URL: channel.url, WEBHOOK_SECRET: SECRET };
    setup = await inDir(project.dir, () => startSetup(env, { log: captured.log, updateEnv }));
  });

  afterAll(async () => {
    await setup?.stop();
    await channel?.close();
    project.remove();
  });

  afterEach(() => {
    expect(updateEnv).not.toHaveBeenCalled();
  });

  it("starts without the 'smee-client is missing' warning and connects to the channel", () => {
    expect(channel.clients()).toBe(1);
    expect(captured.messages()).toContain(`Connected to ${channel.url}`);
    expect(captured.messages()).toContain(`Forwarding ${channel.url} to http://127.0.0.1:${port}/api/github/webhooks`);
    expect(captured.messages().filter((m) => MISSING_SMEE.test(m))).toEqual([]);
    expect(captured.lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it("forwards the channel's deliveries to the webhook path, where Probot verifies them", async () => {
    const target = `http://127.0.0.1:${port}/api/github/webhooks`;
    channel.send(asSmee(delivery("setup-proxied-1")));
    await waitFor("a forwarded, accepted delivery", () => captured.messages().includes(`POST ${target} - 200`));
    // A wrongly signed one reaches the same verification and is refused: the 200 was Probot's.
    channel.send(asSmee(delivery("setup-proxied-2", "wrong-secret")));
    await waitFor("a forwarded, refused delivery", () => captured.messages().includes(`POST ${target} - 400`));
  });

  it("names the channel as the manifest's hook URL", async () => {
    const res = await fetch(`${setup.url}/probot`);
    const manifest = JSON.parse(readSetupForm(await res.text()).manifest) as { hook_attributes: { url: string } };
    expect(manifest.hook_attributes.url).toBe(channel.url);
  });
});

describe("Probot's lazy import of smee-client", () => {
  it.each(["start", "npx"])("finds the installed copy without running npx (npm_lifecycle_event=%s)", async (lifecycle) => {
    // Resolve npx-import-light from Probot's own location, as Probot's webhook-proxy.js does.
    const probotLib = dirname(createRequire(import.meta.url).resolve("probot"));
    const { npxImport } = (await import(pathToFileURL(createRequire(`${probotLib}/`).resolve("npx-import-light")).href)) as {
      npxImport: (pkg: string, options: Record<string, unknown>) => Promise<{ SmeeClient: unknown }>;
    };
    const exec = vi.fn((_cmd: string, _opts: unknown, cb: (err: Error) => void) => cb(new Error("npx must not run")));
    vi.stubEnv("npm_lifecycle_event", lifecycle);
    try {
      const mod = await npxImport("smee-client@5.0.0", { onlyPackageRunner: true, exec, logger: { log: () => {} } });
      expect(mod.SmeeClient).toBe(SmeeClient);
      expect(exec).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
