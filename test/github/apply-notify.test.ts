/**
 * applyActions with notifications: GitHub writes first, then the POSTs; a failed POST
 * writes nothing more, fails nothing and is logged naming the endpoint host; a delivery is
 * recorded with one edit of the target comment's marker.
 */
import { describe, expect, it } from "vitest";
import { applyActions, describeAction, type NotifyLog, type RepoLabels } from "../../src/github/apply.js";
import type { GitHubClient } from "../../src/github/client.js";
import { NotificationError, type WebhookSender } from "../../src/github/webhook.js";
import { parseMarker } from "../../src/triage/marker.js";
import { planItem } from "../../src/triage/planner.js";
import type { Action, Item, OutgoingNotification } from "../../src/triage/types.js";
import { anIssue, app, applyPlan, cfg, input, ms, sweep, targetComments } from "../triage/helpers.js";

interface Call {
  query: string;
  variables: Record<string, unknown>;
}

/** A GitHub that answers every mutation, giving created comments ids, and records the calls. */
function fakeGitHub(fail = false): GitHubClient & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    graphql: (async (query: string, variables: Record<string, unknown> = {}) => {
      calls.push({ query, variables });
      if (fail) throw Object.assign(new Error("Bad gateway"), { status: 502 });
      const answer: Record<string, unknown> = {};
      for (const m of query.matchAll(/(m\d+): (\w+)\(/g)) {
        const key = m[1] ?? "";
        if (m[2] === "addComment") answer[key] = { commentEdge: { node: { id: `IC_new_${key}` } } };
        else if (m[2] === "addDiscussionComment") answer[key] = { comment: { id: `DC_new_${key}` } };
        else answer[key] = { clientMutationId: null };
      }
      return answer;
    }) as GitHubClient["graphql"],
    request: async () => ({ status: 200, data: {}, headers: {} }),
  };
}

const LABELS: RepoLabels = {
  repositoryId: "R_1",
  ids: new Map(["p1", "p2", "p3", "p4", "production", "security", "escalated"].map((n, i) => [n, `LA_${i}`])),
  total: 7,
};
const labels = (): RepoLabels => ({ ...LABELS, ids: new Map(LABELS.ids) });

function recordingLog(): NotifyLog & { warns: Array<{ obj: object; msg: string }>; infos: Array<{ obj: object; msg: string }> } {
  const warns: Array<{ obj: object; msg: string }> = [];
  const infos: Array<{ obj: object; msg: string }> = [];
  return { warns, infos, warn: (obj, msg = "") => void warns.push({ obj, msg }), info: (obj, msg = "") => void infos.push({ obj, msg }) };
}

function sender(outcome: "ok" | "down" | "boom"): WebhookSender & { sent: OutgoingNotification[] } {
  const sent: OutgoingNotification[] = [];
  const fn: WebhookSender = async (_target, n) => {
    sent.push(n);
    if (outcome === "down") throw new NotificationError("hooks.example.com", "connection refused (2 tries)", true);
    if (outcome === "boom") throw new TypeError("unexpected");
  };
  return Object.assign(fn, { sent });
}

