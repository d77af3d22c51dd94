/**
 * SPEC §6 end to end: a broken `.github/support-triage.yml` stops the app in the
 * repository and opens exactly one issue listing each error with its file, key path and
 * line; pushes to the default branch edit that issue as the errors change and close it
 * when the file is fixed. The file changes through `push` steps, which deliver the
 * `push` webhook GitHub sends (validated against @octokit/webhooks-schemas below).
 */
import { Ajv } from "ajv";
import schema from "@octokit/webhooks-schemas" with { type: "json" };
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult, SimulationItem } from "../../src/simulator/harness.js";
import { World } from "../../src/simulator/model.js";
import { botComments, formBody, item, simulate } from "./scenario-builder.js";

const TITLE = "support-triage: configuration error";
const CONFIG = ".github/support-triage.yml";
/** Two errors: an unknown plan (line 1) and a bad duration (line 3). */
const BROKEN = "plan: platinum\ntargets:\n  business: { P1: 1 hour 24x7 }\n";
/** One error left: the duration is fixed, the plan is not. */
const HALF_FIXED = "plan: platinum\ntargets:\n  business: { P1: 1h 24x7 }\n";
const FIXED = "plan: business\ntargets:\n  business: { P1: 1h 24x7 }\n";

const open = (number: number, author: string) => ({
  open: { kind: "issue", number, author, title: `[Support]: item ${number}`, body: formBody({ priority: "P2", environment: "Production" }) },
});
const push = (text: string | null, message: string) => ({ push: { files: { [CONFIG]: text }, by: "carol", message } });

const configIssues = (result: ScenarioResult): SimulationItem[] => result.state.items.filter((found) => found.author === "support-triage[bot]" && found.title === TITLE);

/** The app's labels and comments on scenario items during the first `count` steps (from the timeline). */
function writesOnItemsThroughStep(result: ScenarioResult, count: number): string[] {
  const out: string[] = [];
  let steps = 0;
  for (const entry of result.timeline) {
    if (entry.type === "step") steps++;
    if (steps > count) break;
    if (entry.type === "effect" && (entry.effect.kind === "label" || entry.effect.kind === "comment") && entry.effect.number !== null && entry.effect.number < 10) {
      out.push(`#${entry.effect.number} ${entry.effect.text}`);
    }
  }
  return out;
}

describe("a broken configuration, edited, then fixed", () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await simulate({
      config: BROKEN,
      steps: [open(1, "alice"), push(HALF_FIXED, "Fix the P1 duration"), open(2, "bob"), push(FIXED, "Use the business plan"), { sweep: {} }],
    });
  });

  it("opens exactly one issue, edits it as the errors change, and closes it when the file is valid", () => {
    const issues = configIssues(result);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.state).toBe("closed");
    // Opened at installation, edited by the first push, closed by the second.
    const touched = result.timeline.flatMap((entry) => (entry.type === "effect" && entry.effect.number === issues[0]?.number ? [entry.effect.text] : []));
    expect(touched).toEqual([`opened issue #${issues[0]?.number ?? 0} "${TITLE}"`, `edited #${issues[0]?.number ?? 0}`, `closed #${issues[0]?.number ?? 0}`]);
    expect(result.state.errors).toEqual([]);
  });

  it("lists each error with its file, key path and line, and then only the one left", () => {
    const number = configIssues(result)[0]?.number;
    const bodies = result.timeline.flatMap((entry) => (entry.type === "effect" && entry.effect.number === number && entry.effect.body !== undefined ? [entry.effect.body] : []));
    const [opened, edited] = bodies;
    expect(opened).toMatch(/\| `\.github\/support-triage\.yml` \| line 1 \| `plan` \| .*platinum/);
    expect(opened).toMatch(/\| `\.github\/support-triage\.yml` \| line 3 \| `targets\.business\.P1` \|/);
    expect(edited).toMatch(/line 1 \| `plan`/);
    expect(edited).not.toMatch(/targets\.business\.P1/);
  });

  it("labels nothing while the file is broken", () => {
    // Steps 1–3: open #1, the first push, open #2; the fixing push is step 4.
    expect(writesOnItemsThroughStep(result, 3)).toEqual([]);
    expect(writesOnItemsThroughStep(result, 5)).not.toEqual([]);
  });

  it("adopts the support requests filed meanwhile at the next sweep, with the fixed configuration", () => {
    for (const number of [1, 2]) {
      expect(item(result, number).labels).toEqual(["P2", "production"]);
      expect(botComments(item(result, number))).toHaveLength(1);
      expect(botComments(item(result, number))[0]?.body).toContain("**Plan:** business");
    }
  });
});

