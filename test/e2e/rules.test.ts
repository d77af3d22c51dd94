/**
 * End to end: scenarios through the real HTTP path (simulator REST/GraphQL, signed
 * webhooks, a real Probot server running createApp) asserting on the final JSON state.
 * One or more per rule of SPEC sections 3–5.
 */
import { describe, expect, it } from "vitest";
import { botComments, formBody, item, marker, notices, simulate } from "./scenario-builder.js";

const open = (number: number, author: string, answers: Parameters<typeof formBody>[0], extra: Record<string, unknown> = {}) => ({
  open: { kind: "issue", number, author, title: `[Support]: item ${number}`, body: formBody(answers), ...extra },
});

describe("§3.1 priority from forms, §4 the target comment", () => {
  it("gives a production P2 from a business customer a 4-hour 24x7 target with its due time", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [open(1, "wanda", { priority: "P2", environment: "Production" })],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P2", "production"]);
    expect(marker(found)).toMatchObject({ priority: "P2", plan: "business", dueAt: "2026-12-01T13:00:00.000-08:00", source: "form", setBy: "wanda" });
    expect(botComments(found)).toHaveLength(1);
    expect(botComments(found)[0]?.body).toContain("4 hours, 24x7");
    expect(result.state.errors).toEqual([]);
  });

  it("gives an empty priority answer P3 and tracks discussions from category forms", async () => {
    const result = await simulate({
      steps: [{ open: { kind: "discussion", number: 1, author: "erin", category: "support", title: "Q", body: formBody({ priority: null, environment: "Development" }) } }],
    });
    const found = item(result, 1);
    expect(found.kind).toBe("discussion");
    expect(found.labels).toEqual(["P3"]);
    expect(marker(found)).toMatchObject({ priority: "P3", plan: "standard" });
  });
});

describe("§3.2 one priority label", () => {
  it("removes the other priority label when a maintainer adds one", async () => {
    const result = await simulate({
      steps: [open(1, "alice", { priority: "P3", environment: "Development" }), { label: { number: 1, label: "P4", by: "carol" } }],
    });
    expect(item(result, 1).labels).toEqual(["P4"]);
    expect(marker(item(result, 1))).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
  });
});

