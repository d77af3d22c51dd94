/**
 * The onboarding pull request on GitHub: opened once per repository — found again by its
 * branch or its hidden marker, open, merged or closed, so it is never proposed twice.
 * What it contains and says is decided in src/triage/onboarding.ts; this only writes it:
 * a branch from the default branch's head, one commit per file (contents API), the pull
 * request. Needs `contents: write` and `pull_requests: write`.
 */
import type { Config } from "../config/types.js";
import { ONBOARDING_BRANCH, ONBOARDING_MARKER, ONBOARDING_TITLE, onboardingBody, onboardingFiles, type OnboardingFile } from "../triage/onboarding.js";
import { errorStatus, type GitHubClient, type RepoRef } from "./client.js";

export type OnboardingOutcome = "opened" | "empty-repository" | "nothing-to-add";

interface PullSummary {
  readonly number: number;
  readonly body?: string | null;
  readonly head?: { ref?: string };
  readonly user?: { login?: string } | null;
}

/** A pull request the app opened before (any state): by branch, else by marker among the latest 100. */
export async function findOnboardingPull(client: GitHubClient, repo: RepoRef, appLogin: string): Promise<number | null> {
  const byBranch = await client.request("GET /repos/{owner}/{repo}/pulls", {
    owner: repo.owner,
    repo: repo.repo,
    state: "all",
    head: `${repo.owner}:${ONBOARDING_BRANCH}`,
    per_page: 10,
  });
  const first = (byBranch.data as PullSummary[])[0];
  if (first) return first.number;
  const recent = await client.request("GET /repos/{owner}/{repo}/pulls", { owner: repo.owner, repo: repo.repo, state: "all", per_page: 100 });
  const ours = (recent.data as PullSummary[]).find(
    (p) => (p.body ?? "").startsWith(ONBOARDING_MARKER) && (p.user?.login ?? "").toLowerCase() === appLogin.toLowerCase(),
  );
  return ours ? ours.number : null;
}

async function fileAt(client: GitHubClient, repo: RepoRef, path: string, ref: string): Promise<{ sha: string; text: string } | null> {
  try {
    const res = await client.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: repo.owner, repo: repo.repo, path, ref });
    const data = res.data as { sha?: string; content?: string };
    if (typeof data.sha !== "string") return null;
    return { sha: data.sha, text: Buffer.from(data.content ?? "", "base64").toString("utf8") };
  } catch (err) {
    if (errorStatus(err) === 404) return null;
    throw err;
  }
}

export async function openOnboardingPull(
  client: GitHubClient,
  repo: RepoRef,
  config: Config,
  options: { readonly inherited: boolean; readonly schemaUrl: string | null },
): Promise<{ outcome: OnboardingOutcome; number: number | null }> {
  const info = await client.request("GET /repos/{owner}/{repo}", { owner: repo.owner, repo: repo.repo });
  const base = (info.data as { default_branch?: string }).default_branch ?? "main";
  let sha: string;
  try {
    const ref = await client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner: repo.owner, repo: repo.repo, ref: `heads/${base}` });
    sha = (ref.data as { object: { sha: string } }).object.sha;
  } catch (err) {
    // 409 "Git Repository is empty": there is nothing to branch from yet.
    if (errorStatus(err) === 409 || errorStatus(err) === 404) return { outcome: "empty-repository", number: null };
    throw err;
  }
  // A file the repository already has (on its default branch) is never replaced: the pull
  // request only adds what is missing, so merging it cannot overwrite anyone's work.
  const files: OnboardingFile[] = [];
  for (const file of onboardingFiles(config, options.inherited, options.schemaUrl)) {
    if ((await fileAt(client, repo, file.path, base)) === null) files.push(file);
  }
  if (files.length === 0) return { outcome: "nothing-to-add", number: null };
  let reused = false;
  try {
    await client.request("POST /repos/{owner}/{repo}/git/refs", { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${ONBOARDING_BRANCH}`, sha });
  } catch (err) {
    // The branch is there already (an earlier attempt stopped before the pull request): reuse it.
    if (errorStatus(err) !== 422) throw err;
    reused = true;
  }
  for (const file of files) {
    const existing = reused ? await fileAt(client, repo, file.path, ONBOARDING_BRANCH) : null;
    if (existing && existing.text === file.text) continue;
    await client.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: repo.owner,
      repo: repo.repo,
      path: file.path,
      branch: ONBOARDING_BRANCH,
      message: file.message,
      content: Buffer.from(file.text, "utf8").toString("base64"),
      ...(existing ? { sha: existing.sha } : {}),
    });
  }
  const pull = await client.request("POST /repos/{owner}/{repo}/pulls", {
    owner: repo.owner,
    repo: repo.repo,
    title: ONBOARDING_TITLE,
    head: ONBOARDING_BRANCH,
    base,
    body: onboardingBody(config, options.inherited),
    maintainer_can_modify: true,
  });
  return { outcome: "opened", number: (pull.data as { number: number }).number };
}
