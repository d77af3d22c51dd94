/**
 * The real HTTP server: forged webhooks are refused before any API call, and the sweep
 * route refuses requests without the configured secret.
 */
import { createHmac } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, secretMatches } from "../../src/app.js";
import { issuePayload } from "./builders.js";
import { privateKey } from "./nock-harness.js";
import { TestOctokit } from "../helpers/octokit.js";

let server: Server;
let base = "";
let apiCalls = 0;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  nock("https://api.github.com")
    .persist()
    .post(/.*/)
    .reply(200, () => {
      apiCalls++;
      return {};
    })
    .get(/.*/)
    .reply(200, () => {
      apiCalls++;
      return [];
    });
  server = new Server({
    host: "127.0.0.1",
    port: 0,
    Probot: Probot.defaults({
      appId: 1,
      privateKey: privateKey(),
      secret: "webhook-secret",
      log: pino({ level: "silent" }),
      Octokit: TestOctokit(),
    }),
    log: pino({ level: "silent" }),
  } as ConstructorParameters<typeof Server>[0]);
  await server.load(createApp({ sweepTimer: false, sweepSecret: "sweep-secret", env: { SUPPORT_TRIAGE_APP_SLUG: "support-triage" } }));
  await server.start();
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

async function deliver(body: string, signature: string | null) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": "issues",
    "x-github-delivery": "forged-1",
  };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return fetch(`${base}/api/github/webhooks`, { method: "POST", headers, body });
}

describe("HTTP server", () => {
  const body = JSON.stringify(issuePayload("opened", { body: "### Priority\n\nP1" }));

  it.each([
    ["unsigned", null],
    ["signed with another secret", `sha256=${createHmac("sha256", "wrong").update(body).digest("hex")}`],
    ["malformed signature", "sha256=zz"],
  ])("a %s webhook gets 400 and causes no API call", async (_why, sig) => {
    const res = await deliver(body, sig);
    expect(res.status).toBe(400);
    expect(apiCalls).toBe(0);
  });

  it("the sweep route refuses a request without the secret (401) or with a wrong one", async () => {
    expect((await fetch(`${base}/support-triage/sweep`, { method: "POST" })).status).toBe(401);
    const wrong = await fetch(`${base}/support-triage/sweep`, { method: "POST", headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${base}/support-triage/sweep`)).status).toBe(405);
    expect(apiCalls).toBe(0);
  });

  it("compares secrets in constant time and exactly", () => {
    expect(secretMatches("sweep-secret", "sweep-secret")).toBe(true);
    expect(secretMatches("sweep-secreT", "sweep-secret")).toBe(false);
    expect(secretMatches("", "sweep-secret")).toBe(false);
  });
});

describe("sweep shards", () => {
  it("splits installations between replicas without overlap or gaps", async () => {
    const { parseShard, inShard } = await import("../../src/app.js");
    const shards = [parseShard("0/3"), parseShard("1/3"), parseShard("2/3")];
    for (let id = 1; id <= 30; id++) expect(shards.filter((s) => inShard(id, s))).toHaveLength(1);
    expect(parseShard(undefined)).toBeNull();
    expect(inShard(7, null)).toBe(true);
    expect(() => parseShard("3/3")).toThrow(/index < count/);
    expect(() => parseShard("a/b")).toThrow(/must look like/);
  });
});
