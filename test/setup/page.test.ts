/**
 * The real set-up page (`startSetup`, i.e. what `npm start` serves without APP_ID) read
 * the way a browser reads it: fetched over HTTP from 127.0.0.1, parsed by parse5 (the
 * WHATWG HTML parser), the form's `manifest` value JSON-parsed.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import { SetupError, startSetup, type SetupServer } from "../../src/setup.js";
import { captureLog, freePort, inDir, projectDir, readSetupForm, REPO_ROOT } from "./helpers.js";

const appYml = YAML.parse(readFileSync(join(REPO_ROOT, "app.yml"), "utf8")) as Record<string, unknown>;

async function setupEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  // No APP_ID/PRIVATE_KEY: set-up mode. NO_SMEE_SETUP: Probot would otherwise ask smee.io for a channel.
  return { HOST: "127.0.0.1", PORT: String(await freePort()), NODE_ENV: "test", NO_SMEE_SETUP: "true", ...extra };
}

async function fetchManifest(setup: SetupServer): Promise<{ form: ReturnType<typeof readSetupForm>; manifest: Record<string, unknown> }> {
  const res = await fetch(`${setup.url}/probot`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const form = readSetupForm(await res.text());
  return { form, manifest: JSON.parse(form.manifest) as Record<string, unknown> };
}

describe("set-up page of the repository's app.yml", () => {
  const project = projectDir();
  const updateEnv = vi.fn();
  const captured = captureLog();
  let setup: SetupServer;

  beforeAll(async () => {
    setup = await inDir(project.dir, async () => startSetup(await setupEnv(), { log: captured.log, updateEnv }));
  });

  afterAll(async () => {
    await setup?.stop();
    project.remove();
  });

  it("serves a manifest that JSON-parses and carries app.yml's name, description, permissions and events", async () => {
    expect(setup.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { form, manifest } = await fetchManifest(setup);
    expect(form.action).toBe("https://github.com/settings/apps/new");
    expect(form.method).toBe("post");
    expect(manifest["name"]).toBe(appYml["name"]);
    expect(manifest["description"]).toBe(appYml["description"]);
    expect(manifest["url"]).toBe(appYml["url"]);
    expect(manifest["public"]).toBe(false);
    expect(manifest["default_permissions"]).toEqual(appYml["default_permissions"]);
    expect(manifest["default_permissions"]).toEqual({ issues: "write", discussions: "write", contents: "write", pull_requests: "write", metadata: "read" });
    expect(manifest["default_events"]).toEqual(appYml["default_events"]);
    expect(manifest["default_events"]).toEqual(expect.arrayContaining(["issues", "issue_comment", "discussion", "discussion_comment", "push"]));
    // GitHub delivers these to every app and refuses a manifest naming them.
    expect(manifest["default_events"]).not.toContain("installation_repositories");
    expect(manifest["default_events"]).not.toContain("installation");
    expect(manifest["redirect_url"]).toBe(`${setup.url}/probot/setup`);
  });

  it("points the hook at /api/github/webhooks on the address the page was opened on", async () => {
    const { manifest } = await fetchManifest(setup);
    const hook = manifest["hook_attributes"] as Record<string, unknown>;
    expect(hook["url"]).toBe(`${setup.url}/api/github/webhooks`);
    expect(String(hook["url"])).toMatch(/\/api\/github\/webhooks$/);
    // Behind a proxy the forwarded host and protocol are used.
    const res = await fetch(`${setup.url}/probot`, { headers: { "x-forwarded-host": "triage.example.com", "x-forwarded-proto": "https" } });
    const proxied = JSON.parse(readSetupForm(await res.text()).manifest) as Record<string, Record<string, unknown>>;
    expect(proxied["hook_attributes"]?.["url"]).toBe("https://triage.example.com/api/github/webhooks");
  });

  it("keeps Probot's other set-up routes: / redirects to the page, the import page is served", async () => {
    const root = await fetch(`${setup.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/probot");
    const imp = await fetch(`${setup.url}/probot/import`);
    expect(imp.status).toBe(200);
    expect(await imp.text()).toContain("Use existing Github App");
    expect((await fetch(`${setup.url}/probot/static/robot.svg`)).status).toBe(200);
  });

  it("writes nothing: no smee channel was requested and no .env appeared in the project directory", () => {
    expect(updateEnv).not.toHaveBeenCalled();
    expect(existsSync(join(project.dir, ".env"))).toBe(false);
    expect(captured.messages().join("\n")).toContain("Probot is in setup mode");
  });

});

describe("process.env", () => {
  it("gets the env's values Probot's set-up handler reads from process.env, and is restored on stop", async () => {
    const project = projectDir();
    const before = process.env.NO_SMEE_SETUP;
    try {
      const s = await inDir(project.dir, async () => startSetup(await setupEnv({ NO_SMEE_SETUP: "true" }), { log: captureLog().log, updateEnv: vi.fn() }));
      expect(process.env.NO_SMEE_SETUP).toBe("true");
      await s.stop();
      expect(process.env.NO_SMEE_SETUP).toBe(before);
    } finally {
      project.remove();
    }
  });
});

const TRICKY = `It's the support desk's bot & "R&D"'s &amp; &lt;friend&gt; </button><script>alert('x')</script> \u2014 done`;

/** What Probot 14.3.2's own set-up page would serve for the same app.yml. */
async function probotsOwnPage(dir: string): Promise<string> {
  const lib = dirname(createRequire(import.meta.url).resolve("probot"));
  const { ManifestCreation } = (await import(pathToFileURL(join(lib, "manifest-creation.js")).href)) as {
    ManifestCreation: new () => { getManifest(o: { pkg: object; baseUrl: string }): string };
  };
  const { setupView } = (await import(pathToFileURL(join(lib, "views", "setup.js")).href)) as {
    setupView: (o: { createAppUrl: string; manifest: string }) => string;
  };
  return inDir(dir, async () => setupView({ createAppUrl: "https://github.com/settings/apps/new", manifest: new ManifestCreation().getManifest({ pkg: {}, baseUrl: "http://localhost:3000" }) }));
}

