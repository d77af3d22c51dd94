/**
 * The onboarding pull request's GitHub calls, against a recording stand-in for Octokit:
 * the paths the end-to-end test does not reach — a pull request found by its marker
 * (branch renamed), a branch left by an earlier attempt reused without committing twice,
 * an empty repository.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.js";
import type { GitHubClient } from "../../src/github/client.js";
import { findOnboardingPull, openOnboardingPull } from "../../src/github/onboarding.js";
import { ONBOARDING_BRANCH, ONBOARDING_MARKER, onboardingFiles } from "../../src/triage/onboarding.js";

type Handler = (params: Record<string, unknown>) => { status?: number; data?: unknown } | Error;

function stub(routes: Record<string, Handler>): { client: GitHubClient; calls: string[] } {
  const calls: string[] = [];
  const client: GitHubClient = {
    graphql: async () => {
      throw new Error("no GraphQL expected");
    },
    request: async (route, params = {}) => {
      calls.push(route);
      const handler = routes[route];
      if (!handler) throw new Error(`unexpected ${route}`);
      const out = handler(params);
      if (out instanceof Error) throw out;
      return { status: out.status ?? 200, data: out.data ?? {}, headers: {} };
    },
  };
  return { client, calls };
}

const httpError = (status: number): Error => Object.assign(new Error(`HTTP ${status}`), { status });
const repo = { owner: "acme", repo: "support" };

describe("findOnboardingPull", () => {
  it("finds a closed pull request by its hidden marker when its branch is gone", async () => {
    const { client } = stub({
      "GET /repos/{owner}/{repo}/pulls": (p) =>
        p.head !== undefined
          ? { data: [] }
          : { data: [{ number: 7, body: "unrelated", user: { login: "support-triage[bot]" } }, { number: 9, body: `${ONBOARDING_MARKER}\nhello`, user: { login: "support-triage[bot]" } }] },
    });
    expect(await findOnboardingPull(client, repo, "support-triage[bot]")).toBe(9);
  });

  it("ignores the marker in someone else's pull request", async () => {
    const { client } = stub({ "GET /repos/{owner}/{repo}/pulls": (p) => ({ data: p.head !== undefined ? [] : [{ number: 3, body: ONBOARDING_MARKER, user: { login: "mallory" } }] }) });
    expect(await findOnboardingPull(client, repo, "support-triage[bot]")).toBeNull();
  });
});

describe("openOnboardingPull", () => {
  const base = {
    "GET /repos/{owner}/{repo}": () => ({ data: { default_branch: "trunk" } }),
    "GET /repos/{owner}/{repo}/git/ref/{ref}": () => ({ data: { object: { sha: "abc" } } }),
    "POST /repos/{owner}/{repo}/pulls": (p: Record<string, unknown>) => ({ status: 201, data: { number: 12, base: p.base } }),
  };

  it("branches from the default branch, commits each file once, opens the pull request against it", async () => {
    const puts: string[] = [];
    let pr: Record<string, unknown> = {};
    const { client, calls } = stub({
      ...base,
      "POST /repos/{owner}/{repo}/git/refs": (p) => (p.ref === `refs/heads/${ONBOARDING_BRANCH}` && p.sha === "abc" ? { status: 201 } : httpError(400)),
      "PUT /repos/{owner}/{repo}/contents/{path}": (p) => {
        puts.push(`${String(p.path)}@${String(p.branch)}${p.sha ? " (update)" : ""}`);
        return { status: 201 };
      },
      "POST /repos/{owner}/{repo}/pulls": (p) => {
        pr = p;
        return { status: 201, data: { number: 12 } };
      },
      // Nothing of it on the default branch yet.
      "GET /repos/{owner}/{repo}/contents/{path}": (p) => (p.ref === "trunk" ? httpError(404) : httpError(400)),
    });
    expect(await openOnboardingPull(client, repo, DEFAULT_CONFIG, { inherited: false, schemaUrl: null })).toEqual({ outcome: "opened", number: 12 });
    expect(puts).toEqual(onboardingFiles(DEFAULT_CONFIG, false, null).map((f) => `${f.path}@${ONBOARDING_BRANCH}`));
    expect(pr).toMatchObject({ head: ONBOARDING_BRANCH, base: "trunk" });
    expect(String(pr.body).startsWith(ONBOARDING_MARKER)).toBe(true);
    // Each file looked up on the default branch once, none on the new branch.
    expect(calls.filter((c) => c.startsWith("GET /repos/{owner}/{repo}/contents"))).toHaveLength(onboardingFiles(DEFAULT_CONFIG, false, null).length);
  });

  it("never replaces a file the default branch has: the pull request adds only what is missing", async () => {
    const files = onboardingFiles(DEFAULT_CONFIG, false, null);
    const puts: string[] = [];
    const { client } = stub({
      ...base,
      "POST /repos/{owner}/{repo}/git/refs": () => ({ status: 201 }),
      "GET /repos/{owner}/{repo}/contents/{path}": (p) =>
        p.ref === "trunk" && p.path === files[1]?.path ? { data: { sha: "u1", content: Buffer.from("the team's own").toString("base64") } } : httpError(404),
      "PUT /repos/{owner}/{repo}/contents/{path}": (p) => {
        puts.push(String(p.path));
        return { status: 201 };
      },
      "POST /repos/{owner}/{repo}/pulls": () => ({ status: 201, data: { number: 3 } }),
    });
    expect((await openOnboardingPull(client, repo, DEFAULT_CONFIG, { inherited: false, schemaUrl: null })).outcome).toBe("opened");
    expect(puts).toEqual(files.filter((_, i) => i !== 1).map((f) => f.path));
  });

  it("opens nothing when the default branch has every file", async () => {
    const { client, calls } = stub({
      ...base,
      "GET /repos/{owner}/{repo}/contents/{path}": () => ({ data: { sha: "x", content: "" } }),
    });
    expect(await openOnboardingPull(client, repo, DEFAULT_CONFIG, { inherited: false, schemaUrl: null })).toEqual({ outcome: "nothing-to-add", number: null });
    expect(calls.some((c) => c.startsWith("POST") || c.startsWith("PUT"))).toBe(false);
  });

  it("reuses a branch an earlier attempt left: files already there are not committed again, changed ones are updated", async () => {
    const files = onboardingFiles(DEFAULT_CONFIG, false, null);
    const puts: string[] = [];
    const { client } = stub({
      ...base,
      "POST /repos/{owner}/{repo}/git/refs": () => httpError(422),
      "GET /repos/{owner}/{repo}/contents/{path}": (p) => {
        if (p.ref !== ONBOARDING_BRANCH) return httpError(404);
        if (p.path === files[0]?.path) return { data: { sha: "s0", content: Buffer.from(files[0]!.text).toString("base64") } };
        if (p.path === files[1]?.path) return { data: { sha: "s1", content: Buffer.from("old").toString("base64") } };
        return httpError(404);
      },
      "PUT /repos/{owner}/{repo}/contents/{path}": (p) => {
        puts.push(`${String(p.path)}${p.sha ? ` sha=${String(p.sha)}` : ""}`);
        return { status: 200 };
      },
    });
    expect((await openOnboardingPull(client, repo, DEFAULT_CONFIG, { inherited: false, schemaUrl: null })).outcome).toBe("opened");
    expect(puts).toEqual([`${files[1]!.path} sha=s1`, files[2]!.path, files[3]!.path]);
  });

  it("an empty repository (nothing to branch from) gets nothing", async () => {
    const { client, calls } = stub({ ...base, "GET /repos/{owner}/{repo}/git/ref/{ref}": () => httpError(409) });
    expect(await openOnboardingPull(client, repo, DEFAULT_CONFIG, { inherited: false, schemaUrl: null })).toEqual({ outcome: "empty-repository", number: null });
    expect(calls.some((c) => c.startsWith("POST") || c.startsWith("PUT"))).toBe(false);
  });
});
