/**
 * Cheap checks of the deployment files, without a Docker engine: the Dockerfile's two
 * stages (Node major = package.json `engines`; build with dev dependencies; run with
 * `npm ci --omit=dev` and the same command as `npm start`), `.dockerignore` keeping out what
 * must not be sent while keeping what the Dockerfile copies, `compose.yaml`'s app and Redis,
 * the `prepare` script a production install runs, and the example workflow in
 * docs/deploy.md. test/deploy/install.test.ts performs the runtime stage for real.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_GRACE_MS } from "../../src/main.js";
import { commands, copies, env, execForm, of, parseDockerfile, readDockerfile, ROOT, stages, workdir } from "./dockerfile.js";

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  engines: { node: string };
  scripts: Record<string, string>;
  bin: Record<string, string>;
  main: string;
  files: string[];
};
const { build, runtime } = stages(readDockerfile());
const engineMajor = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);

describe("the Dockerfile reader", () => {
  it("joins continuation lines, drops comments and groups instructions by stage", () => {
    const all = parseDockerfile("# syntax=docker/dockerfile:1\nFROM node:20 AS b\nRUN a \\\n  # inside\n  && b\n\nFROM node:20\nCOPY --from=b /app/lib/ lib/\nCMD [\"node\", \"x.js\"]\n");
    expect(all.map((s) => [s.image, s.name])).toEqual([["node:20", "b"], ["node:20", null]]);
    expect(commands(all[0]!)).toEqual(["a", "b"]);
    expect(copies(all[1]!)).toEqual([{ from: "b", sources: ["/app/lib/"], dest: "lib/" }]);
    expect(execForm(of(all[1]!, "CMD")[0]!.args)).toEqual(["node", "x.js"]);
    expect(() => stages(parseDockerfile("FROM a AS x\nFROM b\nCOPY --from=y / /\n"))).toThrow(/not an earlier stage/);
  });
});

describe("Dockerfile", () => {
  it("builds and runs on node:<engines major>-bookworm-slim", () => {
    expect(engineMajor).toBe(20);
    for (const stage of [build, runtime]) expect(stage.image).toBe(`node:${engineMajor}-bookworm-slim`);
  });

  it("build stage: npm ci with the dev dependencies, then npm run build over src/", () => {
    const run = commands(build);
    const ci = run.findIndex((c) => /^npm ci\b/.test(c));
    const compile = run.indexOf("npm run build");
    expect(ci, run.join("\n")).toBeGreaterThanOrEqual(0);
    expect(run[ci]).not.toMatch(/--omit|--production|--only/);
    expect(compile).toBeGreaterThan(ci);
    const sources = copies(build).flatMap((c) => c.sources);
    for (const needed of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "src/"]) expect(sources).toContain(needed);
    // tsconfig.build.json compiles src/ into lib/: the path the runtime stage copies.
    const buildConfig = JSON.parse(readFileSync(`${ROOT}tsconfig.build.json`, "utf8")) as { compilerOptions: { outDir: string } };
    expect(buildConfig.compilerOptions.outDir).toBe("lib");
    expect(pkg.scripts["build"]).toBe("tsc -p tsconfig.build.json");
  });

  it("runtime stage: npm ci --omit=dev, the compiled lib/ from the build stage, bin/ and app.yml; no compiler", () => {
    const run = commands(runtime);
    expect(run.filter((c) => /^npm ci\b/.test(c))).toEqual(["npm ci --omit=dev --no-audit --no-fund"]);
    expect(run.join("\n")).not.toMatch(/tsc|npm run build|--include=dev/);
    const cp = copies(runtime);
    expect(cp.filter((c) => c.from !== null)).toEqual([{ from: build.name, sources: [`${workdir(build)}lib/`], dest: "lib/" }]);
    const fromContext = cp.filter((c) => c.from === null).flatMap((c) => c.sources);
    expect(fromContext.sort()).toEqual(["app.yml", "bin/", "package-lock.json", "package.json"]);
    // The package's entry points live in what is copied.
    expect(pkg.main.startsWith("lib/")).toBe(true);
    for (const bin of Object.values(pkg.bin)) expect(bin.startsWith("bin/")).toBe(true);
    // Dependencies are installed before the code is copied (a layer that survives code changes).
    const order = runtime.instructions.map((i) => i.keyword + " " + i.args);
    expect(order.findIndex((i) => i.includes("npm ci"))).toBeLessThan(order.findIndex((i) => i.includes("--from=")));
  });

  it("runtime stage: production environment, non-root user, port, health check, SIGTERM and the npm start command", () => {
    const e = env(runtime);
    expect(e).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "3000" });
    const user = of(runtime, "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(of(runtime, "EXPOSE").map((i) => i.args)).toEqual([e["PORT"]]);
    expect(of(runtime, "STOPSIGNAL").map((i) => i.args)).toEqual(["SIGTERM"]);
    const health = of(runtime, "HEALTHCHECK");
    expect(health).toHaveLength(1);
    const probe = execForm(health[0]!.args);
    expect(probe?.[0]).toBe("node");
    expect(probe?.join(" ")).toContain("/healthz");
    const cmd = execForm(of(runtime, "CMD").at(-1)?.args ?? "");
    expect(cmd).toEqual(["node", "lib/main.js"]);
    expect(cmd?.join(" ")).toBe(pkg.scripts["start"]);
  });
});

describe(".dockerignore", () => {
  const patterns = readFileSync(`${ROOT}.dockerignore`, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const toRegex = (p: string) => {
    const body = p
      .replace(/^\//, "")
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) => ({ "**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]" })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
      .join("");
    return new RegExp(`^${body}(?:/.*)?$`);
  };
  /** Docker's rule: the last matching pattern decides; `!` re-includes. */
  const ignored = (path: string): boolean => {
    let out = false;
    for (const p of patterns) {
      const negate = p.startsWith("!");
      if (toRegex(negate ? p.slice(1) : p).test(path)) out = !negate;
    }
    return out;
  };

  it("keeps dependencies, build output, git, test results and secrets out of the build context", () => {
    for (const path of ["node_modules", "node_modules/probot/package.json", "src/x/node_modules/y", "lib", "lib/main.js", ".git", ".git/HEAD", ".ci/test-results.json", ".env", ".env.production", "app.private-key.pem", "coverage"]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it("sends everything the Dockerfile copies from the context", () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : [relative(ROOT, full)];
      });
    const sources = [build, runtime].flatMap((s) => copies(s).filter((c) => c.from === null).flatMap((c) => c.sources));
    for (const source of sources) {
      const files = source.endsWith("/") ? walk(`${ROOT}${source}`) : [source];
      expect(files.length, source).toBeGreaterThan(0);
      for (const file of files) expect(ignored(file), file).toBe(false);
    }
    expect(ignored(".env.example")).toBe(false);
  });
});

