/**
 * The production install, from the Dockerfile's own steps, without a Docker engine: the
 * runtime stage is read from the Dockerfile and performed in a clean temporary directory —
 * its COPY lines (the compiled lib/ standing in for the build stage's output), its
 * `npm ci --omit=dev` (run as written, plus --prefer-offline so the npm cache serves it), its
 * ENV — then its CMD is started against a standalone simulated GitHub:
 *
 * - no dev dependency is installed and `prepare` compiles nothing (lib/ is left as built);
 * - /healthz answers 200, /readyz answers 200 (the app authenticates to GitHub with its JWT),
 *   and 503 once GitHub is gone; the Dockerfile's HEALTHCHECK command passes;
 * - with NODE_ENV=production (and no LOG_FORMAT) every log line is JSON;
 * - SIGTERM exits 0.
 *
 * Needs the npm registry only for packages missing from the npm cache.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appPrivateKey, freePort, WEBHOOK_SECRET } from "../../src/simulator/app-host.js";
import { World } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { commands, copies, env as stageEnv, execForm, of, readDockerfile, ROOT, stages, workdir } from "./dockerfile.js";

const dirs: string[] = [];
const children: ChildProcess[] = [];
const sims: GitHubSimulator[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const s of sims) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The environment without what an outer `npm test` exports (npm_*, INIT_CWD), so the inner npm acts on its own directory only. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !/^npm_config_(cache|registry|userconfig)$/i.test(k)) continue;
    if (k === "INIT_CWD" || k === "NODE_ENV" || k === "NODE_OPTIONS" || k.startsWith("VITEST")) continue;
    out[k] = v;
  }
  return { ...out, ...extra };
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { code: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 90_000 });
  return { code: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${String(r.error)}` : ""}` };
}

describe("the production install, from the Dockerfile's runtime stage", () => {
  it("installs without dev dependencies or a compile, starts, is healthy and ready, logs JSON and stops on SIGTERM", async () => {
    const t0 = Date.now();
    const { build, runtime } = stages(readDockerfile());
    const tmp = mkdtempSync(join(tmpdir(), "support-triage-install-"));
    dirs.push(tmp);
    const app = join(tmp, "app");
    const buildOut = join(tmp, "build");
    mkdirSync(app);

    // The build stage's product: src/ compiled by tsconfig.build.json (`npm run build`), here
    // into the build directory so the checkout's lib/ is neither needed nor touched.
    const tsc = run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(buildOut, "lib")], ROOT, cleanEnv({}));
    expect(tsc.code, `the build failed:\n${tsc.output}`).toBe(0);
    const built = Date.now();

    // The runtime stage, instruction by instruction.
    const fromBuild = workdir(build);
    const timings: string[] = [];
    let npmOutput = "";
    const e: Record<string, string> = {};
    for (const ins of runtime.instructions) {
      if (ins.keyword === "ENV") Object.assign(e, stageEnv({ ...runtime, instructions: [ins] }));
      else if (ins.keyword === "COPY") {
        const [copy] = copies({ ...runtime, instructions: [ins] });
        for (const source of copy!.sources) {
          let from: string;
          if (copy!.from === null) from = join(ROOT, source);
          else {
            expect(copy!.from).toBe(build.name);
            expect(source.startsWith(fromBuild), source).toBe(true);
            from = join(buildOut, source.slice(fromBuild.length));
          }
          const into = copy!.dest.endsWith("/") ? join(app, copy!.dest, statSync(from).isDirectory() ? "" : source.split("/").pop()!) : join(app, copy!.dest);
          mkdirSync(statSync(from).isDirectory() ? into : dirname(into), { recursive: true });
          cpSync(from, into, { recursive: true });
        }
      } else if (ins.keyword === "RUN") {
        for (const command of commands({ ...runtime, instructions: [ins] })) {
          if (command === "npm cache clean --force") continue; // image size only; never on this machine's cache
          const words = command.split(" ");
          if (words[0] !== "npm" || words[1] !== "ci") throw new Error(`the runtime stage runs "${command}": teach this test what it means`);
          const s = Date.now();
          const npm = run("npm", [...words.slice(1), "--prefer-offline"], app, cleanEnv(e));
          timings.push(`${command}: ${Date.now() - s} ms`);
          npmOutput += npm.output;
          expect(npm.code, `${command} failed:\n${npm.output}`).toBe(0);
        }
      }
    }
    const installed = Date.now();

    // What got installed: production dependencies only, and no compile.
    const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of ["typescript", "vitest", "nock", ".bin/tsc", ".bin/vitest"]) expect(existsSync(join(app, "node_modules", name)), name).toBe(false);
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => path !== "" && p.dev === true);
    expect(devOnly.length).toBeGreaterThan(10);
    const leaked = devOnly.map(([path]) => path).filter((path) => existsSync(join(app, path)));
    expect(leaked).toEqual([]);
    for (const name of Object.keys(pkg.devDependencies)) {
      if (lock.packages[`node_modules/${name}`]?.dev) expect(existsSync(join(app, "node_modules", name)), name).toBe(false);
    }
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(app, "node_modules", name, "package.json")), name).toBe(true);
    expect(npmOutput).toMatch(/prepare: not building lib\//);
    expect(sha(join(app, "lib/main.js"))).toBe(sha(join(buildOut, "lib/main.js")));
    expect(existsSync(join(app, "src"))).toBe(false);
    // The checkout's own install is untouched.
    expect(existsSync(join(ROOT, "node_modules/typescript/package.json"))).toBe(true);

    // A standalone simulated GitHub with one installation.
    const world = new World(Date.now());
    world.createRepo("acme/support");
    const sim = new GitHubSimulator(world);
    sims.push(sim);
    const simUrl = await sim.listen();

    // The stage's CMD with its ENV; only the address and the credentials are this test's.
    const cmd = execForm(of(runtime, "CMD").at(-1)!.args)!;
    expect(cmd[0]).toBe("node");
    const port = await freePort();
    const serverEnv: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"] ?? "",
      ...e,
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_ID: "1",
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET,
      GHE_HOST: new URL(simUrl).host,
      GHE_PROTOCOL: "http",
    };
    expect(serverEnv["NODE_ENV"]).toBe("production");
    const output = { stdout: "", stderr: "" };
    const child = spawn(process.execPath, cmd.slice(1), { cwd: app, env: serverEnv, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    child.stdout!.on("data", (d: Buffer) => (output.stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output.stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const logs = () => `stdout:\n${output.stdout}\nstderr:\n${output.stderr}`;

    let live: Response | null = null;
    for (let i = 0; i < 300 && !live; i++) {
      if (child.exitCode !== null) throw new Error(`the server exited early (${child.exitCode}):\n${logs()}`);
      live = await fetch(`${url}/healthz`).catch(() => null);
      if (!live) await new Promise((r) => setTimeout(r, 50));
    }
    expect(live?.status, `GET /healthz (is healthHandler registered in src/server.ts?)\n${logs()}`).toBe(200);
    expect(await live!.json()).toEqual({ status: "ok" });
    const started = Date.now();

    // Ready: authenticating as the app (its JWT) works against the simulated GitHub.
    const appCalls = () => sim.log.filter((r) => r.method === "GET" && /^(\/api\/v3)?\/app$/.test(r.path)).map((r) => r.status);
    const before = appCalls().length;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status, logs()).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { github: "ok", redis: "not configured" } });
    expect(appCalls().slice(before)).toEqual([200]);
    expect(sim.errors).toEqual([]);

    // The image's own HEALTHCHECK command, run as Docker would inside the container.
    const probe = execForm(of(runtime, "HEALTHCHECK")[0]!.args)!;
    const healthy = run(process.execPath, probe.slice(1), app, { PATH: serverEnv["PATH"], PORT: String(port) });
    expect(healthy.code, healthy.output).toBe(0);

    // GitHub gone: not ready (a short reason, no credentials), still alive.
    await sim.close();
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { status: string; checks: { github: string; redis: string } };
    expect(body.status).toBe("not ready");
    expect(body.checks.github).not.toBe("ok");
    expect(body.checks.redis).toBe("not configured");
    expect(JSON.stringify(body)).not.toMatch(/eyJ|BEGIN|PRIVATE/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // SIGTERM: drains (nothing in flight) and exits 0.
    child.kill("SIGTERM");
    expect(await exit, logs()).toBe(0);
    const unhealthy = run(process.execPath, probe.slice(1), app, { PATH: serverEnv["PATH"], PORT: String(port) });
    expect(unhealthy.code).toBe(1);

    // NODE_ENV=production logs JSON: every line of stdout is one object with a level and a message.
    const lines = output.stdout.split("\n").filter((l) => l.trim() !== "");
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(line)), line).not.toThrow();
      expect(parsed, line).toMatchObject({ level: expect.any(Number), msg: expect.any(String) });
    }
    expect(output.stdout).toMatch(/"msg":"Listening on http:\/\/127\.0\.0\.1:\d+"/);
    expect(output.stdout).toMatch(/stopped cleanly/);
    expect(output.stderr).toBe("");

    console.log(`production install: build ${built - t0} ms; ${timings.join("; ")}; start ${started - installed} ms; total ${Date.now() - t0} ms`);
  }, 120_000);
});