describe("§3.3 the production rule", () => {
  it("downgrades a P1 from staging to P3 and says why exactly once", async () => {
    const result = await simulate({
      steps: [
        open(1, "dana", { priority: "P1", environment: "Staging" }),
        { edit: { number: 1, by: "dana", body: formBody({ priority: "P1", environment: "Staging", description: "Still broken." }) } },
        { redeliver: {} },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P3"]);
    expect(notices(found)).toHaveLength(1);
    expect(notices(found)[0]?.body).toContain("reserved exclusively for production");
    expect(result.state.errors).toEqual([]);
  });

  it("keeps the previous priority when production is removed from a P2", async () => {
    const result = await simulate({
      steps: [
        open(1, "alice", { priority: "P3", environment: "Production" }),
        { label: { number: 1, label: "P2", by: "carol" } },
        { unlabel: { number: 1, label: "production", by: "carol" } },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P3"]);
    expect(notices(found)).toHaveLength(1);
  });

  it.each([
    ["the author's form", [open(1, "mallory", { priority: "P1", environment: "Staging" }, { labels: ["security"] })], "P3"],
    [
      "a maintainer",
      [open(1, "alice", { priority: "P3", environment: "Staging" }), { label: { number: 1, label: "security", by: "carol" } }, { label: { number: 1, label: "P1", by: "carol" } }],
      "P1",
    ],
  ])("counts a security label from %s accordingly", async (_who, steps, priority) => {
    const result = await simulate({ steps });
    const found = item(result, 1);
    expect(found.labels).toContain(priority);
    expect(found.labels.filter((label) => /^P[1-4]$/.test(label))).toEqual([priority]);
  });
});

describe("§3.4 who decides", () => {
  it("re-derives from an author's edit of the form, but not once a maintainer set the priority", async () => {
    const result = await simulate({
      steps: [
        open(1, "alice", { priority: "P3", environment: "Production" }),
        { edit: { number: 1, by: "alice", body: formBody({ priority: "P2", environment: "Production" }) } },
        open(2, "bob", { priority: "P3", environment: "Production" }),
        { label: { number: 2, label: "P4", by: "carol" } },
        { edit: { number: 2, by: "bob", body: formBody({ priority: "P1", environment: "Production" }) } },
      ],
    });
    expect(item(result, 1).labels).toEqual(["P2", "production"]);
    expect(marker(item(result, 1))).toMatchObject({ priority: "P2", source: "form" });
    expect(item(result, 2).labels).toEqual(["P4", "production"]);
    expect(marker(item(result, 2))).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
  });
});

describe("§3.5 plan", () => {
  it("prefers a plan label over the customers map and the default", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [open(1, "wanda", { priority: "P2", environment: "Production" }), { label: { number: 1, label: "plan: enterprise", by: "carol" } }],
    });
    expect(marker(item(result, 1))).toMatchObject({ plan: "enterprise", dueAt: "2026-12-01T10:00:00.000-08:00" });
  });
});

describe("§3.8 idempotency and the app's own events", () => {
  it("does not comment twice when GitHub redelivers an event", async () => {
    const result = await simulate({ steps: [open(1, "alice", { priority: "P2", environment: "Production" }), { redeliver: {} }, { redeliver: {} }] });
    expect(botComments(item(result, 1))).toHaveLength(1);
    expect(result.state.errors).toEqual([]);
  });

  it("makes no write while handling the events its own writes caused", async () => {
    const result = await simulate({
      steps: [open(1, "dana", { priority: "P1", environment: "Staging" }), { comment: { number: 1, author: "carol", body: "On it" } }],
    });
    let fromApp = false;
    const writesDuringOwnEvents: string[] = [];
    for (const entry of result.timeline) {
      if (entry.type === "delivery") fromApp = entry.cause === "app";
      else if (entry.type === "step") fromApp = false;
      else if (entry.type === "api" && fromApp && (entry.request.mutation || (entry.request.kind === "rest" && entry.request.method !== "GET"))) {
        writesDuringOwnEvents.push(`${entry.request.method} ${entry.request.path}`);
      }
    }
    expect(result.timeline.some((entry) => entry.type === "delivery" && entry.cause === "app")).toBe(true);
    expect(writesDuringOwnEvents).toEqual([]);
  });
});

describe("§5 responses and escalation", () => {
  it("records a maintainer's first response and whether it met the target", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [
        open(1, "wanda", { priority: "P2", environment: "Production" }),
        { advance: "1h" },
        { comment: { number: 1, author: "wanda", body: "Any news?" } },
        { advance: "30m" },
        { comment: { number: 1, author: "carol", body: "Looking now" } },
      ],
    });
    const found = item(result, 1);
    expect(marker(found)).toMatchObject({ respondedAt: "2026-12-01T10:30:00.000-08:00", respondedBy: "carol" });
    expect(botComments(found)[0]?.body).toMatch(/target met/);
  });

  it("counts a maintainer's reply in a discussion thread as the first response", async () => {
    const result = await simulate({
      config: "customers:\n  erin: business\n",
      steps: [
        { open: { kind: "discussion", number: 1, author: "erin", category: "support", title: "Q", body: formBody({ priority: "P2", environment: "Production" }) } },
        { comment: { number: 1, author: "erin", body: "More details: …" } },
        { advance: "20m" },
        { comment: { number: 1, author: "carol", body: "Thanks, on it", reply_to: "erin" } },
      ],
    });
    expect(marker(item(result, 1))).toMatchObject({ respondedBy: "carol", respondedAt: "2026-12-01T09:20:00.000-08:00" });
  });

  it("escalates an overdue item exactly once, mentioning the contacts and assigning", async () => {
    const result = await simulate({
      config: 'customers:\n  wanda: business\nescalation:\n  contacts: ["@acme/support-leads"]\n  assignees: [carol]\n',
      steps: [
        open(1, "wanda", { priority: "P1", environment: "Production" }),
        { advance: "30m" },
        { sweep: {} },
        { advance: "40m" },
        { sweep: {} },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P1", "escalated", "production"]);
    expect(found.assignees).toEqual(["carol"]);
    const escalations = notices(found);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.body).toContain("@acme/support-leads");
    expect(escalations[0]?.createdAt).toBe("2026-12-01T18:10:00Z");
    expect(marker(found)).toMatchObject({ escalatedAt: "2026-12-01T10:10:00.000-08:00" });
    expect(result.state.errors).toEqual([]);
  });

  it("takes escalated off when the first response comes, and records that it was late", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [open(1, "wanda", { priority: "P1", environment: "Production" }), { advance: "2h" }, { sweep: {} }, { comment: { number: 1, author: "carol", body: "On it" } }],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P1", "production"]);
    expect(marker(found)).toMatchObject({ escalatedAt: "2026-12-01T11:00:00.000-08:00", respondedAt: "2026-12-01T11:00:00.000-08:00" });
    expect(botComments(found)[0]?.body).toMatch(/target missed/);
  });

  it("never escalates a closed item, and evaluates a reopened one again", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [
        open(1, "wanda", { priority: "P1", environment: "Production" }),
        open(2, "wanda", { priority: "P1", environment: "Production" }),
        { close: { number: 1, by: "wanda" } },
        { close: { number: 2, by: "wanda" } },
        { advance: "2h" },
        { sweep: {} },
        { reopen: { number: 2, by: "wanda" } },
        { sweep: {} },
      ],
    });
    expect(item(result, 1).labels).not.toContain("escalated");
    expect(notices(item(result, 1))).toHaveLength(0);
    expect(item(result, 2).labels).toContain("escalated");
  });

  it("escalates at once when a maintainer raises the priority after the due time", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [open(1, "wanda", { priority: "P3", environment: "Production" }), { advance: "3h" }, { label: { number: 1, label: "P1", by: "carol" } }],
    });
    expect(item(result, 1).labels).toContain("escalated");
  });
});

describe("§6 configuration", () => {
  it("opens one configuration-error issue for a broken file and acts on nothing", async () => {
    const result = await simulate({
      config: "plan: platinum\ntargets:\n  business: { P1: 1 hour 24x7 }\n",
      steps: [open(1, "alice", { priority: "P2", environment: "Production" }), open(2, "bob", { priority: "P3", environment: "Production" })],
    });
    expect(item(result, 1).labels).toEqual([]);
    expect(botComments(item(result, 1))).toEqual([]);
    const issues = result.state.items.filter((found) => found.author === "support-triage[bot]");
    expect(issues.map((found) => [found.number, found.title, found.state])).toEqual([[3, "support-triage: configuration error", "open"]]);
  });
});
