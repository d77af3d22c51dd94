/**
 * Repository set-up when the onboarding pull request cannot be opened: the pull request is
 * a courtesy, so a refusal (an older installation that has not accepted the `contents` and
 * `pull_requests` permissions answers 403) is logged and set-up goes on — the labels the
 * policy needs are still created and the repository is reported ready. The end-to-end
 * onboarding tests cover the paths where GitHub lets it through.
 */
import { describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { createServices } from "../../src/handlers/services.js";
import { prepareRepository } from "../../src/handlers/setup.js";

const httpError = (status: number): Error => Object.assign(new Error(`HTTP ${status}: Resource not accessible by integration`), { status });

function desk(pulls: "refused" | "branch refused") {
  const calls: string[] = [];
  const created: string[] = [];
  const client: GitHubClient = {
    graphql: async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const op = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "?";
      calls.push(op);
      if (op === "ReadRepository") {
        return { repository: { id: "R_1", labels: { totalCount: 0, nodes: [] }, config: null } } as T;
      }
      if (op === "ReadForms") return { repository: { issueForms: null, discussionForms: null } } as T;
      if (op === "CreateLabels") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(variables)) {
          const name = (v as { name: string }).name;
          created.push(name);
          out[k] = { label: { id: `LA_${name}`, name } };
        }
        return out as T;
      }
      throw new Error(`unexpected GraphQL ${op}`);
    },
    request: async (route) => {
      calls.push(route);
      if (route === "GET /repos/{owner}/{repo}/issues") return { status: 200, data: [], headers: {} };
      if (route.startsWith("GET /repos/{owner}/{repo}/pulls") && pulls === "refused") throw httpError(403);
      if (route === "GET /repos/{owner}/{repo}/pulls") return { status: 200, data: [], headers: {} };
      if (route === "GET /repos/{owner}/{repo}") return { status: 200, data: { default_branch: "main" }, headers: {} };
      if (route === "GET /repos/{owner}/{repo}/git/ref/{ref}") throw httpError(403);
      // The owner's `.github` repository has no shared configuration.
      if (route === "GET /repos/{owner}/{repo}/contents/{path}") throw httpError(404);
      throw new Error(`unexpected ${route}`);
    },
  };
  const lines: { level: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object) => lines.push({ level, obj: obj as Record<string, unknown> });
  const log = { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
  const services = createServices({ now: () => Date.parse("2026-12-01T17:00:00Z"), appLogin: async () => "support-triage[bot]" });
  return { client, calls, created, lines, log, services };
}

describe("set-up when the onboarding pull request is refused", () => {
  it.each(["refused", "branch refused"] as const)("pull requests %s: logs why, creates the labels, and the repository is ready", async (pulls) => {
    const d = desk(pulls);
    const ready = await prepareRepository(d.client, d.services, { owner: "acme", repo: "support" }, d.log, { onboard: true });
    expect(ready).toBe(true);
    expect(d.created).toEqual(expect.arrayContaining(["P1", "P2", "P3", "P4", "production", "security", "escalated"]));
    const failed = d.lines.filter((l) => l.obj["event"] === "support-triage.onboarding-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.level).toBe("warn");
    expect(failed[0]?.obj["status"]).toBe(403);
    // Nothing after the refusal was tried on the pull request's behalf: no branch, no commit, no pull request.
    expect(d.calls.filter((c) => /^(POST|PUT|PATCH)/.test(c))).toEqual([]);
    expect(d.calls.includes("GET /repos/{owner}/{repo}/git/ref/{ref}")).toBe(pulls === "branch refused");
  });

  it("without `onboard` (a push, not an installation) never looks for a pull request", async () => {
    const d = desk("refused");
    expect(await prepareRepository(d.client, d.services, { owner: "acme", repo: "support" }, d.log)).toBe(true);
    expect(d.calls.some((c) => c.includes("/pulls"))).toBe(false);
    expect(d.lines.some((l) => l.obj["event"] === "support-triage.onboarding-failed")).toBe(false);
  });
});
