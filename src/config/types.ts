/**
 * The resolved configuration: what `.github/support-triage.yml` means after parsing,
 * validation and merging over the defaults (the seed support policy).
 *
 * This is the contract between the config loader and every consumer (calendar, targets,
 * planner, GitHub layer). The YAML keys are snake_case and map 1:1 onto these fields.
 */

export type Priority = "P1" | "P2" | "P3" | "P4";
export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"] as const;

/** Human names from the seed policy. */
export const PRIORITY_NAMES: Readonly<Record<Priority, string>> = {
  P1: "Urgent",
  P2: "High",
  P3: "Normal",
  P4: "Low",
};

/** `m` minutes and `h` hours of (coverage) time; `d` business days = one coverage window length. */
export interface DurationSpec {
  readonly amount: number;
  readonly unit: "m" | "h" | "d";
}

/** `24x7` counts wall-clock time; `business` counts only time inside the business calendar. */
export type CoverageKind = "24x7" | "business";

export interface TargetSpec {
  readonly duration: DurationSpec;
  readonly coverage: CoverageKind;
}

export interface BusinessHoursConfig {
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. Default [1,2,3,4,5]. */
  readonly days: readonly number[];
  /** Window start, "HH:MM" local time in `timezone`. Default "06:00". */
  readonly start: string;
  /** Window end (exclusive), "HH:MM". Default "18:00". Must be after start. */
  readonly end: string;
}

export interface HolidaysConfig {
  /** date-holidays country code, default "US"; null turns generated holidays off. */
  readonly country: string | null;
  readonly state: string | null;
  /** date-holidays types that close the desk. Default ["public", "bank"]. */
  readonly types: readonly string[];
  /** Extra closed dates, "YYYY-MM-DD" (local to `timezone`). */
  readonly add: readonly string[];
  /** Dates that stay open although the country calendar lists them. */
  readonly remove: readonly string[];
}

export interface LabelsConfig {
  readonly priorities: Readonly<Record<Priority, string>>;
  readonly production: string;
  readonly security: string;
  readonly escalated: string;
  /** Plan labels are `${plan_prefix}${plan}`, default "plan: ". */
  readonly plan_prefix: string;
}

export interface FormConfig {
  /** Label of the form field that carries the priority. Default "Priority". */
  readonly priority_field: string;
  /** Label of the form field that carries the environment. Default "Environment". */
  readonly environment_field: string;
  /** Environment values that mean production (case-insensitive). Default ["Production"]. */
  readonly production_values: readonly string[];
  /** Priority for an empty priority answer. Default "P3". */
  readonly default_priority: Priority;
  /**
   * An issue, or a discussion in a category whose form asks for the priority, opened
   * without the support form: `comment` (default) posts one comment saying how to give a
   * priority; `none` leaves it alone. Either way it is not tracked until a priority is known.
   */
  readonly require: "comment" | "none";
}

export interface RespondersConfig {
  /** author_association values that count as responders. Default OWNER, MEMBER, COLLABORATOR. */
  readonly associations: readonly string[];
  /** Extra logins that count as responders. */
  readonly users: readonly string[];
  /** Teams ("org/team-slug") whose members count as responders. */
  readonly teams: readonly string[];
}

/** Body formats of the escalation notification (docs/notifications.md). */
export type NotificationFormat = "json" | "slack" | "teams";
export const NOTIFICATION_FORMATS: readonly NotificationFormat[] = ["json", "slack", "teams"] as const;

/** One outgoing escalation notification. */
export interface EscalationWebhookConfig {
  /**
   * Key of this notification's delivery record in the marker (`notifiedAt`) and part of its
   * idempotency id. Default: the format's name; distinct within a configuration.
   */
  readonly name: string;
  readonly format: NotificationFormat;
  /** The URL written in the configuration (generic JSON receivers); null when `url_env` is used. */
  readonly url: string | null;
  /**
   * Name of the environment variable that holds the URL (required for Slack and Teams, whose
   * URLs are secrets); null when `url` is used.
   */
  readonly url_env: string | null;
  /** Name of the environment variable that holds the HMAC secret (never the secret itself). */
  readonly secret_env: string | null;
}

export interface EscalationConfig {
  /** Mentioned in the escalation comment, e.g. "@acme/support-leads". Default none. */
  readonly contacts: readonly string[];
  /** Logins assigned on escalation. Default none. */
  readonly assignees: readonly string[];
  /** Notifications sent on escalation (YAML `escalation.webhook`: one mapping or a list). Default none. */
  readonly webhooks: readonly EscalationWebhookConfig[];
  /** Share of the target (0 < x < 1) after which an at-risk warning is posted; null = off (default). */
  readonly warn_at: number | null;
}

export interface SweepConfig {
  /** Whether this repository takes part in timed sweeps. Default true. */
  readonly enabled: boolean;
  /** Most writes one sweep spends on this repository before it stops (the next run continues). */
  readonly max_writes: number;
}

/** How often the sweep refreshes the pinned report issue (`off`: no report issue, the default). */
export type ReportSchedule = "off" | "daily" | "weekly";
export const REPORT_SCHEDULES: readonly ReportSchedule[] = ["off", "daily", "weekly"] as const;

export interface ReportConfig {
  /** Default "off": the sweep keeps no report issue (the CLI's `report` works whatever this says). */
  readonly schedule: ReportSchedule;
  /** Weekly reports: the ISO weekday they are refreshed on (1 = Monday, the default; YAML `mon`…`sun` or 1–7). */
  readonly day: number;
  /** Days of creation times the report covers, up to its refresh (YAML `30d` or `4w`; default 30). */
  readonly window: number;
  /** Post the report as a discussion in this category (slug or name) instead of an issue; null = an issue (default). */
  readonly discussion_category: string | null;
}

export interface Config {
  /** Default plan for authors not in `customers` and items without a plan label. */
  readonly plan: string;
  /** The known plans, in the order of `targets`. */
  readonly plans: readonly string[];
  /** login (lower-cased) → plan. */
  readonly customers: Readonly<Record<string, string>>;
  /** IANA zone used for business hours and for showing due times. */
  readonly timezone: string;
  readonly business_hours: BusinessHoursConfig;
  readonly holidays: HolidaysConfig;
  /** plan → priority → target. Every plan in `plans` has all four priorities. */
  readonly targets: Readonly<Record<string, Readonly<Record<Priority, TargetSpec>>>>;
  readonly labels: LabelsConfig;
  readonly form: FormConfig;
  readonly responders: RespondersConfig;
  readonly escalation: EscalationConfig;
  readonly sweep: SweepConfig;
  readonly report: ReportConfig;
  /**
   * Whether the app may open its onboarding pull request (forms and a commented config) in a
   * repository with neither a support form nor a configuration. Default true.
   */
  readonly onboarding: boolean;
}

/** One problem found in a configuration file (or a form template). */
export interface ConfigProblem {
  /** File the problem is in, e.g. ".github/support-triage.yml". */
  readonly file: string;
  /** Key path, e.g. "targets.business.P1". Empty for whole-document problems. */
  readonly path: string;
  /** 1-based line, when known. */
  readonly line: number | null;
  readonly column: number | null;
  /** Full sentence naming the bad value and what is allowed (and "did you mean" where useful). */
  readonly message: string;
}

export interface ConfigResult {
  /** The merged configuration; null when there are errors. */
  readonly config: Config | null;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}
