/**
 * Items opened without the support form (`form.require`), end to end: one comment on how
 * to give a priority, never twice, nothing tracked until a priority is known; discussions
 * only in a category whose form asks for the priority; a responder's own items left alone.
 */
import { describe, expect, it } from "vitest";
import { botComments, formBody, item, marker, simulate } from "./scenario-builder.js";

const FORM_MISSING = "<!-- support-triage:notice form-missing -->";
const formComments = (found: Parameters<typeof botComments>[0]) => botComments(found).filter((c) => c.body.includes(FORM_MISSING));

describe("an item opened without the support form", () => {
  it("a blank issue gets one comment, redelivered or not, and is tracked once the author edits the form's headings in", async () => {
    const result = await simulate({
      steps: [
        { open: { kind: "issue", number: 1, author: "alice", title: "Export fails", body: "Our nightly export fails since yesterday." } },
        { redeliver: {} },
        { advance: "1h" },
        { edit: { number: 1, by: "alice", body: formBody({ priority: "P3", environment: "Development" }) } },
      ],
    });
    const found = item(result, 1);
    expect(formComments(found)).toHaveLength(1);
    expect(formComments(found)[0]?.body).toContain("/issues/new?template=support.yml");
    expect(found.labels).toEqual(["P3"]);
    expect(marker(found)).toMatchObject({ priority: "P3", source: "form", setBy: "alice" });
    expect(result.state.errors).toEqual([]);
  });

  it("stays untracked without a priority: no label, no target comment, nothing escalated a week later", async () => {
    const result = await simulate({
      steps: [{ open: { kind: "issue", number: 1, author: "alice", title: "Help", body: "How do I rotate keys?" } }, { advance: "7d" }, { sweep: {} }],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual([]);
    expect(marker(found)).toBeNull();
    expect(botComments(found)).toHaveLength(1);
  });

  it("a discussion without the form gets it in the support category, not in another category", async () => {
    const result = await simulate({
      steps: [
        { open: { kind: "discussion", number: 1, author: "erin", category: "support", title: "Q", body: "How do I rotate keys?" } },
        { open: { kind: "discussion", number: 2, author: "erin", category: "general", title: "Idea", body: "Dark mode?" } },
      ],
    });
    expect(formComments(item(result, 1))).toHaveLength(1);
    expect(formComments(item(result, 1))[0]?.body).toContain("/discussions/new?category=support");
    expect(botComments(item(result, 2))).toHaveLength(0);
  });

  it("a maintainer's blank issue, and any with form.require: none, get no comment", async () => {
    const own = await simulate({ steps: [{ open: { kind: "issue", number: 1, author: "carol", title: "Release checklist", body: "- [ ] tag" } }] });
    expect(botComments(item(own, 1))).toHaveLength(0);
    const off = await simulate({ config: "form:\n  require: none\n", steps: [{ open: { kind: "issue", number: 1, author: "alice", title: "Help", body: "Hi" } }] });
    expect(botComments(item(off, 1))).toHaveLength(0);
  });

  it("a responder's priority label makes it tracked", async () => {
    const result = await simulate({
      steps: [
        { open: { kind: "issue", number: 1, author: "alice", title: "Export fails", body: "Our nightly export fails." } },
        { label: { number: 1, label: "P4", by: "carol" } },
      ],
    });
    const found = item(result, 1);
    expect(found.labels).toEqual(["P4"]);
    expect(marker(found)).toMatchObject({ priority: "P4", source: "label", setBy: "carol" });
    expect(formComments(found)).toHaveLength(1);
  });
});
