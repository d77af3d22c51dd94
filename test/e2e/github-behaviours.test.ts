/**
 * End to end (issue 12): GitHub behaviours the simulator now plays — comments edited and
 * deleted (the app's own target comment included), bot actors, OWNER and COLLABORATOR
 * associations — and the `--json` extensions (bodies, repository labels, notifications).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/simulator/harness.js";
import { botComments, formBody, item, marker, notices, scenarioText, simulate } from "./scenario-builder.js";

const openIssue = (number: number, author = "alice", extra: Record<string, unknown> = {}) => ({
  open: { kind: "issue", number, author, title: `Item ${number}`, body: formBody({ priority: "P3", environment: "Staging" }), ...extra },
});
const openDiscussion = (number: number, author = "alice") => ({
  open: { kind: "discussion", number, author, title: `Item ${number}`, category: "support", body: formBody({ priority: "P3", environment: "Staging" }) },
});

describe("comments edited and deleted", () => {
  for (const [kind, open] of [["issue", openIssue], ["discussion", openDiscussion]] as const) {
    it(`${kind}: a responder who edits the app's target comment gets it repaired, with nothing forgotten`, async () => {
      const result = await simulate({
        steps: [
          open(1),
          { advance: "30m" },
          { comment: { number: 1, author: "carol", body: "On it." } },
          { edit_comment: { number: 1, comment: "support-triage", by: "carol", body: "cleaned up" } },
          { redeliver: {} },
        ],
      });
      const found = item(result, 1);
      expect(botComments(found)).toHaveLength(1);
      expect(marker(found)).toMatchObject({ priority: "P3", respondedBy: "carol", respondedAt: "2026-12-01T09:30:00.000-08:00" });
      expect(botComments(found)[0]?.body).not.toContain("cleaned up");
      expect(result.state.errors).toEqual([]);
    });

    it(`${kind}: a responder who deletes the app's target comment gets it posted again from its record`, async () => {
      const result = await simulate({
        steps: [
          open(1),
          { advance: "30m" },
          { comment: { number: 1, author: "carol", body: "On it." } },
          { delete_comment: { number: 1, comment: "support-triage", by: "carol" } },
          { redeliver: {} },
        ],
      });
      const found = item(result, 1);
      expect(botComments(found)).toHaveLength(1);
      expect(marker(found)).toMatchObject({ priority: "P3", respondedBy: "carol", respondedAt: "2026-12-01T09:30:00.000-08:00" });
      expect(result.state.errors).toEqual([]);
    });

    it(`${kind}: an edited, then deleted first response stays recorded (the customer was answered)`, async () => {
      const result = await simulate({
        steps: [
          open(1),
          { advance: "1h" },
          { comment: { number: 1, author: "carol", body: "Looking." } },
          { edit_comment: { number: 1, comment: "carol", by: "carol", body: "Looking (edited)." } },
          { delete_comment: { number: 1, comment: "carol", by: "carol" } },
          { sweep: {} },
        ],
      });
      const found = item(result, 1);
      expect(found.comments.some((c) => c.author === "carol")).toBe(false);
      expect(marker(found)).toMatchObject({ respondedBy: "carol", respondedAt: "2026-12-01T10:00:00.000-08:00" });
      expect(botComments(found)[0]?.body).toContain("First response:** ");
    });
  }

  it("only the comment's author or a member may change it", async () => {
    await expect(
      simulate({ steps: [openIssue(1), { comment: { number: 1, author: "carol", body: "x" } }, { edit_comment: { number: 1, comment: "carol", by: "mallory", body: "y" } }] }),
    ).rejects.toThrow(/mallory cannot edit/);
  });
});

describe("bot actors", () => {
  it("a bot's comment is never a first response, and its security label confirms nothing", async () => {
    const result = await simulate({
      steps: [
        openIssue(1),
        { comment: { number: 1, author: "ci-helper[bot]", body: "Thanks for the report! A human will answer." } },
        { label: { number: 1, label: "security", by: "ci-helper[bot]" } },
        { label: { number: 1, label: "P1", by: "carol" } },
        { advance: "3d" },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(marker(found)).not.toHaveProperty("respondedAt");
    expect(found.labels).toEqual(["P3", "escalated", "security"]);
    expect(notices(found).some((c) => c.body.includes("was not applied by a maintainer"))).toBe(true);
  });
});

describe("OWNER and COLLABORATOR associations", () => {
  it("in a repository owned by a person, the owner's comment is a first response (OWNER)", async () => {
    const text = scenarioText({
      steps: [openIssue(1), { advance: "20m" }, { comment: { number: 1, author: "olga", body: "Owner here." } }],
    }).replace("repo: acme/support", "repo: olga/app\nowner_type: user");
    const result = await runScenario(text, "owner.yml");
    expect(result.state.repo).toBe("olga/app");
    expect(marker(item(result, 1))).toMatchObject({ respondedBy: "olga" });
  });

  it("an outside collaborator's comment is a first response (COLLABORATOR), and they may label", async () => {
    const text = scenarioText({
      steps: [openIssue(1), { label: { number: 1, label: "P4", by: "dan" } }, { advance: "20m" }, { comment: { number: 1, author: "dan", body: "Collaborator here." } }],
    }).replace("members:", "collaborators: [dan]\nmembers:");
    const result = await runScenario(text, "collaborator.yml");
    expect(marker(item(result, 1))).toMatchObject({ priority: "P4", setBy: "dan", respondedBy: "dan" });
  });
});

describe("--json extensions", () => {
  it("carries each item's body, the repository's labels and the outgoing notifications, byte-identical across runs", async () => {
    const spec = {
      config: "plan: business\nescalation:\n  webhook:\n    - name: pager\n      url: https://hooks.example.com/support\n",
      steps: [openIssue(1), { label: { number: 1, label: "production", by: "carol" } }, { label: { number: 1, label: "P2", by: "carol" } }, { advance: "5h" }, { sweep: {} }],
    };
    const first = await simulate(spec);
    const second = await simulate(spec);
    expect(second.json).toBe(first.json);
    expect(item(first, 1).body).toContain("### Priority");
    const names = first.state.labels.map((label) => label.name);
    expect(names).toEqual(expect.arrayContaining(["P1", "P2", "P3", "P4", "production", "security", "escalated"]));
    expect(first.state.labels.find((label) => label.name === "P1")?.description).toContain("Urgent");
    expect(first.state.notifications).toHaveLength(1);
    const [sent] = first.state.notifications;
    expect(sent).toMatchObject({ host: "hooks.example.com", event: "escalated" });
    expect(sent?.id).toMatch(/\S/);
    expect(sent?.body).toMatchObject({ priority: "P2" });
    expect(JSON.stringify(sent?.body)).toContain(sent?.id ?? "no id");
  });
});

describe("the sweep route's authentication and the in-server timer", () => {
  const overdue = {
    config: "plan: business\n",
    steps: [
      { open: { kind: "issue", number: 1, author: "alice", title: "Down", body: formBody({ priority: "P1", environment: "Production" }) } },
      { advance: "2h" },
    ],
  };

  it("refuses a sweep call with a wrong or no token, and sweeps nothing", async () => {
    const result = await simulate({ ...overdue, steps: [...overdue.steps, { sweep: { token: "wrong" } }, { sweep: { token: "none" } }] });
    expect(item(result, 1).labels).not.toContain("escalated");
    expect(result.state.errors).toEqual([]);
    const notes = result.timeline.flatMap((entry) => (entry.type === "note" ? [entry.text] : []));
    expect(notes.filter((text) => text.startsWith("the sweep route refused it: 401"))).toHaveLength(2);
  });

  it("`tick` runs the timer's due sweeps at their instants: the overdue item escalates at the first one", async () => {
    const result = await simulate({ ...overdue, steps: [overdue.steps[0] as Record<string, unknown>, { tick: "65m" }] });
    const found = item(result, 1);
    expect(found.labels).toContain("escalated");
    // Due 10:00; the timer (every 10 minutes from 09:00) sweeps at 10:00 — "at or after the due time".
    expect(marker(found)).toMatchObject({ escalatedAt: "2026-12-01T10:00:00.000-08:00" });
    expect(result.state.now).toBe("2026-12-01T18:05:00Z");
    const ticks = result.timeline.flatMap((entry) => (entry.type === "note" && entry.text.startsWith("the in-server timer") ? [entry.text] : []));
    expect(ticks).toHaveLength(6);
    expect(result.state.errors).toEqual([]);
  });

  it("`advance` moves the clock only: a timer left behind sweeps once when the next tick starts", async () => {
    const result = await simulate({ ...overdue, steps: [overdue.steps[0] as Record<string, unknown>, { advance: "61m" }] });
    expect(item(result, 1).labels).not.toContain("escalated");
    const ticked = await simulate({ ...overdue, steps: [overdue.steps[0] as Record<string, unknown>, { advance: "61m" }, { tick: "5m" }] });
    expect(marker(item(ticked, 1))).toMatchObject({ escalatedAt: "2026-12-01T10:01:00.000-08:00" });
    const ticks = ticked.timeline.flatMap((entry) => (entry.type === "note" && entry.text.startsWith("the in-server timer") ? [entry.text] : []));
    expect(ticks).toHaveLength(1);
  });
});

describe("several repositories: the owner's .github fallback, _extends, installations swept together", () => {
  const p1 = (number: number, repo?: string) => ({
    open: { kind: "issue", number, author: "alice", title: "Down", body: formBody({ priority: "P1", environment: "Production" }), ...(repo ? { repo } : {}) },
  });

  it("reads the configuration from the owner's .github repository when the repository has none", async () => {
    const text = scenarioText({ steps: [p1(1)] }).replace(
      "steps:",
      'repositories:\n  acme/.github:\n    config: "plan: enterprise\\n"\nsteps:',
    );
    const result = await runScenario(text, "fallback.yml");
    expect(marker(item(result, 1))).toMatchObject({ plan: "enterprise", dueAt: "2026-12-01T09:15:00.000-08:00" });
    expect(result.state.errors).toEqual([]);
  });

  it("follows _extends to the owner's .github repository, with the repository's own keys on top", async () => {
    const text = scenarioText({
      config: "_extends: .github\ncustomers:\n  wanda: enterprise\n",
      steps: [p1(1), { open: { kind: "issue", number: 2, author: "wanda", title: "Down too", body: formBody({ priority: "P1", environment: "Production" }) } }],
    }).replace("steps:", 'repositories:\n  acme/.github:\n    config: "plan: business\\n"\nsteps:');
    const result = await runScenario(text, "extends.yml");
    expect(marker(item(result, 1))).toMatchObject({ plan: "business" });
    expect(marker(item(result, 2))).toMatchObject({ plan: "enterprise" });
    expect(result.state.errors).toEqual([]);
  });

  it("one sweep escalates overdue items in every repository of every installation", async () => {
    const text = scenarioText({
      config: "plan: business\n",
      steps: [p1(1), p1(1, "acme/other"), p1(7, "globex/help"), { label: { number: 7, label: "production", by: "carol", repo: "globex/help" } }, { advance: "2h" }, { sweep: {} }],
    }).replace(
      "steps:",
      'repositories:\n  acme/other:\n    config: "plan: business\\n"\n  globex/help:\n    config: "plan: business\\n"\nsteps:',
    );
    const result = await runScenario(text, "many.yml");
    expect(item(result, 1).labels).toContain("escalated");
    const others = result.state.repositories ?? [];
    expect(others.map((r) => r.repo)).toEqual(["acme/other", "globex/help"]);
    for (const other of others) {
      const found = other.items.find((candidate) => candidate.kind === "issue" && candidate.author === "alice");
      expect(found?.labels).toContain("escalated");
      expect(found?.comments.some((c) => c.body.includes("support-triage:escalation"))).toBe(true);
    }
    expect(result.state.errors).toEqual([]);
  });
});

describe("pull requests, locked conversations, answered discussions", () => {
  it("ignores pull requests: their form body, labels and comments change nothing", async () => {
    const result = await simulate({
      steps: [
        { open: { kind: "pull_request", number: 1, author: "alice", title: "Fix", body: formBody({ priority: "P1", environment: "Staging" }) } },
        { label: { number: 1, label: "P1", by: "carol" } },
        { comment: { number: 1, author: "alice", body: "Please review" } },
        { advance: "3d" },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(found.kind).toBe("pull_request");
    expect(found.labels).toEqual(["P1"]);
    expect(botComments(found)).toEqual([]);
    expect(result.state.errors).toEqual([]);
  });

  it("a locked issue: customers can no longer comment, the app still escalates it", async () => {
    const steps = [
      { open: { kind: "issue", number: 1, author: "alice", title: "Down", body: formBody({ priority: "P1", environment: "Production" }) } },
      { lock: { number: 1, by: "carol" } },
    ];
    await expect(simulate({ config: "plan: business\n", steps: [...steps, { comment: { number: 1, author: "alice", body: "hello?" } }] })).rejects.toThrow(/is locked/);
    const result = await simulate({ config: "plan: business\n", steps: [...steps, { advance: "2h" }, { sweep: {} }] });
    expect(item(result, 1).labels).toContain("escalated");
    expect(result.state.errors).toEqual([]);
  });

  it("an answered discussion is settled: not escalated; a responder's answer is its first response", async () => {
    const open = (number: number) => ({
      open: { kind: "discussion", number, author: "alice", category: "q-a", title: "How?", body: formBody({ priority: "P3", environment: "Staging" }) },
    });
    const result = await simulate({
      steps: [
        open(1),
        { comment: { number: 1, author: "alice", body: "Found it myself: restart the worker." } },
        { answer: { number: 1, comment: "alice", by: "alice" } },
        open(2),
        { advance: "1h" },
        { comment: { number: 2, author: "carol", body: "Restart the worker." } },
        { answer: { number: 2, comment: "carol", by: "alice" } },
        open(3),
        { advance: "4d" },
        { sweep: {} },
      ],
    });
    expect(item(result, 1).labels).toEqual(["P3"]);
    expect(notices(item(result, 1))).toEqual([]);
    expect(marker(item(result, 2))).toMatchObject({ respondedBy: "carol" });
    expect(item(result, 3).labels).toContain("escalated");
    expect(result.state.errors).toEqual([]);
  });
});

describe("transferred issues and issues converted to discussions", () => {
  const p2 = { open: { kind: "issue", number: 1, author: "alice", title: "Slow", body: formBody({ priority: "P2", environment: "Production" }) } };

  it("a transferred issue keeps its record in the new repository, under that repository's configuration", async () => {
    const text = scenarioText({
      config: "plan: business\n",
      steps: [p2, { advance: "30m" }, { comment: { number: 1, author: "carol", body: "Looking." } }, { transfer: { number: 1, to: "acme/other", by: "carol" } }],
    }).replace("steps:", 'repositories:\n  acme/other:\n    config: "plan: enterprise\\n"\nsteps:');
    const result = await runScenario(text, "transfer.yml");
    expect(result.state.items.filter((found) => found.number === 1)).toEqual([]);
    const moved = result.state.repositories?.[0]?.items.find((found) => found.number === 1);
    expect(moved?.labels).toEqual(["P2", "production"]);
    const record = moved ? marker(moved) : null;
    expect(record).toMatchObject({ priority: "P2", plan: "enterprise", respondedBy: "carol", dueAt: "2026-12-01T10:00:00.000-08:00" });
    expect(moved ? botComments(moved) : []).toHaveLength(1);
    expect(result.state.errors).toEqual([]);
  });

  it("an issue converted to a discussion keeps its number, priority and record", async () => {
    const result = await simulate({
      config: "plan: business\n",
      steps: [p2, { convert: { number: 1, category: "support", by: "carol" } }, { advance: "5h" }, { sweep: {} }],
    });
    const found = item(result, 1);
    expect(found.kind).toBe("discussion");
    expect(found.labels).toEqual(["P2", "escalated", "production"]);
    expect(botComments(found).filter((c) => c.body.includes("support-triage:target"))).toHaveLength(1);
    expect(marker(found)).toMatchObject({ priority: "P2", plan: "business", dueAt: "2026-12-01T13:00:00.000-08:00" });
    expect(result.state.errors).toEqual([]);
  });
});

describe("examples/github.yml", () => {
  it("tells its story, and the narration and --json are byte-identical across runs", async () => {
    const { readFileSync } = await import("node:fs");
    const { narrate } = await import("../../src/simulator/narrate.js");
    const file = "examples/github.yml";
    const text = readFileSync(file, "utf8");
    const [first, second] = [await runScenario(text, file), await runScenario(text, file)];
    expect(second.json).toBe(first.json);
    expect(narrate(second, { color: false })).toBe(narrate(first, { color: false }));
    expect(first.state.errors).toEqual([]);
    expect(marker(item(first, 1))).toMatchObject({ priority: "P1", securityBy: "carol", plan: "business" });
    expect(item(first, 2).labels).toEqual(["P2", "escalated", "production"]);
    expect(botComments(item(first, 3))[0]?.body).not.toContain("tidied up");
    expect(marker(item(first, 4))).toMatchObject({ respondedBy: "dana" });
    expect(item(first, 5).kind).toBe("pull_request");
    expect(botComments(item(first, 5))).toEqual([]);
    expect(first.state.notifications.map((n) => n.host)).toEqual(["hooks.example.com", "hooks.example.com", "hooks.example.com"]);
  });
});
