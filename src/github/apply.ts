/**
 * Applies a plan's actions to GitHub with as few requests as possible: missing labels are
 * created in one request, and every other write of the plan (labels added and removed,
 * comments created and edited, assignees) goes into ONE GraphQL document.
 * No decisions are taken here.
 */
import type { Action, Item, LabelSpec } from "../triage/types.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { CONFIG_PATH } from "./config.js";
import { labelIds } from "./normalize.js";
import {
  MUTATIONS,
  batchMutation,
  createLabelsMutation,
  labelLookupQuery,
  READ_REPOSITORY,
  userLookupQuery,
  type MutationPart,
} from "./queries.js";
import { recordDeliveries } from "../triage/marker.js";
import { NotificationError, sendEscalationWebhook, type WebhookSender } from "./webhook.js";

export interface RepoLabels {
  readonly repositoryId: string;
  /** lower-cased label name → node id */
  readonly ids: Map<string, string>;
  /** Total labels in the repository; when above what was read, names are looked up. */
  readonly total: number;
}

export interface ApplyResult {
  /** Requests that wrote (each GraphQL document counts once). */
  readonly writeRequests: number;
  /** Individual writes (mutations, webhooks). */
  readonly writes: number;
  readonly summary: string[];
}

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly sendWebhook?: WebhookSender;
  /** Where notification outcomes are logged (the handlers' logger); default: failures on stderr. */
  readonly log?: NotifyLog;
}

/** The part of a logger apply uses (the handlers' pino child loggers fit). */
export interface NotifyLog {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
}

const stderrLog: NotifyLog = {
  info: () => {},
  warn: (_obj, msg) => console.warn(msg),
};

export function describeAction(a: Action): string {
  switch (a.type) {
    case "ensureLabels":
      return `ensureLabels ${a.labels.map((l) => l.name).join(", ")}`;
    case "addLabels":
    case "removeLabels":
      return `${a.type} ${a.labels.join(", ")}`;
    case "createTargetComment":
      return "createTargetComment";
    case "updateTargetComment":
      return "updateTargetComment";
    case "postComment":
      return `postComment (${a.purpose})`;
    case "addAssignees":
      return `addAssignees ${a.logins.join(", ")}`;
    case "sendWebhook":
      // The target, never the URL of an environment variable (a Slack or Teams URL is a secret).
      return `sendWebhook ${a.notification.name} (${a.notification.format}) to ${a.notification.target}`;
  }
}

/** Looks labels up by name and records the ids found; returns the specs still missing. */
async function lookUpLabels(client: GitHubClient, repo: RepoRef, labels: RepoLabels, missing: readonly LabelSpec[]): Promise<LabelSpec[]> {
  const vars: Record<string, unknown> = { owner: repo.owner, name: repo.repo };
  missing.forEach((l, i) => {
    vars[`n${i}`] = l.name;
  });
  const res = await client.graphql<{ repository: Record<string, { id: string; name: string } | null> }>(
    labelLookupQuery(missing.length),
    vars,
  );
  for (const v of Object.values(res.repository)) if (v) labels.ids.set(v.name.toLowerCase(), v.id);
  return missing.filter((l) => !labels.ids.has(l.name.toLowerCase()));
}

/**
 * Creates the wanted labels the repository lacks (one request; a label lookup first when the
 * repository has more labels than were read) and records their ids. Returns requests made.
 */
export async function ensureLabels(client: GitHubClient, repo: RepoRef, labels: RepoLabels, wanted: readonly LabelSpec[]): Promise<number> {
  let requests = 0;
  let missing = wanted.filter((l) => !labels.ids.has(l.name.toLowerCase()));
  if (missing.length > 0 && labels.total > labels.ids.size) {
    // The repository has more labels than one page: look the names up before creating.
    requests++;
    missing = await lookUpLabels(client, repo, labels, missing);
  }
  if (missing.length === 0) return requests;
  const vars: Record<string, unknown> = {};
  missing.forEach((l, i) => {
    vars[`c${i}`] = { repositoryId: labels.repositoryId, name: l.name, color: l.color, description: l.description };
  });
  requests++;
  let res: Record<string, { label: { id: string; name: string } | null } | null>;
  try {
    res = await client.graphql<Record<string, { label: { id: string; name: string } | null }>>(createLabelsMutation(missing.length), vars);
  } catch (err) {
    // Another event's handler — in this process or another replica — created some of these
    // labels since they were read, and GitHub refuses a second label of the same name.
    // They exist now, which is all that was wanted: look them up instead of failing.
    if (!/already been taken|already exists/i.test(err instanceof Error ? err.message : String(err))) throw err;
    requests++;
    if ((await lookUpLabels(client, repo, labels, missing)).length > 0) throw err;
    return requests;
  }
  for (const v of Object.values(res)) if (v?.label) labels.ids.set(v.label.name.toLowerCase(), v.label.id);
  return requests;
}

