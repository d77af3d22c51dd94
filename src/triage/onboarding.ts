/**
 * The onboarding pull request (pure): what it adds and what its body says, from the policy
 * in force. The GitHub side (src/github/onboarding.ts) decides nothing and only writes this.
 *
 * The forms are generated from the configuration's field labels and production values, so
 * they always pass `validate --templates` against it; with the defaults they are exactly the
 * forms this repository ships in `.github/` (test/triage/onboarding.test.ts).
 */
import { describeCalendar } from "../calendar/describe.js";
import { businessLabel } from "../config/hours.js";
import { calendarFromConfig } from "../calendar/calendar.js";
import { PRIORITIES, PRIORITY_NAMES, type Config, type Priority } from "../config/types.js";
import { SHIPPED_CONFIG } from "../config/shipped.js";
import { DEFAULT_CONFIG_FILE } from "../config/load.js";
import { codeSpan } from "./sanitize.js";
import { describeDuration } from "./target.js";
import { PRODUCTION_POLICY } from "./render.js";

const CONFIG_PATH_IN_REPO = DEFAULT_CONFIG_FILE;
/** The discussion category the shipped discussion form is for (its slug names the file). */
export const DISCUSSION_CATEGORY_SLUG = "support";
export const ONBOARDING_BRANCH = "support-triage/onboarding";
export const ONBOARDING_MARKER = "<!-- support-triage:onboarding -->";
export const ONBOARDING_TITLE = "Set up support-triage: support forms and configuration";
export const ISSUE_FORM_PATH = ".github/ISSUE_TEMPLATE/support.yml";
export const CHOOSER_CONFIG_PATH = ".github/ISSUE_TEMPLATE/config.yml";
export const DISCUSSION_FORM_PATH = `.github/DISCUSSION_TEMPLATE/${DISCUSSION_CATEGORY_SLUG}.yml`;

/** The options of the priority dropdown: the seed policy's levels, each starting with its token. */
export const PRIORITY_OPTIONS: Readonly<Record<Priority, string>> = {
  P1: "P1 (Urgent) – production down with no workaround, data at risk, or a confirmed security incident",
  P2: "P2 (High) – production degraded or intermittent; operations continue in a restricted way",
  P3: "P3 (Normal) – partial, non-critical loss of function, or a non-production app impaired or down",
  P4: "P4 (Low) – general questions, feature requests, product feedback",
};

/** A YAML scalar: plain when it is safely plain, else double-quoted (JSON is valid YAML). */
function scalar(text: string): string {
  return /^[A-Za-z][A-Za-z0-9 ()_.-]*$/.test(text) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(text) ? text : JSON.stringify(text);
}

function environmentOptions(config: Config): string[] {
  const production = config.form.production_values[0] ?? "Production";
  const others = ["Staging", "Development"].filter((o) => !config.form.production_values.some((p) => p.toLowerCase() === o.toLowerCase()));
  return [production, ...others];
}

function formBody(config: Config, withDescriptions: boolean): string {
  const d = (text: string) => (withDescriptions ? `      description: ${text}\n` : "");
  return `  - type: dropdown
    id: priority
    attributes:
      label: ${scalar(config.form.priority_field)}
${d("How urgent is this? See the descriptions of each level.")}      options:
${PRIORITIES.map((p) => `        - "${PRIORITY_OPTIONS[p]}"`).join("\n")}
${withDescriptions ? "      default: 2\n" : ""}    validations:
      required: true
  - type: dropdown
    id: environment
    attributes:
      label: ${scalar(config.form.environment_field)}
${d("Where does the problem happen?")}      options:
${environmentOptions(config)
  .map((o) => `        - ${scalar(o)}`)
  .join("\n")}
    validations:
      required: true
  - type: textarea
    id: description
    attributes:
      label: Description
      description: What happened, what you expected, and anything you already tried.
    validations:
      required: true
`;
}

const RESERVED = `        **P1 (Urgent) and P2 (High) are reserved for production issues**, except confirmed
        security incidents — other environments should use P3 or P4.`;

export function issueForm(config: Config): string {
  return `name: Support request
description: Ask the support team for help. Choose a priority and the environment affected.
title: "[Support]: "
labels: []
body:
  - type: markdown
    attributes:
      value: |
        Thanks for reaching out. The priority you choose sets your first-response target.
${RESERVED}
${formBody(config, true)}  - type: textarea
    id: logs
    attributes:
      label: Relevant log output
      render: shell
`;
}

export function discussionForm(config: Config): string {
  return `# Category form for a discussion category with the slug "${DISCUSSION_CATEGORY_SLUG}".
title: "[Support]: "
labels: []
body:
  - type: markdown
    attributes:
      value: |
        The priority you choose sets your first-response target.
${RESERVED}
${formBody(config, false)}`;
}

/** The template chooser: blank issues stay possible; support requests go through the form. */
export const CHOOSER_CONFIG = `# The issue template chooser. Blank issues stay possible; support requests should use the
# "Support request" form, whose priority and environment support-triage reads.
blank_issues_enabled: true
`;

/**
 * The configuration file the pull request adds: the commented defaults, or — when the
 * policy in force comes from the owner's `.github` repository — a file that inherits it.
 * `schemaUrl`: where editors find the JSON Schema (the shipped line points at this
 * repository's schema/ folder, which the customer's repository does not have).
 */
