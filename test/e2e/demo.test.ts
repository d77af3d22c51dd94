/**
 * The shipped scenarios: the demo tells the product's story and must keep telling it,
 * every example runs clean, the same run twice is byte-identical, and the command line
 * prints exactly what SPEC section 8 says.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/index.js";
import { run } from "../../src/cli/simulate.js";
import { runScenario } from "../../src/simulator/harness.js";
import { narrate } from "../../src/simulator/narrate.js";
import { item, marker, notices } from "./scenario-builder.js";

const DEMO = "examples/demo.yml";

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  return { out: () => out, err: () => err };
}

describe("examples/demo.yml", () => {
  it("tells the story: downgrade, 24x7 due time, holiday, answer, escalation", async () => {
    const result = await runScenario(readFileSync(DEMO, "utf8"), DEMO);
    expect(result.state.errors).toEqual([]);
    // A P1 on staging becomes P3 with one notice.
    expect(item(result, 1).labels).toEqual(["P3"]);
    expect(notices(item(result, 1))).toHaveLength(1);
    // A business customer's production P2: 4 hours, 24x7, answered in time.
    expect(marker(item(result, 2))).toMatchObject({ priority: "P2", plan: "business", dueAt: "2026-11-24T20:45:00.000-08:00", respondedBy: "carol" });
    // A P3 on the Wednesday before Thanksgiving: due on Friday, the holiday skipped.
    expect(marker(item(result, 3))).toMatchObject({ priority: "P3", dueAt: "2026-11-27T14:00:00.000-08:00" });
    // The overdue P1: escalated once by the sweep, then answered (late).
    const overdue = item(result, 4);
    expect(overdue.assignees).toEqual(["carol"]);
    expect(overdue.labels).toEqual(["P1", "production"]);
    expect(notices(overdue)).toHaveLength(1);
    expect(marker(overdue)).toMatchObject({ escalatedAt: "2026-11-25T23:20:00.000-08:00", respondedAt: "2026-11-25T23:35:00.000-08:00" });
    const story = narrate(result, { color: false });
    expect(story).toContain("▸ wanda opens issue #4");
    expect(story).toContain("sweep: 4 open tracked items checked, 1 escalated");
    expect(story).toContain("Errors: none");
  });

  it("gives byte-identical JSON when run twice", async () => {
    const text = readFileSync(DEMO, "utf8");
    const [first, second] = [await runScenario(text, DEMO), await runScenario(text, DEMO)];
    expect(second.json).toBe(first.json);
  });
});

describe("every shipped example", () => {
  const files = readdirSync("examples").filter((name) => name.endsWith(".yml"));
  it.each(files)("examples/%s runs without errors", async (name) => {
    const path = `examples/${name}`;
    const result = await runScenario(readFileSync(path, "utf8"), path);
    expect(result.state.errors).toEqual([]);
    expect(result.state.items.length).toBeGreaterThan(0);
  });
});

describe("support-triage simulate", () => {
  it("--json prints exactly one JSON object in SPEC section 8's shape", async () => {
    const io = capture();
    const code = await run([DEMO, "--json"]);
    const out = io.out();
    expect(code).toBe(0);
    expect(out.endsWith("}\n")).toBe(true);
    expect(out.trim().split("\n")).toHaveLength(1);
    const state = JSON.parse(out) as Record<string, unknown>;
    // SPEC §8's keys first, in its order; then the documented extensions (examples/README.md).
    expect(Object.keys(state)).toEqual(["repo", "now", "items", "requests", "errors", "labels", "notifications"]);
    expect(Object.keys((state["items"] as Record<string, unknown>[])[0] ?? {})).toEqual(["kind", "number", "title", "body", "state", "author", "labels", "assignees", "comments"]);
    expect(Object.keys(state["requests"] as object)).toEqual(["rest", "graphql"]);
  });

  it("narrates without colours when stdout is not a terminal", async () => {
    const io = capture();
    expect(await run([DEMO])).toBe(0);
    expect(io.out()).toContain("support-triage simulation · acme/support · examples/demo.yml");
    expect(io.out()).not.toContain("\u001b[");
  });

  it.each([
    ["a broken scenario", ["test/e2e/fixtures/broken-step.yml"], /^support-triage: scenario error: test\/e2e\/fixtures\/broken-step.yml:4: unknown step "lable" \(did you mean "label"\?\)/],
    ["a missing file", ["nope.yml"], /^support-triage: cannot read scenario "nope.yml": no such file/],
    ["no file at all", [], /^support-triage: simulate needs a scenario file/],
    ["an unknown option", [DEMO, "--jsn"], /^support-triage: unknown option --jsn for simulate/],
  ])("exits 2 for %s with one clear line", async (_what, args, message) => {
    const io = capture();
    expect(await main(["simulate", ...args])).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.out()).toBe("");
  });
});
