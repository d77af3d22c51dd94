/**
 * Escalation notifications as data: which to send, their idempotency ids and their bodies
 * (generic JSON, Slack incoming webhook, Microsoft Teams). Pure — the GitHub layer
 * (src/github/webhook.ts) does the sending; docs/notifications.md is the user-facing
 * description.
 *
 * User text (the item's title) goes into the chat formats only where it cannot act:
 * - Slack: `&`, `<`, `>` escaped as Slack asks, everywhere (so `<!channel>`, `<@U123>`,
 *   `<!subteam^…>` and `<url|text>` are shown, not executed), `@` followed by a zero-width
 *   space (a bare `@here` cannot be linked even where a workspace parses names), and in
 *   blocks only inside `plain_text` objects, which Slack never formats or links.
 * - Teams: only inside an Adaptive Card `TextRun`, which Teams renders as plain text
 *   (no Markdown, no links); no `msteams.entities` are sent, so `<at>…</at>` cannot
 *   mention anyone; `@` gets the zero-width space too.
 * The generic JSON body carries the raw title: it is consumed by machines.
 */
import { createHash } from "node:crypto";
import type { Config, EscalationWebhookConfig } from "../config/types.js";
import type { EscalationPayload } from "./escalation.js";
import { priorityName } from "./labels.js";
import { flattenText, neutraliseMentions } from "./sanitize.js";
import { describeDue } from "./target.js";
import type { OutgoingNotification } from "./types.js";

/** The JSON body of the generic format: the escalation payload and the delivery's idempotency id. */
export type JsonNotificationBody = EscalationPayload & { readonly deliveryId: string };

/**
 * The idempotency id of one notification of one escalation: derived only from what stays
 * the same across re-sends and replicas — repository, item kind and number, the due time
 * that was missed (as an instant, so a change of display zone does not change it) and the
 * notification's name — so a receiver can drop a second copy. Shaped as a UUID (version 8,
 * name-based on SHA-256) because that is what idempotency stores expect.
 */
