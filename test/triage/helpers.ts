/**
 * Builders and an in-memory "apply" for planner tests. Builders take one object so a
 * test names only what it is about; applyPlan mimics what the GitHub layer does with a
 * plan, so tests can assert fixpoints (apply, plan again, expect nothing).
 */
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import type { Config } from "../../src/config/types.js";
import { parseFormTemplate } from "../../src/triage/form-template.js";
import { planItem } from "../../src/triage/planner.js";
import { recordDeliveries } from "../../src/triage/marker.js";
import type { Action, Actor, FormTemplate, Item, ItemComment, LabelEvent, Plan, PlanInput, Trigger } from "../../src/triage/types.js";

export const APP_LOGIN = "support-triage[bot]";
export const app: Actor = { login: APP_LOGIN, isBot: true };
export const alice: Actor = { login: "alice", isBot: false }; // a customer, the usual author
export const carol: Actor = { login: "carol", isBot: false }; // a maintainer (MEMBER)
export const dave: Actor = { login: "dave", isBot: false }; // another maintainer
export const mallory: Actor = { login: "mallory", isBot: false }; // a non-member
export const ciBot: Actor = { login: "ci-helper[bot]", isBot: true };

/** Tue 2026-12-01 09:00 PST. */
export const T0 = "2026-12-01T09:00:00.000-08:00";
export const ms = (iso: string): number => Date.parse(iso);
export const MIN = 60_000;
export const HOUR = 3_600_000;

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/forms/${name}`, import.meta.url), "utf8");
}

export function template(name: string, config: Config = DEFAULT_CONFIG): FormTemplate {
  const { template: t, errors } = parseFormTemplate(fixture(name), `.github/ISSUE_TEMPLATE/${name}`, config);
  if (t === null || errors.length > 0) throw new Error(`fixture ${name} did not parse: ${JSON.stringify(errors)}`);
  return t;
}

/** A body as GitHub renders the support form in test/fixtures/forms/support.yml. */
export function supportBody(o: {
  priority?: string;
  environment?: string;
  database?: string;
  description?: string;
  logs?: string;
} = {}): string {
  return [
    "### Priority",
    "",
    o.priority ?? "P3 (Normal) – partial loss, workaround available",
    "",
    "### Environment",
    "",
    o.environment ?? "None",
    "",
    "### Database name",
    "",
    o.database ?? "_No response_",
    "",
    "### What happened?",
    "",
    o.description ?? "Queries time out.",
    "",
    "### Relevant log output",
    "",
    "```shell",
    o.logs ?? "",
    "```",
    "",
  ].join("\n");
}

export function optionFor(p: "P1" | "P2" | "P3" | "P4"): string {
  return {
    P1: "P1 (Urgent) – production down, no workaround",
    P2: "P2 (High) – production app degraded",
    P3: "P3 (Normal) – partial loss, workaround available",
    P4: "P4 (Low) – question or feature request",
  }[p];
}

export interface ItemOptions {
  number?: number;
  title?: string;
  body?: string;
  author?: Actor;
  authorAssociation?: string;
  createdAt?: string;
  state?: "open" | "closed";
  labels?: readonly string[];
  assignees?: readonly string[];
  comments?: readonly ItemComment[];
  labelEvents?: readonly LabelEvent[];
  categorySlug?: string | null;
  url?: string;
}

function anItem(kind: Item["kind"], o: ItemOptions): Item {
  const number = o.number ?? 1;
  return {
    kind,
    owner: "acme",
    repo: "support",
    number,
    nodeId: `${kind === "issue" ? "I" : "D"}_${number}`,
    title: o.title ?? "Database is slow",
    body: o.body ?? "",
    author: o.author ?? alice,
    authorAssociation: o.authorAssociation ?? "NONE",
    createdAt: o.createdAt ?? T0,
    state: o.state ?? "open",
    labels: o.labels ?? [],
    categorySlug: kind === "discussion" ? (o.categorySlug ?? "support") : null,
    assignees: o.assignees ?? [],
    comments: o.comments ?? [],
    ...(o.labelEvents !== undefined ? { labelEvents: o.labelEvents } : {}),
    ...(o.url !== undefined ? { url: o.url } : {}),
  };
}

export function anIssue(o: ItemOptions = {}): Item {
  return anItem("issue", { labelEvents: [], ...o });
}

export function aDiscussion(o: ItemOptions = {}): Item {
  return anItem("discussion", o);
}

let commentSeq = 0;
export function aComment(o: { author?: Actor | null; association?: string; createdAt?: string; body?: string; id?: string }): ItemComment {
  commentSeq += 1;
  return {
    id: o.id ?? `C_${commentSeq}`,
    author: o.author === undefined ? carol : o.author,
    authorAssociation: o.association ?? "MEMBER",
    createdAt: o.createdAt ?? T0,
    body: o.body ?? "Looking into it.",
  };
}

export function labelEvent(o: { label: string; actor: Actor | null; createdAt: string; added?: boolean }): LabelEvent {
  return { label: o.label, actor: o.actor, createdAt: o.createdAt, added: o.added ?? true };
}

/** The config with top-level sections patched one level deep. */
export function cfg(patch: { [K in keyof Config]?: Partial<Config[K]> | Config[K] } = {}): Config {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [k, v] of Object.entries(patch)) {
    const base = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[k];
    out[k] =
      base !== null && typeof base === "object" && !Array.isArray(base) && v !== null && typeof v === "object" && !Array.isArray(v)
        ? { ...base, ...v }
        : v;
  }
  return out as unknown as Config;
}

export interface Applied {
  readonly item: Item;
  readonly posted: { purpose: string; body: string }[];
  /** Bodies of the notifications sent. */
  readonly webhooks: unknown[];
  readonly notifications: Extract<Action, { type: "sendWebhook" }>[];
  readonly ensured: string[];
}

