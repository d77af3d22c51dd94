/**
 * The sweep route and shutdown behaviour of the real server (production stack, in this
 * process, against the simulated GitHub): POST answers 202 at once with a run id, a
 * trigger while a sweep runs joins it, `?wait=1` answers with the summary, GET gives a
 * run's summary; while stopping, deliveries and sweep calls are refused with 503.
 */
import { afterEach, describe, expect, it } from "vitest";
import { appPrivateKey, freePort, startAppServer, WEBHOOK_PATH, WEBHOOK_SECRET } from "../../src/simulator/app-host.js";
import { FaultInjector, NO_FAULTS } from "../../src/simulator/faults.js";
import { World } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { WebhookDispatcher } from "../../src/simulator/webhooks.js";
import type { RunningServer } from "../../src/server.js";
import { FORM_FILES, formBody } from "../e2e/scenario-builder.js";

const SECRET = "route-test-secret";
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function desk(items: number, latencyMs = 0) {
  const world = new World(Date.parse("2026-12-01T17:00:00Z"));
  const repo = world.createRepo("acme/support");
  world.user("carol");
  repo.members.add("carol");
  for (const [path, content] of Object.entries(FORM_FILES)) repo.files.set(path, content);
  repo.files.set(".github/support-triage.yml", "customers:\n  wanda: enterprise\n");
  const sim = new GitHubSimulator(world);
  const simUrl = await sim.listen();
  cleanup.push(() => sim.close());
  process.env["SUPPORT_TRIAGE_SWEEP_SECRET"] = SECRET;
  const server: RunningServer = await startAppServer({
    simUrl,
    port: await freePort(),
    privateKey: appPrivateKey(),
    clock: () => world.now,
    onLogLine: () => {},
    onOutgoingWebhook: () => {},
  });
  delete process.env["SUPPORT_TRIAGE_SWEEP_SECRET"];
  cleanup.push(() => server.shutdown(5000).then(() => undefined));
  const dispatcher = new WebhookDispatcher(world, { url: `${server.url}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
  for (let n = 1; n <= items; n++) {
    world.openItem(repo, { kind: "issue", number: n, author: world.user("wanda"), title: `[Support]: ${n}`, body: formBody({ priority: "P1", environment: "Production" }), labels: [], category: null });
  }
  await dispatcher.drain(1000);
  world.now += 30 * 60_000; // past the enterprise P1 target (15 minutes)
  if (latencyMs > 0) sim.faults = new FaultInjector({ ...NO_FAULTS, latencyMs }, () => world.now);
  return { world, repo, server, dispatcher };
}

const auth = { authorization: `Bearer ${SECRET}` };

describe("POST /support-triage/sweep", () => {
  it("answers 202 at once with a run id; a second call joins the running sweep; GET gives the summary", async () => {
    const { server } = await desk(4, 40);
    const first = await fetch(`${server.url}/support-triage/sweep`, { method: "POST", headers: auth });
    expect(first.status).toBe(202);
    const run = (await first.json()) as { id: string; status: string };
    expect(run.status).toBe("running");
    expect(first.headers.get("location")).toBe(`/support-triage/sweep/${run.id}`);
    const second = await fetch(`${server.url}/support-triage/sweep`, { method: "POST", headers: auth });
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ id: run.id, joined: true, status: "running" });
    let report: { status: string; escalated?: number; items?: number } = { status: "running" };
    for (let i = 0; i < 400 && report.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      report = (await (await fetch(`${server.url}/support-triage/sweep/${run.id}`, { headers: auth })).json()) as typeof report;
    }
    expect(report).toMatchObject({ status: "done", items: 4, escalated: 4 });
    // A new call after the run ended starts a new run, which finds nothing more to do.
    const again = await fetch(`${server.url}/support-triage/sweep?wait=1`, { method: "POST", headers: auth });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { id: string; status: string; escalated: number; items: number };
    expect(body.id).not.toBe(run.id);
    expect(body).toMatchObject({ status: "done", escalated: 0, items: 4 });
  });

  it("refuses without the secret, on every method, and says 404 for an unknown run", async () => {
    const { server } = await desk(0);
    expect((await fetch(`${server.url}/support-triage/sweep`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${server.url}/support-triage/sweep/abc`)).status).toBe(401);
    expect((await fetch(`${server.url}/support-triage/sweep`, { headers: auth })).status).toBe(405);
    expect((await fetch(`${server.url}/support-triage/sweep/abc`, { method: "POST", headers: auth })).status).toBe(405);
    expect((await fetch(`${server.url}/support-triage/sweep/abc`, { headers: auth })).status).toBe(404);
  });
});

describe("while stopping", () => {
  it("finishes the delivery in flight, then stops listening", async () => {
    const { world, repo, server, dispatcher } = await desk(1, 200);
    world.addComment(world.item(repo, 1)!, world.user("carol"), "Looking now.", null);
    const inFlight = dispatcher.drain(1);
    for (let i = 0; i < 200 && server.lifecycle.busy === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.lifecycle.busy).toBe(1);
    expect(await server.shutdown(20_000)).toBe(true);
    await inFlight;
    expect(server.lifecycle.busy).toBe(0);
    // The response was recorded before the process let go.
    const target = world.item(repo, 1)!.comments.find((c) => c.body.includes("<!-- support-triage:target "));
    expect(target?.body).toMatch(/respondedAt/);
    expect(await fetch(`${server.url}/ping`).then(() => "open", () => "closed")).toBe("closed");
  });

  it("answers new deliveries and sweep calls 503 once stopping has begun", async () => {
    const { world, repo, server, dispatcher } = await desk(1);
    void server.lifecycle.drain(20_000);
    world.addComment(world.item(repo, 1)!, world.user("carol"), "Looking now.", null);
    const statuses: number[] = [];
    dispatcher.onDelivered = ({ status }) => statuses.push(status);
    await dispatcher.drain(1);
    expect(statuses).toEqual([503]);
    expect((await fetch(`${server.url}/support-triage/sweep`, { method: "POST", headers: auth })).status).toBe(503);
    expect(world.item(repo, 1)!.comments.find((c) => c.body.includes("<!-- support-triage:target "))?.body).not.toMatch(/respondedAt/);
  });
});
