/**
 * The item read asks for the config's and the forms' texts only when this process does not
 * hold them: once a repository's files are known, it asks for their object ids alone, and
 * reads the texts again when an id is new (a file changed). Run against the simulator's
 * GraphQL executor (GitHub's schema), recording every request.
 */
import { describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { FileTexts } from "../../src/github/file-texts.js";
import { readItem } from "../../src/handlers/item.js";
import { executeGraphQL } from "../../src/simulator/graphql.js";
import { World } from "../../src/simulator/model.js";

const CONFIG = ".github/support-triage.yml";
const FORM = ".github/ISSUE_TEMPLATE/support.yml";
const CATEGORY_FORM = ".github/DISCUSSION_TEMPLATE/support.yml";

function desk(owner: string) {
  const world = new World(Date.parse("2026-12-01T17:00:00Z"));
  const repo = world.createRepo(`${owner}/support`);
  repo.files.set(CONFIG, "plan: business\n");
  repo.files.set(FORM, "name: Support\ndescription: Ask.\nbody: []\n");
  repo.files.set(".github/ISSUE_TEMPLATE/config.yml", "blank_issues_enabled: false\n");
  repo.files.set(CATEGORY_FORM, "body: []\n");
  const alice = world.user("alice");
  world.openItem(repo, { kind: "issue", number: 1, author: alice, title: "DB down", body: "help", labels: [], category: null });
  world.openItem(repo, { kind: "discussion", number: 2, author: alice, title: "Q", body: "?", labels: [], category: "support" });
  const sent: { withTexts: unknown; answer: string }[] = [];
  const client: GitHubClient = {
    graphql: async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const res = executeGraphQL(world, { query, variables }, { unimplemented: (what) => { throw new Error(`unimplemented: ${what}`); }, requestCount: 1 }).body as { data?: T; errors?: unknown[] };
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      sent.push({ withTexts: variables["withTexts"], answer: JSON.stringify(res.data) });
      return res.data as T;
    },
    request: async () => {
      throw new Error("no REST request expected");
    },
  };
  const texts = new FileTexts();
  return { repo, client, sent, texts, issue: { owner, repo: "support", kind: "issue" as const, number: 1 }, discussion: { owner, repo: "support", kind: "discussion" as const, number: 2, categorySlug: "support" } };
}

describe("the item read: file texts by object id", () => {
  it("without a text store, every read carries the texts", async () => {
    const d = desk("oid-none");
    await readItem(d.client, d.issue);
    await readItem(d.client, d.issue);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, undefined]);
  });

  it("keeps one app instance's texts to itself: another store reads them again", async () => {
    const d = desk("oid-two-stores");
    await readItem(d.client, d.issue, d.texts);
    await readItem(d.client, d.issue, new FileTexts());
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, undefined]);
  });

  it("reads the texts once, then the ids alone, with the same snapshot", async () => {
    const d = desk("oid-same");
    const first = await readItem(d.client, d.issue, d.texts);
    const second = await readItem(d.client, d.issue, d.texts);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, false]);
    expect(d.sent[1]?.answer).not.toContain("plan: business");
    expect(d.sent[1]?.answer.length).toBeLessThan(d.sent[0]!.answer.length);
    expect(first?.configText).toBe("plan: business\n");
    expect(second).toEqual(first);
    expect(second?.templateFiles.map((f) => f.file)).toEqual([FORM]);
  });

  it("reads the texts again when a file changed (a new object id), and serves the new text", async () => {
    const d = desk("oid-changed");
    await readItem(d.client, d.issue, d.texts);
    d.repo.files.set(CONFIG, "plan: enterprise\n");
    const after = await readItem(d.client, d.issue, d.texts);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, false, undefined]);
    expect(after?.configText).toBe("plan: enterprise\n");
    // And the next read is by ids again.
    await readItem(d.client, d.issue, d.texts);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, false, undefined, false]);
  });

  it("sees a deleted config and a deleted form without reading texts", async () => {
    const d = desk("oid-deleted");
    await readItem(d.client, d.issue, d.texts);
    d.repo.files.delete(CONFIG);
    d.repo.files.delete(FORM);
    const after = await readItem(d.client, d.issue, d.texts);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, false]);
    expect(after?.configText).toBeNull();
    expect(after?.templateFiles).toEqual([]);
  });

  it("does the same for a discussion's category form", async () => {
    const d = desk("oid-discussion");
    const first = await readItem(d.client, d.discussion, d.texts);
    expect(first?.templateFiles).toEqual([{ file: CATEGORY_FORM, text: "body: []\n" }]);
    expect(await readItem(d.client, d.discussion, d.texts)).toEqual(first);
    d.repo.files.set(CATEGORY_FORM, "body: [] # edited\n");
    const edited = await readItem(d.client, d.discussion, d.texts);
    expect(d.sent.map((s) => s.withTexts)).toEqual([undefined, false, false, undefined]);
    expect(edited?.templateFiles).toEqual([{ file: CATEGORY_FORM, text: "body: [] # edited\n" }]);
  });
});
