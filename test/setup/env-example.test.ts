/**
 * .env.example documents every environment variable the code reads: each name read as
 * `env.NAME`, `env["NAME"]` or `process.env.NAME` in src/, and each SUPPORT_TRIAGE_* name
 * in a string, has its own commented `# NAME=` line (or is listed as internal).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers.js";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const PROBOT = ["APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "WEBHOOK_PATH", "WEBHOOK_PROXY_URL", "PORT", "HOST", "LOG_LEVEL", "LOG_FORMAT", "LOG_LEVEL_IN_STRING", "SENTRY_DSN", "REDIS_URL", "GHE_HOST", "GHE_PROTOCOL", "NODE_ENV"];
const APP = ["SUPPORT_TRIAGE_SWEEP_SECRET", "SUPPORT_TRIAGE_SWEEP_INTERVAL", "SUPPORT_TRIAGE_SWEEP_SHARD", "SUPPORT_TRIAGE_APP_SLUG", "SUPPORT_TRIAGE_SHUTDOWN_GRACE_MS", "SUPPORT_TRIAGE_WRITE_SPACING_MS", "SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS"];

describe(".env.example", () => {
  const text = readFileSync(join(REPO_ROOT, ".env.example"), "utf8");
  const documented = new Set([...text.matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
  const internal = new Set((/^# Internal[^\n]*\n# (.*)$/m.exec(text)?.[1] ?? "").split(/,\s*/));

  it("sets nothing: every line is a comment", () => {
    expect(text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))).toEqual([]);
  });

  it("has a line for each of Probot's variables and the app's", () => {
    expect([...PROBOT, ...APP].filter((name) => !documented.has(name))).toEqual([]);
    expect(text).toMatch(/secret_env/);
    expect(text).toMatch(/url_env/);
    expect(text).toMatch(/SUPPORT_TRIAGE_SWEEP_SHARD=0\/3 .*mod n = i/);
  });

  it("covers every variable read in src/", () => {
    const read = new Set<string>();
    for (const file of sources(join(REPO_ROOT, "src"))) {
      const code = readFileSync(file, "utf8");
      for (const m of code.matchAll(/\benv(?:\?\.|\.|\[\s*["'])([A-Z][A-Z0-9_]+)/g)) read.add(m[1] as string);
      for (const m of code.matchAll(/["'`](SUPPORT_TRIAGE_[A-Z0-9_]+)["'`]/g)) read.add(m[1] as string);
    }
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !documented.has(name) && !internal.has(name)).sort()).toEqual([]);
  });
});
