/**
 * The onboarding pull request end to end, against the simulator's GitHub (git refs, file
 * commits, pull requests): installing the app on a repository with neither a support form
 * nor a configuration opens one pull request adding the forms and a commented
 * configuration; a second installation event and a sweep open no other; merging it makes
 * the next form item tracked; a closed one is never proposed again; `onboarding: false` in
 * the owner's `.github` repository turns it off.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runScenario, type ScenarioResult } from "../../src/simulator/harness.js";
import type { SimPull, SimRepo } from "../../src/simulator/model.js";
import { loadConfig } from "../../src/config/load.js";
import { checkFormTemplate } from "../../src/triage/form-check.js";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { formBody, item } from "./scenario-builder.js";

const BRANCH = "support-triage/onboarding";
const FILES = [".github/DISCUSSION_TEMPLATE/support.yml", ".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/support.yml", ".github/support-triage.yml"];

/** A repository without forms or configuration (only a README). */
async function run(steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<ScenarioResult> {
  const text = stringify({ repo: "acme/support", now: "2026-12-01T09:00:00-08:00", members: ["carol"], files: { "README.md": "# Support\n" }, ...extra, steps });
  const result = await runScenario(text, "onboarding.yml");
  expect(result.state.errors).toEqual([]);
  return result;
}

const repoOf = (result: ScenarioResult): SimRepo => {
  const repo = result.world?.repo("acme", "support");
  if (!repo) throw new Error("no repository");
  return repo;
};
const pulls = (result: ScenarioResult): SimPull[] => repoOf(result).pulls;
const open = (number: number) => ({
  open: { kind: "issue", number, author: "alice", title: "[Support]: checkout down", body: formBody({ priority: "P2", environment: "Production" }) },
});

describe("the onboarding pull request", () => {
  it("is opened once on installation; a second installation event and a sweep open no other; merged, the next form item is tracked", async () => {
    const result = await run([{ install: {} }, { sweep: {} }, { merge: { branch: BRANCH, by: "carol" } }, open(1)]);
    const all = pulls(result);
    expect(all).toHaveLength(1);
    const pull = all[0]!;
    expect(pull).toMatchObject({ head: BRANCH, base: "main", author: { login: "support-triage[bot]" }, title: "Set up support-triage: support forms and configuration" });
    expect(pull.mergedAt).not.toBeNull();
    expect(pull.body.startsWith("<!-- support-triage:onboarding -->\n")).toBe(true);
    expect(pull.body).toContain("**Create the discussion category** with the slug `support`");

    // One commit per file on the branch, then merged onto the default branch.
    const branch = repoOf(result).branches.get(BRANCH);
    expect(branch?.commits).toBe(4);
    const files = repoOf(result).files;
    expect([...files.keys()].filter((p) => p.startsWith(".github/")).sort()).toEqual(FILES);
    expect(loadConfig(files.get(".github/support-triage.yml") ?? "", "c.yml")).toMatchObject({ errors: [], config: DEFAULT_CONFIG });
    for (const path of [".github/ISSUE_TEMPLATE/support.yml", ".github/DISCUSSION_TEMPLATE/support.yml"]) {
      expect(checkFormTemplate(files.get(path) ?? "", path, DEFAULT_CONFIG).errors, path).toEqual([]);
    }

    // Told in the narration's terms: opened at installation, nothing on the second event.
    const effects = result.timeline.flatMap((entry) => (entry.type === "effect" && entry.effect.kind === "pull" ? [entry.effect.text] : []));
    expect(effects).toEqual([`opened pull request #${pull.number} "Set up support-triage: support forms and configuration"`]);

    // The form item after the merge is tracked.
    expect(item(result, 1).labels).toEqual(["P2", "production"]);
    expect(item(result, 1).comments.some((c) => c.author === "support-triage[bot]" && c.body.includes("support-triage:target"))).toBe(true);
  });

  it("closed without merging, it is not proposed again", async () => {
    const result = await run([{ close_pull: { branch: BRANCH, by: "carol" } }, { install: {} }]);
    expect(pulls(result)).toHaveLength(1);
    expect(pulls(result)[0]?.state).toBe("closed");
  });

  it("`onboarding: false` in the owner's .github repository turns it off", async () => {
    const result = await run([{ install: {} }], { owner_config: "onboarding: false\n" });
    expect(pulls(result)).toEqual([]);
  });

  it("a repository that has a configuration gets none", async () => {
    const result = await run([], { config: "plan: business\n" });
    expect(pulls(result)).toEqual([]);
  });

  it("with the owner's policy in force, the proposed configuration inherits it", async () => {
    const result = await run([{ merge: { branch: BRANCH, by: "carol" } }], { owner_config: "plan: business\n" });
    expect(pulls(result)).toHaveLength(1);
    expect(repoOf(result).files.get(".github/support-triage.yml")).toContain("_extends: .github\n");
    expect(pulls(result)[0]?.body).toContain("| `business` (default) |");
  });
});

describe("the onboarding pull request and the repository's own files", () => {
  const USER_CHOOSER = "blank_issues_enabled: false\ncontact_links:\n  - name: Sales\n    url: https://example.com/sales\n    about: Talk to sales\n";
  it("adds only what is missing: a file the repository has is left as it is, merged or not", async () => {
    const result = await run([{ install: {} }, { install: {} }, { merge: { branch: BRANCH, by: "carol" } }], {
      files: { "README.md": "# Support\n", ".github/ISSUE_TEMPLATE/config.yml": USER_CHOOSER },
    });
    expect(pulls(result)).toHaveLength(1);
    expect(repoOf(result).branches.get(BRANCH)?.commits).toBe(3);
    const files = repoOf(result).files;
    expect(files.get(".github/ISSUE_TEMPLATE/config.yml")).toBe(USER_CHOOSER);
    expect([...files.keys()].filter((p) => p.startsWith(".github/")).sort()).toEqual(FILES);
    // Set-up went on: the labels exist.
    expect(repoOf(result).labels.map((l) => l.name)).toContain("P1");
  });

  it("with the team's own forms in place (none of them a support form), it adds the configuration alone", async () => {
    const files: Record<string, string> = { "README.md": "# Support\n" };
    const own = [".github/DISCUSSION_TEMPLATE/support.yml", ".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/support.yml"];
    for (const path of own) files[path] = "# the team's own\n";
    const result = await run([{ install: {} }, { merge: { branch: BRANCH, by: "carol" } }], { files });
    expect(pulls(result)).toHaveLength(1);
    expect(repoOf(result).branches.get(BRANCH)?.commits).toBe(1);
    for (const path of own) expect(repoOf(result).files.get(path)).toBe("# the team's own\n");
    expect(repoOf(result).files.get(".github/support-triage.yml")).toContain("support-triage configuration");
    expect(repoOf(result).labels.map((l) => l.name)).toContain("P1");
  });
});
