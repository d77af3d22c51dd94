/**
 * Probot + nock test harness for the GitHub layer: a real Probot instance running the app,
 * webhooks taken from @octokit/webhooks-examples and adapted, GraphQL answered by nock
 * interceptors that record every request so tests can assert what was written and how
 * many requests it took.
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot } from "probot";
import { createApp, type AppOptions } from "../../src/app.js";
import { TestOctokit } from "../helpers/octokit.js";

export const API = "https://api.github.com";

let keyPem: string | null = null;
export function privateKey(): string {
  keyPem ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return keyPem;
}

export async function makeProbot(now: () => number, options: Partial<AppOptions> = {}): Promise<Probot> {
  const probot = new Probot({
    appId: 1,
    privateKey: privateKey(),
    // The production stack; its waits (pacing, back-off) are instant.
    Octokit: TestOctokit(),
    logLevel: "fatal",
  });
  await probot.load(
    createApp({ clock: now, sweepTimer: false, env: { SUPPORT_TRIAGE_APP_SLUG: "support-triage" }, ...options }),
  );
  return probot;
}

export { example } from "../helpers/examples.js";

export interface Recorded {
  query: string;
  variables: Record<string, unknown>;
}

/** Interceptors for the installation token and a GraphQL answerer; returns the recorded requests. */
export function mockGitHub(answer: (req: Recorded) => unknown): { graphql: Recorded[]; rest: string[] } {
  const graphql: Recorded[] = [];
  const rest: string[] = [];
  nock(API)
    .persist()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, () => {
      return { token: "test-token", expires_at: "2099-01-01T00:00:00Z", permissions: {} };
    });
  nock(API)
    .persist()
    .post("/graphql")
    .reply(200, (_uri, body) => {
      const req = body as Recorded;
      graphql.push(req);
      return { data: answer(req) };
    });
  return { graphql, rest };
}

/**
 * Views over the recorded GraphQL requests: reads, writes, the inputs of one mutation
 * field across batched documents, labels added or removed, production-rule notices.
 */
export function requestViews(all: () => Recorded[], commentField: "addComment" | "addDiscussionComment") {
  const writes = (reqs: Recorded[] = all()) => reqs.filter((r) => r.query.startsWith("mutation"));
  const reads = (reqs: Recorded[] = all()) => reqs.filter((r) => r.query.trimStart().startsWith("query"));
  const inputs = (field: string, reqs: Recorded[] = all()) =>
    writes(reqs).flatMap((w) =>
      [...w.query.matchAll(/(m\d+): (\w+)\(/g)].filter((m) => m[2] === field).map((m) => w.variables[m[1] ?? ""] as Record<string, unknown>),
    );
  const labelsIn = (field: "addLabelsToLabelable" | "removeLabelsFromLabelable", reqs: Recorded[]) =>
    inputs(field, reqs).flatMap((i) => i.labelIds as string[]);
  /** Production-rule notices posted by these requests (tagged comments). */
  const noticesIn = (reqs: Recorded[]) =>
    inputs(commentField, reqs)
      .map((c) => String(c.body))
      .filter((b) => b.includes("<!-- support-triage:notice"));
  return { writes, reads, inputs, labelsIn, noticesIn };
}
