/**
 * The JSON Schema of `.github/support-triage.yml` for editors (yaml-language-server,
 * VS Code's YAML extension): completion, hover text and the structural mistakes —
 * unknown keys, wrong types, bad names — while typing. Built from the loader's key lists
 * (keys.ts), its patterns and the defaults (defaults.ts); `npm run schema` writes it to
 * schema/support-triage.schema.json, and test/config/schema.test.ts fails when the file
 * is stale. The loader stays the authority: it also checks what a schema cannot (plans
 * named in `customers` exist, durations fit a year, the time zone is known, …).
 */
import { DEFAULT_CONFIG } from "./defaults.js";
import { DAY_NAMES } from "./hours.js";
import { ASSOCIATIONS, CONFIG_KEYS, FORM_REQUIRE, HOLIDAY_TYPES, PATTERNS, type SectionKeys } from "./keys.js";
import { MAX_REPORT_WINDOW_DAYS } from "./load.js";
import { NOTIFICATION_FORMATS, PRIORITIES, REPORT_SCHEDULES } from "./types.js";

type Schema = Record<string, unknown>;

const pattern = (re: RegExp): string => re.source;
const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const list = (items: Schema, description: string, dflt?: unknown): Schema => ({ type: "array", items, description, ...(dflt !== undefined ? { default: dflt } : {}) });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: "null" }] });

function section<S extends keyof typeof CONFIG_KEYS>(name: S, description: string, properties: { readonly [K in SectionKeys<S>]: Schema }): Schema {
  return { type: "object", description, additionalProperties: false, properties: { ...properties } };
}

const DURATION = "\\d+\\s*[mhdMHD]";
const TARGET: Schema = {
  description: 'A first-response target: "<n>m|h|d <coverage>", coverage 24x7, business or the business-hours label (e.g. 12x5); `d` is a business day. Or {duration, coverage}.',
  anyOf: [
    { type: "string", pattern: `^\\s*${DURATION}(\\s+\\S+)?\\s*$`, examples: ["4h 24x7", "1d business", "2d 12x5"] },
    section("target", "A target as a mapping.", {
      duration: str("m minutes, h hours or d business days, e.g. 4h", { pattern: `^\\s*${DURATION}\\s*$` }),
      coverage: str("24x7, business or the business-hours label, e.g. 12x5", { default: "business" }),
    }),
  ],
};

const b = DEFAULT_CONFIG.business_hours;
const h = DEFAULT_CONFIG.holidays;
const l = DEFAULT_CONFIG.labels;
const f = DEFAULT_CONFIG.form;
const r = DEFAULT_CONFIG.responders;
const s = DEFAULT_CONFIG.sweep;

const WEBHOOK = section("webhook", "One escalation notification (docs/notifications.md).", {
  name: str("Key of this notification's delivery record; default: the format's name.", { pattern: "^[a-z0-9][a-z0-9-]{0,31}$" }),
  format: { enum: [...NOTIFICATION_FORMATS], default: "json", description: "json (signed), slack or teams." },
  url: str("URL of a JSON receiver (Slack and Teams URLs are secrets: use url_env)."),
  url_env: str("Name of the environment variable that holds the URL.", { pattern: pattern(PATTERNS.ENV_RE) }),
  secret_env: str("Name of the environment variable that holds the HMAC secret (never the secret itself).", { pattern: pattern(PATTERNS.ENV_RE) }),
});

