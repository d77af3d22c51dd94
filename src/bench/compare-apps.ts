/**
 * The comparison bench's reference apps (src/bench/compare.ts). Each is a Probot app
 * function loaded by the same `startServer` as support-triage (src/server.ts: the Probot
 * `Server`, signature verification, the one Octokit stack of src/github/octokit.ts), so
 * what the comparison shows is the cost of the app's own code and nothing else:
 *
 * - **bare**: `app.onAny(() => {})` and nothing else — what Probot charges for a delivery
 *   (verify, parse, the event's Octokit and logger, the handler call) before any app code.
 * - **floor**: the least any triage app can do. For each intake (`issues.opened`,
 *   `discussion.created`) exactly one GraphQL read (the item with its labels, and the
 *   repository's labels to find the one to add) and one GraphQL write (`addLabelsToLabelable`
 *   and the comment, batched in one mutation document), both fixed documents. It listens to
 *   the same events as support-triage and ignores what its own bot sent (the echoes of its
 *   writes) by sender, as support-triage does, and every other event after that.
 */
import type { ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import { ITEM_EVENTS } from "../handlers/events.js";

export const BENCH_APPS = ["bare", "floor", "support-triage"] as const;
export type BenchAppKind = (typeof BENCH_APPS)[number];

export const isBenchApp = (v: unknown): v is BenchAppKind => typeof v === "string" && (BENCH_APPS as readonly string[]).includes(v);

/** Probot and nothing else. */
export function bareApp(_options: AppOptions = {}): ApplicationFunction {
  return (app) => {
    app.onAny(() => {});
  };
}

/** The label the floor adds: one of those every bench repository carries. */
export const FLOOR_LABEL = "P3";
export const FLOOR_COMMENT = "Thanks: a support engineer will answer within one business day.";

export const FLOOR_READ_ISSUE = `query FloorReadIssue($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    labels(first: 100) { nodes { id name } }
    issue(number: $number) { id labels(first: 20) { nodes { name } } }
  }
}`;

export const FLOOR_READ_DISCUSSION = `query FloorReadDiscussion($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    labels(first: 100) { nodes { id name } }
    discussion(number: $number) { id labels(first: 20) { nodes { name } } }
  }
}`;

export const FLOOR_WRITE_ISSUE = `mutation FloorWriteIssue($id: ID!, $labelIds: [ID!]!, $body: String!) {
  label: addLabelsToLabelable(input: { labelableId: $id, labelIds: $labelIds }) { clientMutationId }
  comment: addComment(input: { subjectId: $id, body: $body }) { clientMutationId }
}`;

export const FLOOR_WRITE_DISCUSSION = `mutation FloorWriteDiscussion($id: ID!, $labelIds: [ID!]!, $body: String!) {
  label: addLabelsToLabelable(input: { labelableId: $id, labelIds: $labelIds }) { clientMutationId }
  comment: addDiscussionComment(input: { discussionId: $id, body: $body }) { clientMutationId }
}`;

interface FloorRead {
  repository: {
    labels: { nodes: { id: string; name: string }[] };
    issue?: { id: string; labels: { nodes: { name: string }[] } } | null;
    discussion?: { id: string; labels: { nodes: { name: string }[] } } | null;
  } | null;
}

interface Payload {
  action?: unknown;
  sender?: { login?: unknown } | null;
  repository?: { name?: unknown; owner?: { login?: unknown } | null } | null;
  issue?: { number?: unknown; pull_request?: unknown } | null;
  discussion?: { number?: unknown } | null;
}

/** One read and one batched write per intake; everything else ignored. */
export function floorApp(_options: AppOptions = {}): ApplicationFunction {
  return (app) => {
    // The app's bot login, as support-triage learns it: GET /app once, as the app.
    let login: Promise<string> | null = null;
    const appLogin = (): Promise<string> =>
      (login ??= app
        .auth()
        .then((gh) => gh.request("GET /app"))
        .then(({ data }) => `${(data as { slug: string }).slug}[bot]`.toLowerCase())
        .catch((err: unknown) => {
          login = null;
          throw err;
        }));

    app.on([...ITEM_EVENTS], async (context) => {
      const p = context.payload as Payload;
      const sender = typeof p.sender?.login === "string" ? p.sender.login.toLowerCase() : null;
      if (sender !== null && sender === (await appLogin())) return;
      const discussion = context.name === "discussion";
      if (!(discussion ? p.action === "created" : context.name === "issues" && p.action === "opened")) return;
      const owner = p.repository?.owner?.login;
      const name = p.repository?.name;
      const number = discussion ? p.discussion?.number : p.issue?.number;
      if (typeof owner !== "string" || typeof name !== "string" || typeof number !== "number") return;
      const read = await context.octokit.graphql<FloorRead>(discussion ? FLOOR_READ_DISCUSSION : FLOOR_READ_ISSUE, { owner, name, number });
      const item = discussion ? read.repository?.discussion : read.repository?.issue;
      const label = read.repository?.labels.nodes.find((l) => l.name === FLOOR_LABEL);
      if (!item || !label || item.labels.nodes.some((l) => l.name === FLOOR_LABEL)) return;
      await context.octokit.graphql(discussion ? FLOOR_WRITE_DISCUSSION : FLOOR_WRITE_ISSUE, { id: item.id, labelIds: [label.id], body: FLOOR_COMMENT });
    });
  };
}
