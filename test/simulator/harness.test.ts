/**
 * The runner's machinery, with small stand-in apps so each behaviour is isolated from the
 * real app's rules (those are covered end to end in test/e2e): the clock, the sweep
 * route, redelivery, error capture, the delivery bound and the narration.
 */
import type { ApplicationFunction, Probot } from "probot";
import { describe, expect, it } from "vitest";
import type { AppOptions } from "../../src/app.js";
import { runScenario } from "../../src/simulator/harness.js";
import { narrate } from "../../src/simulator/narrate.js";
import { ScenarioError } from "../../src/simulator/scenario.js";

const HEAD = `now: "2026-12-01T09:00:00-08:00"\nmembers: [carol]\nsteps:\n`;

type Setup = (app: Probot, options: AppOptions, addHandler: Parameters<ApplicationFunction>[1]["addHandler"]) => void;
const standIn =
  (setup: Setup) =>
  (options: AppOptions): ApplicationFunction =>
  (app, { addHandler }) =>
    setup(app, options, addHandler);

/** Comments the simulated time on every opened issue (not idempotent on purpose). */
const stamper = standIn((app, options) => {
  app.on("issues.opened", async (context) => {
    await context.octokit.rest.issues.createComment(context.issue({ body: `seen at ${new Date(options.clock?.() ?? 0).toISOString()}` }));
  });
});

