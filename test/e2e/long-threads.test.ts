/**
 * Long threads: the app's target comment and a maintainer's answer can sit past the first
 * page of comments (and, in the sweep, past the search page's lighter window). The app must
 * still find them: one target comment, one escalation, the response seen.
 */
import { describe, expect, it } from "vitest";
import { botComments, formBody, item, marker, notices, simulate } from "./scenario-builder.js";

const chatter = (number: number, author: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ comment: { number, author, body: `Any news? (${i + 1})` } }));

describe("long threads", () => {
  it("a discussion whose target comment comes after 32 comments: one target comment, one escalation over several sweeps", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [
        { open: { kind: "discussion", number: 1, author: "wanda", category: "general", title: "Q", body: "No form here." } },
        ...chatter(1, "wanda", 32),
        { label: { number: 1, label: "production", by: "carol" } },
        { label: { number: 1, label: "P2", by: "carol" } },
        { advance: "5h" },
        { sweep: {} },
        { advance: "10m" },
        { sweep: {} },
        { advance: "10m" },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(botComments(found).filter((c) => c.body.includes("support-triage:target"))).toHaveLength(1);
    expect(notices(found).filter((c) => c.body.includes("support-triage:escalation"))).toHaveLength(1);
    expect(found.labels).toEqual(["P2", "escalated", "production"]);
    expect(result.state.errors).toEqual([]);
  });

  it("an issue with 101 comments before the priority: one target comment, and a maintainer's answer on page two is seen by the sweep", async () => {
    const result = await simulate({
      config: "customers:\n  wanda: business\n",
      steps: [
        { open: { kind: "issue", number: 1, author: "wanda", title: "x", body: formBody({ priority: "P4", environment: "Staging" }) } },
        ...chatter(1, "wanda", 101),
        { comment: { number: 1, author: "carol", body: "Answering now." } },
        { comment: { number: 1, author: "wanda", body: "Thanks!" } },
        { advance: "3d" },
        { sweep: {} },
        { sweep: {} },
      ],
    });
    const found = item(result, 1);
    expect(botComments(found).filter((c) => c.body.includes("support-triage:target"))).toHaveLength(1);
    expect(marker(found)).toMatchObject({ respondedBy: "carol" });
    expect(notices(found)).toHaveLength(0);
    expect(result.state.errors).toEqual([]);
  });
});
