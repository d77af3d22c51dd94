/**
 * Every webhook kind the simulator sends is validated against @octokit/webhooks-schemas,
 * the community schemas Probot's types are generated from: if the app works against the
 * simulator's payloads, it works against payloads shaped like GitHub's.
 */
import { Ajv, type ValidateFunction } from "ajv";
import schema from "@octokit/webhooks-schemas" with { type: "json" };
import { describe, expect, it } from "vitest";
import { World, type OutgoingWebhook } from "../../src/simulator/model.js";

type SchemaDoc = { definitions: Record<string, unknown> };
const definitions = (schema as unknown as SchemaDoc).definitions;

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(schema as object, "webhooks");

const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let found = validators.get(ref);
  if (!found) {
    found = ajv.compile({ $ref: `webhooks#/definitions/${ref}` });
    validators.set(ref, found);
  }
  return found;
}

/** Plays one of everything the simulator can send and returns the queued webhooks. */
function everyKind(): OutgoingWebhook[] {
  const world = new World(Date.parse("2026-12-01T17:00:00Z"));
  const repo = world.createRepo("acme/support");
  repo.members.add("carol");
  const alice = world.user("alice");
  const carol = world.user("carol");
  world.installationCreated(carol);
  const issue = world.openItem(repo, { kind: "issue", number: 1, author: alice, title: "DB down", body: "", labels: ["P1"], category: null });
  world.editItem(issue, alice, { title: "DB down!", body: "Production is down" });
  const p3 = world.createLabel(repo, "P3", "fbca04", "Normal", world.bot);
  world.addLabels(issue, [p3], world.bot);
  world.removeLabels(issue, [p3], carol);
  const comment = world.addComment(issue, carol, "Looking");
  world.editComment(comment, carol, "Looking now");
  world.addComment(issue, world.bot, "target");
  world.addAssignees(issue, [carol], world.bot);
  world.setState(issue, alice, "closed");
  world.setState(issue, alice, "open");
  const discussion = world.openItem(repo, { kind: "discussion", number: 2, author: alice, title: "Help", body: "### Priority\n\nP2", labels: ["P2"], category: "support" });
  world.editItem(discussion, alice, { body: "### Priority\n\nP3" });
  world.addLabels(discussion, [p3], world.bot);
  world.removeLabels(discussion, [p3], world.bot);
  world.editItem(discussion, carol, { category: "q-a" });
  const top = world.addComment(discussion, world.bot, "target");
  const reply = world.addComment(discussion, carol, "on it", top);
  world.editComment(reply, carol, "on it now");
  world.setState(discussion, carol, "closed");
  world.setState(discussion, carol, "open");
  // Issue 12's additions: deletions, locks, answers, pull requests, transfers, conversions.
  world.deleteComment(reply, carol);
  world.setLocked(issue, carol, true);
  world.setLocked(issue, carol, false);
  world.setLocked(discussion, carol, true);
  world.setLocked(discussion, carol, false);
  const answer = world.addComment(discussion, carol, "Restart it.");
  world.markAnswer(discussion, answer, alice);
  const doomed = world.addComment(issue, carol, "typo");
  world.deleteComment(doomed, carol);
  const pr = world.openItem(repo, { kind: "issue", number: 3, author: alice, title: "Fix", body: "", labels: [], category: null, pullRequest: true });
  world.addComment(pr, carol, "LGTM");
  const other = world.createRepo("acme/other");
  world.transferIssue(issue, other, carol);
  const convertMe = world.openItem(repo, { kind: "issue", number: 4, author: alice, title: "Q", body: "", labels: [], category: null });
  world.convertToDiscussion(convertMe, "q-a", carol);
  return [...world.outbox];
}

const hooks = everyKind();
const kinds = [...new Set(hooks.map((hook) => `${hook.name}.${hook.action ?? ""}`))];
/** The schemas package predates `discussion.closed`/`reopened`: those are checked below. */
const missing = new Set(["discussion.closed", "discussion.reopened"]);

describe("webhook payloads match @octokit/webhooks-schemas", () => {
  it("covers every event kind the simulator sends", () => {
    expect(kinds.sort()).toEqual(
      [
        "discussion.category_changed",
        "discussion.closed",
        "discussion.created",
        "discussion.edited",
        "discussion.labeled",
        "discussion.reopened",
        "discussion.unlabeled",
        "discussion.locked",
        "discussion.unlocked",
        "discussion.answered",
        "discussion_comment.created",
        "discussion_comment.edited",
        "discussion_comment.deleted",
        "issue_comment.deleted",
        "issues.locked",
        "issues.unlocked",
        "issues.transferred",
        "issues.deleted",
        "pull_request.opened",
        "installation.created",
        "issue_comment.created",
        "issue_comment.edited",
        "issues.assigned",
        "issues.closed",
        "issues.edited",
        "issues.labeled",
        "issues.opened",
        "issues.reopened",
        "issues.unlabeled",
      ].sort(),
    );
  });

  it.each(kinds.filter((kind) => !missing.has(kind)))("%s validates", (kind) => {
    const [name, action] = kind.split(".");
    const ref = `${name}$${action}`;
    expect(definitions[ref], `schema has ${ref}`).toBeDefined();
    const validate = validatorFor(ref);
    for (const hook of hooks.filter((h) => `${h.name}.${h.action ?? ""}` === kind)) {
      const ok = validate(hook.payload);
      expect(ok ? [] : validate.errors?.slice(0, 5)).toEqual([]);
    }
  });

  let patchedDiscussion: ValidateFunction | null = null;
  it.each([...missing])("%s: its discussion validates once the schema allows state closed", (kind) => {
    if (!patchedDiscussion) {
      const patched = structuredClone(definitions["discussion"]) as { properties: { state: { enum: string[] } } };
      patched.properties.state.enum.push("closed");
      patchedDiscussion = new Ajv({ strict: false, validateFormats: false })
        .addSchema({ ...(schema as object), definitions: { ...definitions, discussion: patched } }, "patched")
        .compile({ $ref: "patched#/definitions/discussion" });
    }
    const validate = patchedDiscussion;
    const hook = hooks.find((h) => `${h.name}.${h.action ?? ""}` === kind);
    const payload = hook?.payload as Record<string, unknown>;
    expect(validate(payload["discussion"]) ? [] : validate.errors).toEqual([]);
    expect(Object.keys(payload).sort()).toEqual(["action", "discussion", "installation", "organization", "repository", "sender"]);
  });

  it("sends the app's writes with its bot as sender and leaves discussion labels out", () => {
    const botEvents = hooks.filter((hook) => hook.cause === "app");
    expect(botEvents.length).toBeGreaterThan(3);
    for (const hook of botEvents) {
      const sender = (hook.payload as { sender: { login: string; type: string; id: number } }).sender;
      expect(sender).toMatchObject({ login: "support-triage[bot]", type: "Bot", id: 9001 });
    }
    for (const hook of hooks.filter((h) => h.name === "discussion")) {
      expect((hook.payload as { discussion: Record<string, unknown> }).discussion).not.toHaveProperty("labels");
    }
  });

  it("sends opened and then one labeled per form label, as the author", () => {
    const first = hooks.filter((hook) => hook.name === "issues").slice(0, 2);
    expect(first.map((hook) => hook.action)).toEqual(["opened", "labeled"]);
    const labeled = first[1]?.payload as { label: { name: string }; sender: { login: string }; issue: { labels: { name: string }[] } };
    expect(labeled.label.name).toBe("P1");
    expect(labeled.sender.login).toBe("alice");
    expect(labeled.issue.labels.map((label) => label.name)).toEqual(["P1"]);
  });
});
