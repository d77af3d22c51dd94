/** A token-authenticated Octokit for nock tests of the GitHub layer: no retries, no throttling. */
import { ProbotOctokit } from "probot";
import type { GitHubClient } from "../../src/github/client.js";

export const API = "https://api.github.com";

export const client = (): GitHubClient =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;

/** A contents API answer for a file. */
export const fileAnswer = (text: string) => ({ type: "file", encoding: "base64", content: Buffer.from(text).toString("base64") });
