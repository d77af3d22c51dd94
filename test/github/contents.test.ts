import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { API, client, fileAnswer } from "../helpers/octokit.js";
import { ContentCache } from "../../src/github/contents.js";
import { ConfigIssueTracker } from "../../src/github/config-issue.js";
import { CONFIG_ISSUE_TITLE, CONFIG_ISSUE_MARKER } from "../../src/config/report.js";


beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("ContentCache", () => {
  it("revalidates with the ETag and serves a 304 from the cache", async () => {
    const cache = new ContentCache();
    nock(API)
      .get("/repos/acme/support/contents/.github%2Fsupport-triage.yml")
      .reply(200, fileAnswer("plan: business\n"), { etag: '"v1"' });
    nock(API, { reqheaders: { "if-none-match": '"v1"' } })
      .get("/repos/acme/support/contents/.github%2Fsupport-triage.yml")
      .reply(304);
    const c = client();
    expect(await cache.read(c, "acme", "support", ".github/support-triage.yml", 0)).toBe("plan: business\n");
    expect(await cache.read(c, "acme", "support", ".github/support-triage.yml", 1)).toBe("plan: business\n");
    expect(cache.stats).toEqual({ requests: 2, notModified: 1 });
  });

  it("remembers a missing file for a while, then asks again", async () => {
    const cache = new ContentCache(10, 60_000);
    nock(API).get("/repos/acme/.github/contents/.github%2Fsupport-triage.yml").twice().reply(404, { message: "Not Found" });
    const c = client();
    expect(await cache.read(c, "acme", ".github", ".github/support-triage.yml", 0)).toBeNull();
    expect(await cache.read(c, "acme", ".github", ".github/support-triage.yml", 30_000)).toBeNull();
    expect(cache.stats.requests).toBe(1);
    expect(await cache.read(c, "acme", ".github", ".github/support-triage.yml", 61_000)).toBeNull();
    expect(cache.stats.requests).toBe(2);
  });

  it("does not grow past its bound", async () => {
    const cache = new ContentCache(2, 60_000);
    const c = client();
    for (const r of ["a", "b", "c"]) {
      nock(API).get(`/repos/acme/${r}/contents/f`).reply(404, {});
      await cache.read(c, "acme", r, "f", 0);
    }
    // "a" was evicted: reading it again asks GitHub.
    nock(API).get("/repos/acme/a/contents/f").reply(404, {});
    await cache.read(c, "acme", "a", "f", 0);
    expect(cache.stats.requests).toBe(4);
  });
});

describe("ConfigIssueTracker", () => {
  const problem = { file: ".github/support-triage.yml", path: "plan", line: 1, column: 7, message: 'unknown plan "gold"' };

  it("opens one issue, edits it when errors change, closes it when fixed", async () => {
    const t = new ConfigIssueTracker();
    const c = client();
    const repo = { owner: "acme", repo: "support" };
    nock(API).get("/repos/acme/support/issues").query(true).reply(200, []);
    nock(API)
      .post("/repos/acme/support/issues", (b) => b.title === CONFIG_ISSUE_TITLE && b.body.startsWith(CONFIG_ISSUE_MARKER) && b.body.includes("line 1"))
      .reply(201, { number: 7 });
    expect(await t.sync(c, repo, "support-triage[bot]", [problem])).toBe("opened");
    expect(await t.sync(c, repo, "support-triage[bot]", [problem])).toBe("unchanged");
    // Before editing on what it remembers, it looks again (another replica may have closed #7).
    nock(API)
      .get("/repos/acme/support/issues")
      .query(true)
      .reply(200, [{ number: 7, title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nold` }]);
    nock(API).patch("/repos/acme/support/issues/7", (b) => typeof b.body === "string" && b.body.includes("line 2")).reply(200, {});
    expect(await t.sync(c, repo, "support-triage[bot]", [{ ...problem, line: 2 }])).toBe("updated");
    nock(API).patch("/repos/acme/support/issues/7", (b) => b.state === "closed").reply(200, {});
    expect(await t.sync(c, repo, "support-triage[bot]", [])).toBe("closed");
    expect(t.knowsOpen(repo)).toBe(false);
  });

  it("finds an issue a previous process opened instead of opening another", async () => {
    const t = new ConfigIssueTracker();
    nock(API)
      .get("/repos/acme/support/issues")
      .query((q) => q.creator === "support-triage[bot]" && q.state === "all")
      .reply(200, [
        { number: 2, state: "closed", title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nolder` },
        { number: 3, state: "open", title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nold` },
      ]);
    nock(API).patch("/repos/acme/support/issues/3").reply(200, {});
    expect(await t.sync(client(), { owner: "acme", repo: "support" }, "support-triage[bot]", [problem])).toBe("updated");
  });

  it("reopens the latest closed configuration issue when the file breaks again, instead of opening another", async () => {
    const t = new ConfigIssueTracker();
    nock(API)
      .get("/repos/acme/support/issues")
      .query((q) => q.state === "all")
      .reply(200, [
        { number: 4, state: "closed", title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nfirst` },
        { number: 8, state: "closed", title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nsecond` },
        { number: 9, state: "closed", title: "something else", body: "x" },
      ]);
    nock(API).patch("/repos/acme/support/issues/8", (b) => b.state === "open" && typeof b.body === "string" && b.body.includes("line 1")).reply(200, {});
    expect(await t.sync(client(), { owner: "acme", repo: "support" }, "support-triage[bot]", [problem])).toBe("reopened");
    expect(t.knowsOpen({ owner: "acme", repo: "support" })).toBe(true);
    // Fixed again: the same issue is closed.
    nock(API).patch("/repos/acme/support/issues/8", (b) => b.state === "closed").reply(200, {});
    expect(await t.sync(client(), { owner: "acme", repo: "support" }, "support-triage[bot]", [])).toBe("closed");
  });

  it("looks again before creating when it only remembers a miss (another replica may have opened one)", async () => {
    const t = new ConfigIssueTracker();
    const repo = { owner: "acme", repo: "support" };
    // This process saw no issue and a valid file…
    nock(API).get("/repos/acme/support/issues").query(true).reply(200, []);
    expect(await t.sync(client(), repo, "support-triage[bot]", [])).toBe("unchanged");
    // …meanwhile another replica opened #9; now this process sees the file broken.
    nock(API)
      .get("/repos/acme/support/issues")
      .query(true)
      .reply(200, [{ number: 9, title: CONFIG_ISSUE_TITLE, body: `${CONFIG_ISSUE_MARKER}\nother` }]);
    nock(API).patch("/repos/acme/support/issues/9").reply(200, {});
    expect(await t.sync(client(), repo, "support-triage[bot]", [problem])).toBe("updated");
  });

  it("never echoes a mention from the file so that it pings", async () => {
    const t = new ConfigIssueTracker();
    nock(API).get("/repos/acme/support/issues").query(true).reply(200, []);
    let body = "";
    nock(API)
      .post("/repos/acme/support/issues", (b) => {
        body = b.body;
        return true;
      })
      .reply(201, { number: 1 });
    await t.sync(client(), { owner: "acme", repo: "support" }, "x[bot]", [{ ...problem, message: 'unknown plan "@octocat <b>"' }]);
    expect(body).not.toMatch(/@octocat/);
    expect(body).not.toContain("<b>");
  });
});
