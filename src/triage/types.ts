/**
 * The item model, triggers, planner input/output and actions: the contract between the
 * GitHub layer (which normalises webhooks and API reads into these shapes and applies
 * actions) and the pure decision core (which only ever sees these shapes).
 */
import type { Config, Priority } from "../config/types.js";

export type ItemKind = "issue" | "discussion";

export interface Actor {
  readonly login: string;
  /** `[bot]` login or type Bot. */
  readonly isBot: boolean;
}

export interface ItemComment {
  /** GraphQL node id (used for updates). */
  readonly id: string;
  readonly author: Actor | null;
  /** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN, NONE. */
  readonly authorAssociation: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly body: string;
  /** Discussions: node id of the top-level comment this one replies to. */
  readonly replyTo?: string | null;
}

export interface Item {
  readonly kind: ItemKind;
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  /** GraphQL node id of the issue or discussion. */
  readonly nodeId: string;
  readonly title: string;
  readonly body: string;
  readonly author: Actor;
  readonly authorAssociation: string;
  /** ISO-8601 creation time: the response clock starts here. */
  readonly createdAt: string;
  readonly state: "open" | "closed";
  /** Current label names, as GitHub has them now. */
  readonly labels: readonly string[];
  /** Discussions: an answer is marked (Q&A categories): the question is settled, nothing escalates. */
  readonly answered?: boolean;
  /** Discussions: category slug; issues: null. */
  readonly categorySlug: string | null;
  readonly assignees: readonly string[];
  /** All comments (discussions: comments and replies flattened), oldest first. */
  readonly comments: readonly ItemComment[];
  /**
   * Issues only, when read: who added/removed labels (from the timeline), oldest first.
   * Discussions have no timeline; the planner then relies on the trigger's sender and
   * on what it recorded in the marker.
   */
  readonly labelEvents?: readonly LabelEvent[];
  /** Web address of the item (for the escalation webhook); defaults to github.com's shape. */
  readonly url?: string;
}

export interface LabelEvent {
  readonly label: string;
  readonly actor: Actor | null;
  readonly createdAt: string;
  readonly added: boolean;
}

/** Field labels and options of the form an item was created from (from the repository's template). */
export interface FormTemplate {
  /** Path of the template file, e.g. ".github/ISSUE_TEMPLATE/support.yml". */
  readonly file: string;
  /** Every submitted field label, in order (markdown elements excluded). */
  readonly fieldLabels: readonly string[];
  /** Labels the template applies at creation (the form's `labels:` key). */
  readonly labels: readonly string[];
  /** Options of the dropdown fields by field label. */
  readonly options: Readonly<Record<string, readonly string[]>>;
}

/** What happened that made the app look at the item. */
export type Trigger =
  | { readonly type: "opened"; readonly sender: Actor }
  | { readonly type: "edited"; readonly sender: Actor; readonly bodyChanged: boolean }
  | { readonly type: "labeled"; readonly label: string; readonly sender: Actor }
  | { readonly type: "unlabeled"; readonly label: string; readonly sender: Actor }
  | { readonly type: "reopened"; readonly sender: Actor }
  | { readonly type: "closed"; readonly sender: Actor }
  | { readonly type: "category_changed"; readonly sender: Actor }
  | { readonly type: "comment"; readonly comment: ItemComment }
  /**
   * A comment was edited (`previousBody`: the webhook's `changes.body.from`) or deleted
   * (`comment.body`: its last text). What matters is when it is the app's own comment:
   * its marker is the app's memory, and is repaired from the previous text.
   */
  | { readonly type: "comment_edited"; readonly comment: ItemComment; readonly previousBody: string | null; readonly sender: Actor }
  | { readonly type: "comment_deleted"; readonly comment: ItemComment; readonly sender: Actor }
  | { readonly type: "sweep" };

