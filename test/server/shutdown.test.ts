/**
 * Graceful shutdown of the real production entry (`src/main.ts`, what `npm start` runs) in
 * its own process, against a standalone simulated GitHub: SIGTERM in the middle of a
 * delivery lets that delivery finish — the item ends complete — and the process exits 0;
 * with nothing in flight it does not wait for the grace period. (Deliveries that arrive
 * while stopping are answered 503: test/server/routes.test.ts.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appPrivateKey, freePort, replicaEntry, WEBHOOK_PATH, WEBHOOK_SECRET } from "../../src/simulator/app-host.js";
import { FaultInjector, NO_FAULTS } from "../../src/simulator/faults.js";
import { BOT_LOGIN, World } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { WebhookDispatcher } from "../../src/simulator/webhooks.js";
import { FORM_FILES, formBody } from "../e2e/scenario-builder.js";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
  readonly exit: Promise<number | null>;
}

const started: Running[] = [];
const sims: GitHubSimulator[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) if (r.child.exitCode === null) r.child.kill("SIGKILL");
  for (const s of sims.splice(0)) await s.close();
});

async function startProduction(simUrl: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const { execArgv } = replicaEntry();
  const output: string[] = [];
  const child = spawn(process.execPath, [...execArgv, MAIN], {
    cwd: mkdtempSync(join(tmpdir(), "support-triage-shutdown-")),
    env: {
      PATH: process.env["PATH"] ?? "",
      APP_ID: "1",
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET,
      GHE_HOST: new URL(simUrl).host,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_FORMAT: "json",
      SUPPORT_TRIAGE_SWEEP_INTERVAL: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output.join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const running = { child, url, output, exit };
  started.push(running);
  return running;
}

function world(): { world: World; sim: GitHubSimulator } {
  const w = new World(Date.now());
  const repo = w.createRepo("acme/support");
  w.user("carol");
  repo.members.add("carol");
  for (const [path, content] of Object.entries(FORM_FILES)) repo.files.set(path, content);
  const sim = new GitHubSimulator(w);
  sims.push(sim);
  return { world: w, sim };
}

describe("SIGTERM on the production server (src/main.ts)", () => {
  it("lets the delivery in flight finish: the item ends complete and the process exits 0", async () => {
    const { world: w, sim } = world();
    // Every request takes 250 ms: an intake (token, read, label creation, write) takes seconds.
    sim.faults = new FaultInjector({ ...NO_FAULTS, latencyMs: 250 }, () => w.now);
    const simUrl = await sim.listen();
    const server = await startProduction(simUrl);
    const repo = w.repo("acme", "support")!;
    w.openItem(repo, { kind: "issue", number: 1, author: w.user("wanda"), title: "[Support]: down", body: formBody({ priority: "P2", environment: "Production" }), labels: [], category: null });
    const dispatcher = new WebhookDispatcher(w, { url: `${server.url}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
    let requests = 0;
    let signalled = false;
    sim.onRequest = () => {
      requests++;
      // The app is in the middle of handling the delivery: stop it now.
      if (requests === 2 && !signalled) {
        signalled = true;
        server.child.kill("SIGTERM");
      }
    };
    const delivered = dispatcher.drain(1);
    const code = await server.exit;
    await delivered;
    expect(signalled).toBe(true);
    expect(code, server.output.join("")).toBe(0);
    const item = w.item(repo, 1);
    expect(item?.labels.map((l) => l.name).sort()).toEqual(["P2", "production"]);
    expect(item?.comments.filter((c) => c.author.login === BOT_LOGIN && c.body.includes("<!-- support-triage:target "))).toHaveLength(1);
    expect(server.output.join("")).toMatch(/SIGTERM: finishing the work in flight/);
    expect(server.output.join("")).toMatch(/stopped cleanly/);
  });

  it("exits at once when nothing is in flight", async () => {
    const { sim } = world();
    const simUrl = await sim.listen();
    const server = await startProduction(simUrl, { SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS: "20000" });
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    // Nothing in flight: no waiting for the 20 s grace period.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
