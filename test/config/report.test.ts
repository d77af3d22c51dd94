import { describe, expect, it } from "vitest";
import { isFormFile, renderConfigIssue } from "../../src/config/report.js";
import type { ConfigProblem } from "../../src/config/types.js";

const problem = (file: string): ConfigProblem => ({ file, path: "x", line: 1, column: 1, message: "Broken." });

describe("the configuration-error issue's text", () => {
  it("a broken configuration: the app has stopped", () => {
    const body = renderConfigIssue([problem(".github/support-triage.yml"), problem(".github/ISSUE_TEMPLATE/support.yml")]);
    expect(body).toContain("**has stopped acting in this repository**");
    expect(body).toContain("Fix the file on the default branch");
  });

  it("only the forms: the app keeps acting", () => {
    const body = renderConfigIssue([problem(".github/ISSUE_TEMPLATE/support.yml"), problem(".github/DISCUSSION_TEMPLATE/support.yml")]);
    expect(body).toContain("found problems in this repository's support forms. It keeps acting on items");
    expect(body).not.toContain("stopped acting");
    expect(body).toContain("Fix the forms on the default branch");
  });

  it("points to the validate Action and to the CLI from a clone, never to an unpublished package", () => {
    const body = renderConfigIssue([problem(".github/support-triage.yml")]);
    expect(body).toContain("support-triage validate Action (`action.yml` in the support-triage repository");
    expect(body).toContain("node bin/support-triage.js validate --config <your repository>/.github/support-triage.yml --templates <your repository>/.github");
    expect(body).not.toMatch(/\bnpx\b/);
  });

  it("tells form files from configuration files", () => {
    expect(isFormFile(".github/ISSUE_TEMPLATE/a.yml")).toBe(true);
    expect(isFormFile(".github/DISCUSSION_TEMPLATE/a.yml")).toBe(true);
    expect(isFormFile("acme/.github:.github/support-triage.yml")).toBe(false);
    expect(isFormFile(".github/support-triage.yml")).toBe(false);
  });
});