/** The machine-readable state kept in the target comment's marker (SPEC section 4). */
export interface MarkerState {
  readonly priority: Priority;
  readonly plan: string;
  /** ISO-8601 with the configured zone's offset. */
  readonly dueAt: string;
  /** Where the priority came from. */
  readonly source: "form" | "label";
  /**
   * Login that set the priority (the author for form priorities). The app's own login
   * when the app applied the priority itself under the production rule (a fallback).
   */
  readonly setBy: string;
  readonly respondedAt?: string;
  /** Login of the first responder. */
  readonly respondedBy?: string;
  readonly escalatedAt?: string;
  /**
   * Delivery of the escalation's notifications, by notification name: the time the
   * receiver accepted it, or null while it is pending (re-sent by every sweep of the open
   * item until delivered). Written with `escalatedAt`. Absent on a marker that has `escalatedAt`
   * means the escalation predates delivery records (its webhook was sent the old way):
   * nothing is re-sent for it. A name that is not in the record was not configured when
   * the item was escalated and is not sent (docs/notifications.md).
   */
  readonly notifiedAt?: Readonly<Record<string, string | null>>;
  /** At-risk warning posted. */
  readonly warnedAt?: string;
  /** Login of the responder who confirmed a security incident by labelling `security`. */
  readonly securityBy?: string;
  /**
   * While the priority is P1/P2: the last allowed (P3/P4) priority the item had before,
   * which the production rule puts back when P1/P2 stops being allowed. Written only
   * while the priority is P1/P2 (the priority itself is the answer otherwise).
   */
  readonly previous?: "P3" | "P4";
  /**
   * Where the `production` label stands (docs/triage-rules.md): `form` while it follows
   * the form's environment (the app added it from the form, or GitHub from the form's
   * labels), so the author's edit to a non-production environment removes it; `removed`
   * once a person removed it, so the form never adds it back. Absent: a person's label
   * (it stays), or nothing known.
   */
  readonly production?: "form" | "removed";
  /**
   * A responder's P1/P2 label refused while a `security` label of unknown origin was on the
   * item (a discussion whose `security` delivery had not arrived yet): when that label is
   * then confirmed by a responder, the refused label is put back (docs/triage-rules.md).
   * Kept only while the app's fallback priority stands.
   */
  readonly refused?: "P1" | "P2";
  readonly refusedBy?: string;
  /** Keys of rule notices already posted, so each is posted once. */
  readonly notices?: readonly string[];
  /**
   * Set when someone other than the app removed every priority label: the item is no
   * longer tracked, and the form no longer re-adds a priority (docs/triage-rules.md).
   */
  readonly untracked?: true;
}

export interface PlanInput {
  readonly item: Item;
  readonly config: Config;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly trigger: Trigger;
  /** The app's bot login, e.g. "support-triage[bot]". */
  readonly appLogin: string;
  /** The form template the item came from, when one could be read. */
  readonly form: FormTemplate | null;
  /**
   * Files of the forms that ask for the priority: the repository's issue forms, or the
   * discussion's category form (none: the category is not a support category). Only for
   * the comment on an item opened without the form (src/triage/form-missing.ts).
   */
  readonly supportForms?: readonly string[];
  /** Members of the configured responder teams (lower-cased logins), when known. */
  readonly teamMembers?: ReadonlySet<string>;
}

export interface LabelSpec {
  readonly name: string;
  /** 6 hex digits, no '#'. */
  readonly color: string;
  readonly description: string;
}

export type Action =
  /** Make sure these labels exist in the repository (create the missing ones). */
  | { readonly type: "ensureLabels"; readonly labels: readonly LabelSpec[] }
  | { readonly type: "addLabels"; readonly labels: readonly string[] }
  | { readonly type: "removeLabels"; readonly labels: readonly string[] }
  | { readonly type: "createTargetComment"; readonly body: string }
  | { readonly type: "updateTargetComment"; readonly commentId: string; readonly body: string }
  | {
      readonly type: "postComment";
      readonly purpose: "notice" | "escalation" | "warning";
      readonly body: string;
    }
  | { readonly type: "addAssignees"; readonly logins: readonly string[] }
  /**
   * POST one escalation notification, after the plan's GitHub writes. When the receiver
   * accepts it, the GitHub layer records `record.at` under the notification's name in the
   * target comment's marker (`record.commentId`, or the target comment this plan creates
   * when null); when it does not, nothing is written and a later plan sends it again.
   */
  | { readonly type: "sendWebhook"; readonly notification: OutgoingNotification; readonly record: NotificationRecord };

/** One escalation notification, ready to send: the body is built, only the URL may still come from the environment. */
export interface OutgoingNotification {
  /** The configured notification's name (key of its delivery record). */
  readonly name: string;
  readonly format: "json" | "slack" | "teams";
  /** URL from the configuration, or null when it is read from `urlEnv` at send time. */
  readonly url: string | null;
  readonly urlEnv: string | null;
  readonly secretEnv: string | null;
  /** Where it goes, safe for logs: the configured URL, or `$ENV_NAME` (a Slack/Teams URL is a secret). */
  readonly target: string;
  /** Stable idempotency id: the same for every re-send of this escalation's notification, on every replica. */
  readonly deliveryId: string;
  /** The JSON body. */
  readonly body: unknown;
}

export interface NotificationRecord {
  /** Node id of the target comment; null when the same plan creates it. */
  readonly commentId: string | null;
  /** What the marker records as the delivery time (the plan's `now`, in the configured zone). */
  readonly at: string;
}

/** Why the planner did what it did: for logs and the simulator's narration. */
export interface Decision {
  /** Short rule id, e.g. "production-rule", "priority-from-form", "escalate". */
  readonly rule: string;
  readonly message: string;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly decisions: readonly Decision[];
  /** The state the marker will hold after the actions (null when the item is not tracked). */
  readonly state: MarkerState | null;
}
