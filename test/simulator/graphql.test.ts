/**
 * The simulator's GraphQL: documents are checked against GitHub's published schema
 * exactly like GitHub does, resolvers answer the subset the app uses, mutations cause
 * the webhooks GitHub would send (with the app's bot as sender), and anything the
 * simulator does not implement is an error that names it.
 */
import { validate as schemaValidate } from "@octokit/graphql-schema";
import { describe, expect, it } from "vitest";
import { executeGraphQL } from "../../src/simulator/graphql.js";
import { World, type SimItem, type SimRepo } from "../../src/simulator/model.js";

interface Fixture {
  world: World;
  repo: SimRepo;
  issue: SimItem;
  discussion: SimItem;
  reported: string[];
  run: (query: string, variables?: Record<string, unknown>) => { data?: any; errors?: any[] };
}

function fixture(): Fixture {
  const world = new World(Date.parse("2026-12-01T17:00:00Z"));
  const repo = world.createRepo("acme/support");
  repo.members.add("carol");
  repo.files.set(".github/support-triage.yml", "plan: business\n");
  repo.files.set(".github/ISSUE_TEMPLATE/support.yml", "name: Support\n");
  repo.files.set(".github/ISSUE_TEMPLATE/config.yml", "blank_issues_enabled: false\n");
  const alice = world.user("alice");
  const carol = world.user("carol");
  const issue = world.openItem(repo, { kind: "issue", number: 1, author: alice, title: "DB down", body: "help", labels: ["P1", "security"], category: null });
  world.addComment(issue, carol, "Looking");
  const discussion = world.openItem(repo, { kind: "discussion", number: 2, author: alice, title: "Q", body: "?", labels: [], category: "support" });
  const top = world.addComment(discussion, carol, "top");
  world.addComment(discussion, alice, "reply", top);
  world.outbox.length = 0;
  const reported: string[] = [];
  const run = (query: string, variables: Record<string, unknown> = {}) =>
    executeGraphQL(world, { query, variables }, { unimplemented: (what) => reported.push(what), requestCount: 1 }).body as { data?: any; errors?: any[] };
  return { world, repo, issue, discussion, reported, run };
}

describe("schema validation", () => {
  it("rejects a misspelt field exactly as GitHub's schema does, with no data", () => {
    const { run } = fixture();
    const query = `query { repository(owner: "acme", name: "support") { issue(number: 1) { titel } } }`;
    const answer = run(query);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([
      { locations: [{ line: 1, column: 73 }], message: 'Cannot query field "titel" on type "Issue". Did you mean "title" or "state"?' },
    ]);
    // The same message the schema package's own validator gives.
    expect(schemaValidate(query).map((error) => error.message)).toEqual([answer.errors?.[0].message]);
  });

  it.each([
    ["an unknown argument", `{ repository(owner: "acme", name: "support", nam: "x") { id } }`, /Unknown argument "nam"/],
    ["a wrong enum value", `{ search(type: ISSUES, query: "x", first: 1) { issueCount } }`, /Value "ISSUES" does not exist in "SearchType" enum/],
    ["a syntax error", `{ repository(owner: "acme" { id } }`, /Syntax Error/],
  ])("rejects %s", (_what, query, message) => {
    const answer = fixture().run(query);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0].message).toMatch(message);
  });
});