const TOP: { readonly [K in SectionKeys<"top">]: Schema } = {
  _extends: str("Inherit another file: repo, owner/repo or owner/repo:path (Probot's _extends)."),
  plan: str("Plan for authors not listed under customers and items without a plan label.", { default: DEFAULT_CONFIG.plan, pattern: pattern(PATTERNS.PLAN_RE) }),
  customers: {
    type: "object",
    description: "Customer login → support plan (a `plan: <name>` label on an item wins).",
    propertyNames: { pattern: pattern(PATTERNS.LOGIN_RE) },
    additionalProperties: { type: "string", pattern: pattern(PATTERNS.PLAN_RE) },
    default: {},
  },
  timezone: str("IANA time zone of business hours and of the due times shown.", { default: DEFAULT_CONFIG.timezone }),
  business_hours: section("business_hours", "The business-hours window: working days and [start, end) local time.", {
    days: list({ anyOf: [{ enum: [...DAY_NAMES] }, { type: "integer", minimum: 1, maximum: 7 }] }, "Working days (mon … sun, or 1 = Monday … 7).", b.days.map((d) => DAY_NAMES[d - 1])),
    start: str('Opening time, "HH:MM".', { pattern: "^\\d{1,2}:[0-5]\\d$", default: b.start }),
    end: str('Closing time (exclusive), "HH:MM"; 24:00 for midnight.', { pattern: "^\\d{1,2}:[0-5]\\d$", default: b.end }),
  }),
  holidays: section("holidays", "Days the desk is closed.", {
    country: { ...nullable({ type: "string", pattern: "^[A-Za-z]{2}$" }), description: "date-holidays country code; null for none.", default: h.country },
    state: { ...nullable({ type: "string" }), description: "State or region of the country (date-holidays).", default: h.state },
    types: list({ enum: [...HOLIDAY_TYPES] }, "Holiday types that close the desk.", [...h.types]),
    add: list({ type: "string", pattern: pattern(PATTERNS.DATE_RE) }, "Extra closed dates, YYYY-MM-DD.", []),
    remove: list({ type: "string", pattern: pattern(PATTERNS.DATE_RE) }, "Dates that stay open although the country lists them.", []),
  }),
  targets: {
    type: "object",
    description: "Plan → priority → first-response target; a new plan gives all four priorities.",
    propertyNames: { pattern: pattern(PATTERNS.PLAN_RE) },
    additionalProperties: {
      anyOf: [
        { type: "object", additionalProperties: false, properties: Object.fromEntries(PRIORITIES.map((p) => [p, TARGET])) },
        { type: "null" },
      ],
    },
  },
  labels: section("labels", "Label names the app reads and applies (created when missing).", {
    priorities: { type: "object", additionalProperties: false, properties: Object.fromEntries(PRIORITIES.map((p) => [p, str(`Label for ${p}.`, { default: l.priorities[p] })])) },
    production: str("The production label.", { default: l.production }),
    security: str("The security label.", { default: l.security }),
    escalated: str("The label added on escalation.", { default: l.escalated }),
    plan_prefix: str("Plan labels are <prefix><plan>.", { default: l.plan_prefix }),
  }),
  form: section("form", "The support form's fields (issue forms and discussion category forms).", {
    priority_field: str("Label of the form field that carries the priority.", { default: f.priority_field }),
    environment_field: str("Label of the form field that carries the environment.", { default: f.environment_field }),
    production_values: list({ type: "string" }, "Environment answers that mean production (case-insensitive).", [...f.production_values]),
    default_priority: { enum: [...PRIORITIES], default: f.default_priority, description: "Priority of an empty priority answer." },
    require: { enum: [...FORM_REQUIRE], default: f.require, description: "An item opened without the support form: comment (one comment saying how to give a priority) or none. It is not tracked until a priority is known." },
  }),
  responders: section("responders", "Whose comments count as a first response (never the author, never a bot).", {
    associations: list({ enum: [...ASSOCIATIONS] }, "author_association values that count.", [...r.associations]),
    users: list({ type: "string", pattern: pattern(PATTERNS.LOGIN_RE) }, "Extra logins that count.", []),
    teams: list({ type: "string", pattern: pattern(PATTERNS.TEAM_RE) }, "Teams (org/team-slug) whose members count; needs members: read.", []),
  }),
  escalation: section("escalation", "What happens when a target passes without a response.", {
    contacts: list({ type: "string", pattern: `^@?(${PATTERNS.LOGIN_RE.source.slice(1, -1)}|${PATTERNS.TEAM_RE.source.slice(1, -1)})$` }, "Mentioned in the escalation comment, e.g. @acme/support-leads.", []),
    assignees: list({ type: "string", pattern: pattern(PATTERNS.LOGIN_RE) }, "Logins assigned on escalation.", []),
    webhook: { description: "Notifications: one, a list, or null.", anyOf: [WEBHOOK, { type: "array", items: WEBHOOK, maxItems: 5 }, { type: "null" }], default: null },
    warn_at: { description: "Share of the target after which an at-risk warning is posted (0 < x < 1); null = off.", anyOf: [{ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, { type: "null" }], default: null },
  }),
  sweep: section("sweep", "Escalation sweeps of this repository.", {
    enabled: { type: "boolean", default: s.enabled, description: "Whether timed sweeps include this repository." },
    max_writes: { type: "integer", minimum: 1, maximum: 10_000, default: s.max_writes, description: "Writes one sweep may spend here; the next sweep continues." },
  }),
  report: section("report", "The pinned \"Support response report\" issue the sweeps keep up to date (docs/report.md).", {
    schedule: { anyOf: [{ enum: [...REPORT_SCHEDULES] }, { const: false }], default: DEFAULT_CONFIG.report.schedule, description: "off, daily or weekly (a YAML 1.1 reader's false for off too)." },
    day: { anyOf: [{ enum: [...DAY_NAMES] }, { type: "integer", minimum: 1, maximum: 7 }], default: DAY_NAMES[DEFAULT_CONFIG.report.day - 1], description: "Weekly reports: the day they are refreshed (mon … sun, or 1 = Monday … 7)." },
    window: str(`Items created in the last n days or weeks, e.g. 30d or 4w (at most ${MAX_REPORT_WINDOW_DAYS}d).`, { pattern: "^\\s*\\d{1,4}\\s*[dw]\\s*$", default: `${DEFAULT_CONFIG.report.window}d` }),
    discussion_category: { ...nullable({ type: "string" }), description: "A discussion category (slug or name) to post the report in, as a discussion, instead of an issue; null: an issue.", default: null },
  }),
  onboarding: { type: "boolean", default: DEFAULT_CONFIG.onboarding, description: "Whether the app may open its onboarding pull request (once) in a repository with neither a support form nor a configuration." },
};

export const CONFIG_SCHEMA_FILE = "schema/support-triage.schema.json";

/** The schema, for a file whose sections may each be null (meaning: the defaults). */
export function configSchema(): Schema {
  const properties = Object.fromEntries(
    Object.entries(TOP).map(([key, schema]) => [key, schema.type === "object" ? { anyOf: [schema, { type: "null" }], description: schema.description } : schema]),
  );
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://support-triage.invalid/schema/support-triage.schema.json",
    title: "support-triage configuration (.github/support-triage.yml)",
    description: "Every key is optional; a partial file is merged over the defaults (the seed support policy).",
    anyOf: [{ type: "object", additionalProperties: false, properties }, { type: "null" }],
  };
}
