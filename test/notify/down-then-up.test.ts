/**
 * Done when: "a notification endpoint that is down, then up, receives exactly one POST per
 * escalation once it is back".
 *
 * The real item pipeline — sweepRepository → processItem (read inside the lock, plan,
 * apply) → the real sender — against a GitHub answered by nock (a small stateful model:
 * what the app writes is what the next read returns) and a real HTTP receiver on
 * 127.0.0.1 that is down during the escalation (connection refused, or answering 503)
 * and up later. Loopback needs the SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS=1 opt-in.
 */
import { createHmac } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebhookSender } from "../../src/github/webhook.js";
import { createServices, type Logger } from "../../src/handlers/services.js";
import { sweepRepository } from "../../src/handlers/sweep.js";
import { parseMarker, renderMarker } from "../../src/triage/marker.js";
import { issueNode, issueTemplates, REPO_LABELS, repoAnswer, type NodeOptions } from "../app/builders.js";
import { API, client, fileAnswer } from "../helpers/octokit.js";
import { Receiver } from "./receiver.js";

const SECRET = "notify-test-secret";
const ENV = { SUPPORT_TRIAGE_ALLOW_PRIVATE_URLS: "1", NOTIFY_TEST_SECRET: SECRET };
const BOT = "support-triage[bot]";

interface Line {
  level: "info" | "warn" | "error" | "debug";
  obj: Record<string, unknown>;
  msg: string;
}
const lines: Line[] = [];
const log: Logger = {
  info: (obj, msg = "") => void lines.push({ level: "info", obj: obj as Record<string, unknown>, msg }),
  warn: (obj, msg = "") => void lines.push({ level: "warn", obj: obj as Record<string, unknown>, msg }),
  error: (obj, msg = "") => void lines.push({ level: "error", obj: obj as Record<string, unknown>, msg }),
  debug: () => {},
};
const events = (name: string) => lines.filter((l) => l.obj.event === name);

/** A small GitHub: the issues as the app's writes left them. */
class Model {
  readonly items = new Map<number, NodeOptions>();
  mutations: string[][] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  add(number: number, o: NodeOptions): void {
    this.items.set(number, { number, ...o });
  }

  answer(query: string, variables: Record<string, unknown>, config: string): unknown {
    if (query.includes("query SweepSearch")) {
      const data: Record<string, unknown> = {};
      for (let i = 0; `t${i}` in variables; i++) {
        const issues = variables[`t${i}`] === "ISSUE" ? [...this.items.values()].map((o) => issueNode(o)) : [];
        data[`s${i}`] = { issueCount: issues.length, discussionCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: issues };
      }
      return data;
    }
    if (query.includes("query ReadIssue")) {
      const o = this.items.get(Number(variables.number));
      return repoAnswer(config, { templates: issueTemplates(), issue: o ? issueNode(o) : null });
    }
    if (query.includes("query ReadRepository")) return repoAnswer(config, {});
    if (query.includes("query SweepRead")) {
      // The sweep's batched read: the issues by node id, with the repository around them.
      const repo = (repoAnswer(config, { templates: issueTemplates() }) as { repository: unknown }).repository;
      const nodes = (variables.ids as string[]).map((id) => {
        const o = this.items.get(Number(id.replace(/^I_/, "")));
        return o ? issueNode(o) : null;
      });
      return { repository: repo, nodes };
    }
    if (query.startsWith("mutation")) return this.write(query, variables);
    throw new Error(`unexpected GraphQL: ${query.slice(0, 60)}`);
  }

