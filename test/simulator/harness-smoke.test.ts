import { describe, expect, it } from "vitest";
import type { ApplicationFunction } from "probot";
import { runScenario } from "../../src/simulator/harness.js";

const fakeApp = (): ApplicationFunction => (app) => {
  app.on("issues.opened", async (context) => {
    const { repository } = await context.octokit.graphql<{ repository: { id: string; issue: { id: string; title: string } } }>(
      `query($o:String!,$n:String!,$num:Int!){ repository(owner:$o,name:$n){ id issue(number:$num){ id title } } }`,
      { o: "acme", n: "support", num: context.payload.issue.number },
    );
    const created = await context.octokit.graphql<{ c: { label: { id: string } } }>(
      `mutation($r:ID!){ c: createLabel(input:{repositoryId:$r,name:"triaged",color:"00ff00"}){ label { id } } }`,
      { r: repository.id },
    );
    await context.octokit.graphql(
      `mutation($i:ID!,$l:[ID!]!,$b:String!){ a: addLabelsToLabelable(input:{labelableId:$i,labelIds:$l}){ clientMutationId } b: addComment(input:{subjectId:$i,body:$b}){ commentEdge { node { id } } } }`,
      { i: repository.issue.id, l: [created.c.label.id], b: `Hello ${repository.issue.title}` },
    );
  });
};

describe("smoke", () => {
  it("runs", async () => {
    const r = await runScenario(`now: "2026-12-01T09:00:00-08:00"\nmembers: [carol]\nsteps:\n  - open: {number: 1, author: alice, title: "DB down"}\n`, "s.yml", { createApp: fakeApp });
    console.log(r.json);
    console.log(JSON.stringify(r.timeline, null, 1));
    expect(r.state.items[0]?.labels).toEqual(["triaged"]);
  });
});
