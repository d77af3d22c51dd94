/**
 * `support-triage report` end to end against the built-in simulator (GHE_HOST pointing at
 * it, a token from the environment), in its four formats. The world holds items with the
 * app's target comments as the app writes them; the command runs on the real clock, so
 * the items are placed days before now (one 40 days before, still waiting), on 24x7 targets (business plan P1: 1 hour, P2:
 * 4 hours) to keep the hand count free of business hours.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/report.js";
import { appPrivateKey } from "../../src/simulator/app-host.js";
import { BOT_LOGIN, World } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";
import { renderMarker } from "../../src/triage/marker.js";
import { CSV_COLUMNS } from "../../src/triage/report-render.js";

const HOUR = 3_600_000;
const MIN = 60_000;
let sim: GitHubSimulator;
let world: World;
let out = "";
let err = "";
// Whole minutes: GitHub gives times to the second.
const base = Math.floor((Date.now() - 5 * 24 * HOUR) / MIN) * MIN;

beforeEach(async () => {
  world = new World(base);
  const repo = world.createRepo("acme/support");
  const bot = world.user(BOT_LOGIN);
  const carol = world.user("carol");
  const add = (n: number, kind: "issue" | "discussion", priority: "P1" | "P2", openedAt: number, respondAfter: number | null, opts: { closeAfter?: number; escalate?: boolean } = {}) => {
    world.now = openedAt;
    const item = world.openItem(repo, { kind, number: n, author: world.user("wanda"), title: `Item ${n} @wanda`, body: "", labels: [priority], category: kind === "discussion" ? "support" : null });
    const due = openedAt + (priority === "P1" ? 1 : 4) * HOUR;
    const state = {
      priority,
      plan: "business",
      dueAt: new Date(due).toISOString(),
      source: "label" as const,
      setBy: "carol",
      ...(respondAfter !== null ? { respondedAt: new Date(openedAt + respondAfter).toISOString(), respondedBy: "carol" } : {}),
      ...(opts.escalate ? { escalatedAt: new Date(due).toISOString() } : {}),
    };
    world.addComment(item, bot, `Target comment\n${renderMarker(state)}`);
    if (respondAfter !== null) {
      world.now = openedAt + respondAfter;
      world.addComment(item, carol, "On it");
    }
    if (opts.closeAfter !== undefined) {
      world.now = openedAt + opts.closeAfter;
      world.setState(item, world.user("wanda"), "closed");
    }
  };
  add(1, "issue", "P1", base, 30 * MIN); // met, 30 min
  add(2, "issue", "P1", base + 2 * HOUR, 3 * HOUR, { escalate: true }); // missed by 2 h, escalated
  add(3, "discussion", "P2", base + 4 * HOUR, 1 * HOUR, { closeAfter: 2 * HOUR }); // met, 1 h, closed
  add(4, "issue", "P2", base + 24 * HOUR, null, { escalate: true }); // open, overdue: missed, late by ≈ 4 days minus 4 h
  add(5, "issue", "P1", base - 40 * 24 * HOUR, 5 * MIN); // outside a 30-day window
  add(6, "issue", "P2", base - 40 * 24 * HOUR, null, { escalate: true }); // outside the window, still waiting: in "open now" only
  world.now = Date.now();
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

describe("support-triage report", () => {
  it("--format json prints one object with the hand-counted numbers", async () => {
    expect(await run(["--repo", "acme/support", "--format", "json"], env())).toBe(0);
    expect(out.trim().split("\n")).toHaveLength(1);
    const o = JSON.parse(out) as { reports: { repo: string; total: Record<string, unknown>; breaches: { number: number; lateByMs: number }[] }[]; requests: number; failures: number };
    expect(o.failures).toBe(0);
    expect(o.reports).toHaveLength(1);
    const r = o.reports[0]!;
    expect(r.repo).toBe("acme/support");
    expect(r.total).toMatchObject({ tracked: 4, responded: 3, met: 2, missed: 2, metPct: 50, medianMs: 1 * HOUR, p90Ms: 3 * HOUR, escalated: 2, open: { overdue: 2, atRisk: 0, onTrack: 0 } });
    expect(r.breaches.map((b) => b.number)).toEqual([4, 2]);
    expect(r.breaches[1]?.lateByMs).toBe(2 * HOUR);
    // One scan round: issues and discussions in one request (plus the config reads).
    expect(o.requests).toBe(1);
    expect(sim.errors).toEqual([]);
  });

  it("--format csv parses with a CSV parser", async () => {
    expect(await run(["--repo", "acme/support", "--format", "csv"], env())).toBe(0);
    const rows = parseCsv(out, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(["repository", ...CSV_COLUMNS]);
    expect(rows).toHaveLength(12 + 4 + 3 + 1);
    expect(rows.find((r) => r.scope === "total")).toMatchObject({ repository: "acme/support", tracked: "4", met: "2", missed: "2", met_pct: "50", median_ms: String(HOUR), escalated: "2", overdue: "2" });
    expect(rows.find((r) => r.scope === "cell" && r.priority === "P1" && r.plan === "business")).toMatchObject({ tracked: "2", met: "1", missed: "1", median_ms: String(105 * MIN), p90_ms: String(3 * HOUR) });
  });

  it("--format markdown has the charts, the tables and no live mention", async () => {
    expect(await run(["--repo", "acme/support", "--format", "markdown"], env())).toBe(0);
    expect(out).toContain("## Support response report — acme/support");
    expect(out.match(/```mermaid/g)).toHaveLength(3);
    expect(out).toContain("### Breaches (2)");
    expect(out).not.toMatch(/@wanda/);
    expect(out).toContain("@\u200Bwanda");
  });

  it("--format table (the default) prints the rows and the breaches; no progress bar off a terminal", async () => {
    expect(await run(["--repo", "acme/support", "--since", "30d"], env())).toBe(0);
    expect(out).toMatch(/^total\s+24x7\s+4\s+3\s+2\s+2\s+50%\s+1h 00m\s+3h 00m\s+2\s+2\s+0\s+0$/m);
    expect(out).toMatch(/^P1 · business\s+24x7\s+2\s+2\s+1\s+1\s+50%/m);
    expect(out).toContain("Breaches (2):");
    expect(err).toBe("");
  });

  it("--since a date takes the older items in", async () => {
    const date = new Date(base - 45 * 24 * HOUR).toISOString().slice(0, 10);
    expect(await run(["--repo", "acme/support", "--since", date, "--format", "json"], env())).toBe(0);
    expect(JSON.parse(out).reports[0].total).toMatchObject({ tracked: 6, missed: 3, open: { overdue: 2 } });
  });

  it("--until ends the window", async () => {
    const until = new Date(base + 3 * HOUR).toISOString();
    expect(await run(["--repo", "acme/support", "--until", until, "--format", "json"], env())).toBe(0);
    // Open now: #4 (created after the window, so not counted) is left out; #6 from before it is in.
    expect(JSON.parse(out).reports[0].total).toMatchObject({ tracked: 2, met: 1, missed: 1, open: { overdue: 1 } });
  });

  it.each([
    [[], /exactly one of --repo, --installation or --all/],
    [["--repo", "nope"], /--repo must be owner\/name/],
    [["--repo", "a/b", "--format", "xml"], /--format must be one of table, markdown, json, csv/],
    [["--repo", "a/b", "--since", "yesterday"], /--since must be like 30d/],
    [["--repo", "a/b", "--until", "soon"], /--until must be like/],
    [["--repo", "a/b", "--bogus"], /Unknown option/i],
  ])("%j is a usage error", async (args, message) => {
    expect(await run(args as string[], env())).toBe(2);
    expect(err).toMatch(message);
    expect(err.trim().split("\n")).toHaveLength(1);
  });

  it.each([
    ["--all", ["--all"]],
    ["--installation 1", ["--installation", "1"]],
    ["--repo (the repository's installation looked up)", ["--repo", "acme/support"]],
  ])("with app credentials: %s", async (_name, args) => {
    const appEnv = { APP_ID: "1", PRIVATE_KEY: appPrivateKey(), GHE_HOST: sim.url.replace(/^http:\/\//, ""), GHE_PROTOCOL: "http" };
    expect(await run([...args, "--format", "json"], appEnv)).toBe(0);
    const o = JSON.parse(out) as { reports: { repo: string; total: { tracked: number } }[] };
    expect(o.reports.map((r) => [r.repo, r.total.tracked])).toEqual([["acme/support", 4]]);
    expect(sim.errors).toEqual([]);
  });

  it("draws a progress bar on a terminal", async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
    Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
    try {
      expect(await run(["--repo", "acme/support", "--format", "csv"], env())).toBe(0);
    } finally {
      if (tty) Object.defineProperty(process.stderr, "isTTY", tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
    expect(err).toMatch(/\r\[\.{24}\] 0\/1 acme\/support/);
    expect(err).toMatch(/\r\[#{24}\] 1\/1 done\s+4 items\n$/);
    // stdout stays the CSV alone.
    expect(out.startsWith("repository,scope,")).toBe(true);
  });

  it("--help prints the usage and exits 0", async () => {
    expect(await run(["--help"], {})).toBe(0);
    expect(out).toMatch(/^Usage: support-triage report/);
    expect(out).toContain("--format <f>");
  });

  it("a repository whose configuration is broken is a failure (exit 1), the others still report", async () => {
    world.createRepo("acme/broken").files.set(".github/support-triage.yml", "plan: nope\n");
    expect(await run(["--repo", "acme/support", "--repo", "acme/broken", "--format", "json"], env())).toBe(1);
    const o = JSON.parse(out) as { reports: unknown[]; failures: number };
    expect(o).toMatchObject({ failures: 1 });
    expect(o.reports).toHaveLength(1);
    expect(err).toMatch(/report of acme\/broken failed: the configuration of acme\/broken has errors/);
  });

  it("needs credentials", async () => {
    expect(await run(["--repo", "acme/support"], {})).toBe(2);
    expect(err).toMatch(/no credentials/);
  });
});