/**
 * Applies a plan the way the GitHub layer would, on a copy of the item. Notifications are
 * accepted by their receivers and recorded in the marker, unless `deliver: false` (a
 * receiver that is down: nothing is recorded).
 */
export function applyPlan(item: Item, plan: Plan, now: number, appActor: Actor = app, options: { deliver?: boolean } = {}): Applied {
  let labels = [...item.labels];
  const comments = [...item.comments];
  const assignees = [...item.assignees];
  const events = item.labelEvents === undefined ? undefined : [...item.labelEvents];
  const posted: { purpose: string; body: string }[] = [];
  const webhooks: unknown[] = [];
  const notifications: Extract<Action, { type: "sendWebhook" }>[] = [];
  const ensured: string[] = [];
  const at = new Date(now).toISOString();
  const has = (name: string): boolean => labels.some((l) => l.toLowerCase() === name.toLowerCase());
  let n = comments.length;
  for (const a of plan.actions) {
    switch (a.type) {
      case "ensureLabels":
        ensured.push(...a.labels.map((l) => l.name));
        break;
      case "addLabels":
        for (const l of a.labels) {
          if (!ensured.some((e) => e.toLowerCase() === l.toLowerCase())) throw new Error(`label ${l} added before ensureLabels`);
          if (!has(l)) {
            labels.push(l);
            events?.push({ label: l, actor: appActor, createdAt: at, added: true });
          }
        }
        break;
      case "removeLabels":
        for (const l of a.labels) {
          if (has(l)) {
            labels = labels.filter((x) => x.toLowerCase() !== l.toLowerCase());
            events?.push({ label: l, actor: appActor, createdAt: at, added: false });
          }
        }
        break;
      case "createTargetComment":
        comments.push({ id: `APP_${++n}`, author: appActor, authorAssociation: "NONE", createdAt: at, body: a.body });
        break;
      case "updateTargetComment": {
        const i = comments.findIndex((c) => c.id === a.commentId);
        const old = comments[i];
        if (old === undefined) throw new Error(`no comment ${a.commentId}`);
        comments[i] = { ...old, body: a.body };
        break;
      }
      case "postComment":
        posted.push({ purpose: a.purpose, body: a.body });
        comments.push({ id: `APP_${++n}`, author: appActor, authorAssociation: "NONE", createdAt: at, body: a.body });
        break;
      case "addAssignees":
        for (const l of a.logins) if (!assignees.includes(l)) assignees.push(l);
        break;
      case "sendWebhook":
        webhooks.push(a.notification.body);
        notifications.push(a);
        break;
    }
  }
  // Like the GitHub layer: the receivers accepted (unless told otherwise), so the deliveries
  // are recorded in the target comment's marker, after the plan's writes.
  const accepted = options.deliver === false ? [] : notifications;
  if (accepted.length > 0) {
    const first = accepted[0];
    const id = first?.record.commentId ?? comments.find((c) => c.author?.login === appActor.login && c.body.includes("<!-- support-triage:target "))?.id;
    const i = comments.findIndex((c) => c.id === id);
    const old = comments[i];
    if (old === undefined) throw new Error("no target comment to record deliveries in");
    const body = recordDeliveries(old.body, Object.fromEntries(accepted.map((a) => [a.notification.name, a.record.at])));
    if (body === null) throw new Error("target comment without a marker");
    comments[i] = { ...old, body };
  }
  return {
    item: { ...item, labels, comments, assignees, ...(events !== undefined ? { labelEvents: events } : {}) },
    posted,
    webhooks,
    notifications,
    ensured,
  };
}

export interface RunInput {
  item: Item;
  trigger: Trigger;
  now?: number;
  config?: Config;
  form?: FormTemplate | null;
  teamMembers?: ReadonlySet<string>;
  supportForms?: readonly string[];
}

export function input(r: RunInput): PlanInput {
  return {
    item: r.item,
    config: r.config ?? DEFAULT_CONFIG,
    now: r.now ?? ms(T0),
    trigger: r.trigger,
    appLogin: APP_LOGIN,
    form: r.form === undefined ? null : r.form,
    ...(r.supportForms !== undefined ? { supportForms: r.supportForms } : {}),
    ...(r.teamMembers !== undefined ? { teamMembers: r.teamMembers } : {}),
  };
}

/**
 * Plans, applies, and plans again with the same trigger: returns the first plan, the
 * item after it, and the second plan (which a correct reconciler leaves empty).
 */
export function run(r: RunInput): { plan: Plan; after: Item; applied: Applied; again: Plan } {
  const plan = planItem(input(r));
  const applied = applyPlan(r.item, plan, r.now ?? ms(T0));
  const again = planItem(input({ ...r, item: applied.item }));
  return { plan, after: applied.item, applied, again };
}

export const opened = (sender: Actor = alice): Trigger => ({ type: "opened", sender });
export const labeled = (label: string, sender: Actor): Trigger => ({ type: "labeled", label, sender });
export const unlabeled = (label: string, sender: Actor): Trigger => ({ type: "unlabeled", label, sender });
export const edited = (sender: Actor = alice): Trigger => ({ type: "edited", sender, bodyChanged: true });
export const sweep: Trigger = { type: "sweep" };
export const commented = (comment: ItemComment): Trigger => ({ type: "comment", comment });

export function priorityLabels(item: Item): string[] {
  return item.labels.filter((l) => /^P[1-4]$/i.test(l));
}

export function targetComments(item: Item): ItemComment[] {
  return item.comments.filter((c) => c.body.includes("<!-- support-triage:target "));
}