const config = cfg({
  plan: "business",
  escalation: { contacts: [], assignees: [], webhooks: [{ name: "json", format: "json", url: "https://hooks.example.com/support", url_env: null, secret_env: null }], warn_at: null },
});
const NOW = ms("2026-12-01T11:30:00.000-08:00");
const fresh = (): Item => anIssue({ labels: ["P1", "production"] });
const isMutation = (c: Call) => c.query.startsWith("mutation");
const fields = (c: Call) => [...c.query.matchAll(/m\d+: (\w+)\(/g)].map((m) => m[1]);

/** The item escalated with its notification still pending (the receiver was down). */
function pendingItem(): Item {
  const item = fresh();
  return applyPlan(item, planItem(input({ item, trigger: sweep, now: NOW, config })), NOW, app, { deliver: false }).item;
}

describe("applyActions and notifications", () => {
  it("a receiver that is down: the escalation is written once, nothing else is written, nothing throws, the log names the host", async () => {
    const gh = fakeGitHub();
    const log = recordingLog();
    const send = sender("down");
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config }));
    const r = await applyActions(gh, fresh(), labels(), plan.actions, { sendWebhook: send, log });
    expect(gh.calls.filter(isMutation)).toHaveLength(1);
    expect(r.writeRequests).toBe(1);
    expect(send.sent).toHaveLength(1);
    expect(log.warns).toHaveLength(1);
    const w = log.warns[0]!;
    expect(w.obj).toMatchObject({ event: "support-triage.notify-failed", host: "hooks.example.com", notification: "json", number: 1, repo: "acme/support" });
    expect(w.msg).toContain("to hooks.example.com was not delivered: connection refused (2 tries)");
    expect(w.msg).toContain("will be re-sent by the next sweep");
    expect(w.msg).not.toMatch(/GitHub (request )?failed|re-planning/);
    // The marker written with the escalation says pending.
    const created = String((gh.calls[0]?.variables as Record<string, { body?: string }>)[`m${fields(gh.calls[0]!).lastIndexOf("addComment")}`]?.body);
    expect(parseMarker(created)?.notifiedAt).toEqual({ json: null });
  });

  it("an unexpected error from the sender is contained the same way", async () => {
    const gh = fakeGitHub();
    const log = recordingLog();
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config }));
    await expect(applyActions(gh, fresh(), labels(), plan.actions, { sendWebhook: sender("boom"), log })).resolves.toBeDefined();
    expect(gh.calls.filter(isMutation)).toHaveLength(1);
    expect(log.warns[0]?.msg).toContain("unexpected");
  });

  it("a delivered notification is recorded in the target comment created by the same plan (its id from GitHub's answer)", async () => {
    const gh = fakeGitHub();
    const log = recordingLog();
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config }));
    const r = await applyActions(gh, fresh(), labels(), plan.actions, { sendWebhook: sender("ok"), log });
    const mutations = gh.calls.filter(isMutation);
    expect(mutations).toHaveLength(2);
    expect(r.writeRequests).toBe(2);
    const first = mutations[0]!;
    const targetKey = `m${fields(first).lastIndexOf("addComment")}`;
    const createdBody = String((first.variables[targetKey] as { body: string }).body);
    expect(fields(mutations[1]!)).toEqual(["updateIssueComment"]);
    const update = mutations[1]!.variables.m0 as { id: string; body: string };
    expect(update.id).toBe(`IC_new_${targetKey}`);
    expect(parseMarker(update.body)?.notifiedAt).toEqual({ json: "2026-12-01T11:30:00.000-08:00" });
    // Only the marker changed.
    expect(update.body.split("<!-- support-triage:target")[0]).toBe(createdBody.split("<!-- support-triage:target")[0]);
    expect(log.infos.map((i) => (i.obj as { event: string }).event)).toEqual(["support-triage.notified"]);
  });

  it("a re-send: nothing is written while the receiver is down, one edit once it is back", async () => {
    const item = pendingItem();
    const plan = planItem(input({ item, trigger: sweep, now: NOW + 600_000, config }));
    expect(plan.actions.map((a) => a.type)).toEqual(["sendWebhook"]);

    const down = fakeGitHub();
    const r1 = await applyActions(down, item, labels(), plan.actions, { sendWebhook: sender("down"), log: recordingLog() });
    expect(down.calls).toEqual([]);
    expect(r1.writeRequests).toBe(0);

    const up = fakeGitHub();
    const r2 = await applyActions(up, item, labels(), plan.actions, { sendWebhook: sender("ok"), log: recordingLog() });
    expect(r2.writeRequests).toBe(1);
    expect(up.calls).toHaveLength(1);
    const update = up.calls[0]!.variables.m0 as { id: string; body: string };
    expect(update.id).toBe(targetComments(item)[0]?.id);
    expect(parseMarker(update.body)?.notifiedAt).toEqual({ json: "2026-12-01T11:40:00.000-08:00" });
  });

  it("sends nothing when GitHub did not take the escalation (the replan will)", async () => {
    const send = sender("ok");
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config }));
    await expect(applyActions(fakeGitHub(true), fresh(), labels(), plan.actions, { sendWebhook: send, log: recordingLog() })).rejects.toThrow("Bad gateway");
    expect(send.sent).toEqual([]);
  });

  it("sends nothing in a dry run", async () => {
    const send = sender("ok");
    const gh = fakeGitHub();
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config }));
    const r = await applyActions(gh, fresh(), labels(), plan.actions, { sendWebhook: send, dryRun: true });
    expect(send.sent).toEqual([]);
    expect(gh.calls).toEqual([]);
    expect(r.summary.filter((s) => s.startsWith("sendWebhook"))).toEqual(["sendWebhook json (json) to https://hooks.example.com/support"]);
  });

  it("never shows a URL from the environment in the action summary", () => {
    const slack = cfg({
      plan: "business",
      escalation: { contacts: [], assignees: [], webhooks: [{ name: "slack", format: "slack", url: null, url_env: "SLACK_URL", secret_env: null }], warn_at: null },
    });
    const plan = planItem(input({ item: fresh(), trigger: sweep, now: NOW, config: slack }));
    const a = plan.actions.find((x): x is Extract<Action, { type: "sendWebhook" }> => x.type === "sendWebhook");
    expect(a?.notification.target).toBe("$SLACK_URL");
    expect(a && describeAction(a)).toBe("sendWebhook slack (slack) to $SLACK_URL");
  });
});
