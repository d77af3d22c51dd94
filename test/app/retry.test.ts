/** Failures worth retrying restart the pipeline from a fresh read; the rest surface. */
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { retryAdvice, retryDelay, DEFAULT_RETRY } from "../../src/github/retry.js";
import { formBody, issueNode, issuePayload, issueTemplates, repoAnswer } from "./builders.js";
import { API, makeProbot } from "./nock-harness.js";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const err = (status: number | undefined, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), { status, response: { headers } });

describe("retryAdvice", () => {
  it.each([
    [err(502, "Bad Gateway"), true, null],
    [err(503, "Unavailable", { "retry-after": "3" }), true, 3000],
    [err(429, "Too many", { "retry-after": "2" }), true, 2000],
    [err(403, "You have exceeded a secondary rate limit"), true, null],
    [err(403, "forbidden", { "retry-after": "5" }), true, 5000],
    [err(403, "Resource not accessible by integration"), false, null],
    [err(404, "Not Found"), false, null],
    [err(422, "Validation Failed"), false, null],
    [err(undefined, "fetch failed: ECONNRESET"), true, null],
    [err(undefined, "something else"), false, null],
  ])("%s → retry %s after %s", (e, retry, delay) => {
    expect(retryAdvice(e, 0)).toEqual({ retry, delayMs: delay });
  });

  it("waits for the primary limit's reset, and gives up on waits that are too long", () => {
    const e = err(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "100" });
    expect(retryAdvice(e, 90_000)).toEqual({ retry: true, delayMs: 10_000 });
    expect(retryDelay(DEFAULT_RETRY, 1, { retry: true, delayMs: 10_000 })).toBe(10_000);
    expect(retryDelay(DEFAULT_RETRY, 1, { retry: true, delayMs: 3_600_000 })).toBeNull();
    expect(retryDelay(DEFAULT_RETRY, 3, { retry: true, delayMs: null })).toBe(4000);
  });
});

describe("item pipeline retries", () => {
  it("a 502 on the write → wait, read again, plan again, write once more", async () => {
    const node = issueNode({ body: formBody("P3 (Normal)", "Development") });
    let reads = 0;
    let writes = 0;
    nock(API).persist().post(/\/app\/installations\/\d+\/access_tokens/).reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z" });
    nock(API)
      .persist()
      .post("/graphql")
      .reply((_u, body) => {
        const q = (body as { query: string }).query;
        if (q.includes("query ReadIssue")) {
          reads++;
          return [200, { data: repoAnswer(null, { templates: issueTemplates(), issue: node }) }];
        }
        writes++;
        return writes === 1 ? [502, { message: "Bad Gateway" }] : [200, { data: {} }];
      });
    nock(API).persist().get(/\/contents\//).reply(404, { message: "Not Found" });
    const slept: number[] = [];
    const probot = await makeProbot(() => Date.parse("2026-12-01T17:05:00Z"), { sleep: async (ms) => void slept.push(ms) });
    await probot.receive({ id: "r1", name: "issues", payload: issuePayload("opened", { body: node.body }) as never });
    expect({ reads, writes, slept }).toEqual({ reads: 2, writes: 2, slept: [1000] });
  });

  it("a 404 is not retried and surfaces as the delivery's error", async () => {
    nock(API).persist().post(/\/app\/installations\/\d+\/access_tokens/).reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z" });
    nock(API).post("/graphql").reply(404, { message: "Not Found" });
    const slept: number[] = [];
    const probot = await makeProbot(() => 0, { sleep: async (ms) => void slept.push(ms) });
    await expect(probot.receive({ id: "r2", name: "issues", payload: issuePayload("opened") as never })).rejects.toThrow();
    expect(slept).toEqual([]);
  });
});