const addComment = (item: Item, body: string): MutationPart =>
  item.kind === "issue" ? MUTATIONS.addIssueComment(item.nodeId, body) : MUTATIONS.addDiscussionComment(item.nodeId, body);

export async function applyActions(
  client: GitHubClient,
  item: Item,
  labels: RepoLabels,
  actions: readonly Action[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const summary = actions.map(describeAction);
  if (options.dryRun || actions.length === 0) return { writeRequests: 0, writes: 0, summary };

  let writeRequests = 0;
  const toEnsure = actions.flatMap((a) => (a.type === "ensureLabels" ? a.labels : []));
  // Labels added by the plan must exist; the planner names them in ensureLabels, but be safe
  // for any added label whose id we don't know.
  for (const a of actions) {
    if (a.type !== "addLabels") continue;
    for (const name of a.labels) {
      if (!labels.ids.has(name.toLowerCase()) && !toEnsure.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
        toEnsure.push({ name, color: "ededed", description: "" });
      }
    }
  }
  if (toEnsure.length > 0) writeRequests += await ensureLabels(client, { owner: item.owner, repo: item.repo }, labels, toEnsure);

  let assigneeIds: string[] = [];
  const logins = actions.flatMap((a) => (a.type === "addAssignees" ? a.logins : []));
  if (logins.length > 0 && item.kind === "issue") {
    const vars: Record<string, unknown> = {};
    logins.forEach((l, i) => {
      vars[`u${i}`] = l;
    });
    const res = await client.graphql<Record<string, { id: string } | null>>(userLookupQuery(logins.length), vars);
    assigneeIds = Object.values(res).flatMap((u) => (u ? [u.id] : []));
  }

  // GitHub runs a batch's mutations in order and may fail part-way (a 502 after applying
  // some). So the record — the target comment, whose marker says what was done — is
  // written last: a cut batch can leave a notice or an escalation without its record
  // (the planner recognises the tagged comment next time), never a record of a comment
  // that was not posted.
  const parts: MutationPart[] = [];
  const record: MutationPart[] = [];
  /** Position in `record` of the target comment this plan creates, if it creates one. */
  let createdAt: number | null = null;
  let writes = 0;
  for (const a of actions) {
    switch (a.type) {
      case "addLabels": {
        const ids = a.labels.flatMap((n) => labels.ids.get(n.toLowerCase()) ?? []);
        if (ids.length) parts.push(MUTATIONS.addLabels(item.nodeId, ids));
        break;
      }
      case "removeLabels": {
        const ids = a.labels.flatMap((n) => labels.ids.get(n.toLowerCase()) ?? []);
        if (ids.length) parts.push(MUTATIONS.removeLabels(item.nodeId, ids));
        break;
      }
      case "createTargetComment":
        createdAt = record.length;
        record.push(addComment(item, a.body));
        break;
      case "postComment":
        parts.push(addComment(item, a.body));
        break;
      case "updateTargetComment":
        record.push(
          item.kind === "issue"
            ? MUTATIONS.updateIssueComment(a.commentId, a.body)
            : MUTATIONS.updateDiscussionComment(a.commentId, a.body),
        );
        break;
      case "addAssignees":
        if (assigneeIds.length) parts.push(MUTATIONS.addAssignees(item.nodeId, assigneeIds));
        break;
      case "ensureLabels":
      case "sendWebhook":
        break;
    }
  }
  const createdPart = createdAt === null ? null : parts.length + createdAt;
  parts.push(...record);
  let createdId: string | null = null;
  if (parts.length > 0) {
    const { query, variables } = batchMutation(parts);
    writeRequests++;
    writes += parts.length;
    const res = await client.graphql<Record<string, unknown> | undefined>(query, variables);
    if (createdPart !== null) createdId = createdCommentId(res?.[`m${createdPart}`]);
  }

  // Notifications last, once GitHub shows the escalation, and never able to fail the
  // GitHub part: a receiver that is down costs nothing here, its notification stays
  // pending in the marker and a later plan sends it again.
  const sends = actions.filter((a): a is Extract<Action, { type: "sendWebhook" }> => a.type === "sendWebhook");
  if (sends.length > 0) {
    writes += sends.length;
    const delivered = await sendNotifications(item, sends, options);
    if (delivered.length > 0) {
      const update = recordUpdate(item, actions, delivered, createdId, options.log ?? stderrLog);
      if (update !== null) {
        writeRequests++;
        writes++;
        const { query, variables } = batchMutation([update]);
        await client.graphql(query, variables);
      }
    }
  }
  return { writeRequests, writes, summary };
}

type SendAction = Extract<Action, { type: "sendWebhook" }>;

/** The node id of a comment created in a batch, from its mutation's answer. */
function createdCommentId(answer: unknown): string | null {
  const a = answer as { commentEdge?: { node?: { id?: unknown } | null } | null; comment?: { id?: unknown } | null } | null | undefined;
  const id = a?.commentEdge?.node?.id ?? a?.comment?.id;
  return typeof id === "string" && id !== "" ? id : null;
}

/** Sends every notification (in parallel); returns the ones the receivers accepted. */
async function sendNotifications(item: Item, sends: readonly SendAction[], options: ApplyOptions): Promise<SendAction[]> {
  const send = options.sendWebhook ?? sendEscalationWebhook;
  const log = options.log ?? stderrLog;
  const outcomes = await Promise.all(
    sends.map(async (a) => {
      try {
        await send(a.notification.target, a.notification);
        return { a, error: null };
      } catch (err) {
        return { a, error: err };
      }
    }),
  );
  const fields = (a: SendAction) => ({
    repo: `${item.owner}/${item.repo}`,
    kind: item.kind,
    number: item.number,
    notification: a.notification.name,
    format: a.notification.format,
    deliveryId: a.notification.deliveryId,
  });
  for (const { a, error } of outcomes) {
    const n = a.notification;
    if (error === null) {
      log.info({ event: "support-triage.notified", ...fields(a) }, `escalation notification ${n.name} delivered`);
      continue;
    }
    const host = error instanceof NotificationError ? error.host : "";
    const reason = error instanceof NotificationError ? error.reason : error instanceof Error ? error.message : String(error);
    log.warn(
      { event: "support-triage.notify-failed", ...fields(a), host, reason },
      `escalation notification ${n.name} (${n.format}) to ${host || n.target} was not delivered: ${reason}. ` +
        "The GitHub side is done; the notification stays pending in the target comment and will be re-sent by the next sweep",
    );
  }
  return outcomes.filter((o) => o.error === null).map((o) => o.a);
}

/**
 * The edit that records delivered notifications in the target comment's marker: the body
 * the plan just wrote (or the comment's current body when the plan did not touch it), with
 * `notifiedAt` updated. Null when the comment cannot be found (the record stays pending and
 * a later plan sends again — receivers drop the repeat by its idempotency id).
 */
function recordUpdate(item: Item, actions: readonly Action[], delivered: readonly SendAction[], createdId: string | null, log: NotifyLog): MutationPart | null {
  const first = delivered[0];
  if (first === undefined) return null;
  const commentId = first.record.commentId ?? createdId;
  let body: string | undefined;
  if (first.record.commentId === null) {
    body = actions.find((a): a is Extract<Action, { type: "createTargetComment" }> => a.type === "createTargetComment")?.body;
  } else {
    body =
      actions.find((a): a is Extract<Action, { type: "updateTargetComment" }> => a.type === "updateTargetComment" && a.commentId === commentId)?.body ??
      item.comments.find((c) => c.id === commentId)?.body;
  }
  const recorded = body === undefined ? null : recordDeliveries(body, Object.fromEntries(delivered.map((a) => [a.notification.name, a.record.at])));
  if (commentId === null || recorded === null) {
    log.warn(
      { event: "support-triage.notify-unrecorded", repo: `${item.owner}/${item.repo}`, number: item.number },
      "escalation notification delivered, but the target comment to record it in was not found; a later plan may send it again (same idempotency id)",
    );
    return null;
  }
  return item.kind === "issue" ? MUTATIONS.updateIssueComment(commentId, recorded) : MUTATIONS.updateDiscussionComment(commentId, recorded);
}

/** The repository's id, labels and own config file (installation set-up, sweeps that write). */
export async function readRepository(client: GitHubClient, repo: RepoRef): Promise<{ labels: RepoLabels; configText: string | null } | null> {
  const res = await client.graphql<{
    repository: { id: string; labels: { totalCount: number; nodes: { id: string; name: string }[] }; config: { __typename: string; text?: string } | null } | null;
  }>(READ_REPOSITORY, { owner: repo.owner, name: repo.repo, configExpr: `HEAD:${CONFIG_PATH}` });
  const r = res.repository;
  if (!r) return null;
  return {
    labels: { repositoryId: r.id, ids: labelIds(r.labels.nodes), total: r.labels.totalCount },
    configText: r.config?.__typename === "Blob" ? (r.config.text ?? null) : null,
  };
}
