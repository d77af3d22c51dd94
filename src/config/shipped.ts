/**
 * The shipped, commented `.github/support-triage.yml` (every key with its default), as
 * text: the onboarding pull request proposes it. test/config/shipped.test.ts keeps
 * `.github/support-triage.yml` in this repository byte-identical to it. Its first line
 * points editors at the JSON Schema (schema/support-triage.schema.json, `npm run schema`).
 */
export const SHIPPED_CONFIG = `# yaml-language-server: $schema=../schema/support-triage.schema.json
# support-triage configuration — every key is optional; these are the defaults (the seed
# support policy). Keep only what you change. Check it, with the support forms, in pull
# requests with the support-triage validate Action (action.yml; see the README), or from a
# clone of support-triage:
#   npm ci && node bin/support-triage.js validate --config <repo>/.github/support-triage.yml --templates <repo>/.github
# Put a shared file in your organisation's \`.github\` repository, or inherit one with
#   _extends: other-repo            (or owner/repo, or owner/repo:path/to/file.yml)

# Plan for authors who are not listed under \`customers\` and items without a \`plan: …\` label.
plan: standard

# Customer logins and their support plan (a \`plan: <name>\` label on an item wins over this).
customers: {}
#  octo-customer: business
#  big-corp-bot: enterprise

# Time zone for business hours and for the due times shown to customers.
timezone: America/Los_Angeles

# The business-hours window ("12x5"): working days and [start, end) local time.
business_hours:
  days: [mon, tue, wed, thu, fri]
  start: "06:00"
  end: "18:00"

# Days the desk is closed: a date-holidays country (null for none), optional state,
# which holiday types close it, and your own additions and removals (YYYY-MM-DD).
holidays:
  country: US
  types: [public, bank]
  add: []
  remove: []

# First-response targets per plan and priority: "<n>m|h|d <coverage>", coverage 24x7 or
# business (or its label, e.g. 12x5). \`d\` is a business day: one business-hours window.
# Add a plan by giving all four priorities.
targets:
  standard:   { P1: 2d business, P2: 2d business, P3: 2d business, P4: 2d business }
  business:   { P1: 1h 24x7, P2: 4h 24x7, P3: 1d business, P4: 2d business }
  enterprise: { P1: 15m 24x7, P2: 1h 24x7, P3: 4h business, P4: 12h business }

# Label names the app reads and applies (created when missing).
labels:
  priorities: { P1: P1, P2: P2, P3: P3, P4: P4 }
  production: production
  security: security
  escalated: escalated
  plan_prefix: "plan: "

# The support form's fields (issue forms and discussion category forms).
form:
  priority_field: Priority
  environment_field: Environment
  production_values: [Production]
  default_priority: P3
  require: comment   # an item opened without the form: one comment saying how to give a priority (none: no comment)

# Whose comments count as a first response (never the author, never a bot).
responders:
  associations: [OWNER, MEMBER, COLLABORATOR]
  users: []
  teams: []        # e.g. [acme/support] — needs the app's \`members: read\` permission

# What happens when a target passes without a response.
escalation:
  contacts: []     # mentioned in the escalation comment, e.g. ["@acme/support-leads"]
  assignees: []    # assigned on escalation (issues)
  webhook: null    # notifications, one or a list (docs/notifications.md), e.g.
  #  - url: https://hooks.example.com/support        # signed JSON
  #    secret_env: SUPPORT_TRIAGE_WEBHOOK_SECRET
  #  - format: slack                                 # or teams; their URLs are secrets:
  #    url_env: SUPPORT_TRIAGE_SLACK_URL             # the app's environment variable holding it
  warn_at: null    # e.g. 0.75: an at-risk warning when 75% of the target has elapsed

# Escalation sweeps of this repository.
sweep:
  enabled: true
  max_writes: 100  # writes one sweep may spend here; the next sweep continues

# The pinned "Support response report" issue (docs/report.md), kept up to date by the sweep.
report:
  schedule: off    # daily or weekly turns the report issue on
  day: mon         # weekly reports: the day they are refreshed
  window: 30d      # items created in the last 30 days (or e.g. 4w)
  discussion_category: null   # a category (slug or name) to post the report as a discussion instead

# The onboarding pull request (forms and this file) the app opens once in a repository that
# has neither a support form nor a configuration; false: never (also from the owner's
# \`.github\` repository, for every repository of the owner).
onboarding: true
`;
