/**
 * /healthz and /readyz (src/handlers/health.ts) on a real HTTP server, with fake checks:
 * passing, failing (the answer carries a short error and never a credential), and hanging
 * beyond the timeout (503 within the timeout, and probes join the hanging check instead of
 * starting another one). Paths that are not the handler's go to the next handler.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { healthHandler, redact, shortError, type HealthChecks } from "../../src/handlers/health.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** The handler first, then a 404 for what it declines (as Probot's server does). */
async function serve(checks: HealthChecks, timeoutMs?: number): Promise<string> {
  const handler = healthHandler(checks, timeoutMs);
  const server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("next handler");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ok = async (): Promise<void> => {};
const never = (): Promise<void> => new Promise<void>(() => {});

describe("GET /healthz (liveness)", () => {
  it("answers 200 {status: ok} without running any check; HEAD has no body; other methods 405", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("GitHub is down");
    };
    const url = await serve({ github: failing, redis: failing });
    const get = await fetch(`${url}/healthz`);
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toMatch(/^application\/json/);
    expect(get.headers.get("cache-control")).toBe("no-store");
    expect(await get.json()).toEqual({ status: "ok" });
    const head = await fetch(`${url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(`${url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(calls).toBe(0);
  });

  it("keeps its path with a query string and declines every other path", async () => {
    const url = await serve({ github: ok });
    expect((await fetch(`${url}/healthz?probe=k8s`)).status).toBe(200);
    for (const path of ["/", "/healthzz", "/health", "/readyz/x", "/api/github/webhooks", "/support-triage/sweep"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toBe("next handler");
    }
  });
});

describe("GET /readyz (readiness)", () => {
  it("answers 200 ready with github ok and redis not configured when there is no Redis check", async () => {
    let github = 0;
    const url = await serve({
      github: async () => {
        github++;
      },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { github: "ok", redis: "not configured" } });
    expect(github).toBe(1);
    const head = await fetch(`${url}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(github).toBe(2);
    expect((await fetch(`${url}/readyz`, { method: "DELETE" })).status).toBe(405);
  });

  it("answers 200 with both checks ok when Redis is configured and answers", async () => {
    const url = await serve({ github: ok, redis: ok });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { github: "ok", redis: "ok" } });
  });

  it("answers 503 naming the failing check with its short error; the other check still reports ok", async () => {
    const url = await serve({
      github: ok,
      redis: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect");
      },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { github: "ok", redis: "connect ECONNREFUSED 127.0.0.1:6379" } });
    const head = await fetch(`${url}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe("");
  });

  it("reports an HTTP error's status, and never a token, JWT, key or password from the message", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJl";
    const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    const github = async () => {
      throw Object.assign(new Error(`Bad credentials: Authorization: Bearer ${jwt} token ${token} key ${pem}`), { status: 401 });
    };
    const redis = async () => {
      throw new Error("cannot reach redis://default:s3cr3t-pass@cache.internal:6379");
    };
    const url = await serve({ github, redis });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    for (const secret of [jwt, token, "eyJ", "MIIEowIBAAKCAQEA", "s3cr3t-pass"]) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { checks: { github: string; redis: string } };
    expect(body.checks.github).toMatch(/^401 Bad credentials/);
    expect(body.checks.redis).toBe("cannot reach redis://[redacted]@cache.internal:6379");
  });

  it("answers 503 within the timeout when a check hangs, and probes join the hanging check instead of piling up", async () => {
    let started = 0;
    let finish: () => void = () => {};
    const github = () => {
      started++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    };
    const url = await serve({ github, redis: ok }, 150);
    const t0 = Date.now();
    const [a, b] = await Promise.all([fetch(`${url}/readyz`), fetch(`${url}/readyz`)]);
    const elapsed = Date.now() - t0;
    expect(a.status).toBe(503);
    expect(b.status).toBe(503);
    expect(await a.json()).toEqual({ status: "not ready", checks: { github: "timed out after 150 ms", redis: "ok" } });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(10_000);
    // Still hanging: a later probe waits on the same call.
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect(started).toBe(1);
    // Once it settles, the next probe runs the check afresh (and this time it passes).
    finish();
    await new Promise((r) => setTimeout(r, 10));
    const later = fetch(`${url}/readyz`);
    for (let i = 0; i < 100 && started < 2; i++) await new Promise((r) => setTimeout(r, 5));
    finish();
    expect((await later).status).toBe(200);
    expect(started).toBe(2);
  });

  it("times out a Redis check that never answers while GitHub is fine", async () => {
    const url = await serve({ github: ok, redis: never }, 100);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { github: "ok", redis: "timed out after 100 ms" } });
  });

  it("treats a check that throws synchronously like one that rejects", async () => {
    const url = await serve({
      github: () => {
        throw new Error("no installation");
      },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { github: "no installation", redis: "not configured" } });
  });
});

describe("shortError / redact", () => {
  it("keeps one line of at most 200 characters, with the status first", () => {
    expect(shortError(Object.assign(new Error("Server Error"), { status: 502 }))).toBe("502 Server Error");
    expect(shortError(new Error("x".repeat(500)))).toHaveLength(200);
    expect(shortError("plain")).toBe("plain");
    expect(shortError({})).toBe("check failed");
    expect(shortError(new Error(""))).toBe("Error");
  });

  it("masks credentials but leaves ordinary words alone", () => {
    expect(redact("installation token expired")).toBe("installation token expired");
    expect(redact("token ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("token [redacted token]");
    expect(redact("Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==")).toBe("Authorization: Basic [redacted]");
    expect(redact("https://x-access-token:abc@github.com/acme/support")).toBe("https://[redacted]@github.com/acme/support");
  });
});
