/**
 * Builders for GraphQL answers (as GitHub shapes them) and webhook payloads (adapted from
 * @octokit/webhooks-examples) used by the Probot + nock tests.
 */
import { readFileSync } from "node:fs";
import { example } from "../helpers/examples.js";

export const FORM = readFileSync(new URL("../../.github/ISSUE_TEMPLATE/support.yml", import.meta.url), "utf8");
export const DISCUSSION_FORM = readFileSync(new URL("../../.github/DISCUSSION_TEMPLATE/support.yml", import.meta.url), "utf8");

export const REPO_LABELS = ["P1", "P2", "P3", "P4", "production", "security", "escalated", "plan: standard", "plan: business", "plan: enterprise"].map(
  (name, i) => ({ id: `LA_${i}`, name }),
);
export const labelId = (name: string): string => {
  const l = REPO_LABELS.find((x) => x.name === name);
  if (!l) throw new Error(`no label ${name}`);
  return l.id;
};

export function formBody(priority: string, environment: string, description = "It is broken."): string {
  return `### Priority\n\n${priority}\n\n### Environment\n\n${environment}\n\n### Description\n\n${description}\n\n### Relevant log output\n\n_No response_`;
}

export interface NodeOptions {
  number?: number;
  body?: string;
  author?: string;
  createdAt?: string;
  labels?: string[];
  comments?: Array<{ id: string; body: string; author: string; bot?: boolean; association?: string; createdAt: string }>;
  timeline?: Array<{ label: string; actor: string; createdAt: string; added?: boolean; bot?: boolean }>;
  closed?: boolean;
}

const actor = (login: string, bot = false) =>
  bot ? { login: login.replace(/\[bot\]$/, ""), __typename: "Bot" } : { login, __typename: "User" };

export function issueNode(o: NodeOptions = {}) {
  const number = o.number ?? 1;
  return {
    __typename: "Issue",
    id: `I_${number}`,
    number,
    title: "Database is slow",
    body: o.body ?? "",
    url: `https://github.com/acme/support/issues/${number}`,
    createdAt: o.createdAt ?? "2026-12-01T17:00:00Z",
    state: o.closed ? "CLOSED" : "OPEN",
    author: actor(o.author ?? "octo-customer"),
    authorAssociation: "NONE",
    repository: { nameWithOwner: "acme/support" },
    labels: { nodes: (o.labels ?? []).map((n) => ({ id: labelId(n), name: n })) },
    assignees: { nodes: [] },
    comments: {
      totalCount: (o.comments ?? []).length,
      nodes: (o.comments ?? []).map((c) => ({
        id: c.id,
        body: c.body,
        createdAt: c.createdAt,
        authorAssociation: c.association ?? (c.bot ? "NONE" : "MEMBER"),
        author: actor(c.author, c.bot),
      })),
    },
    timelineItems: {
      nodes: (o.timeline ?? []).map((t) => ({
        __typename: t.added === false ? "UnlabeledEvent" : "LabeledEvent",
        createdAt: t.createdAt,
        actor: actor(t.actor, t.bot),
        label: { name: t.label },
      })),
    },
  };
}

export function discussionNode(o: NodeOptions = {}) {
  const n = issueNode(o);
  return {
    __typename: "Discussion",
    id: `D_${n.number}`,
    number: n.number,
    title: n.title,
    body: n.body,
    url: `https://github.com/acme/support/discussions/${n.number}`,
    createdAt: n.createdAt,
    closed: o.closed ?? false,
    author: n.author,
    authorAssociation: "NONE",
    repository: n.repository,
    category: { slug: "support" },
    labels: n.labels,
    comments: { totalCount: n.comments.totalCount, nodes: n.comments.nodes.map((c) => ({ ...c, replies: { nodes: [] } })) },
  };
}

export function repoAnswer(config: string | null, extra: Record<string, unknown>) {
  return {
    repository: {
      id: "R_1",
      labels: { totalCount: REPO_LABELS.length, nodes: REPO_LABELS },
      config: config === null ? null : { __typename: "Blob", text: config },
      ...extra,
    },
  };
}

export const issueTemplates = () => ({
  __typename: "Tree",
  entries: [
    { name: "config.yml", object: { __typename: "Blob", text: "blank_issues_enabled: false\n" } },
    { name: "support.yml", object: { __typename: "Blob", text: FORM } },
  ],
});

const ACME = { login: "acme", id: 1, node_id: "O_1", type: "Organization" };

function adapt(p: Record<string, unknown>, sender: string, senderType = "User") {
  const repo = p.repository as Record<string, unknown>;
  p.repository = { ...repo, name: "support", full_name: "acme/support", owner: { ...(repo.owner as object), ...ACME } };
  p.sender = { ...(p.sender as object), login: sender, type: senderType };
  p.installation = { id: 1, node_id: "IN_1" };
  return p;
}

