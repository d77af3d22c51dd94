/**
 * The seed support policy (shared/seed/support-policy.md) as the default configuration.
 * Every value here can be overridden in `.github/support-triage.yml`.
 */
import type { Config, Priority, TargetSpec } from "./types.js";

const t = (amount: number, unit: "m" | "h" | "d", coverage: "24x7" | "business"): TargetSpec => ({
  duration: { amount, unit },
  coverage,
});

const allBusiness = (amount: number, unit: "m" | "h" | "d"): Record<Priority, TargetSpec> => ({
  P1: t(amount, unit, "business"),
  P2: t(amount, unit, "business"),
  P3: t(amount, unit, "business"),
  P4: t(amount, unit, "business"),
});

export const DEFAULT_CONFIG: Config = {
  plan: "standard",
  plans: ["standard", "business", "enterprise"],
  customers: {},
  timezone: "America/Los_Angeles",
  business_hours: { days: [1, 2, 3, 4, 5], start: "06:00", end: "18:00" },
  holidays: { country: "US", state: null, types: ["public", "bank"], add: [], remove: [] },
  targets: {
    standard: allBusiness(2, "d"),
    business: {
      P1: t(1, "h", "24x7"),
      P2: t(4, "h", "24x7"),
      P3: t(1, "d", "business"),
      P4: t(2, "d", "business"),
    },
    enterprise: {
      P1: t(15, "m", "24x7"),
      P2: t(1, "h", "24x7"),
      P3: t(4, "h", "business"),
      P4: t(12, "h", "business"),
    },
  },
  labels: {
    priorities: { P1: "P1", P2: "P2", P3: "P3", P4: "P4" },
    production: "production",
    security: "security",
    escalated: "escalated",
    plan_prefix: "plan: ",
  },
  form: {
    priority_field: "Priority",
    environment_field: "Environment",
    production_values: ["Production"],
    default_priority: "P3",
    require: "comment",
  },
  responders: { associations: ["OWNER", "MEMBER", "COLLABORATOR"], users: [], teams: [] },
  escalation: { contacts: [], assignees: [], webhooks: [], warn_at: null },
  sweep: { enabled: true, max_writes: 100 },
  report: { schedule: "off", day: 1, window: 30, discussion_category: null },
  onboarding: true,
};
