import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import { firstResponse, isResponder } from "../../src/triage/responders.js";
import type { Actor } from "../../src/triage/types.js";
import { APP_LOGIN, aComment, aDiscussion, alice, anIssue, app, carol, cfg, ciBot, dave, mallory } from "./helpers.js";

describe("isResponder", () => {
  const config = cfg({ responders: { associations: ["OWNER", "MEMBER", "COLLABORATOR"], users: ["Dave"], teams: ["acme/support"] } });
  const item = anIssue({ author: alice });
  const team = new Set(["erin"]);

  it.each<[string, Actor | null, string, boolean]>([
    ["a member", carol, "MEMBER", true],
    ["an owner (lower-case association)", carol, "owner", true],
    ["a collaborator", carol, "COLLABORATOR", true],
    ["a configured user (any case)", dave, "NONE", true],
    ["a team member", { login: "Erin", isBot: false }, "NONE", true],
    ["a contributor", mallory, "CONTRIBUTOR", false],
    ["the author, even as OWNER", alice, "OWNER", false],
    ["a bot flagged isBot", { login: "helper", isBot: true }, "MEMBER", false],
    ["a [bot] login", { login: "ci-helper[bot]", isBot: false }, "MEMBER", false],
    ["the app under its GraphQL login", { login: "support-triage", isBot: false }, "MEMBER", false],
    ["a deleted user", null, "MEMBER", false],
  ])("%s → %s", (_n, actor, association, expected) => {
    expect(isResponder(actor, association, item, config, APP_LOGIN, team)).toBe(expected);
  });
});

describe("firstResponse", () => {
  it.each([
    ["issue", anIssue],
    ["discussion", aDiscussion],
  ] as const)("is the earliest responder comment on a %s (replies included)", (_k, build) => {
    const item = build({
      comments: [
        aComment({ id: "bot", author: ciBot, createdAt: "2026-12-01T09:01:00Z" }),
        aComment({ id: "app", author: app, createdAt: "2026-12-01T09:02:00Z" }),
        aComment({ id: "author", author: alice, association: "NONE", createdAt: "2026-12-01T09:03:00Z" }),
        aComment({ id: "late", author: carol, createdAt: "2026-12-01T12:00:00Z" }),
        { ...aComment({ id: "reply", author: dave, createdAt: "2026-12-01T11:00:00Z" }), replyTo: "author" },
      ],
    });
    expect(firstResponse(item, DEFAULT_CONFIG, APP_LOGIN)?.id).toBe("reply");
  });

  it("is null without responders", () => {
    const item = anIssue({ comments: [aComment({ author: mallory, association: "NONE" })] });
    expect(firstResponse(item, DEFAULT_CONFIG, APP_LOGIN)).toBeNull();
  });
});