describe("queries", () => {
  it("reads an issue with labels, comments, label timeline and the repository's files", () => {
    const { run } = fixture();
    const answer = run(`
      query($expr: String!) {
        repository(owner: "acme", name: "support") {
          id nameWithOwner
          config: object(expression: $expr) { __typename ... on Blob { text byteSize isTruncated } }
          templates: object(expression: "HEAD:.github/ISSUE_TEMPLATE") { __typename ... on Tree { entries { name type object { ... on Blob { text } } } } }
          missing: object(expression: "HEAD:nope.yml") { __typename }
          label(name: "p1") { name }
          labels(first: 1) { totalCount nodes { name } pageInfo { hasNextPage endCursor } }
          issue(number: 1) {
            __typename number title state author { login __typename } authorAssociation
            labels(first: 10) { nodes { name } }
            comments(first: 10) { totalCount nodes { body authorAssociation author { login } } }
            timelineItems(first: 10, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
              nodes { __typename ... on LabeledEvent { actor { login } label { name } } }
            }
            repository { nameWithOwner }
          }
        }
      }`, { expr: "HEAD:.github/support-triage.yml" });
    expect(answer.errors).toBeUndefined();
    const repo = answer.data.repository;
    expect(repo.config).toEqual({ __typename: "Blob", text: "plan: business\n", byteSize: 15, isTruncated: false });
    expect(repo.templates.entries.map((e: { name: string }) => e.name)).toEqual(["config.yml", "support.yml"]);
    expect(repo.templates.entries[1].object.text).toBe("name: Support\n");
    expect(repo.missing).toBeNull();
    expect(repo.label).toEqual({ name: "P1" });
    expect(repo.labels).toMatchObject({ totalCount: 2, nodes: [{ name: "P1" }], pageInfo: { hasNextPage: true } });
    expect(repo.issue).toMatchObject({
      __typename: "Issue",
      state: "OPEN",
      author: { login: "alice", __typename: "User" },
      authorAssociation: "NONE",
      labels: { nodes: [{ name: "P1" }, { name: "security" }] },
      comments: { totalCount: 1, nodes: [{ body: "Looking", authorAssociation: "MEMBER", author: { login: "carol" } }] },
      timelineItems: { nodes: [{ __typename: "LabeledEvent", actor: { login: "alice" }, label: { name: "P1" } }, { __typename: "LabeledEvent", actor: { login: "alice" }, label: { name: "security" } }] },
    });
  });

  it("reads a discussion with its category and threaded replies", () => {
    const { run } = fixture();
    const answer = run(`{ repository(owner: "acme", name: "support") { discussion(number: 2) {
      closed category { name slug } comments(first: 10) { totalCount nodes { body replyTo { id } replies(first: 10) { nodes { body replyTo { body } } } } } } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.repository.discussion).toEqual({
      closed: false,
      category: { name: "Support", slug: "support" },
      comments: { totalCount: 1, nodes: [{ body: "top", replyTo: null, replies: { nodes: [{ body: "reply", replyTo: { body: "top" } }] } }] },
    });
  });

  it("spells the bot's login without [bot] in GraphQL", () => {
    const { world, run, issue } = fixture();
    world.addComment(issue, world.bot, "target");
    const answer = run(`{ repository(owner: "acme", name: "support") { issue(number: 1) { comments(last: 1) { nodes { author { login __typename } } } } } }`);
    expect(answer.data.repository.issue.comments.nodes[0].author).toEqual({ login: "support-triage", __typename: "Bot" });
  });

  it("answers a missing issue with GitHub's NOT_FOUND error", () => {
    const answer = fixture().run(`{ repository(owner: "acme", name: "support") { issue(number: 2) { id } } }`);
    expect(answer.data.repository.issue).toBeNull();
    expect(answer.errors?.[0]).toMatchObject({ type: "NOT_FOUND", path: ["repository", "issue"], message: "Could not resolve to an Issue with the number of 2." });
  });

  it.each([
    ["no first or last", `labels { totalCount }`, "You must provide a `first` or `last` value to properly paginate the `labels` connection."],
    ["first above 100", `labels(first: 101) { totalCount }`, "Requesting 101 records on the `labels` connection exceeds the `first` limit of 100 records."],
  ])("enforces pagination rules: %s", (_what, selection, message) => {
    const answer = fixture().run(`{ repository(owner: "acme", name: "support") { ${selection} } }`);
    expect(answer.errors?.[0].message).toBe(message);
  });

  it("pages with opaque cursors", () => {
    const { run } = fixture();
    const first = run(`{ repository(owner: "acme", name: "support") { labels(first: 1) { nodes { name } pageInfo { endCursor } } } }`);
    const after = first.data.repository.labels.pageInfo.endCursor;
    const second = run(`query($after: String) { repository(owner: "acme", name: "support") { labels(first: 1, after: $after) { nodes { name } pageInfo { hasNextPage } } } }`, { after });
    expect(second.data.repository.labels).toEqual({ nodes: [{ name: "security" }], pageInfo: { hasNextPage: false } });
  });

  it("reports a field the simulator does not implement instead of answering null", () => {
    const { run, reported } = fixture();
    const answer = run(`{ repository(owner: "acme", name: "support") { stargazerCount } }`);
    expect(answer.errors?.[0].message).toBe("simulator: field Repository.stargazerCount is not implemented");
    expect(reported).toEqual(["simulator: GraphQL field Repository.stargazerCount is not implemented"]);
  });

  it("searches with repo, state, type and label qualifiers", () => {
    const { run, world, issue } = fixture();
    world.setState(issue, world.user("alice"), "closed");
    const open = run(`{ search(type: ISSUE, query: "repo:acme/support is:open label:P1,P2", first: 10) { issueCount nodes { ... on Issue { number } } } }`);
    expect(open.data.search).toEqual({ issueCount: 0, nodes: [] });
    const closed = run(`{ search(type: ISSUE, query: "repo:acme/support is:closed label:P1,P2 is:issue", first: 10) { issueCount nodes { ... on Issue { number } } } }`);
    expect(closed.data.search).toEqual({ issueCount: 1, nodes: [{ number: 1 }] });
    const discussions = run(`{ search(type: DISCUSSION, query: "repo:acme/support is:open", first: 10) { discussionCount nodes { ... on Discussion { number } } } }`);
    expect(discussions.data.search).toEqual({ discussionCount: 1, nodes: [{ number: 2 }] });
  });

  it("resolves nodes by id and users by login", () => {
    const { run, issue } = fixture();
    const answer = run(`query($id: ID!) { node(id: $id) { ... on Issue { number } } user(login: "carol") { id login } viewer { login } rateLimit { cost remaining } }`, { id: issue.nodeId });
    expect(answer.data.node).toEqual({ number: 1 });
    expect(answer.data.user.login).toBe("carol");
    expect(answer.data.viewer).toEqual({ login: "support-triage[bot]" });
    expect(answer.data.rateLimit).toEqual({ cost: 1, remaining: 4999 });
  });
});

describe("mutations", () => {
  it("run in order and cause the webhooks GitHub sends, with the bot as sender", () => {
    const { run, world, repo, issue, discussion } = fixture();
    const created = run(`mutation($r: ID!) { c0: createLabel(input: {repositoryId: $r, name: "P3", color: "fbca04", description: "Normal"}) { label { id name } } }`, { r: repo.nodeId });
    const p3 = created.data.c0.label.id as string;
    const p1 = repo.labels.find((label) => label.name === "P1")?.nodeId;
    const answer = run(
      `mutation($i: ID!, $d: ID!, $add: [ID!]!, $remove: [ID!]!, $u: ID!) {
        a: addLabelsToLabelable(input: {labelableId: $i, labelIds: $add}) { clientMutationId }
        b: removeLabelsFromLabelable(input: {labelableId: $i, labelIds: $remove}) { clientMutationId }
        c: addComment(input: {subjectId: $i, body: "target"}) { commentEdge { node { id } } }
        d: addDiscussionComment(input: {discussionId: $d, body: "hello"}) { comment { id } }
        e: addAssigneesToAssignable(input: {assignableId: $i, assigneeIds: [$u]}) { clientMutationId }
        f: addLabelsToLabelable(input: {labelableId: $i, labelIds: $add}) { clientMutationId }
      }`,
      { i: issue.nodeId, d: discussion.nodeId, add: [p3], remove: [p1], u: world.user("carol").nodeId },
    );
    expect(answer.errors).toBeUndefined();
    expect(issue.labels.map((label) => label.name)).toEqual(["security", "P3"]);
    expect(issue.assignees.map((user) => user.login)).toEqual(["carol"]);
    // The repeated addLabels is a no-op and sends nothing, as on GitHub.
    expect(world.outbox.map((hook) => `${hook.name}.${hook.action}`)).toEqual([
      "issues.labeled",
      "issues.unlabeled",
      "issue_comment.created",
      "discussion_comment.created",
      "issues.assigned",
    ]);
    for (const hook of world.outbox) {
      expect(hook.cause).toBe("app");
      expect((hook.payload as { sender: { login: string } }).sender.login).toBe("support-triage[bot]");
    }

    const commentId = answer.data.c.commentEdge.node.id as string;
    world.outbox.length = 0;
    run(`mutation($id: ID!) { updateIssueComment(input: {id: $id, body: "target v2"}) { issueComment { id } } }`, { id: commentId });
    expect(issue.comments.at(-1)?.body).toBe("target v2");
    expect(world.outbox.map((hook) => `${hook.name}.${hook.action}`)).toEqual(["issue_comment.edited"]);
  });

  it("refuses a label twice and comments on the wrong kind of item", () => {
    const { run, repo, discussion } = fixture();
    const again = run(`mutation($r: ID!) { createLabel(input: {repositoryId: $r, name: "p1", color: "ff0000"}) { label { id } } }`, { r: repo.nodeId });
    expect(again.errors?.[0]).toMatchObject({ type: "UNPROCESSABLE", message: "Name has already been taken" });
    const wrong = run(`mutation($d: ID!) { addComment(input: {subjectId: $d, body: "x"}) { clientMutationId } }`, { d: discussion.nodeId });
    expect(wrong.errors?.[0].type).toBe("NOT_FOUND");
  });

  it("threads a discussion reply under the top-level comment", () => {
    const { run, discussion } = fixture();
    const reply = discussion.comments[1];
    run(`mutation($d: ID!, $r: ID!) { addDiscussionComment(input: {discussionId: $d, body: "thanks", replyToId: $r}) { comment { id } } }`, {
      d: discussion.nodeId,
      r: reply?.nodeId,
    });
    expect(discussion.comments.at(-1)?.replyTo?.body).toBe("top");
  });
});
