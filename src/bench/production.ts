/**
 * Triage time in production mode: the app with the production Octokit stack and the real
 * scheduler — pacing on, waits in real time — against the simulator. Two loads, measured
 * in interleaved rounds (A B A B …) so a machine that drifts affects both alike:
 *
 * - 10 new items on ONE repository (one installation): GitHub's pacing for integrators —
 *   at least a second between content-creating writes of one installation — makes this
 *   at least 9 s (10 writes). The goal is to be no slower than that pacing requires.
 * - 10 new items on 10 installations (one each): nothing makes them wait for each other.
 *   Goal: all triaged within 2 s.
 *
 * A run ends when every item carries its priority label and its target comment.
 */
import { pino } from "pino";
import { DEFAULT_PACING, realScheduler } from "../github/octokit.js";
import { startServer } from "../server.js";
import { appPrivateKey, freePort } from "../simulator/app-host.js";
import { World, type SimRepo } from "../simulator/model.js";
import { GitHubSimulator } from "../simulator/server.js";
import { BENCH_WEBHOOK_SECRET, WEBHOOK_PATH } from "./app-server.js";
import { BENCH_NOW, benchConfig, benchRepo, Deliverer, formBody } from "./rig.js";

export interface ProductionRound {
  readonly load: "one-repository" | "ten-installations";
  readonly ms: number;
  readonly triaged: number;
}

export interface ProductionResult {
  readonly items: number;
  readonly writeSpacingMs: number;
  readonly oneRepository: readonly number[];
  readonly tenInstallations: readonly number[];
  /** Least time the pacing allows for one installation's writes: (items − 1) × spacing. */
  readonly pacingFloorMs: number;
  readonly errors: readonly string[];
}

const MARKER = "<!-- support-triage:target ";

function world(installations: number): { world: World; repos: SimRepo[] } {
  const w = new World(BENCH_NOW);
  const config = benchConfig();
  const repos: SimRepo[] = [];
  for (let i = 1; i <= installations; i++) repos.push(benchRepo(w, `acme-${i}/support`, config));
  w.outbox.length = 0;
  w.effects.length = 0;
  return { world: w, repos };
}

/** One round: a fresh simulator and app server, `items` deliveries at once, wall time to triaged. */
async function round(load: ProductionRound["load"], items: number, errors: string[]): Promise<ProductionRound> {
  const { world: w, repos } = world(load === "one-repository" ? 1 : items);
  const sim = new GitHubSimulator(w);
  const simUrl = await sim.listen();
  const log = pino({ level: "error" }, { write: (line: string) => void (errors.length < 50 && errors.push(line.trim())) });
  const server = await startServer({
    host: "127.0.0.1",
    port: await freePort(),
    log,
    webhookPath: WEBHOOK_PATH,
    appId: 1,
    privateKey: appPrivateKey(),
    secret: BENCH_WEBHOOK_SECRET,
    baseUrl: `${simUrl}/api/v3`,
    scheduler: realScheduler,
    pacing: DEFAULT_PACING,
    app: { clock: () => w.now, sweepTimer: false, env: {}, sendWebhook: async () => {} },
  });
  const deliverer = new Deliverer(server.url);
  try {
    const opened = Array.from({ length: items }, (_, i) => {
      const repo = repos[load === "one-repository" ? 0 : i] as SimRepo;
      w.openItem(repo, { kind: "issue", number: i + 1, author: w.user(`customer-${i}`), title: `[Support]: outage ${i + 1}`, body: formBody({ priority: 1, environment: "Production" }), labels: [], category: null });
      return w.item(repo, i + 1);
    });
    const hooks = w.outbox.splice(0);
    const started = performance.now();
    const answers = await Promise.all(hooks.map((hook) => deliverer.post(hook)));
    for (const a of answers) if (a.status >= 300) errors.push(`a delivery was answered ${a.status}`);
    const triaged = (): number => opened.filter((item) => item && item.labels.length > 0 && item.comments.some((c) => c.body.includes(MARKER))).length;
    // Handlers may answer 202 after 9 s and go on: wait until the world shows the result.
    while (triaged() < items && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 5));
    return { load, ms: performance.now() - started, triaged: triaged() };
  } finally {
    deliverer.close();
    await server.shutdown(5000);
    await sim.close();
  }
}

/** Interleaved rounds, the order alternating (A B, B A, …). */
export async function measureProduction(options: { items: number; rounds: number }): Promise<ProductionResult> {
  const errors: string[] = [];
  const one: number[] = [];
  const ten: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const order: ProductionRound["load"][] = r % 2 === 0 ? ["one-repository", "ten-installations"] : ["ten-installations", "one-repository"];
    for (const load of order) {
      const result = await round(load, options.items, errors);
      if (result.triaged < options.items) errors.push(`${load}: only ${result.triaged} of ${options.items} items triaged`);
      (load === "one-repository" ? one : ten).push(result.ms);
    }
  }
  return {
    items: options.items,
    writeSpacingMs: DEFAULT_PACING.writeSpacingMs,
    oneRepository: one,
    tenInstallations: ten,
    pacingFloorMs: (options.items - 1) * DEFAULT_PACING.writeSpacingMs,
    errors,
  };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