export function configFile(inherited: boolean, schemaUrl: string | null): string {
  const schemaLine = schemaUrl === null ? "" : `# yaml-language-server: $schema=${schemaUrl}\n`;
  if (inherited) {
    return `${schemaLine}# support-triage configuration. This repository uses the policy of the owner's \`.github\`
# repository; add keys below to change it here only (every key: see the support-triage README).
_extends: .github
`;
  }
  return schemaLine + SHIPPED_CONFIG.replace(/^# yaml-language-server:.*\n/, "");
}

export interface OnboardingFile {
  readonly path: string;
  readonly text: string;
  readonly message: string;
}

export function onboardingFiles(config: Config, inherited: boolean, schemaUrl: string | null): OnboardingFile[] {
  return [
    { path: ISSUE_FORM_PATH, text: issueForm(config), message: "Add the support request issue form" },
    { path: CHOOSER_CONFIG_PATH, text: CHOOSER_CONFIG, message: "Configure the issue template chooser" },
    { path: DISCUSSION_FORM_PATH, text: discussionForm(config), message: `Add the discussion category form for "${DISCUSSION_CATEGORY_SLUG}"` },
    { path: CONFIG_PATH_IN_REPO, text: configFile(inherited, schemaUrl), message: "Add the support-triage configuration" },
  ];
}

function coverageWords(config: Config, coverage: "24x7" | "business"): string {
  if (coverage === "24x7") return "24x7";
  try {
    return businessLabel(config.business_hours);
  } catch {
    return "business hours";
  }
}

/** The pull request's body: what the app will do, what to do by hand, how to change it. */
export function onboardingBody(config: Config, inherited: boolean): string {
  const cal = calendarFromConfig(config);
  const rows = config.plans.map((plan) => {
    const t = config.targets[plan];
    const cells = PRIORITIES.map((p) => {
      const spec = t?.[p];
      return spec ? `${describeDuration(spec.duration)}, ${coverageWords(config, spec.coverage)}` : "—";
    });
    return `| \`${plan}\`${plan === config.plan ? " (default)" : ""} | ${cells.join(" | ")} |`;
  });
  // Configured names go in code spans: the body names the contacts without notifying them.
  const contacts = config.escalation.contacts.map((c) => codeSpan(c)).join(", ");
  const priorityField = codeSpan(config.form.priority_field);
  const environmentField = codeSpan(config.form.environment_field);
  return [
    ONBOARDING_MARKER,
    "This pull request sets this repository up for **support-triage**, the app that runs your support desk's first-response policy on issues and discussions. Nothing changes until it is merged; close it to decline — it is opened only once.",
    "",
    "### What it adds",
    "",
    `- \`${ISSUE_FORM_PATH}\`: the **Support request** issue form. Customers choose a ${priorityField} (P1–P4) and the ${environmentField} affected.`,
    `- \`${CHOOSER_CONFIG_PATH}\`: the issue template chooser (blank issues stay possible).`,
    `- \`${DISCUSSION_FORM_PATH}\`: the same form for discussions in the category with the slug \`${DISCUSSION_CATEGORY_SLUG}\`.`,
    inherited
      ? `- \`${CONFIG_PATH_IN_REPO}\`: inherits the policy of the owner's \`.github\` repository (\`_extends: .github\`).`
      : `- \`${CONFIG_PATH_IN_REPO}\`: the configuration, every key with its default and a comment.`,
    "",
    "### What the app will do once this is merged",
    "",
    `- Label each support request with the priority chosen in the form (an empty answer gives ${config.form.default_priority}), and add ${codeSpan(config.labels.production)} when the environment is ${config.form.production_values.map((v) => codeSpan(v)).join(" or ")}.`,
    `- Keep P1 and P2 for production: "${PRODUCTION_POLICY}" Otherwise the priority is lowered and the author is told why, once.`,
    "- Post one comment with the first-response target of the author's plan and the absolute due time, and record when a maintainer first answers and whether the target was met.",
    contacts !== ""
      ? `- Escalate every item whose target passes without an answer: the ${codeSpan(config.labels.escalated)} label and a comment to ${contacts}.`
      : `- Escalate every item whose target passes without an answer: the ${codeSpan(config.labels.escalated)} label and one comment (set \`escalation.contacts\` to have it mention your support leads).`,
    "",
    `First-response targets (business hours: ${describeCalendar(cal)}; a business day is one business-hours window):`,
    "",
    `| plan | ${PRIORITIES.map((p) => `${p} (${PRIORITY_NAMES[p]})`).join(" | ")} |`,
    `|---|${PRIORITIES.map(() => "---").join("|")}|`,
    ...rows,
    "",
    "### To do by hand",
    "",
    `- **Create the discussion category** with the slug \`${DISCUSSION_CATEGORY_SLUG}\` (Settings → General → Features: Discussions; then Discussions → Categories → New category, named e.g. "Support"). GitHub has no API to create discussion categories, so the app cannot do it; the form in \`${DISCUSSION_FORM_PATH}\` applies only to a category with that slug.`,
    "",
    "### Changing plans and targets",
    "",
    `Edit \`${CONFIG_PATH_IN_REPO}\` (here, or after merging): \`plan\` is the plan of everyone not listed, \`customers\` maps a login to a plan (a ${codeSpan(`${config.labels.plan_prefix}<name>`)} label on an item wins), \`targets\` sets each plan's duration per priority (\`"4h 24x7"\`, \`"1d business"\`; a new plan gives all four), and \`business_hours\`, \`holidays\` and \`timezone\` set the business calendar. A broken file makes the app stop and open one issue listing each error; check a change first with the support-triage validate Action in a pull request.`,
    "",
    `To never see this pull request in other repositories, set \`onboarding: false\` in the owner's \`.github\` repository's \`${CONFIG_PATH_IN_REPO}\`.`,
  ].join("\n");
}
