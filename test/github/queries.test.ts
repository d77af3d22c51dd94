import { validate } from "@octokit/graphql-schema";
import { describe, expect, it } from "vitest";
import * as q from "../../src/github/queries.js";

const documents: Array<[string, string]> = [
  ["READ_ISSUE", q.READ_ISSUE],
  ["READ_DISCUSSION", q.READ_DISCUSSION],
  ["READ_REPOSITORY", q.READ_REPOSITORY],
  ["READ_FORMS", q.READ_FORMS],
  ["COMMENTS_PAGE", q.COMMENTS_PAGE],
  ["VIEWER", q.VIEWER],
  ["sweepSearchQuery(1)", q.sweepSearchQuery(1)],
  ["sweepSearchQuery(4)", q.sweepSearchQuery(4)],
  ["sweepSearchQuery([DISCUSSION])", q.sweepSearchQuery(["DISCUSSION"])],
  ["sweepReadQuery(0)", q.sweepReadQuery(0)],
  ["sweepReadQuery(2)", q.sweepReadQuery(2)],
  ["sweepReadQuery(1, [discussion])", q.sweepReadQuery(1, ["discussion"])],
  ["reportSearchQuery([ISSUE, DISCUSSION])", q.reportSearchQuery(["ISSUE", "DISCUSSION"])],
  ["reportSearchQuery([DISCUSSION])", q.reportSearchQuery(["DISCUSSION"])],
  ["PIN_ISSUE", q.PIN_ISSUE],
  ["REPORT_CATEGORIES", q.REPORT_CATEGORIES],
  ["REPORT_DISCUSSIONS", q.REPORT_DISCUSSIONS],
  ["CREATE_DISCUSSION", q.CREATE_DISCUSSION],
  ["UPDATE_DISCUSSION", q.UPDATE_DISCUSSION],
  ["labelLookupQuery(3)", q.labelLookupQuery(3)],
  ["userLookupQuery(2)", q.userLookupQuery(2)],
  ["createLabelsMutation(2)", q.createLabelsMutation(2)],
  [
    "batchMutation(all)",
    q.batchMutation([
      q.MUTATIONS.addLabels("x", ["l"]),
      q.MUTATIONS.removeLabels("x", ["l"]),
      q.MUTATIONS.addIssueComment("x", "b"),
      q.MUTATIONS.updateIssueComment("x", "b"),
      q.MUTATIONS.addDiscussionComment("x", "b"),
      q.MUTATIONS.updateDiscussionComment("x", "b"),
      q.MUTATIONS.addAssignees("x", ["u"]),
    ]).query,
  ],
];

describe("GraphQL documents", () => {
  it.each(documents)("%s is valid against GitHub's schema", (_name, doc) => {
    expect(validate(doc).map((e) => e.message)).toEqual([]);
  });

  it("the schema check catches a misspelt field", () => {
    const broken = q.READ_ISSUE.replace("createdAt state", "createdAt stat");
    expect(validate(broken).length).toBeGreaterThan(0);
  });

  it("every document in src/ is covered by this test", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const files = (await readdir("src", { recursive: true })).filter((f) => f.endsWith(".ts"));
    const offenders: string[] = [];
    for (const f of files) {
      if (f.replaceAll("\\", "/") === "github/queries.ts") continue;
      const text = await readFile(`src/${f}`, "utf8");
      if (/\b(query|mutation)\s+[A-Z]\w*\s*[({]/.test(text) && !f.startsWith("simulator")) offenders.push(f);
    }
    expect(offenders).toEqual([]);
  });
});
