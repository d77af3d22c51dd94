/**
 * The simulator's REST face over real HTTP: the routes the app and Probot's plugins use,
 * conditional requests, GitHub's status codes, and the two kinds of 404 — a missing
 * resource (legitimate) and a route the simulator does not implement (reported).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { World, type SimRepo } from "../../src/simulator/model.js";
import { GitHubSimulator } from "../../src/simulator/server.js";

const TOKEN = { authorization: "token ghs_simulated0001" };
const JWT = { authorization: "bearer eyJhbGciOiJSUzI1NiJ9.e30.sig" };

let world: World;
let repo: SimRepo;
let sim: GitHubSimulator;

beforeEach(async () => {
  world = new World(Date.parse("2026-12-01T17:00:00Z"));
  repo = world.createRepo("acme/support");
  repo.members.add("carol");
  repo.files.set(".github/support-triage.yml", "plan: business\n");
  repo.files.set(".github/ISSUE_TEMPLATE/support.yml", "name: Support\n");
  sim = new GitHubSimulator(world);
  await sim.listen();
});

afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, headers: Record<string, string> = TOKEN, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe("contents", () => {
  it("serves a file as base64 with an ETag, and 304 for a matching If-None-Match", async () => {
    const first = await call("GET", "/api/v3/repos/acme/support/contents/.github%2Fsupport-triage.yml");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ type: "file", encoding: "base64", path: ".github/support-triage.yml", name: "support-triage.yml", size: 15 });
    expect(Buffer.from(first.json.content, "base64").toString("utf8")).toBe("plan: business\n");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(first.json.sha).toBe(etag?.slice(1, -1));

    const again = await call("GET", "/api/v3/repos/acme/support/contents/.github/support-triage.yml", { ...TOKEN, "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");

    repo.files.set(".github/support-triage.yml", "plan: enterprise\n");
    const changed = await call("GET", "/api/v3/repos/acme/support/contents/.github/support-triage.yml", { ...TOKEN, "if-none-match": etag ?? "" });
    expect(changed.status).toBe(200);
    expect(sim.requests).toEqual({ rest: 2, graphql: 0, rest304: 1 });
  });

  it("serves raw text for the raw media type (Probot's config plugin)", async () => {
    const raw = await call("GET", "/repos/acme/support/contents/.github/support-triage.yml", { ...TOKEN, accept: "application/vnd.github.v3.raw" });
    expect(raw.status).toBe(200);
    expect(raw.text).toBe("plan: business\n");
    expect(raw.headers.get("content-type")).toBe("application/vnd.github.raw; charset=utf-8");
    const json = await call("GET", "/repos/acme/support/contents/.github/support-triage.yml");
    expect(raw.headers.get("etag")).not.toBe(json.headers.get("etag"));
  });

  it("lists a directory and answers 404 for a missing file without reporting it", async () => {
    const dir = await call("GET", "/api/v3/repos/acme/support/contents/.github");
    expect(dir.json.map((entry: { name: string; type: string }) => [entry.name, entry.type])).toEqual([
      ["ISSUE_TEMPLATE", "dir"],
      ["support-triage.yml", "file"],
    ]);
    const missing = await call("GET", "/api/v3/repos/acme/.github/contents/.github/support-triage.yml");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ message: "Not Found" });
    expect(sim.errors).toEqual([]);
  });
});

describe("routes", () => {
  it("answers an unimplemented route with 404 and records it", async () => {
    const answer = await call("GET", "/api/v3/repos/acme/support/releases?per_page=1");
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ message: "Not Found" });
    expect(sim.errors).toEqual(["simulator: unimplemented GET /repos/acme/support/releases"]);
    expect(sim.requests.rest).toBe(1);
  });

  it("issues installation tokens for the app's JWT and refuses a JWT on repository routes", async () => {
    const token = await call("POST", "/api/v3/app/installations/1/access_tokens", JWT);
    expect(token.status).toBe(201);
    expect(token.json).toMatchObject({ token: "ghs_simulated0001", repository_selection: "selected", expires_at: "2026-12-01T18:00:00Z" });
    const app = await call("GET", "/api/v3/app", JWT);
    expect(app.json).toMatchObject({ id: 1, slug: "support-triage", name: "support-triage" });
    const wrong = await call("GET", "/api/v3/repos/acme/support", JWT);
    expect(wrong.status).toBe(401);
    expect(sim.errors[0]).toMatch(/without an installation token/);
  });

  it("lists installations and their repositories with pagination", async () => {
    expect((await call("GET", "/api/v3/app/installations", JWT)).json.map((i: { id: number }) => i.id)).toEqual([1]);
    const repos = await call("GET", "/api/v3/installation/repositories?per_page=100&page=1");
    expect(repos.json).toMatchObject({ total_count: 1, repositories: [{ full_name: "acme/support" }] });
    expect((await call("GET", "/api/v3/repos/acme/support/installation", JWT)).json).toMatchObject({ id: 1, account: { login: "acme", type: "Organization" } });
  });

  it("tells write from read permission", async () => {
    const carol = await call("GET", "/api/v3/repos/acme/support/collaborators/carol/permission");
    const alice = await call("GET", "/api/v3/repos/acme/support/collaborators/alice/permission");
    expect([carol.json.permission, alice.json.permission]).toEqual(["write", "read"]);
  });

  it("creates, finds, edits and closes the app's own issue, with webhooks from the bot", async () => {
    const created = await call("POST", "/api/v3/repos/acme/support/issues", TOKEN, { title: "support-triage: configuration error", body: "<!-- m -->\nbad" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ number: 1, user: { login: "support-triage[bot]", type: "Bot" }, state: "open" });
    const listed = await call("GET", "/api/v3/repos/acme/support/issues?state=open&creator=support-triage%5Bbot%5D&per_page=100");
    expect(listed.json.map((issue: { number: number }) => issue.number)).toEqual([1]);
    const none = await call("GET", "/api/v3/repos/acme/support/issues?creator=alice");
    expect(none.json).toEqual([]);
    await call("PATCH", "/api/v3/repos/acme/support/issues/1", TOKEN, { body: "<!-- m -->\nworse" });
    await call("POST", "/api/v3/repos/acme/support/issues/1/comments", TOKEN, { body: "fixed?" });
    await call("POST", "/api/v3/repos/acme/support/issues/1/labels", TOKEN, { labels: ["config"] });
    await call("DELETE", "/api/v3/repos/acme/support/issues/1/labels/config");
    const closed = await call("PATCH", "/api/v3/repos/acme/support/issues/1", TOKEN, { state: "closed", state_reason: "completed" });
    expect(closed.json).toMatchObject({ state: "closed", body: "<!-- m -->\nworse", comments: 1 });
    expect(world.outbox.map((hook) => `${hook.name}.${hook.action}`)).toEqual([
      "issues.opened",
      "issues.edited",
      "issue_comment.created",
      "issues.labeled",
      "issues.unlabeled",
      "issues.closed",
    ]);
    expect(world.outbox.every((hook) => hook.cause === "app")).toBe(true);
  });

  it("creates labels once and lists them sorted with a Link header", async () => {
    for (const name of ["P2", "P1", "P3"]) {
      expect((await call("POST", "/api/v3/repos/acme/support/labels", TOKEN, { name, color: "ff0000", description: name })).status).toBe(201);
    }
    const duplicate = await call("POST", "/api/v3/repos/acme/support/labels", TOKEN, { name: "p1", color: "ff0000" });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json.errors[0]).toMatchObject({ code: "already_exists" });
    const page = await call("GET", "/api/v3/repos/acme/support/labels?per_page=2");
    expect(page.json.map((label: { name: string }) => label.name)).toEqual(["P1", "P2"]);
    expect(page.headers.get("link")).toContain(`${sim.url}/api/v3/repos/acme/support/labels?per_page=2&page=2>; rel="next"`);
  });

  it("does not serve discussions through the issues API", async () => {
    world.openItem(repo, { kind: "discussion", number: 1, author: world.user("alice"), title: "Q", body: "", labels: [], category: "support" });
    expect((await call("GET", "/api/v3/repos/acme/support/issues/1")).status).toBe(404);
    expect(sim.errors).toEqual([]);
  });
});

describe("GraphQL over HTTP", () => {
  it.each(["/graphql", "/api/graphql"])("answers at %s and counts GraphQL apart from REST", async (path) => {
    const answer = await call("POST", path, TOKEN, { query: `{ repository(owner: "acme", name: "support") { nameWithOwner } }` });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ data: { repository: { nameWithOwner: "acme/support" } } });
    expect(sim.requests).toEqual({ rest: 0, graphql: 1, rest304: 0 });
  });

  it("answers an invalid document with HTTP 200 and errors, like GitHub", async () => {
    const answer = await call("POST", "/api/graphql", TOKEN, { query: `{ viewer { logn } }` });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toBeUndefined();
    expect(answer.json.errors[0].message).toMatch(/^Cannot query field "logn" on type "User"/);
  });
});
