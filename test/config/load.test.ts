import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { extendsTarget, loadConfig } from "../../src/config/load.js";
import type { ConfigProblem } from "../../src/config/types.js";

const FIXTURES = new URL("../fixtures/config/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

/** What a test asserts about a problem: the file is checked separately. */
type Expected = Pick<ConfigProblem, "path" | "line" | "column" | "message">;
const strip = ({ path, line, column, message }: ConfigProblem): Expected => ({ path, line, column, message });

const TOP = "_extends, plan, customers, timezone, business_hours, holidays, targets, labels, form, responders, escalation, sweep, report, onboarding";
const UNIT_HINT = "write a whole number and a unit: m (minutes), h (hours) or d (business days), e.g. 4h";

describe("loadConfig: fixtures with exact problems", () => {
  const cases: { fixture: string; errors: Expected[]; warnings?: Expected[] }[] = [
    {
      fixture: "unknown-key.yml",
      errors: [
        { path: "timezon", line: 2, column: 1, message: `Unknown key \`timezon\`; did you mean \`timezone\`? (allowed at the top level: ${TOP}).` },
        { path: "business_hours.strat", line: 5, column: 3, message: "Unknown key `strat`; did you mean `start`? (allowed in business_hours: days, start, end)." },
        { path: "escalation.webhok", line: 8, column: 3, message: "Unknown key `webhok`; did you mean `webhook`? (allowed in escalation: contacts, assignees, webhook, warn_at)." },
        { path: "color", line: 9, column: 1, message: `Unknown key \`color\` (allowed at the top level: ${TOP}).` },
      ],
    },
    {
      fixture: "bad-duration.yml",
      errors: [
        { path: "targets.business.P1", line: 3, column: 9, message: `\`1x\` has an unknown unit \`x\`; ${UNIT_HINT}.` },
        { path: "targets.business.P2", line: 4, column: 9, message: `\`4\` is not a duration; ${UNIT_HINT}.` },
        { path: "targets.business.P3", line: 5, column: 9, message: "`0h` is zero; a response target must be at least 1h." },
        {
          path: "targets.enterprise.P1",
          line: 8,
          column: 9,
          message: 'Expected a target such as "4h 24x7" or "1d 12x5", not the number `4` (a number needs a unit: m, h or d).',
        },
        { path: "targets.enterprise.P2.duration", line: 9, column: 21, message: `\`90s\` has an unknown unit \`s\`; ${UNIT_HINT}.` },
      ],
    },
    {
      fixture: "bad-zone.yml",
      errors: [
        {
          path: "timezone",
          line: 1,
          column: 11,
          message:
            "`America/Los_Angles` is not a known IANA time zone; did you mean `America/Los_Angeles`? (examples: America/Los_Angeles, Europe/Berlin, UTC).",
        },
      ],
    },
    {
      fixture: "malformed.yml",
      errors: [
        { path: "", line: 4, column: 3, message: "Invalid YAML: Flow map in block collection must be sufficiently indented and end with a }." },
      ],
    },
    {
      fixture: "duplicate-key.yml",
      errors: [{ path: "", line: 3, column: 1, message: "Invalid YAML: Map keys must be unique." }],
    },
    {
      fixture: "not-a-mapping.yml",
      errors: [{ path: "", line: 1, column: 1, message: "Expected the configuration to be a mapping of keys to values, not a list." }],
    },
    {
      fixture: "bad-window.yml",
      errors: [
        { path: "business_hours.days[1]", line: 2, column: 15, message: "The text `funday` is not a day; use mon, tue, wed, thu, fri, sat, sun or 1–7 (1 = Monday)." },
        { path: "business_hours.days[2]", line: 2, column: 23, message: "The number `8` is not a day; use mon, tue, wed, thu, fri, sat, sun or 1–7 (1 = Monday)." },
        {
          path: "business_hours.end",
          line: 4,
          column: 8,
          message:
            "The business day must end after it starts: `18:00`–`6:00` is empty or runs past midnight (windows across midnight are not supported).",
        },
      ],
    },
    {
      fixture: "bad-holidays.yml",
      errors: [
        {
          path: "holidays.country",
          line: 2,
          column: 12,
          message:
            "`XY` is not a country known to date-holidays; use an ISO 3166 code such as US, CA, GB or DE, or null for no generated holidays.",
        },
        { path: "holidays.types[1]", line: 3, column: 19, message: "`federal` is not a holiday type (allowed: public, bank, optional, school, observance)." },
        { path: "holidays.add[0]", line: 4, column: 9, message: "`2026-02-30` is not a date; write YYYY-MM-DD, e.g. 2026-12-24." },
        { path: "holidays.add[1]", line: 4, column: 23, message: "Expected a date YYYY-MM-DD, not the number `20261224`." },
      ],
    },
    {
      fixture: "new-plan.yml",
      errors: [
        { path: "targets.gold", line: 2, column: 3, message: "Plan `gold` is new, so it needs a target for each of P1, P2, P3 and P4; missing P3 and P4." },
        { path: "customers.bob", line: 7, column: 8, message: "`platinum` is not a plan (known plans: standard, business, enterprise or gold)." },
        { path: "plan", line: 8, column: 7, message: "`silver` is not a plan (known plans: standard, business, enterprise or gold)." },
      ],
    },
    {
      fixture: "label-clash.yml",
      errors: [
        {
          path: "labels.priorities.P2",
          line: 2,
          column: 33,
          message: "Label `urgent` is used for both labels.priorities.P1 and labels.priorities.P2; each role needs its own label.",
        },
        {
          path: "labels.escalated",
          line: 3,
          column: 14,
          message: "Label `Production` is used for both labels.production and labels.escalated; each role needs its own label.",
        },
      ],
    },
    {
      fixture: "bad-report.yml",
      errors: [
        { path: "report.schedule", line: 2, column: 13, message: "Expected one of off, daily, weekly, not the text `wekly`; did you mean `weekly`?" },
        { path: "report.day", line: 3, column: 8, message: "The text `someday` is not a day; use mon, tue, wed, thu, fri, sat, sun or 1–7 (1 = Monday)." },
        { path: "report.window", line: 4, column: 11, message: "Expected a window of days or weeks from 1d to 366d, e.g. 30d or 4w, not the text `2y`." },
        { path: "report.discusion_category", line: 5, column: 3, message: "Unknown key `discusion_category`; did you mean `discussion_category`? (allowed in report: schedule, day, window, discussion_category)." },
      ],
    },
    {
      fixture: "wrong-types.yml",
      errors: [
        { path: "plan", line: 1, column: 7, message: "Expected a plan name (standard, business or enterprise), not the number `3`." },
        { path: "customers", line: 2, column: 12, message: "Expected customers to be a mapping of keys to values, not a list." },
        { path: "business_hours.start", line: 4, column: 10, message: 'Expected a time of day "HH:MM" (24-hour), e.g. 06:00, not the number `6`.' },
        { path: "sweep.enabled", line: 6, column: 12, message: "Expected true or false, not the text `yes`." },
        { path: "sweep.max_writes", line: 7, column: 15, message: "Expected a whole number from 1 to 10000, not the number `-1`." },
        {
          path: "escalation.warn_at",
          line: 9,
          column: 12,
          message: "Expected a share of the target between 0 and 1 (exclusive), e.g. 0.75, or null for no warning, not the number `1.5`.",
        },
        {
          path: "escalation.contacts",
          line: 10,
          column: 13,
          message: "Expected a list of logins or teams to mention, e.g. @acme/support-leads, not the text `@acme/leads`.",
        },
        { path: "escalation.assignees[0]", line: 11, column: 15, message: "Assignee `@carol` must be written without the leading @." },
        {
          path: "escalation.webhook.url",
          line: 12,
          column: 19,
          message: "`ftp://example.com/hook` is not an http(s) URL; write e.g. https://hooks.example.com/support.",
        },
        {
          path: "escalation.webhook.secret_env",
          line: 12,
          column: 57,
          message: "`my secret` is not an environment variable name (letters, digits and _); give the variable's name, never the secret itself.",
        },
        {
          path: "responders.associations[1]",
          line: 14,
          column: 25,
          message:
            "`maintainer` is not an author association (allowed: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN, NONE).",
        },
        { path: "responders.teams[0]", line: 15, column: 11, message: "`support` is not a team; write it as org/team-slug, e.g. acme/support." },
      ],
    },
    {
      fixture: "alias-bomb.yml",
      errors: [
        {
          path: "",
          line: 1,
          column: 1,
          message:
            "The file expands YAML aliases too often (Excessive alias count indicates a resource exhaustion attack); use fewer aliases.",
        },
      ],
    },
  ];

  it.each(cases)("$fixture", ({ fixture: name, errors, warnings = [] }) => {
    const result = loadConfig(fixture(name), `.github/${name}`);
    expect(result.config).toBeNull();
    expect(result.errors.map(strip)).toEqual(errors);
    expect(result.warnings.map(strip)).toEqual(warnings);
    for (const p of [...result.errors, ...result.warnings]) expect(p.file).toBe(`.github/${name}`);
  });
});

describe("loadConfig: valid files", () => {
  it.each([
    { name: "null text", text: null },
    { name: "empty file", text: fixture("empty.yml") },
    { name: "comments only", text: fixture("comments-only.yml") },
    { name: "whitespace only", text: "  \n\n\t\n" },
    { name: "explicit null document", text: "~\n" },
  ])("$name gives the defaults unchanged", ({ text }) => {
    const result = loadConfig(text);
    expect(result).toEqual({ config: DEFAULT_CONFIG, errors: [], warnings: [] });
  });

  it("valid.yml: every section read and merged over the defaults", () => {
    const { config, errors, warnings } = loadConfig(fixture("valid.yml"));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).not.toBeNull();
    if (!config) return;
    expect(config.plan).toBe("business");
    expect(config.plans).toEqual(["standard", "business", "enterprise", "premium"]);
    expect(config.customers).toEqual({ alice: "enterprise", bob: "premium" });
    expect(config.holidays).toEqual({ country: "US", state: "CA", types: ["public", "bank"], add: ["2026-12-24"], remove: [] });
    expect(config.targets.premium).toEqual({
      P1: { duration: { amount: 30, unit: "m" }, coverage: "24x7" },
      P2: { duration: { amount: 2, unit: "h" }, coverage: "24x7" },
      P3: { duration: { amount: 8, unit: "h" }, coverage: "business" },
      P4: { duration: { amount: 1, unit: "d" }, coverage: "business" },
    });
    expect(config.targets.business).toEqual(DEFAULT_CONFIG.targets.business);
    expect(config.labels.priorities).toEqual({ P1: "priority: P1", P2: "P2", P3: "P3", P4: "P4" });
    expect(config.form.production_values).toEqual(["Production", "Prod"]);
    expect(config.responders).toEqual({ associations: ["OWNER", "MEMBER", "COLLABORATOR"], users: ["dave"], teams: ["acme/support"] });
    expect(config.escalation).toEqual({
      contacts: ["@acme/support-leads"],
      assignees: ["carol"],
      webhooks: [{ name: "json", format: "json", url: "https://hooks.example.com/support", url_env: null, secret_env: "SUPPORT_TRIAGE_WEBHOOK_SECRET" }],
      warn_at: 0.75,
    });
    expect(config.sweep).toEqual({ enabled: true, max_writes: 50 });
    expect(config.report).toEqual({ schedule: "weekly", day: 5, window: 28, discussion_category: null });
  });

  it("partial.yml: maps merge key by key, lists replace", () => {
    const { config, errors } = loadConfig(fixture("partial.yml"));
    expect(errors).toEqual([]);
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      plan: "business",
      targets: {
        ...DEFAULT_CONFIG.targets,
        enterprise: { ...DEFAULT_CONFIG.targets.enterprise, P3: { duration: { amount: 2, unit: "h" }, coverage: "business" } },
      },
      escalation: { ...DEFAULT_CONFIG.escalation, contacts: ["@acme/support-leads"] },
    });
  });

  it("aliases.yml: an alias may share a target table between plans", () => {
    const { config, errors } = loadConfig(fixture("aliases.yml"));
    expect(errors).toEqual([]);
    expect(config?.plans).toEqual(["standard", "business", "enterprise", "premium", "gold"]);
    expect(config?.targets.gold).toEqual(config?.targets.premium);
  });

  it("custom-hours.yml: the derived label (8.5x6) is accepted as a coverage", () => {
    const { config, errors } = loadConfig(fixture("custom-hours.yml"));
    expect(errors).toEqual([]);
    expect(config?.timezone).toBe("Europe/Berlin");
    expect(config?.business_hours).toEqual({ days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:30" });
    expect(config?.holidays).toMatchObject({ country: "DE", state: "BY" });
    expect(config?.targets.standard?.P1).toEqual({ duration: { amount: 4, unit: "h" }, coverage: "business" });
    expect(config?.targets.standard?.P4).toEqual({ duration: { amount: 3, unit: "d" }, coverage: "business" });
  });

  it("extends.yml: _extends is allowed and reported by extendsTarget", () => {
    const text = fixture("extends.yml");
    expect(loadConfig(text).errors).toEqual([]);
    expect(loadConfig(text).config?.plan).toBe("enterprise");
    expect(extendsTarget(text)).toBe(".github");
  });

  it("merges over a given base instead of the defaults", () => {
    const base = { ...DEFAULT_CONFIG, plan: "enterprise", customers: { zed: "business" } };
    const { config } = loadConfig("customers: { Amy: standard }\n", "f.yml", base);
    expect(config?.plan).toBe("enterprise");
    expect(config?.customers).toEqual({ zed: "business", amy: "standard" });
  });
});

