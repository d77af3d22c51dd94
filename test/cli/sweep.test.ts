/**
 * `support-triage sweep` end to end against the built-in simulator: a token from the
 * environment, GHE_HOST pointing at the simulator, a real overdue item.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/sweep.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { World } from "../../src/simulator/model.js";

let sim: GitHubSimulator;
let world: World;
let out = "";
let err = "";

beforeEach(async () => {
  // The CLI runs on the real clock: the item was opened ten days ago, so it is overdue on any plan.
  world = new World(Date.now() - 10 * 24 * 3600_000);
  const repo = world.createRepo("acme/support");
  world.openItem(repo, {
    kind: "issue",
    number: 1,
    author: world.user("wanda"),
    title: "Primary down",
    body: "### Priority\n\nP1\n\n### Environment\n\nProduction",
    labels: ["P1", "production"],
    category: null,
  });
  world.openItem(repo, { kind: "issue", number: 2, author: world.user("dana"), title: "Untracked", body: "hello", labels: [], category: null });
  sim = new GitHubSimulator(world);
  await sim.listen();
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await sim.close();
});

const env = () => ({
  GITHUB_TOKEN: "ghs_cli_test_token",
  GHE_HOST: sim.url.replace(/^http:\/\//, ""),
  GHE_PROTOCOL: "http",
  SUPPORT_TRIAGE_APP_SLUG: "support-triage",
});

describe("support-triage sweep", () => {
  it("--dry-run decides but writes nothing", async () => {
    const code = await run(["--repo", "acme/support", "--dry-run", "--json"], env());
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ dryRun: true, items: 1, escalated: 1, failures: 0 });
    const item = world.repo("acme", "support")?.items.get(1);
    expect(item?.labels.map((l) => l.name).sort()).toEqual(["P1", "production"]);
    expect(item?.comments).toHaveLength(0);
  });

  it("escalates an overdue item once, and a second run changes nothing", async () => {
    expect(await run(["--repo", "acme/support"], env())).toBe(0);
    expect(out).toMatch(/repository\s+items\s+escalated/);
    expect(out).toMatch(/acme\/support\s+1\s+1/);
    const item = world.repo("acme", "support")?.items.get(1);
    expect(item?.labels.map((l) => l.name)).toContain("escalated");
    const bodies = item?.comments.map((c) => c.body) ?? [];
    expect(bodies.filter((b) => b.includes("support-triage:target"))).toHaveLength(1);
    const count = bodies.length;
    out = "";
    expect(await run(["--repo", "acme/support", "--json"], env())).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ escalated: 0, writes: 0 });
    expect(item?.comments).toHaveLength(count);
    expect(sim.errors).toEqual([]);
  });

  it.each([
    [[], /exactly one of --repo, --installation or --all/],
    [["--repo", "nope"], /--repo must be owner\/name/],
    [["--repo", "a/b", "--all"], /exactly one/],
    [["--installation", "x"], /positive integer/],
    [["--bogus"], /Unknown option|unknown option/i],
  ])("bad arguments %j → one line, exit 2", async (args, message) => {
    expect(await run(args as string[], env())).toBe(2);
    expect(err).toMatch(message);
    expect(err.trim().split("\n")).toHaveLength(1);
  });

  it("refuses to write with a token that is not the app's (its comments would not be recognised); --dry-run may look", async () => {
    // The simulator says every token is the app's bot; name another app so the token is not.
    const foreign = { ...env(), SUPPORT_TRIAGE_APP_SLUG: "other-app" };
    expect(await run(["--repo", "acme/support"], foreign)).toBe(2);
    expect(err).toMatch(/belongs to support-triage\[bot\], not to the app \(other-app\[bot\]\)/);
    expect(world.repo("acme", "support")?.items.get(1)?.comments).toHaveLength(0);
    err = "";
    expect(await run(["--repo", "acme/support", "--dry-run", "--json"], foreign)).toBe(0);
  });

  it("without credentials it says what to set", async () => {
    expect(await run(["--repo", "acme/support"], {})).toBe(2);
    expect(err).toMatch(/GITHUB_TOKEN/);
  });
});
