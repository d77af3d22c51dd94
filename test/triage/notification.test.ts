/** Idempotency ids and the notification bodies (generic JSON, Slack, Teams), with hostile titles. */
import { describe, expect, it } from "vitest";
import type { EscalationWebhookConfig } from "../../src/config/types.js";
import { escalationPayload, type EscalationPayload } from "../../src/triage/escalation.js";
import { buildNotification, deliveryId, slackBody, teamsBody } from "../../src/triage/notification.js";
import { computeTarget } from "../../src/triage/target.js";
import { anIssue, cfg, ms, MIN } from "./helpers.js";

const config = cfg({ plan: "business" });
const HOSTILE = "<!channel> <!here> @here @channel <@U024BE7LH> <!subteam^S123> *bold* _it_ `code` [x](https://evil.example) <b>hi</b> <at>General</at> &amp; ​@everyone\nsecond line";

function payload(title: string, o: Partial<EscalationPayload> = {}): EscalationPayload {
  const item = anIssue({ title, number: 12 });
  const target = computeTarget(config, "business", "P1", ms(item.createdAt));
  return { ...escalationPayload(config, item, target, target.dueMs + 90 * MIN), ...o };
}

const hook = (o: Partial<EscalationWebhookConfig> = {}): EscalationWebhookConfig => ({
  name: "json",
  format: "json",
  url: "https://hooks.example.com/support",
  url_env: null,
  secret_env: null,
  ...o,
});

/** Every string in a JSON value, with its path. */
function strings(v: unknown, path = "$"): Array<[string, string]> {
  if (typeof v === "string") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => strings(x, `${path}.${k}`));
  return [];
}

describe("deliveryId", () => {
  const base = { repository: "acme/support", kind: "issue", number: 12, dueAt: "2026-12-01T10:00:00.000-08:00", name: "json" };

  it("is a UUID-shaped id that is the same on every call, every re-send and every replica", () => {
    const id = deliveryId(base);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryId({ ...base })).toBe(id);
    // The same due instant written in another zone, and the repository in other case.
    expect(deliveryId({ ...base, dueAt: "2026-12-01T18:00:00.000Z", repository: "Acme/Support" })).toBe(id);
    // Pinned: a change here changes every receiver's duplicate detection.
    expect(id).toBe(deliveryId({ repository: "acme/support", kind: "issue", number: 12, dueAt: "2026-12-01T10:00:00-08:00", name: "json" }));
  });

  it("differs per repository, kind, number, missed due time and notification", () => {
    const id = deliveryId(base);
    const others = [
      deliveryId({ ...base, repository: "acme/other" }),
      deliveryId({ ...base, kind: "discussion" }),
      deliveryId({ ...base, number: 13 }),
      deliveryId({ ...base, dueAt: "2026-12-01T11:00:00.000-08:00" }),
      deliveryId({ ...base, name: "slack" }),
    ];
    expect(new Set([id, ...others]).size).toBe(6);
  });

  it("does not depend on when the notification is built (escalation time, re-send time)", () => {
    const p1 = payload("x");
    const p2 = payload("x", { escalatedAt: "2026-12-01T12:00:00.000-08:00", lateByMs: 120 * MIN });
    expect(buildNotification(config, hook(), p1).deliveryId).toBe(buildNotification(config, hook(), p2).deliveryId);
  });
});

describe("the generic JSON body", () => {
  it("is the escalation payload with the delivery id, the title raw (machines read it)", () => {
    const p = payload(HOSTILE);
    const n = buildNotification(config, hook({ secret_env: "S" }), p);
    expect(n).toMatchObject({ name: "json", format: "json", url: "https://hooks.example.com/support", urlEnv: null, secretEnv: "S", target: "https://hooks.example.com/support" });
    expect(n.body).toEqual({ ...p, deliveryId: n.deliveryId });
    expect((n.body as { title: string }).title).toBe(HOSTILE);
  });

  it("names a URL from the environment by its variable, never its value", () => {
    const n = buildNotification(config, hook({ name: "slack", format: "slack", url: null, url_env: "SLACK_URL" }), payload("t"));
    expect(n.target).toBe("$SLACK_URL");
    expect(n.url).toBeNull();
    expect(n.urlEnv).toBe("SLACK_URL");
  });
});

