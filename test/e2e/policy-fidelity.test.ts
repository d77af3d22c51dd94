/**
 * End to end (issue 12): the two rule bugs, on issues and on discussions.
 *  1. A responder's `security` label confirms a security incident whatever the order of the
 *     labels and however close to creation, tracked or not.
 *  2. The most recent priority label wins whether the `labeled` deliveries come promptly,
 *     late, or at once.
 */
import { describe, expect, it } from "vitest";
import { formBody, item, marker, notices, simulate } from "./scenario-builder.js";

const openIssue = (number: number, author: string, body: string, extra: Record<string, unknown> = {}) => ({
  open: { kind: "issue", number, author, title: `Item ${number}`, body, ...extra },
});
const openDiscussion = (number: number, author: string, body: string, extra: Record<string, unknown> = {}) => ({
  open: { kind: "discussion", number, author, title: `Item ${number}`, category: "general", body, ...extra },
});
const label = (number: number, name: string, by = "carol") => ({ label: { number, label: name, by } });

describe("bug 1: a confirmed security incident allows P1 whatever the label order", () => {
  for (const kind of ["issue", "discussion"] as const) {
    const open = kind === "issue" ? openIssue : openDiscussion;

    it(`${kind}: security by a responder right after creation, before any priority, then P1`, async () => {
      const result = await simulate({ steps: [open(1, "alice", "Our staging keys leaked."), label(1, "security"), label(1, "P1")] });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P1", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P1", source: "label", setBy: "carol", securityBy: "carol" });
      expect(notices(found).filter((c) => c.body.includes("production rule"))).toEqual([]);
      expect(result.state.errors).toEqual([]);
    });

    it(`${kind}: security before a priority on a form item (P3 form, staging), then P1`, async () => {
      const result = await simulate({
        steps: [open(1, "alice", formBody({ priority: "P3", environment: "Staging" })), label(1, "security"), label(1, "P1")],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P1", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P1", setBy: "carol", securityBy: "carol" });
    });

    it(`${kind}: a maintainer who files their own incident confirms it with the label, then P1`, async () => {
      const result = await simulate({ steps: [open(1, "carol", "Our keys leaked."), { advance: "1m" }, label(1, "security", "carol"), label(1, "P1", "carol")] });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P1", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P1", setBy: "carol", securityBy: "carol" });
      expect(notices(found).filter((c) => c.body.includes("production rule"))).toEqual([]);
      expect(result.state.errors).toEqual([]);
    });

    it(`${kind}: the author's own security label still does not confirm`, async () => {
      const result = await simulate({
        steps: [open(1, "mallory", formBody({ priority: "P1", environment: "Staging" }), { labels: ["security"] }), label(1, "P1")],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P3", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P3" });
    });

    it(`${kind}: the confirmation lapses when the label goes while untracked`, async () => {
      const result = await simulate({
        steps: [
          open(1, "alice", "Our staging keys leaked."),
          label(1, "security"),
          { unlabel: { number: 1, label: "security", by: "carol" } },
          label(1, "P1"),
        ],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P3"]);
      expect(marker(found)).not.toHaveProperty("securityBy");
    });
  }

  for (const [kind, open] of [["issue", openIssue], ["discussion", openDiscussion]] as const) {
    it(`${kind}: security and P1 delivered at once, in whichever order`, async () => {
      const result = await simulate({
        steps: [open(1, "alice", "Our staging keys leaked."), { concurrently: [label(1, "security"), label(1, "P1")] }],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P1", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P1", securityBy: "carol" });
    });

    it(`${kind}: security and P1 both late (P1's delivery after security's step)`, async () => {
      const result = await simulate({
        faults: { seed: 5, delay_webhooks: 1, until: "2026-12-01T09:30:00-08:00" },
        steps: [open(1, "alice", "Our staging keys leaked."), { advance: "1m" }, label(1, "security"), label(1, "P1"), { advance: "1m" }, { faults: "off" }, { advance: "1m" }],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P1", "security"]);
      expect(marker(found)).toMatchObject({ priority: "P1", setBy: "carol", securityBy: "carol" });
    });
  }

  it("discussion: the note recording the confirmation is posted once, however often redelivered", async () => {
    const result = await simulate({
      steps: [openDiscussion(1, "alice", "Our staging keys leaked."), label(1, "security"), { redeliver: { times: 3 } }, label(1, "P2")],
    });
    const found = item(result, 1);
    const notes = notices(found).filter((c) => c.body.includes("Security incident confirmed"));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain("@\u200bcarol");
    expect(found.labels).toEqual(["P2", "security"]);
  });
});

describe("bug 2: the most recent priority label wins, however the deliveries arrive", () => {
  const steps = (number: number) => [label(number, "P3"), label(number, "P2")];
  for (const kind of ["issue", "discussion"] as const) {
    const open = kind === "issue" ? openIssue : openDiscussion;
    const body = formBody({ priority: "P4", environment: "Production" });

    it(`${kind}: P3 then P2, delivered promptly`, async () => {
      const result = await simulate({ steps: [open(1, "alice", body), ...steps(1)] });
      expect(item(result, 1).labels).toEqual(["P2", "production"]);
      expect(marker(item(result, 1))).toMatchObject({ priority: "P2", source: "label", setBy: "carol" });
    });

    it(`${kind}: P3 then P2, both delivered at once`, async () => {
      const result = await simulate({ steps: [open(1, "alice", body), { concurrently: steps(1) }] });
      expect(item(result, 1).labels).toEqual(["P2", "production"]);
      expect(marker(item(result, 1))).toMatchObject({ priority: "P2", source: "label", setBy: "carol" });
    });

    it(`${kind}: P3 then P2, both late (after the next step), in either order`, async () => {
      // delay_webhooks holds deliveries back until after the next step: late and out of order.
      const result = await simulate({
        faults: { seed: 3, delay_webhooks: 1, until: "2026-12-01T09:30:00-08:00" },
        steps: [open(1, "alice", body), { advance: "1m" }, ...steps(1), { advance: "1m" }, { faults: "off" }, { advance: "1m" }],
      });
      expect(item(result, 1).labels).toEqual(["P2", "production"]);
      expect(marker(item(result, 1))).toMatchObject({ priority: "P2", source: "label" });
    });
  }

  it("issue: a lowered priority wins when both deliveries come late too (P2 then P3)", async () => {
    const result = await simulate({
      faults: { seed: 3, delay_webhooks: 1, until: "2026-12-01T09:30:00-08:00" },
      steps: [
        openIssue(1, "alice", formBody({ priority: "P4", environment: "Production" })),
        { advance: "1m" },
        label(1, "P2"),
        label(1, "P3"),
        { advance: "1m" },
        { faults: "off" },
        { advance: "1m" },
      ],
    });
    // The latest label (P3), not the most urgent: the issue timeline orders them.
    expect(item(result, 1).labels).toEqual(["P3", "production"]);
    expect(marker(item(result, 1))).toMatchObject({ priority: "P3", source: "label" });
  });

  it("issue: a lowered priority wins too (P2 then P3 at once)", async () => {
    const result = await simulate({
      steps: [openIssue(1, "alice", formBody({ priority: "P4", environment: "Production" })), { concurrently: [label(1, "P2"), label(1, "P3")] }],
    });
    expect(item(result, 1).labels).toEqual(["P3", "production"]);
  });
});

describe("decided cases (docs/triage-rules.md)", () => {
  for (const kind of ["issue", "discussion"] as const) {
    const open = kind === "issue" ? openIssue : openDiscussion;
    const edit = (number: number, answers: Parameters<typeof formBody>[0]) => ({ edit: { number, by: "alice", body: formBody(answers) } });

    it(`${kind}: the author editing the form back to Production does not undo a responder's removal of production`, async () => {
      const result = await simulate({
        steps: [
          open(1, "alice", formBody({ priority: "P3", environment: "Production" })),
          { unlabel: { number: 1, label: "production", by: "carol" } },
          edit(1, { priority: "P3", environment: "Staging" }),
          edit(1, { priority: "P2", environment: "Production", description: "Back to production." }),
          { redeliver: {} },
        ],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P3"]);
      expect(marker(found)).toMatchObject({ priority: "P3", production: "removed" });
      expect(result.state.errors).toEqual([]);
    });

    it(`${kind}: Production → Staging removes a production label that came from the form, and applies the production rule`, async () => {
      const result = await simulate({
        steps: [open(1, "alice", formBody({ priority: "P2", environment: "Production" })), edit(1, { priority: "P2", environment: "Staging" })],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P3"]);
      expect(notices(found).filter((c) => c.body.includes("production rule"))).toHaveLength(1);
      // …and back to Production: the form's label follows the form again.
      const back = await simulate({
        steps: [
          open(1, "alice", formBody({ priority: "P3", environment: "Production" })),
          edit(1, { priority: "P3", environment: "Staging" }),
          edit(1, { priority: "P3", environment: "Production" }),
        ],
      });
      expect(item(back, 1).labels).toEqual(["P3", "production"]);
    });

    it(`${kind}: a production label a responder added stays when the author says Staging`, async () => {
      const result = await simulate({
        steps: [
          open(1, "alice", formBody({ priority: "P3", environment: "Staging" })),
          label(1, "production"),
          label(1, "P2"),
          edit(1, { priority: "P3", environment: "Staging", description: "More details." }),
        ],
      });
      const found = item(result, 1);
      expect(found.labels).toEqual(["P2", "production"]);
      expect(marker(found)).not.toHaveProperty("production");
    });
  }

  it("a responder who is also the author: their label stands against their form edits, their comments are no response", async () => {
    const result = await simulate({
      steps: [
        openIssue(1, "carol", formBody({ priority: "P3", environment: "Production" })),
        label(1, "P2"),
        { edit: { number: 1, by: "carol", body: formBody({ priority: "P4", environment: "Production" }) } },
        { comment: { number: 1, author: "carol", body: "Working on it myself." } },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P2", "production"]);
    expect(marker(found)).toMatchObject({ priority: "P2", source: "label", setBy: "carol" });
    expect(marker(found)).not.toHaveProperty("respondedAt");
  });
});

describe("`1d 24x7`: a day of wall-clock time", () => {
  it("an item opened Friday 16:00 is due Saturday 16:00 and escalates just after, through the weekend", async () => {
    const result = await simulate({
      now: "2026-12-04T16:00:00-08:00",
      config: 'plan: business\ntargets:\n  business:\n    P3: "1d 24x7"\n',
      steps: [
        openIssue(1, "alice", formBody({ priority: "P3", environment: "Staging" })),
        { advance: "23h59m" },
        { sweep: {} },
        { advance: "2m" },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(marker(found)).toMatchObject({ priority: "P3", plan: "business", dueAt: "2026-12-05T16:00:00.000-08:00" });
    expect(found.comments[0]?.body).toContain("1 day (24 hours), 24x7");
    expect(found.labels).toContain("escalated");
    expect(marker(found)?.["escalatedAt"]).toBe("2026-12-05T16:01:00.000-08:00");
    expect(result.state.errors).toEqual([]);
  });
});