export function deliveryId(input: { repository: string; kind: string; number: number; dueAt: string; name: string }): string {
  const due = Date.parse(input.dueAt);
  const key = ["support-triage/escalation", input.repository.toLowerCase(), input.kind, String(input.number), String(due), input.name].join("\n");
  const hex = createHash("sha256").update(key).digest("hex").slice(0, 32).split("");
  hex[12] = "8"; // version 8: custom (RFC 9562)
  hex[16] = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Where a notification goes, safe for logs and the simulator's timeline: never a secret URL. */
export function notificationTarget(hook: EscalationWebhookConfig): string {
  return hook.url ?? `$${hook.url_env ?? ""}`;
}

/** The outgoing notification for one configured webhook and one escalation payload. */
export function buildNotification(config: Config, hook: EscalationWebhookConfig, payload: EscalationPayload): OutgoingNotification {
  const id = deliveryId({ repository: payload.repository, kind: payload.kind, number: payload.number, dueAt: payload.dueAt, name: hook.name });
  return {
    name: hook.name,
    format: hook.format,
    url: hook.url,
    urlEnv: hook.url_env,
    secretEnv: hook.secret_env,
    target: notificationTarget(hook),
    deliveryId: id,
    body: notificationBody(config, hook.format, payload, id),
  };
}

export function notificationBody(config: Config, format: EscalationWebhookConfig["format"], payload: EscalationPayload, id: string): unknown {
  switch (format) {
    case "json":
      return { ...payload, deliveryId: id } satisfies JsonNotificationBody;
    case "slack":
      return slackBody(config, payload);
    case "teams":
      return teamsBody(config, payload);
  }
}

const TITLE_MAX = 150;

/** A web address the app may put in a link: https and nothing that could end Slack's `<url|text>`. */
function safeUrl(payload: EscalationPayload): string {
  const built = `https://github.com/${payload.repository}/${payload.kind === "issue" ? "issues" : "discussions"}/${payload.number}`;
  return /^https:\/\/[^\s<>|"`]+$/.test(payload.url) ? payload.url : built;
}

function kindWord(payload: EscalationPayload): string {
  return payload.kind === "issue" ? "issue" : "discussion";
}

/** Slack's three control characters, escaped as its formatting reference asks. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A title for a chat message: one line, capped, no mention can form. */
function chatTitle(title: string): string {
  const flat = neutraliseMentions(flattenText(title, TITLE_MAX));
  // neutraliseMentions leaves "@" before punctuation alone; Slack's @here/@channel need letters, but be thorough.
  return flat.replace(/@(?!\u200B)/g, "@\u200B");
}

function lateText(payload: EscalationPayload): string {
  return payload.lateByMs <= 0 ? "due now" : `${payload.lateBy} late`;
}

function describeIso(config: Config, iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? describeDue(config, ms) : iso;
}

function dueText(config: Config, payload: EscalationPayload): string {
  return describeIso(config, payload.dueAt);
}

/** Slack incoming webhook: `text` (the notification and fallback) and Block Kit `blocks`. */
export function slackBody(config: Config, payload: EscalationPayload): { text: string; blocks: unknown[] } {
  const ref = `${payload.repository}#${payload.number}`;
  const title = chatTitle(payload.title);
  const url = safeUrl(payload);
  const summary = `${priorityName(payload.priority)} ${kindWord(payload)} on the ${payload.plan} plan, no first response: ${lateText(payload)}`;
  return {
    text: slackEscape(`Escalated: ${ref} "${title}" — ${summary}`),
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `:rotating_light: *First-response target missed:* <${url}|${slackEscape(ref)}>`, verbatim: true },
      },
      { type: "section", text: { type: "plain_text", text: title === "" ? "(no title)" : slackEscape(title), emoji: false } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Priority*\n${slackEscape(priorityName(payload.priority))}`, verbatim: true },
          { type: "mrkdwn", text: `*Plan*\n${slackEscape(payload.plan)}`, verbatim: true },
          { type: "mrkdwn", text: `*Due*\n${slackEscape(dueText(config, payload))}`, verbatim: true },
          { type: "mrkdwn", text: `*Late by*\n${slackEscape(payload.lateByMs <= 0 ? "due now" : payload.lateBy)}`, verbatim: true },
        ],
      },
      { type: "context", elements: [{ type: "plain_text", text: `support-triage · escalated ${describeIso(config, payload.escalatedAt)}`, emoji: false }] },
    ],
  };
}

/**
 * Microsoft Teams: an Adaptive Card in the message envelope that both Teams incoming
 * webhooks and the Workflows "post to a channel when a webhook request is received"
 * template accept.
 */
export function teamsBody(config: Config, payload: EscalationPayload): unknown {
  const ref = `${payload.repository}#${payload.number}`;
  const title = chatTitle(payload.title);
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: "First-response target missed", weight: "Bolder", size: "Medium", color: "Attention", wrap: true },
            // Plain text runs: the title (user text) and the reference are never read as Markdown.
            { type: "RichTextBlock", inlines: [{ type: "TextRun", text: ref, weight: "Bolder" }] },
            { type: "RichTextBlock", inlines: [{ type: "TextRun", text: title === "" ? "(no title)" : title }] },
            {
              type: "FactSet",
              facts: [
                { title: "Priority", value: priorityName(payload.priority) },
                { title: "Plan", value: teamsPlain(payload.plan) },
                { title: "Due", value: dueText(config, payload) },
                { title: "Late by", value: payload.lateByMs <= 0 ? "due now" : payload.lateBy },
              ],
            },
          ],
          actions: [{ type: "Action.OpenUrl", title: `Open the ${kindWord(payload)}`, url: safeUrl(payload) }],
        },
      },
    ],
  };
}

/** Configuration text shown in a Teams fact (which Teams reads as Markdown): punctuation escaped. */
function teamsPlain(text: string): string {
  return flattenText(text, 60).replace(/[\\`*_[\]()#|~!{}<>]/g, (c) => `\\${c}`);
}