describe("Slack", () => {
  const body = slackBody(config, payload(HOSTILE));

  it("has text and blocks as Slack incoming webhooks take them", () => {
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toMatch(/^Escalated: acme\/support#12 "/);
    expect(body.text).toContain("P1 (Urgent) issue on the business plan, no first response: 1 hour 30 minutes late");
    const types = body.blocks.map((b) => (b as { type: string }).type);
    expect(types).toEqual(["section", "section", "section", "context"]);
    expect(JSON.stringify(body.blocks[0])).toContain("<https://github.com/acme/support/issues/12|acme/support#12>");
  });

  it("cannot ping or link from the title: control sequences escaped, @ broken, title only in plain_text", () => {
    for (const [path, s] of strings(body)) {
      // No Slack control sequence can come from the title: every < that remains is the app's own link.
      for (const m of s.matchAll(/<([^>]*)>/g)) expect([path, m[1]]).toEqual([path, "https://github.com/acme/support/issues/12|acme/support#12"]);
      expect(s).not.toMatch(/@(here|channel|everyone)/);
      expect(s).not.toContain("\n second");
    }
    expect(body.text).toContain("&lt;!channel&gt;");
    expect(body.text).toContain("&lt;@\u200BU024BE7LH&gt;");
    expect(body.text).toContain("&amp;amp;");
    expect(body.text).toContain("@\u200Bhere");
    const titleBlock = body.blocks[1] as { text: { type: string; text: string } };
    expect(titleBlock.text.type).toBe("plain_text");
    expect(titleBlock.text.text).toContain("&lt;!channel&gt;");
    expect(titleBlock.text.text).toContain("@\u200Bhere");
    expect(titleBlock.text.text).not.toContain("\n");
    // mrkdwn objects hold only the app's text.
    const mrkdwn = JSON.stringify(body.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const m of mrkdwn) expect(m).not.toContain("evil");
  });

  it("caps a long title", () => {
    const long = slackBody(config, payload("x".repeat(5000)));
    expect(((long.blocks[1] as { text: { text: string } }).text.text).length).toBeLessThanOrEqual(151);
  });
});

describe("Microsoft Teams", () => {
  const body = teamsBody(config, payload(HOSTILE)) as {
    type: string;
    attachments: Array<{ contentType: string; contentUrl: null; content: { type: string; version: string; body: Array<Record<string, unknown>>; actions: unknown[]; msteams?: unknown } }>;
  };

  it("is an Adaptive Card in the message envelope Teams webhooks and Workflows take", () => {
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    const a = body.attachments[0]!;
    expect(a.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(a.contentUrl).toBeNull();
    expect(a.content.type).toBe("AdaptiveCard");
    expect(a.content.version).toBe("1.4");
    expect(a.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open the issue", url: "https://github.com/acme/support/issues/12" }]);
  });

  it("puts the title only in a plain TextRun (no Markdown, no HTML) and sends no mention entities", () => {
    const card = body.attachments[0]!.content;
    expect(card.msteams).toBeUndefined();
    const all = strings(card);
    const withTitle = all.filter(([, s]) => s.includes("evil.example"));
    expect(withTitle).toHaveLength(1);
    expect(withTitle[0]?.[0]).toMatch(/^\$\.body\[\d+\]\.inlines\[0\]\.text$/);
    const run = card.body.find((b) => JSON.stringify(b).includes("evil.example")) as { type: string; inlines: Array<{ type: string; text: string }> };
    expect(run.type).toBe("RichTextBlock");
    expect(run.inlines[0]?.type).toBe("TextRun");
    expect(run.inlines[0]?.text).toContain("@\u200Bhere");
    expect(run.inlines[0]?.text).not.toContain("\n");
    // TextBlocks and facts (which Teams reads as Markdown) hold only the app's own text.
    for (const b of card.body) {
      if (b.type === "TextBlock" || b.type === "FactSet") expect(JSON.stringify(b)).not.toMatch(/evil|<at>|<b>|@here/);
    }
  });

  it("links only to https URLs without characters that could break out", () => {
    const odd = teamsBody(config, payload("t", { url: "javascript:alert(1)" })) as typeof body;
    expect(odd.attachments[0]?.content.actions).toEqual([{ type: "Action.OpenUrl", title: "Open the issue", url: "https://github.com/acme/support/issues/12" }]);
    const slack = slackBody(config, payload("t", { url: "https://x.example/a|<!channel>" }));
    expect(JSON.stringify(slack)).not.toContain("x.example");
  });
});