  private write(query: string, variables: Record<string, unknown>): unknown {
    const at = new Date(this.now()).toISOString();
    const answer: Record<string, unknown> = {};
    const fields: string[] = [];
    const nameOf = (id: string) => REPO_LABELS.find((l) => l.id === id)?.name ?? id;
    const byNode = (id: unknown) => this.items.get(Number(String(id).replace(/^I_/, "")));
    for (const m of query.matchAll(/(m\d+): (\w+)\(/g)) {
      const key = m[1] ?? "";
      const field = m[2] ?? "";
      fields.push(field);
      const input = variables[key] as Record<string, unknown>;
      switch (field) {
        case "addLabelsToLabelable": {
          const o = byNode(input.labelableId)!;
          o.labels = [...new Set([...(o.labels ?? []), ...(input.labelIds as string[]).map(nameOf)])];
          o.timeline = [...(o.timeline ?? []), ...(input.labelIds as string[]).map((id) => ({ label: nameOf(id), actor: BOT, bot: true, createdAt: at }))];
          answer[key] = { clientMutationId: null };
          break;
        }
        case "removeLabelsFromLabelable": {
          const o = byNode(input.labelableId)!;
          o.labels = (o.labels ?? []).filter((l) => !(input.labelIds as string[]).map(nameOf).includes(l));
          answer[key] = { clientMutationId: null };
          break;
        }
        case "addComment": {
          const o = byNode(input.subjectId)!;
          const id = `IC_${++this.seq}`;
          o.comments = [...(o.comments ?? []), { id, body: String(input.body), author: BOT, bot: true, createdAt: at }];
          answer[key] = { commentEdge: { node: { id } } };
          break;
        }
        case "updateIssueComment": {
          for (const o of this.items.values()) {
            const c = (o.comments ?? []).find((x) => x.id === input.id);
            if (c) c.body = String(input.body);
          }
          answer[key] = { issueComment: { id: input.id } };
          break;
        }
        default:
          throw new Error(`unexpected mutation ${field}`);
      }
    }
    this.mutations.push(fields);
    return answer;
  }

  comments(number: number, kind: "target" | "escalation") {
    const o = this.items.get(number)!;
    return (o.comments ?? []).filter((c) => c.bot && (kind === "target" ? c.body.includes("support-triage:target") : c.body.includes("<!-- support-triage:escalation")));
  }

  marker(number: number) {
    return parseMarker(this.comments(number, "target")[0]?.body ?? "");
  }
}

const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(() => {
  nock.enableNetConnect();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let rx: Receiver;
beforeEach(async () => {
  lines.length = 0;
  rx = await new Receiver().start();
});
afterEach(async () => {
  nock.cleanAll();
  await rx.stop();
});

/** Two P-labelled business items, opened 09:00 PST, each with its target comment; both overdue by 14:00. */
function seed(model: Model): void {
  const target = (priority: "P1" | "P2", dueAt: string) =>
    `**Response target**\n\n${renderMarker({ priority, plan: "business", dueAt, source: "label", setBy: "carol" })}`;
  model.add(1, {
    labels: ["P1", "production", "plan: business"],
    comments: [{ id: "IC_T1", body: target("P1", "2026-12-01T10:00:00.000-08:00"), author: BOT, bot: true, createdAt: "2026-12-01T17:00:05Z" }],
    timeline: [{ label: "P1", actor: "carol", createdAt: "2026-12-01T17:00:00Z" }],
  });
  model.add(2, {
    labels: ["P2", "production", "plan: business"],
    comments: [{ id: "IC_T2", body: target("P2", "2026-12-01T13:00:00.000-08:00"), author: BOT, bot: true, createdAt: "2026-12-01T17:00:05Z" }],
    timeline: [{ label: "P2", actor: "carol", createdAt: "2026-12-01T17:00:00Z" }],
  });
}

describe.each([
  ["connection refused", "refused"],
  ["503 answers", "failing"],
] as const)("an endpoint that is down (%s) during the escalation, then up", (_what, downMode) => {
  it("receives exactly one POST per escalation once it is back, with the idempotency id; the marker says delivered; later sweeps send nothing", async () => {
    let now = Date.parse("2026-12-01T22:00:00Z"); // 14:00 PST
    const model = new Model(() => now);
    seed(model);
    const config = `plan: business\nescalation:\n  contacts: ["@acme/support-leads"]\n  webhook:\n    url: ${rx.url}\n    secret_env: NOTIFY_TEST_SECRET\n`;
    nock(API).persist().get("/repos/acme/support/contents/.github%2Fsupport-triage.yml").reply(200, fileAnswer(config));
    nock(API)
      .persist()
      .post("/graphql")
      .reply(200, (_u, body) => {
        const b = body as { query: string; variables: Record<string, unknown> };
        return { data: model.answer(b.query, b.variables ?? {}, config) };
      });
    const services = createServices({
      now: () => now,
      appLogin: async () => BOT,
      // The production sender, with short waits between its own two tries.
      sendWebhook: createWebhookSender({ baseDelayMs: 5 }),
    });
    const sweep = () => sweepRepository(client(), services, { owner: "acme", repo: "support" }, log, { remaining: Infinity });

    if (downMode === "refused") await rx.down();
    else rx.mode = "failing";

    // 1. Both items escalate while the endpoint is down.
    const first = await sweep();
    expect(first).toMatchObject({ escalated: 2, error: null, failedItems: 0 });
    for (const n of [1, 2]) {
      expect(model.comments(n, "escalation")).toHaveLength(1);
      expect(model.items.get(n)?.labels).toContain("escalated");
      expect(model.marker(n)).toMatchObject({ escalatedAt: "2026-12-01T14:00:00.000-08:00", notifiedAt: { json: null } });
    }
    // One GitHub write per item, nothing re-tried on GitHub's side because of the endpoint.
    expect(model.mutations).toHaveLength(2);
    expect(events("support-triage.retry")).toEqual([]);
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    const failed = events("support-triage.notify-failed");
    expect(failed.map((l) => l.obj.number).sort()).toEqual([1, 2]);
    for (const l of failed) {
      expect(l.level).toBe("warn");
      expect(l.obj.host).toBe(`127.0.0.1:${rx.port}`);
      expect(l.msg).toContain(`to 127.0.0.1:${rx.port} was not delivered`);
      expect(l.msg).toContain("will be re-sent by the next sweep");
      expect(l.msg).not.toMatch(/GitHub (request )?failed/);
    }
    const triedIds = new Set(failed.map((l) => l.obj.deliveryId));
    expect(triedIds.size).toBe(2);
    expect(rx.accepted).toEqual([]);

    // 2. Still down ten minutes later: sent again, nothing written to GitHub.
    now += 10 * 60_000;
    const second = await sweep();
    expect(second).toMatchObject({ escalated: 0, failedItems: 0 });
    expect(model.mutations).toHaveLength(2);
    expect(events("support-triage.notify-failed")).toHaveLength(4);
    expect(rx.accepted).toEqual([]);
    if (downMode === "failing") {
      // The 503s were real POSTs with the same ids each time (2 tries per send, 2 sweeps).
      expect(rx.requests).toHaveLength(8);
      expect(new Set(rx.requests.map((r) => r.headers["x-support-triage-delivery"]))).toEqual(triedIds);
    }

    // 3. Back up: exactly one accepted POST per escalation, then recorded.
    await rx.up();
    now += 10 * 60_000;
    const before = rx.requests.length;
    await sweep();
    expect(rx.accepted).toHaveLength(2);
    expect(rx.requests.length - before).toBe(2);
    const byNumber = new Map(rx.accepted.map((r) => [JSON.parse(r.body).number as number, r]));
    expect([...byNumber.keys()].sort()).toEqual([1, 2]);
    for (const [n, r] of byNumber) {
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ event: "support_triage.escalated", repository: "acme/support", kind: "issue", number: n, escalatedAt: "2026-12-01T14:00:00.000-08:00" });
      expect(r.headers["x-support-triage-delivery"]).toBe(body.deliveryId);
      expect(r.headers["idempotency-key"]).toBe(body.deliveryId);
      expect(triedIds.has(body.deliveryId)).toBe(true);
      expect(r.headers["x-support-triage-signature-256"]).toBe(`sha256=${createHmac("sha256", SECRET).update(r.body).digest("hex")}`);
      expect(model.marker(n)?.notifiedAt).toEqual({ json: "2026-12-01T14:20:00.000-08:00" });
      expect(model.comments(n, "escalation")).toHaveLength(1);
    }
    // The record: one edit of each target comment.
    expect(model.mutations.slice(2)).toEqual([["updateIssueComment"], ["updateIssueComment"]]);
    expect(events("support-triage.notified")).toHaveLength(2);

    // 4. Later sweeps send nothing and write nothing.
    now += 10 * 60_000;
    await sweep();
    now += 60 * 60_000;
    await sweep();
    expect(rx.accepted).toHaveLength(2);
    expect(rx.requests.length - before).toBe(2);
    expect(model.mutations).toHaveLength(4);
    for (const n of [1, 2]) expect(model.comments(n, "escalation")).toHaveLength(1);
  });
});
