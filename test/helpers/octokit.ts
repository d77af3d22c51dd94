/**
 * A token-authenticated Octokit for nock tests of the GitHub layer: the production stack
 * (src/github/octokit.ts), its waits spent on an instant scheduler.
 */
import type { GitHubClient } from "../../src/github/client.js";
import { createOctokit, Pacing, type Scheduler } from "../../src/github/octokit.js";

/** Waits that resolve at once, on the wall clock. */
export const instantScheduler: Scheduler = { now: () => Date.now(), sleep: async () => {} };

/** The production Octokit class with instant waits (one pacing state per call). */
export const TestOctokit = () => createOctokit(new Pacing(instantScheduler));

export const API = "https://api.github.com";

export const client = (): GitHubClient => new (TestOctokit())({ auth: { token: "t" } }) as unknown as GitHubClient;

/** A contents API answer for a file. */
export const fileAnswer = (text: string) => ({ type: "file", encoding: "base64", content: Buffer.from(text).toString("base64") });
