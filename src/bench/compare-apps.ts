/**
 * The comparison bench's reference apps (src/bench/compare.ts). Each is a Probot app
 * function loaded by the same `startServer` as support-triage (src/server.ts: the Probot
 * `Server`, signature verification, the one Octokit stack of src/github/octokit.ts), so
 * what the comparison shows is the cost of the app's own code and nothing else:
 *
 * - **bare**: `app.onAny(() => {})` and nothing else — what Probot charges for a delivery
 *   (verify, parse, the event's Octokit and logger, the handler call) before any app code.
 * - **floor**: the least any triage app can do. For each intake (`issues.opened`,
 *   `discussion.created`) exactly one GraphQL read (the label to add, by name; the item's
 *   node id comes with the delivery) and one GraphQL write (`addLabelsToLabelable` and the
 *   comment, batched in one mutation document), fixed documents built by the app's own
 *   src/github/queries.ts. It listens to
 *   the same events as support-triage and ignores what its own bot sent (the echoes of its
 *   writes) by sender, as support-triage does, and every other event after that.
 */
import type { ApplicationFunction } from "probot";
import type { AppOptions } from "../app.js";
import { batchMutation, labelLookupQuery, MUTATIONS } from "../github/queries.js";
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

/**
 * The floor's read: the label to add, by name — `labelLookupQuery(1)` from
 * src/github/queries.ts, where every GraphQL document of src/ lives (checked against
 * GitHub's schema). The item's node id comes with the delivery.
 */
export const FLOOR_READ = labelLookupQuery(1);

/** The floor's write: the label and the comment in one mutation document (the app's `batchMutation`). */
export function floorWrite(kind: "issue" | "discussion", itemId: string, labelId: string): { query: string; variables: Record<string, unknown> } {
  return batchMutation([
    MUTATIONS.addLabels(itemId, [labelId]),
    kind === "issue" ? MUTATIONS.addIssueComment(itemId, FLOOR_COMMENT) : MUTATIONS.addDiscussionComment(itemId, FLOOR_COMMENT),
  ]);
}

interface FloorRead {
  repository: { l0?: { id: string; name: string } | null } | null;
}

interface Payload {
  action?: unknown;
  sender?: { login?: unknown } | null;
  repository?: { name?: unknown; owner?: { login?: unknown } | null } | null;
  issue?: { node_id?: unknown } | null;
  discussion?: { node_id?: unknown } | null;
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
      const itemId = discussion ? p.discussion?.node_id : p.issue?.node_id;
      if (typeof owner !== "string" || typeof name !== "string" || typeof itemId !== "string") return;
      const read = await context.octokit.graphql<FloorRead>(FLOOR_READ, { owner, name, n0: FLOOR_LABEL });
      const label = read.repository?.l0;
      if (!label) return;
      const write = floorWrite(discussion ? "discussion" : "issue", itemId, label.id);
      await context.octokit.graphql(write.query, write.variables);
    });
  };
}