describe("loadConfig: single rules", () => {
  const one = (text: string): Expected[] => loadConfig(text).errors.map(strip);

  it.each([
    { text: "targets: { business: { P1: 30m } }", coverage: "business", amount: 30, unit: "m" },
    { text: "targets: { business: { P1: 2 h 24x7 } }", coverage: "24x7", amount: 2, unit: "h" },
    { text: "targets: { business: { P1: 3d 12x5 } }", coverage: "business", amount: 3, unit: "d" },
    { text: "targets: { business: { P1: 3D Business } }", coverage: "business", amount: 3, unit: "d" },
    { text: "targets: { business: { P1: { duration: 45m } } }", coverage: "business", amount: 45, unit: "m" },
  ])("target $text", ({ text, coverage, amount, unit }) => {
    const { config, errors } = loadConfig(text);
    expect(errors).toEqual([]);
    expect(config?.targets.business?.P1).toEqual({ duration: { amount, unit }, coverage });
  });

  it("rejects a coverage label that does not match the business hours", () => {
    expect(one("business_hours: { start: '09:00' }\ntargets: { business: { P3: 1d 12x5 } }\n")).toEqual([
      {
        path: "targets.business.P3",
        line: 2,
        column: 28,
        message:
          "Coverage `12x5` does not match the business hours, which are 9x5; use 24x7, business or 9x5 (the label of the configured business hours).",
      },
    ]);
  });

  it("rejects an empty list of working days", () => {
    expect(one("business_hours: { days: [] }\n")).toEqual([
      {
        path: "business_hours.days",
        line: 1,
        column: 25,
        message: "At least one working day is needed; for around-the-clock coverage use 24x7 targets.",
      },
    ]);
  });

  it("accepts day numbers and full names, and 24:00 as an end", () => {
    const { config, errors } = loadConfig("business_hours: { days: [7, Monday, tue], start: '0:00', end: '24:00' }\n");
    expect(errors).toEqual([]);
    expect(config?.business_hours).toEqual({ days: [1, 2, 7], start: "0:00", end: "24:00" });
  });

  it("rejects an unknown state for the country and a state without a country", () => {
    expect(one("holidays: { state: ZZ }\n")[0]?.message).toMatch(/^`ZZ` is not a state of US \(known: AL, AK, /);
    expect(one("holidays: { country: null, state: CA }\n")).toEqual([
      { path: "holidays.state", line: 1, column: 35, message: "State `CA` needs a country; set holidays.country too." },
    ]);
  });

  it("country null or false turns generated holidays off", () => {
    expect(loadConfig("holidays: { country: null }\n").config?.holidays.country).toBeNull();
    expect(loadConfig("holidays: { country: false }\n").config?.holidays.country).toBeNull();
  });

  it("a known plan can be removed with null, but not the default plan", () => {
    expect(loadConfig("targets: { enterprise: null }\n").config?.plans).toEqual(["standard", "business"]);
    expect(one("targets: { standard: null }\n")).toEqual([
      {
        path: "targets.standard",
        line: 1,
        column: 12,
        message: "Plan `standard` is the default plan and cannot be removed; set `plan` to one of business or enterprise first.",
      },
    ]);
  });

  it("customers: logins are lower-cased; a repeated login warns", () => {
    const result = loadConfig("customers: { Alice: business, ALICE: enterprise }\n");
    expect(result.config?.customers).toEqual({ alice: "enterprise" });
    expect(result.warnings.map(strip)).toEqual([
      {
        path: "customers.ALICE",
        line: 1,
        column: 31,
        message: "`ALICE` is listed twice (logins are compared without case); the last one wins.",
      },
    ]);
  });

  it("suggests the plan a customer probably meant", () => {
    expect(one("customers: { alice: enterprize }\n")[0]?.message).toBe(
      "`enterprize` is not a plan; did you mean `enterprise`? (known plans: standard, business or enterprise).",
    );
  });

  it("contacts get an @; a legacy zone alias warns", () => {
    const result = loadConfig("timezone: US/Pacific\nescalation: { contacts: [acme/leads, carol] }\n");
    expect(result.errors).toEqual([]);
    expect(result.config?.escalation.contacts).toEqual(["@acme/leads", "@carol"]);
    expect(result.config?.timezone).toBe("US/Pacific");
    const pst = loadConfig("timezone: PST8PDT\n");
    expect(pst.warnings.map((w) => w.message)).toEqual([
      "`PST8PDT` is a legacy alias; write the IANA name `America/Los_Angeles` instead.",
    ]);
  });

  it("warns about plain-http webhooks (allowed by the opt-in) and dates both added and removed", () => {
    const result = loadConfig(
      "escalation: { webhook: { url: 'http://hooks.example.com/x' } }\nholidays: { add: ['2026-12-24'], remove: ['2026-12-24'] }\n",
      undefined,
      undefined,
      { env: { SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "1" } },
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "The webhook URL uses http, so escalations travel unencrypted; prefer https.",
      "`2026-12-24` is both added and removed; removal wins, so the desk is open that day.",
    ]);
    expect(result.config?.escalation.webhooks).toEqual([{ name: "json", format: "json", url: "http://hooks.example.com/x", url_env: null, secret_env: null }]);
  });

  it("refuses a business target that would need years of a narrow window", () => {
    const errors = one("business_hours: { days: [mon], start: '09:00', end: '10:00' }\ntargets: { standard: { P4: 500h } }\n");
    expect(errors).toEqual([
      {
        path: "targets.standard.P4",
        line: 2,
        column: 28,
        message: "Target 500h needs about 10 years of these business hours to elapse; shorten it or widen business_hours.",
      },
    ]);
  });

  it("rejects targets longer than a year", () => {
    expect(one("targets: { business: { P1: 9000h 24x7 } }\n")[0]?.message).toBe(
      "`9000h` is longer than a year; at most 8784 hours.",
    );
  });

  it("user text in messages cannot ping or break out of its code span", () => {
    const [problem] = loadConfig("plan: '@evil `x` team'\n").errors;
    expect(problem?.message).toBe("``@evil `x` team`` is not a plan (known plans: standard, business or enterprise).");
    const [nl] = loadConfig('plan: "a\\nb"\n').errors;
    expect(nl?.message.startsWith("`a\\nb` is not a plan")).toBe(true);
  });

  it("collects every problem instead of stopping at the first", () => {
    const text = "plan: nope\ntimezone: Mars/Base\nsweep: { enabled: 1 }\nlabels: { escalted: x }\n";
    expect(one(text).map((p) => p.path)).toEqual(["plan", "timezone", "sweep.enabled", "labels.escalted"]);
  });

  it("refuses huge files before parsing", () => {
    const result = loadConfig(`# ${"x".repeat(300_000)}\n`);
    expect(result.config).toBeNull();
    expect(result.errors[0]?.message).toMatch(/^The file is 300003 bytes long; a configuration file may be at most 262144 bytes\.$/);
  });

  it("survives absurd nesting with a YAML error rather than a crash", () => {
    const deep = `plan: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const result = loadConfig(deep);
    expect(result.config).toBeNull();
    expect(result.errors.length).toBeGreaterThan(0);
  });
});

describe("extendsTarget", () => {
  it.each([
    { text: "_extends: acme/.github\n", expected: "acme/.github" },
    { text: "_extends: '.github:support.yml'\nplan: business\n", expected: ".github:support.yml" },
    { text: "plan: business\n", expected: null },
    { text: "_extends: [a]\n", expected: null },
    { text: "_extends: [\n", expected: null },
    { text: null, expected: null },
  ])("$text → $expected", ({ text, expected }) => {
    expect(extendsTarget(text)).toBe(expected);
  });

  it("a non-string _extends is a config error", () => {
    expect(loadConfig("_extends: 3\n").errors.map((e) => e.path)).toEqual(["_extends"]);
  });
});

describe("loadConfig: report", () => {
  const report = (text: string) => loadConfig(text);
  it.each([
    { text: "", expected: { schedule: "off", day: 1, window: 30, discussion_category: null } },
    { text: "report: { schedule: daily }", expected: { schedule: "daily", day: 1, window: 30, discussion_category: null } },
    { text: "report: { schedule: off }", expected: { schedule: "off", day: 1, window: 30, discussion_category: null } },
    { text: "report: { schedule: Weekly, day: 3, window: 14d, discussion_category: Announcements }", expected: { schedule: "weekly", day: 3, window: 14, discussion_category: "Announcements" } },
  ])("$text", ({ text, expected }) => {
    const { config, errors } = report(text);
    expect(errors).toEqual([]);
    expect(config?.report).toEqual(expected);
  });

  it.each([
    { text: "report: { window: 0d }", path: "report.window" },
    { text: "report: { window: 367d }", path: "report.window" },
    { text: "report: { window: 30 }", path: "report.window" },
    { text: "report: { schedule: hourly }", path: "report.schedule" },
    { text: "report: { day: 8 }", path: "report.day" },
    { text: "report: { discussion_category: 3 }", path: "report.discussion_category" },
    { text: "report: weekly", path: "report" },
  ])("refuses $text", ({ text, path }) => {
    const { config, errors } = report(text);
    expect(config).toBeNull();
    expect(errors.map((e) => e.path)).toEqual([path]);
  });
});

describe("the annotated .github/support-triage.yml", () => {
  it("is valid and its report section gives the defaults", () => {
    const { config, errors, warnings } = loadConfig(readFileSync(new URL("../../.github/support-triage.yml", import.meta.url), "utf8"));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config?.report).toEqual(DEFAULT_CONFIG.report);
  });
});