describe("breaking a valid configuration and deleting it", () => {
  it("opens one issue on the breaking push, acts on nothing, and closes it when the file is deleted", async () => {
    const result = await simulate({
      steps: [open(1, "alice"), push(BROKEN, "Try a new plan"), open(2, "bob"), push(null, "Back to the defaults")],
    });
    const issues = configIssues(result);
    expect(issues.map((found) => found.state)).toEqual(["closed"]);
    expect(item(result, 1).labels).toEqual(["P2", "production"]);
    // #2 was opened while the file was broken: the push that fixes it triages it.
    expect(item(result, 2).labels).toEqual(["P2", "production"]);
    expect(result.state.errors).toEqual([]);
  });

  it("keeps one open issue when the same broken file is pushed twice, and a redelivered push changes nothing", async () => {
    const result = await simulate({
      steps: [push(BROKEN, "Break it"), { redeliver: { times: 3 } }, push(`${BROKEN}# still broken\n`, "Comment"), { redeliver: {} }],
    });
    expect(configIssues(result).map((found) => found.state)).toEqual(["open"]);
    expect(result.state.errors).toEqual([]);
  });
});

describe("decided cases (issue 12)", () => {
  it("triages the items opened while the file was broken when the fixing push arrives, without waiting for a sweep", async () => {
    const result = await simulate({
      config: BROKEN,
      steps: [
        open(1, "alice"),
        { open: { kind: "discussion", number: 2, author: "bob", category: "support", title: "Help", body: formBody({ priority: "P3", environment: "Staging" }) } },
        push(FIXED, "Fix the configuration"),
      ],
    });
    expect(item(result, 1).labels).toEqual(["P2", "production"]);
    expect(botComments(item(result, 1))[0]?.body).toContain("**Plan:** business");
    expect(item(result, 2).labels).toEqual(["P3"]);
    expect(botComments(item(result, 2))).toHaveLength(1);
    expect(result.state.errors).toEqual([]);
  });

  it("reopens the same configuration-error issue when the file breaks again after a fix", async () => {
    const result = await simulate({
      steps: [push(BROKEN, "Break it"), push(FIXED, "Fix it"), push(HALF_FIXED, "Break it again"), { redeliver: {} }],
    });
    const issues = configIssues(result);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.state).toBe("open");
    expect(issues[0]?.body).toMatch(/line 1 \| `plan`/);
    expect(issues[0]?.body).not.toMatch(/targets\.business\.P1/);
    const number = issues[0]?.number ?? 0;
    const touched = result.timeline.flatMap((entry) => (entry.type === "effect" && entry.effect.number === number ? [entry.effect.text] : []));
    expect(touched[0]).toBe(`opened issue #${number} "${TITLE}"`);
    expect(touched).toContain(`closed #${number}`);
    expect(touched.at(-1)).toMatch(new RegExp(`#${number}`));
    expect(touched.filter((text) => text.startsWith("opened issue"))).toHaveLength(1);
    expect(result.state.errors).toEqual([]);
  });
});

describe("the push payload", () => {
  it("validates against @octokit/webhooks-schemas", () => {
    const world = new World(Date.parse("2026-12-01T17:00:00Z"));
    const repo = world.createRepo("acme/support");
    repo.files.set(CONFIG, "plan: business\n");
    world.push(repo, world.user("carol"), new Map([[CONFIG, "plan: enterprise\n"], [".github/ISSUE_TEMPLATE/support.yml", "name: x\n"]]), "Two files");
    world.push(repo, world.user("carol"), new Map([[CONFIG, null]]), "Delete");
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.addSchema(schema as object, "webhooks").compile({ $ref: "webhooks#/definitions/push$event" });
    expect(world.outbox).toHaveLength(2);
    for (const hook of world.outbox) {
      expect(hook.name).toBe("push");
      expect(validate(hook.payload) ? [] : validate.errors?.slice(0, 5)).toEqual([]);
    }
    const [first, second] = world.outbox.map((hook) => hook.payload as { before: string; after: string; commits: { added: string[]; modified: string[]; removed: string[] }[] });
    expect(first?.commits[0]).toMatchObject({ added: [".github/ISSUE_TEMPLATE/support.yml"], modified: [CONFIG], removed: [] });
    expect(second?.commits[0]).toMatchObject({ added: [], modified: [], removed: [CONFIG] });
    expect(second?.before).toBe(first?.after);
  });
});

describe("§6 with two app servers", () => {
  it("errors that come, go and change while deliveries alternate between replicas: one issue open at a time, none left open when fixed", async () => {
    const { runScenario } = await import("../../src/simulator/harness.js");
    const { scenarioText } = await import("./scenario-builder.js");
    const broken = (plan: string) => push(`plan: ${plan}\n`, `plan ${plan}`);
    const text = scenarioText({
      config: "plan: business\n",
      steps: [broken("platinum"), open(1, "wanda"), open(2, "wanda"), push(FIXED, "fix"), broken("gold"), open(3, "wanda"), broken("silver")],
    });
    const result = await runScenario(text, "replicas.yml", { replicas: 2 });
    expect(configIssues(result).filter((found) => found.state === "open")).toHaveLength(1);

    const fixed = await runScenario(
      scenarioText({ config: "plan: business\n", steps: [broken("platinum"), broken("gold"), open(1, "wanda"), push(FIXED, "fix")] }),
      "replicas-fixed.yml",
      { replicas: 2 },
    );
    expect(configIssues(fixed).filter((found) => found.state === "open")).toHaveLength(0);
  });
});
