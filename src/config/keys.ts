/**
 * The keys of `.github/support-triage.yml`, section by section: the one list the loader
 * (load.ts) accepts and the editor schema (schema.ts, `npm run schema`) describes. A key
 * added here must be read by the loader and described by the schema — schema.ts is typed
 * over these lists, so TypeScript refuses a key it does not describe.
 */
export const CONFIG_KEYS = {
  top: [
    "_extends",
    "plan",
    "customers",
    "timezone",
    "business_hours",
    "holidays",
    "targets",
    "labels",
    "form",
    "responders",
    "escalation",
    "sweep",
    "report",
    "onboarding",
  ],
  business_hours: ["days", "start", "end"],
  holidays: ["country", "state", "types", "add", "remove"],
  target: ["duration", "coverage"],
  labels: ["priorities", "production", "security", "escalated", "plan_prefix"],
  form: ["priority_field", "environment_field", "production_values", "default_priority", "require"],
  responders: ["associations", "users", "teams"],
  escalation: ["contacts", "assignees", "webhook", "warn_at"],
  webhook: ["name", "format", "url", "url_env", "secret_env"],
  sweep: ["enabled", "max_writes"],
  report: ["schedule", "day", "window", "discussion_category"],
} as const;

export type SectionKeys<S extends keyof typeof CONFIG_KEYS> = (typeof CONFIG_KEYS)[S][number];

/** What the app does with an item opened without the support form (`form.require`). */
export const FORM_REQUIRE = ["comment", "none"] as const;

export const HOLIDAY_TYPES = ["public", "bank", "optional", "school", "observance"] as const;
export const ASSOCIATIONS = ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE"] as const;

/** Shapes of names the loader checks (and the schema states). */
export const PATTERNS = {
  LOGIN_RE: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/,
  TEAM_RE: /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
  PLAN_RE: /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  ENV_RE: /^[A-Za-z_][A-Za-z0-9_]*$/,
  DATE_RE: /^\d{4}-\d{2}-\d{2}$/,
} as const;