describe("runScenario", () => {
  it("drives the app with the simulated clock and gives byte-identical JSON twice", async () => {
    const text = `${HEAD}  - open: {number: 1, author: alice, title: "A"}\n  - advance: 3d\n  - open: {number: 2, author: bob, title: "B"}\n`;
    const first = await runScenario(text, "s.yml", { createApp: stamper });
    const second = await runScenario(text, "s.yml", { createApp: stamper });
    expect(second.json).toBe(first.json);
    expect(first.state.now).toBe("2026-12-04T17:00:00Z");
    expect(first.state.items.map((item) => item.comments.map((c) => c.body))).toEqual([["seen at 2026-12-01T17:00:00.000Z"], ["seen at 2026-12-04T17:00:00.000Z"]]);
    expect(first.state.items[1]?.comments[0]).toMatchObject({ author: "support-triage[bot]", createdAt: "2026-12-04T17:00:00Z" });
    expect(first.state.errors).toEqual([]);
    // Token + one comment per item; no GraphQL.
    expect(first.state.requests).toEqual({ rest: 3, graphql: 0 });
  });

  it("redelivers the last event a person caused, with the same delivery id", async () => {
    const result = await runScenario(`${HEAD}  - open: {number: 1, author: alice}\n  - redeliver: {}\n`, "s.yml", { createApp: stamper });
    const deliveries = result.timeline.flatMap((entry) => (entry.type === "delivery" && entry.event === "issues" ? [entry] : []));
    expect(deliveries.map((d) => [d.action, d.redelivery])).toEqual([
      ["opened", false],
      ["opened", true],
    ]);
    expect(deliveries[1]?.id).toBe(deliveries[0]?.id);
    // This stand-in is not idempotent, so the redelivery shows up as a second comment.
    expect(result.state.items[0]?.comments).toHaveLength(2);
  });

  it("collects the app's error logs and the routes the simulator lacks", async () => {
    const app = standIn((probot) => {
      probot.on("issues.opened", async (context) => {
        try {
          await context.octokit.request("GET /repos/{owner}/{repo}/releases", context.repo());
        } catch (error) {
          context.log.error({ err: String(error) }, "could not list releases");
        }
      });
    });
    const result = await runScenario(`${HEAD}  - open: {number: 1, author: alice}\n`, "s.yml", { createApp: app });
    expect(result.state.errors).toEqual([
      "simulator: unimplemented GET /repos/acme/support/releases",
      expect.stringMatching(/^could not list releases: HttpError: Not Found - https:\/\/docs.github.com\/rest/),
    ]);
  });

  it("POSTs the sweep route with the secret from SUPPORT_TRIAGE_SWEEP_SECRET and restores the environment", async () => {
    const before = process.env["SUPPORT_TRIAGE_SWEEP_SECRET"];
    process.env["SUPPORT_TRIAGE_APP_SLUG"] = "someone-else";
    let slugSeenByApp: string | undefined = "unset";
    const app = standIn((_probot, _options, addHandler) => {
      slugSeenByApp = process.env["SUPPORT_TRIAGE_APP_SLUG"];
      const secret = process.env["SUPPORT_TRIAGE_SWEEP_SECRET"];
      addHandler((request, response) => {
        if ((request.url ?? "").split("?")[0] !== "/support-triage/sweep") return false;
        const ok = request.method === "POST" && request.headers.authorization === `Bearer ${secret}`;
        response.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify({ items: 2, escalated: 1 }));
        return true;
      });
    });
    const result = await runScenario(`${HEAD}  - sweep: {}\n`, "s.yml", { createApp: app });
    expect(result.state.errors).toEqual([]);
    expect(result.timeline).toContainEqual({ type: "sweep-summary", text: '{"items":2,"escalated":1}' });
    expect(process.env["SUPPORT_TRIAGE_SWEEP_SECRET"]).toBe(before);
    // A slug from the caller's shell would make the app miss its own events: hidden during the run.
    expect(slugSeenByApp).toBeUndefined();
    expect(process.env["SUPPORT_TRIAGE_APP_SLUG"]).toBe("someone-else");
    delete process.env["SUPPORT_TRIAGE_APP_SLUG"];
    expect(narrate(result, { color: false })).toContain("sweep: 2 open tracked items checked, 1 escalated");
  });

  it("stops an app that keeps answering its own events, and says so", async () => {
    const echo = standIn((probot) => {
      probot.on("issue_comment.created", async (context) => {
        await context.octokit.rest.issues.createComment(context.issue({ body: "echo" }));
      });
    });
    const result = await runScenario(`${HEAD}  - open: {number: 1, author: alice}\n  - comment: {number: 1, author: alice, body: hi}\n`, "s.yml", {
      createApp: echo,
      maxDeliveriesPerStep: 5,
    });
    expect(result.state.errors).toEqual(["simulator: more than 5 webhook deliveries after the step at line 5; the rest were dropped (does the app react to its own events?)"]);
  });

  it.each([
    ["a reply to a comment that does not exist", `${HEAD}  - open: {kind: discussion, number: 1, author: alice}\n  - comment: {number: 1, author: carol, body: x, reply_to: 2}\n`, 5, /has only 0 top-level comment/],
    ["a reply to someone who has not commented", `${HEAD}  - open: {kind: discussion, number: 1, author: alice}\n  - comment: {number: 1, author: carol, body: x, reply_to: bob}\n`, 5, /no top-level comment by bob/],
  ])("fails %s with the step's line", async (_what, text, line, message) => {
    const error = await runScenario(text, "s.yml", { createApp: stamper }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).line).toBe(line);
    expect((error as ScenarioError).problem).toMatch(message);
  });
});

describe("narrate", () => {
  it("tells the steps in plain words, strips control characters, and colours only on request", async () => {
    const result = await runScenario(`${HEAD}  - open: {number: 1, author: alice, title: "Evil \\u001b[2J title"}\n  - advance: 2h\n  - comment: {number: 1, author: carol, body: "On it"}\n`, "s.yml", {
      createApp: stamper,
    });
    const plain = narrate(result, { color: false });
    expect(plain).toContain('▸ alice opens issue #1 "Evil [2J title"');
    expect(plain).toContain("⏱  Tue, Dec 1, 2026, 9:00 AM PST");
    expect(plain).toContain("… time passes: 2h");
    expect(plain).toContain('▸ carol comments on #1: "On it"');
    expect(plain).toContain("✔ commented on #1");
    expect(plain).toContain("API requests made by the app: 2 REST, 0 GraphQL");
    expect(plain).not.toContain("\u001b");
    expect(narrate(result, { color: true })).toContain("\u001b[1m");
  });
});
