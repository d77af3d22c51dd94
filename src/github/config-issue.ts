/**
 * Keeps exactly one open "configuration error" issue per repository in step with the
 * configuration: opened when errors appear, edited when they change, closed when fixed,
 * and — when the file breaks again after a fix — the same issue reopened (with the new
 * errors) rather than a second one opened: its history stays in one place.
 * Which issue is ours: opened by the app, titled CONFIG_ISSUE_TITLE, body starting with
 * the marker. What is known is remembered per repository so valid repositories pay one
 * lookup per process, not one per event.
 */
import { CONFIG_ISSUE_MARKER, CONFIG_ISSUE_TITLE, renderConfigIssue } from "../config/report.js";
import type { ConfigProblem } from "../config/types.js";
import { repoKey, type GitHubClient, type RepoRef } from "./client.js";

interface Known {
  /** The open configuration issue, or null. */
  number: number | null;
  body: string | null;
  /** The latest closed one (reopened when the file breaks again), or null. */
  closed?: number | null;
}

export class ConfigIssueTracker {
  private readonly known = new Map<string, Known>();

  private async find(client: GitHubClient, repo: RepoRef, appLogin: string): Promise<Known> {
    const key = repoKey(repo);
    const hit = this.known.get(key);
    if (hit) return hit;
    const res = await client.request("GET /repos/{owner}/{repo}/issues", {
      owner: repo.owner,
      repo: repo.repo,
      state: "all",
      creator: appLogin,
      per_page: 100,
    });
    const list = (res.data as Array<{ number: number; title: string; state?: string; body?: string | null; pull_request?: unknown }>).filter(
      (i) => !i.pull_request && i.title === CONFIG_ISSUE_TITLE && (i.body ?? "").startsWith(CONFIG_ISSUE_MARKER),
    );
    const first = list.filter((i) => i.state !== "closed").sort((a, b) => a.number - b.number)[0];
    const latestClosed = list.filter((i) => i.state === "closed").sort((a, b) => b.number - a.number)[0];
    const known: Known = first
      ? { number: first.number, body: first.body ?? "" }
      : { number: null, body: null, closed: latestClosed?.number ?? null };
    this.known.set(key, known);
    return known;
  }

  /**
   * Bring the issue in line with `errors`. Returns what it did, for logs.
   *
   * A write that fails may still have happened (GitHub can answer 502 after creating the
   * issue), so on any failure what this process believed is forgotten: the retry looks
   * at GitHub again instead of creating a second issue.
   */
  async sync(
    client: GitHubClient,
    repo: RepoRef,
    appLogin: string,
    errors: readonly ConfigProblem[],
  ): Promise<"opened" | "reopened" | "updated" | "closed" | "unchanged"> {
    try {
      return await this.syncOnce(client, repo, appLogin, errors);
    } catch (err) {
      this.forget(repo);
      throw err;
    }
  }

  private async syncOnce(
    client: GitHubClient,
    repo: RepoRef,
    appLogin: string,
    errors: readonly ConfigProblem[],
  ): Promise<"opened" | "reopened" | "updated" | "closed" | "unchanged"> {
    const key = repoKey(repo);
    const remembered = this.known.has(key);
    const known = await this.find(client, repo, appLogin);
    if (errors.length === 0) {
      if (known.number === null) return "unchanged";
      await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: known.number,
        state: "closed",
        state_reason: "completed",
      });
      this.known.set(key, { number: null, body: null, closed: known.number });
      return "closed";
    }
    const body = renderConfigIssue(errors);
    let current = known;
    if (remembered && current.body !== body) {
      // About to write on what this process remembers: another replica may have opened,
      // closed or replaced the issue since. Look again (only open issues are listed), so a
      // remembered miss does not create a second issue and a remembered hit does not edit
      // or reopen one that was closed. Costs one GET per change, only while the file is broken.
      this.known.delete(key);
      current = await this.find(client, repo, appLogin);
    }
    if (current.number === null && typeof current.closed === "number") {
      // Broken again after a fix: the same issue, reopened with the new errors.
      await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: current.closed,
        state: "open",
        body,
      });
      this.known.set(key, { number: current.closed, body });
      return "reopened";
    }
    if (current.number === null) {
      const res = await client.request("POST /repos/{owner}/{repo}/issues", {
        owner: repo.owner,
        repo: repo.repo,
        title: CONFIG_ISSUE_TITLE,
        body,
      });
      this.known.set(key, { number: (res.data as { number: number }).number, body });
      return "opened";
    }
    if (current.body === body) return "unchanged";
    await client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: repo.owner,
      repo: repo.repo,
      issue_number: current.number,
      body,
    });
    this.known.set(key, { number: current.number, body });
    return "updated";
  }

  /** Whether this process knows of an open configuration issue in the repository. */
  knowsOpen(repo: RepoRef): boolean {
    return (this.known.get(repoKey(repo))?.number ?? null) !== null;
  }

  forget(repo: RepoRef): void {
    this.known.delete(repoKey(repo));
  }
}
