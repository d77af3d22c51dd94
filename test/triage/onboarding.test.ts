import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { loadConfig } from "../../src/config/load.js";
import { SHIPPED_CONFIG } from "../../src/config/shipped.js";
import { checkFormTemplate } from "../../src/triage/form-check.js";
import { configFile, discussionForm, issueForm, ONBOARDING_MARKER, onboardingBody, onboardingFiles } from "../../src/triage/onboarding.js";
import { cfg } from "./helpers.js";

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("the onboarding pull request's files", () => {
  it("with the defaults, are the forms and the commented configuration this repository ships", () => {
    expect(issueForm(DEFAULT_CONFIG)).toBe(repoFile(".github/ISSUE_TEMPLATE/support.yml"));
    expect(discussionForm(DEFAULT_CONFIG)).toBe(repoFile(".github/DISCUSSION_TEMPLATE/support.yml"));
    expect(SHIPPED_CONFIG).toBe(repoFile(".github/support-triage.yml"));
  });

  it.each([
    ["the defaults", DEFAULT_CONFIG],
    ["other field labels and production values", cfg({ form: { priority_field: "Severity: level", environment_field: "Where?", production_values: ["Live", "Prod"] } })],
  ])("pass every form check against the configuration in force (%s)", (_name, config) => {
    for (const f of onboardingFiles(config, false, null)) {
      if (!f.path.includes("_TEMPLATE/") || f.path.endsWith("config.yml")) continue;
      expect(checkFormTemplate(f.text, f.path, config).errors, f.path).toEqual([]);
    }
  });

  it("the configuration file loads: the defaults, or one inheriting the owner's policy; the schema line only with a URL", () => {
    const own = configFile(false, "https://example.com/s.json");
    expect(own.split("\n")[0]).toBe("# yaml-language-server: $schema=https://example.com/s.json");
    expect(loadConfig(own, "c.yml")).toMatchObject({ errors: [], config: DEFAULT_CONFIG });
    expect(configFile(false, null)).not.toContain("yaml-language-server");
    const inherited = configFile(true, null);
    expect(inherited).toContain("_extends: .github\n");
    expect(loadConfig(inherited, "c.yml").errors).toEqual([]);
  });
});

describe("the onboarding pull request's body", () => {
  const body = onboardingBody(cfg({ escalation: { contacts: ["@acme/leads"] } }), false);

  it("starts with the hidden marker and explains the policy in force", () => {
    expect(body.startsWith(`${ONBOARDING_MARKER}\n`)).toBe(true);
    expect(body).toContain("| `business` | 1 hour, 24x7 | 4 hours, 24x7 | 1 business day, 12x5 | 2 business days, 12x5 |");
    expect(body).toContain("| `standard` (default) |");
    expect(body).toContain("6am–6pm Pacific, Mon–Fri, excluding US public holidays");
    expect(body).toContain("a comment to `@acme/leads`");
  });

  it("without contacts, says how to add them", () => {
    expect(onboardingBody(cfg({}), false)).toContain("the `escalated` label and one comment (set `escalation.contacts` to have it mention your support leads).");
  });

  it("says the discussion category must be created by hand, and how to change plans and targets", () => {
    expect(body).toContain("**Create the discussion category** with the slug `support`");
    expect(body).toContain("GitHub has no API to create discussion categories");
    expect(body).toMatch(/`customers` maps a login to a plan/);
    expect(body).toMatch(/`targets` sets each plan's duration per priority/);
    expect(body).toContain("`onboarding: false`");
  });
});
