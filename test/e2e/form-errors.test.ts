/**
 * Forms checked by the app: a push that breaks a support form (GitHub's syntax, or a field
 * the configuration names) opens the configuration-error issue listing each problem with
 * file, key and line; the app keeps acting meanwhile (a form problem is not a broken
 * configuration); the push that fixes the form closes the issue.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult, SimulationItem } from "../../src/simulator/harness.js";
import { formBody, ISSUE_FORM, item, simulate } from "./scenario-builder.js";

const TITLE = "support-triage: configuration error";
const FORM = ".github/ISSUE_TEMPLATE/support.yml";
/** Two mistakes GitHub refuses: no `description`, and a misspelt attribute. */
const BROKEN = ISSUE_FORM.replace("description: Ask for help.\n", "").replace("      label: Description\n", "      label: Description\n      placeholdr: What happened?\n");

const configIssues = (result: ScenarioResult): SimulationItem[] => result.state.items.filter((found) => found.author === "support-triage[bot]" && found.title === TITLE);

describe("a support form broken by a push, then fixed", () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await simulate({
      steps: [
        { push: { files: { [FORM]: BROKEN }, by: "carol", message: "Rename the priority field" } },
        { open: { kind: "issue", number: 1, author: "alice", title: "[Support]: down", body: formBody({ priority: "P2", environment: "Production" }) } },
        { push: { files: { [FORM]: ISSUE_FORM }, by: "carol", message: "Put the form back" } },
      ],
    });
  });

  it("opens one issue listing each form problem with its file, line and key, then closes it", () => {
    const issues = configIssues(result);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.state).toBe("closed");
    const number = issues[0]?.number;
    const bodies = result.timeline.flatMap((entry) => (entry.type === "effect" && entry.effect.number === number && entry.effect.body !== undefined ? [entry.effect.body] : []));
    const opened = bodies[0] ?? "";
    expect(opened).toContain("found problems in this repository's support forms. It keeps acting on items");
    expect(opened).toMatch(/\| `\.github\/ISSUE_TEMPLATE\/support\.yml` \| line 1 \| `description` \| The issue form has no \\`description\\`/);
    expect(opened).toMatch(/\| `\.github\/ISSUE_TEMPLATE\/support\.yml` \| line 22 \| `body\[2\]\.attributes\.placeholdr` \| \\`placeholdr\\` is not a permitted attribute of a textarea element; did you mean \\`placeholder\\`\?/);
    expect(opened).toContain("validate Action");
    expect(opened).not.toContain("npx");
    expect(result.state.errors).toEqual([]);
  });

  it("keeps acting on items while only the forms are wrong", () => {
    expect(item(result, 1).labels).toEqual(["P2", "production"]);
  });
});
