/**
 * The editor schema (schema/support-triage.schema.json): up to date with its definition,
 * accepting every configuration this project ships or shows, and rejecting what `validate`
 * rejects structurally — unknown keys and wrong types, section by section.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { CONFIG_KEYS } from "../../src/config/keys.js";
import { loadConfig } from "../../src/config/load.js";
import { schemaFiles } from "../../src/config/schema-files.js";
import { checkFormSyntax } from "../../src/triage/form-syntax.js";
import { configFile } from "../../src/triage/onboarding.js";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");
const schema = JSON.parse(read("schema/support-triage.schema.json")) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const accepts = (text: string): boolean => validate(parse(text, { maxAliasCount: 100 }) ?? null);

const FIXTURES = "test/fixtures/config/";
const fixture = (name: string) => read(`${FIXTURES}${name}`);

describe("schema/", () => {
  it("holds exactly what `npm run schema` writes (run it after changing src/config or the form schema)", () => {
    for (const { path, text } of schemaFiles()) expect(read(path), path).toBe(text);
  });

  it("the shipped config names the schema for editors on its first line", () => {
    expect(read(".github/support-triage.yml").split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/support-triage.schema.json");
  });
});

describe("the configuration schema accepts", () => {
  const examples = readdirSync(new URL("examples/", ROOT))
    .filter((name) => name.endsWith(".yml"))
    .flatMap((name) => {
      const config = (parse(read(`examples/${name}`)) as { config?: string }).config;
      return config === undefined ? [] : [[`examples/${name}`, config] as const];
    });
  const valid = readdirSync(new URL(FIXTURES, ROOT))
    .filter((name) => name !== "alias-bomb.yml" && name !== "malformed.yml" && name !== "duplicate-key.yml")
    .filter((name) => loadConfig(fixture(name), name).errors.length === 0)
    .map((name) => [`${FIXTURES}${name}`, fixture(name)] as const);

  const cases: (readonly [string, string])[] = [
    [".github/support-triage.yml", read(".github/support-triage.yml")],
    ["the onboarding config", configFile(false, null)],
    ["the onboarding config inheriting the owner's", configFile(true, null)],
    ...examples,
    ...valid,
  ];
  it.each(cases)("%s", (_name, text) => {
    expect(loadConfig(text, "c.yml").errors).toEqual([]);
    expect(accepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it("covers the example and fixture files it claims to", () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(valid.map(([n]) => n)).toEqual(expect.arrayContaining([`${FIXTURES}valid.yml`, `${FIXTURES}partial.yml`, `${FIXTURES}custom-hours.yml`]));
  });
});

describe("the configuration schema rejects what validate rejects structurally", () => {
  /** Structural problems: an unknown key, or a value of the wrong type. */
  const structural = (text: string): boolean =>
    loadConfig(text, "c.yml").errors.some((e) => /^(Unknown key|Expected )/.test(e.message));

  it.each(["unknown-key.yml", "wrong-types.yml", "not-a-mapping.yml"])("the fixture %s", (name) => {
    expect(structural(fixture(name))).toBe(true);
    expect(accepts(fixture(name))).toBe(false);
  });

  // An unknown key in every section, and the top level.
  const sections = Object.keys(CONFIG_KEYS).filter((s) => s !== "top" && s !== "target" && s !== "webhook");
  const unknown: (readonly [string, string])[] = [["top level", "colour: red\n"], ...sections.map((s) => [s, `${s}:\n  bogus_key: 1\n`] as const)];
  it.each(unknown)("an unknown key at the %s", (_where, text) => {
    expect(structural(text)).toBe(true);
    expect(accepts(text)).toBe(false);
  });

  it.each([
    ["plan: 3\n"],
    ["customers: [alice]\n"],
    ["business_hours:\n  start: 6\n"],
    ["holidays:\n  types: public\n"],
    ["labels:\n  production: [a]\n"],
    ["form:\n  production_values: Production\n"],
    ["responders:\n  users: carol\n"],
    ["escalation:\n  contacts: \"@acme/leads\"\n"],
    ["escalation:\n  webhook:\n    url: https://example.com/hook\n    colour: red\n"],
    ["sweep:\n  enabled: sometimes\n"],
    ["sweep:\n  max_writes: many\n"],
    ["onboarding: maybe\n"],
    ["targets:\n  business: [1h]\n"],
    ["targets:\n  business:\n    P5: 1h 24x7\n"],
  ])("a wrong type or key: %j", (text) => {
    expect(loadConfig(text, "c.yml").errors.length).toBeGreaterThan(0);
    expect(accepts(text)).toBe(false);
  });

  it("gives the defaults for editors to show", () => {
    const props = ((schema as { anyOf: { properties?: Record<string, { default?: unknown }> }[] }).anyOf[0]?.properties ?? {}) as Record<string, { default?: unknown }>;
    expect(props.plan?.default).toBe(DEFAULT_CONFIG.plan);
    expect(props.timezone?.default).toBe(DEFAULT_CONFIG.timezone);
    expect(Object.keys(props)).toEqual([...CONFIG_KEYS.top]);
  });
});

describe("the form schemas in schema/", () => {
  it("accept the shipped forms and reject a discussion form with a name", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const issue = ajv.compile(JSON.parse(read("schema/github-issue-form.schema.json")) as object);
    const discussion = ajv.compile(JSON.parse(read("schema/github-discussion-form.schema.json")) as object);
    expect(issue(parse(read(".github/ISSUE_TEMPLATE/support.yml")))).toBe(true);
    expect(discussion(parse(read(".github/DISCUSSION_TEMPLATE/support.yml")))).toBe(true);
    expect(discussion(parse(read("test/fixtures/templates/discussion-name/DISCUSSION_TEMPLATE/support.yml")))).toBe(false);
    expect(checkFormSyntax(read(".github/ISSUE_TEMPLATE/support.yml"), "s.yml", "issue")).toEqual([]);
  });
});