export function issuePayload(action: string, o: { number?: number; author?: string; sender?: string; senderType?: string; label?: string; body?: string; bodyChanged?: boolean; pr?: boolean } = {}) {
  const p = example("issues", action === "opened" || action === "edited" || action === "labeled" || action === "unlabeled" || action === "reopened" ? action : "opened");
  p.action = action;
  const issue = p.issue as Record<string, unknown>;
  issue.number = o.number ?? 1;
  issue.user = { ...(issue.user as object), login: o.author ?? "octo-customer", type: "User" };
  issue.body = o.body ?? "";
  if (o.label) p.label = { id: 1, node_id: labelId(o.label), name: o.label, color: "ededed", default: false, description: "" };
  if (action === "edited") p.changes = o.bodyChanged === false ? { title: { from: "x" } } : { body: { from: "old" } };
  return adapt(p, o.sender ?? o.author ?? "octo-customer", o.senderType);
}

export function commentPayload(o: { number?: number; author: string; association: string; body?: string; createdAt: string; pr?: boolean; bot?: boolean }) {
  const p = example("issue_comment", "created");
  const issue = p.issue as Record<string, unknown>;
  issue.number = o.number ?? 1;
  issue.user = { ...(issue.user as object), login: "octo-customer" };
  if (o.pr) issue.pull_request = { url: "https://api.github.com/repos/acme/support/pulls/1" };
  else delete issue.pull_request;
  const c = p.comment as Record<string, unknown>;
  c.node_id = "IC_new";
  c.user = { ...(c.user as object), login: o.author, type: o.bot ? "Bot" : "User" };
  c.author_association = o.association;
  c.body = o.body ?? "On it.";
  c.created_at = o.createdAt;
  return adapt(p, o.author, o.bot ? "Bot" : "User");
}

export function discussionPayload(
  action: string,
  o: { number?: number; author?: string; sender?: string; senderType?: string; label?: string; body?: string; bodyChanged?: boolean } = {},
) {
  const p = example("discussion", action === "labeled" || action === "unlabeled" || action === "edited" ? action : "created");
  p.action = action;
  const d = p.discussion as Record<string, unknown>;
  d.number = o.number ?? 2;
  d.user = { ...(d.user as object), login: o.author ?? "octo-customer" };
  d.body = o.body ?? "";
  d.category = { ...(d.category as object), slug: "support", name: "Support" };
  delete d.labels;
  if (o.label) p.label = { id: 1, node_id: labelId(o.label), name: o.label, color: "ededed", default: false, description: "" };
  if (action === "edited") p.changes = o.bodyChanged === false ? { title: { from: "x" } } : { body: { from: "old" } };
  return adapt(p, o.sender ?? o.author ?? "octo-customer", o.senderType);
}

/**
 * A tiny GitHub for multi-step tests: the item as it is after the app's recorded writes
 * (labels added and removed, with timeline events by the app; comments posted and edited),
 * so the next delivery reads back exactly what the app wrote, marker included.
 */
export function afterWrites(node: NodeOptions, requests: readonly { query: string; variables: Record<string, unknown> }[], at: string): NodeOptions {
  let labels = [...(node.labels ?? [])];
  const timeline = [...(node.timeline ?? [])];
  const comments = [...(node.comments ?? [])];
  const nameOf = (id: string) => REPO_LABELS.find((l) => l.id === id)?.name ?? id;
  for (const r of requests) {
    if (!r.query.startsWith("mutation")) continue;
    for (const m of r.query.matchAll(/(m\d+): (\w+)\(/g)) {
      const input = r.variables[m[1] ?? ""] as Record<string, unknown>;
      switch (m[2]) {
        case "addLabelsToLabelable":
          for (const name of (input.labelIds as string[]).map(nameOf)) {
            if (!labels.includes(name)) labels.push(name);
            timeline.push({ label: name, actor: "support-triage[bot]", bot: true, createdAt: at });
          }
          break;
        case "removeLabelsFromLabelable":
          for (const name of (input.labelIds as string[]).map(nameOf)) {
            labels = labels.filter((l) => l !== name);
            timeline.push({ label: name, actor: "support-triage[bot]", bot: true, createdAt: at, added: false });
          }
          break;
        case "addComment":
        case "addDiscussionComment":
          comments.push({ id: `C_${comments.length + 1}`, body: String(input.body), author: "support-triage[bot]", bot: true, createdAt: at });
          break;
        case "updateIssueComment":
        case "updateDiscussionComment": {
          const id = String(input.id ?? input.commentId);
          const i = comments.findIndex((c) => c.id === id);
          const old = comments[i];
          if (old) comments[i] = { ...old, body: String(input.body) };
          break;
        }
      }
    }
  }
  return { ...node, labels, timeline, comments };
}

/** A person adds (or removes) a label: the item's labels and timeline change as GitHub's would. */
export function humanLabel(node: NodeOptions, label: string, by: string, at: string, added = true): NodeOptions {
  const labels = added ? [...new Set([...(node.labels ?? []), label])] : (node.labels ?? []).filter((l) => l !== label);
  return { ...node, labels, timeline: [...(node.timeline ?? []), { label, actor: by, createdAt: at, added }] };
}
