import { describe, expect, it } from "vitest";
import { normalise } from "../../src/handlers/events.js";
import { example } from "../helpers/examples.js";

describe("normalise webhook payloads", () => {
  it("issues.opened → opened trigger with the sender", () => {
    const p = example("issues", "opened");
    const n = normalise("issues", p);
    const issue = p.issue as { number: number };
    expect(n?.ref).toMatchObject({ kind: "issue", number: issue.number, categorySlug: null });
    expect(n?.trigger.type).toBe("opened");
  });

  it("issues.labeled carries the label and who added it", () => {
    const p = example("issues", "labeled");
    const n = normalise("issues", p);
    expect(n?.trigger).toMatchObject({ type: "labeled", label: (p.label as { name: string }).name });
    expect(n?.sender?.login).toBe((p.sender as { login: string }).login);
  });

  it("issues.edited tells whether the body changed", () => {
    const p = example("issues", "edited");
    p.changes = { body: { from: "old" } };
    expect(normalise("issues", p)?.trigger).toMatchObject({ type: "edited", bodyChanged: true });
    p.changes = { title: { from: "old" } };
    expect(normalise("issues", p)?.trigger).toMatchObject({ type: "edited", bodyChanged: false });
  });

  it("discussion events use the discussion number and category slug", () => {
    const p = example("discussion", "created");
    const n = normalise("discussion", p);
    expect(n?.ref).toMatchObject({ kind: "discussion", number: 90, categorySlug: "general" });
    expect(n?.trigger.type).toBe("opened");
  });

  it("discussion_comment.created → comment trigger with association and reply parent", () => {
    const p = example("discussion_comment", "created");
    const n = normalise("discussion_comment", p);
    expect(n?.trigger.type).toBe("comment");
    if (n?.trigger.type === "comment") {
      expect(n.trigger.comment.authorAssociation).toBe((p.comment as { author_association: string }).author_association);
    }
  });

  it("issue_comment.edited carries the text before the edit and who edited; deleted carries the last text", () => {
    const p = example("issue_comment", "created");
    const edited = { ...p, action: "edited", changes: { body: { from: "before" } }, sender: { login: "carol", type: "User" } };
    expect(normalise("issue_comment", edited)?.trigger).toMatchObject({ type: "comment_edited", previousBody: "before", sender: { login: "carol" } });
    const noChange = { ...p, action: "edited", changes: {} };
    expect(normalise("issue_comment", noChange)?.trigger).toMatchObject({ type: "comment_edited", previousBody: null });
    const deleted = { ...p, action: "deleted", sender: { login: "carol", type: "User" } };
    const trigger = normalise("issue_comment", deleted)?.trigger;
    expect(trigger).toMatchObject({ type: "comment_deleted", sender: { login: "carol" } });
    if (trigger?.type === "comment_deleted") expect(trigger.comment.body).toBe((p.comment as { body: string }).body);
    expect(normalise("issue_comment", { ...p, action: "pinned" })).toBeNull();
  });

  it("ignores comments on pull requests", () => {
    const p = example("issue_comment", "created");
    (p.issue as Record<string, unknown>).pull_request = { url: "https://api.github.com/repos/o/r/pulls/1" };
    expect(normalise("issue_comment", p)).toBeNull();
  });

  it.each([
    ["not an object", "x"],
    ["no repository", { action: "opened", issue: { number: 1 } }],
    ["no number", { action: "opened", repository: { name: "r", owner: { login: "o" } }, issue: {} }],
    ["unknown action", { action: "transferred", repository: { name: "r", owner: { login: "o" } }, issue: { number: 1 } }],
    ["label without a name", { action: "labeled", repository: { name: "r", owner: { login: "o" } }, issue: { number: 1 }, label: {} }],
  ])("a strange payload (%s) is ignored, not a crash", (_why, payload) => {
    expect(normalise("issues", payload)).toBeNull();
  });
});