describe("app.yml text that would break Probot's single-quoted attribute", () => {
  const text = readFileSync(join(REPO_ROOT, "app.yml"), "utf8");
  const tricky = text.replace(/^description: [\s\S]*?(?=^url:)/m, `description: ${JSON.stringify(TRICKY)}\n`);
  const project = projectDir(tricky);
  let setup: SetupServer;

  beforeAll(async () => {
    expect((YAML.parse(tricky) as Record<string, unknown>)["description"]).toBe(TRICKY);
    setup = await inDir(project.dir, async () => startSetup(await setupEnv(), { log: captureLog().log, updateEnv: vi.fn() }));
  });

  afterAll(async () => {
    await setup?.stop();
    project.remove();
  });

  it("is broken in Probot's own page (the regression this guards against)", async () => {
    const form = readSetupForm(await probotsOwnPage(project.dir));
    expect(() => JSON.parse(form.manifest)).toThrow();
  });

  it("survives intact in the served page: apostrophes, ampersands, entities and markup", async () => {
    const { manifest } = await fetchManifest(setup);
    expect(manifest["description"]).toBe(TRICKY);
    expect(manifest["name"]).toBe(appYml["name"]);
    expect(manifest["default_events"]).toEqual(appYml["default_events"]);
  });
});

describe("an unusable app.yml is refused before anything listens, naming the file", () => {
  const base = readFileSync(join(REPO_ROOT, "app.yml"), "utf8");
  const cases: Array<[string, string | null, RegExp]> = [
    ["installation_repositories in default_events", base.replace("  - push\n", "  - push\n  - installation_repositories\n"), /remove installation_repositories/],
    ["an event without its permission", base.replace("  contents: write\n", ""), /push needs default_permissions\.contents/],
    ["a hook URL off the webhook path", `${base}\nhook_attributes:\n  url: https://triage.example.com/\n`, /hook_attributes\.url: must end with \/api\/github\/webhooks/],
    ["invalid YAML", `${base}\ndefault_events: [issues\n`, /is not valid YAML/],
    ["a missing name", base.replace(/^name: .*$/m, "name: ''"), /name: required/],
    ["a missing app.yml", null, /app\.yml not found/],
  ];

  it.each(cases)("%s", async (_what, content, message) => {
    const project = projectDir(content ?? "");
    if (content === null) rmSync(join(project.dir, "app.yml"));
    const env = await setupEnv();
    try {
      const error = await inDir(project.dir, () => startSetup(env, { log: captureLog().log, updateEnv: vi.fn() })).then(
        (s) => s.stop().then(() => new Error("startSetup accepted it")),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SetupError);
      expect((error as Error).message).toContain(join(project.dir, "app.yml"));
      expect((error as Error).message).toMatch(message);
      await expect(fetch(`http://127.0.0.1:${env.PORT}/probot`)).rejects.toThrow();
    } finally {
      project.remove();
    }
  });

  it("refuses to start in production (credentials are required there)", async () => {
    const project = projectDir();
    try {
      await expect(inDir(project.dir, async () => startSetup(await setupEnv({ NODE_ENV: "production" }), { log: captureLog().log }))).rejects.toThrow(/APP_ID and PRIVATE_KEY .* required with NODE_ENV=production/);
    } finally {
      project.remove();
    }
  });
});
