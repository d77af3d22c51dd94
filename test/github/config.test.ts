import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { API, client, fileAnswer } from "../helpers/octokit.js";
import { extendsPosition, parseExtends, resolveConfig } from "../../src/github/config.js";
import { ContentCache } from "../../src/github/contents.js";


beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("configuration resolution", () => {
  it.each([
    ["other-repo", { owner: "acme", repo: "other-repo", path: ".github/support-triage.yml" }],
    ["octo/shared", { owner: "octo", repo: "shared", path: ".github/support-triage.yml" }],
    ["octo/shared:policies/support.yml", { owner: "octo", repo: "shared", path: "policies/support.yml" }],
    ["not a repo!", null],
  ])("_extends %s", (value, expected) => {
    expect(parseExtends(value, "acme")).toEqual(expected);
  });

  it("falls back to the owner's .github repository", async () => {
    nock(API).get("/repos/acme/.github/contents/.github%2Fsupport-triage.yml").reply(200, fileAnswer("plan: business\n"));
    const r = await resolveConfig(client(), { owner: "acme", repo: "support" }, new ContentCache(), 0, null);
    expect(r.source).toBe("acme/.github:.github/support-triage.yml");
    expect(r.result.config?.plan).toBe("business");
  });

  it("merges the repository's file over the file it extends", async () => {
    nock(API)
      .get("/repos/acme/shared/contents/.github%2Fsupport-triage.yml")
      .reply(200, fileAnswer("plan: business\ncustomers: { wanda: enterprise }\n"));
    const r = await resolveConfig(client(), { owner: "acme", repo: "support" }, new ContentCache(), 0, "_extends: shared\ntimezone: Europe/Berlin\n");
    expect(r.result.errors).toEqual([]);
    expect(r.result.config).toMatchObject({ plan: "business", timezone: "Europe/Berlin", customers: { wanda: "enterprise" } });
  });

  it("a missing _extends target is an error with file, path and line", async () => {
    nock(API).get("/repos/acme/nowhere/contents/.github%2Fsupport-triage.yml").reply(404, { message: "Not Found" });
    const text = "# shared policy\ntimezone: UTC\n_extends: acme/nowhere\n";
    const r = await resolveConfig(client(), { owner: "acme", repo: "support" }, new ContentCache(), 0, text);
    expect(r.result.config).toBeNull();
    expect(r.result.errors).toEqual([
      expect.objectContaining({ file: ".github/support-triage.yml", path: "_extends", line: 3, message: expect.stringMatching(/acme\/nowhere/) }),
    ]);
  });

  it("extendsPosition finds the key's line", () => {
    expect(extendsPosition("a: 1\n\n_extends: x\n")).toEqual({ line: 3, column: 1 });
    expect(extendsPosition("a: 1\n")).toEqual({ line: null, column: null });
  });
});