describe("compose.yaml", () => {
  type Service = Record<string, unknown> & { environment?: Record<string, string>; healthcheck?: { test: string[] } };
  const compose = parse(readFileSync(`${ROOT}compose.yaml`, "utf8")) as { services: Record<string, Service> };
  const app = compose.services["app"]!;
  const redis = compose.services["redis"]!;

  it("builds the app from this Dockerfile with .env, production settings and Redis at the redis service", () => {
    expect(app["build"]).toBe(".");
    expect([app["env_file"]].flat()).toContain(".env");
    expect(app.environment).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "3000", REDIS_URL: "redis://redis:6379" });
    expect(new URL(app.environment!["REDIS_URL"]!).hostname).toBe("redis");
    expect(app["depends_on"]).toEqual({ redis: { condition: "service_healthy" } });
    expect(app["ports"]).toEqual(["${SUPPORT_TRIAGE_PORTS:-3000}:3000"]);
    expect(app["restart"]).toBe("unless-stopped");
    expect(app["deploy"]).toEqual({ replicas: 1 });
  });

  it("stops with SIGTERM and waits longer than the app's default grace period", () => {
    expect(app["stop_signal"]).toBe("SIGTERM");
    const grace = /^(\d+)s$/.exec(String(app["stop_grace_period"]));
    expect(grace).not.toBeNull();
    expect(Number(grace![1]) * 1000).toBeGreaterThanOrEqual(DEFAULT_GRACE_MS + 5000);
  });

  it("checks the app's health with the Dockerfile's own HEALTHCHECK command, and Redis with a ping", () => {
    expect(app.healthcheck?.test).toEqual(["CMD", ...execForm(of(runtime, "HEALTHCHECK")[0]!.args)!]);
    expect(redis["image"]).toBe("redis:7-alpine");
    expect(redis.healthcheck?.test.join(" ")).toMatch(/redis-cli ping/);
    // Queued deliveries survive a restart; BullMQ's keys are never evicted.
    expect(redis["command"]).toEqual(["redis-server", "--appendonly", "yes", "--maxmemory-policy", "noeviction"]);
    expect(redis["ports"]).toBeUndefined();
  });
});

describe("prepare (run by every npm ci, also --omit=dev)", () => {
  it("builds only where TypeScript and src/ are present, and fails when the build fails", () => {
    const prepare = pkg.scripts["prepare"]!;
    expect(prepare).toMatch(/^node -e "/);
    expect(prepare).toContain("require.resolve('typescript')");
    expect(prepare).toContain("existsSync('src')");
    expect(prepare).toContain("npm run build");
    expect(prepare).toContain("process.exit(1)");
    expect(prepare).not.toMatch(/\|\|\s*true|tsc /);
  });
});

describe("docs/deploy.md", () => {
  const doc = readFileSync(`${ROOT}docs/deploy.md`, "utf8");
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const workflow = blocks.map((b) => parse(b) as Record<string, unknown>).find((y) => y !== null && typeof y === "object" && "jobs" in y) as
    | { on: { schedule: Array<{ cron: string }>; workflow_dispatch: unknown }; concurrency: unknown; jobs: Record<string, { steps: Array<{ run?: string; env?: Record<string, string> }> }> }
    | undefined;

  it("has a complete sweep workflow: schedule and manual runs, one at a time, the CLI as the app", () => {
    expect(workflow).toBeDefined();
    expect(workflow!.on.schedule).toEqual([{ cron: "*/10 * * * *" }]);
    expect("workflow_dispatch" in workflow!.on).toBe(true);
    expect(workflow!.concurrency).toEqual({ group: "support-triage-sweep", "cancel-in-progress": false });
    const steps = Object.values(workflow!.jobs).flatMap((j) => j.steps);
    const sweep = steps.find((s) => s.run?.includes("support-triage.js sweep"));
    expect(sweep?.run).toMatch(/node bin\/support-triage\.js sweep --all\b/);
    expect(sweep?.env).toMatchObject({ APP_ID: "${{ secrets.APP_ID }}", PRIVATE_KEY: "${{ secrets.PRIVATE_KEY }}" });
    expect(doc).toContain("SUPPORT_TRIAGE_SWEEP_INTERVAL=0");
  });

  it("names the routes and settings the deployment relies on", () => {
    for (const text of ["/healthz", "/readyz", "/api/github/webhooks", "HOST=0.0.0.0", "NODE_ENV=production", "SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS", "stop_grace_period: 30s", "REDIS_URL", "POST /support-triage/sweep", "?wait=1", "--scale app=3"]) {
      expect(doc, text).toContain(text);
    }
  });
});
