import { describe, expect, it } from "vitest";
import { World, type SimItem } from "../../src/simulator/model.js";
import { parseSearch, search, tokenize } from "../../src/simulator/search.js";

function items(): SimItem[] {
  const world = new World(Date.parse("2026-12-01T17:00:00Z"));
  const support = world.createRepo("acme/support");
  const other = world.createRepo("acme/other");
  const foreign = world.createRepo("globex/support");
  const open = (repo = support, number: number, author: string, title: string, labels: string[], kind: "issue" | "discussion" = "issue") => {
    world.now += 60_000;
    return world.openItem(repo, { kind, number, author: world.user(author), title, body: `body of ${title}`, labels, category: kind === "discussion" ? "support" : null });
  };
  const closed = open(support, 3, "bob", "Closed P1", ["P1"]);
  world.setState(closed, world.user("bob"), "closed");
  return [
    open(support, 1, "alice", "DB down", ["P1", "production"]),
    open(support, 2, "bob", "Slow dashboard", ["P3", "needs info"]),
    closed,
    open(support, 4, "alice", "How to export?", ["P4"], "discussion"),
    open(other, 1, "carol", "Other repo P2", ["P2"]),
    open(foreign, 1, "dave", "Foreign P1", ["P1"]),
    open(support, 5, "support-triage[bot]", "support-triage: configuration error", []),
  ];
}

const ref = (item: SimItem): string => `${item.repo.fullName}#${item.number}`;

describe("search qualifiers", () => {
  it.each<[string, string[]]>([
    ["repo:acme/support is:open is:issue", ["acme/support#5", "acme/support#2", "acme/support#1"]],
    ["repo:acme/support repo:acme/other label:P1,P2", ["acme/other#1", "acme/support#1", "acme/support#3"]],
    ["org:acme is:open label:P1,P2,P3,P4", ["acme/other#1", "acme/support#4", "acme/support#2", "acme/support#1"]],
    ["user:globex label:P1", ["globex/support#1"]],
    ["repo:acme/support is:closed", ["acme/support#3"]],
    ['repo:acme/support label:"needs info"', ["acme/support#2"]],
    ["repo:acme/support label:P1 label:production", ["acme/support#1"]],
    ["repo:acme/support -label:P1 is:issue is:open", ["acme/support#5", "acme/support#2"]],
    ["repo:acme/support author:alice", ["acme/support#4", "acme/support#1"]],
    ["repo:acme/support author:app/support-triage", ["acme/support#5"]],
    ['repo:acme/support in:title "configuration error"', ["acme/support#5"]],
    ["repo:acme/support is:discussion", ["acme/support#4"]],
    ["repo:acme/support no:label", ["acme/support#5"]],
    ["repo:acme/support is:pr", []],
    ["repo:acme/support label:P1,P3 sort:created-asc", ["acme/support#3", "acme/support#1", "acme/support#2"]],
  ])("%s", (query, expected) => {
    const parsed = parseSearch(query);
    expect(parsed.unsupported).toEqual([]);
    expect(search(parsed, items()).map(ref)).toEqual(expected);
  });

  it("reports qualifiers it does not implement", () => {
    expect(parseSearch("repo:acme/support milestone:v1 comments:>3").unsupported).toEqual(["milestone:v1", "comments:>3"]);
  });

  it("keeps quoted phrases together", () => {
    expect(tokenize('label:"needs info" in:title "two words" plain')).toEqual(["label:needs info", "in:title", "two words", "plain"]);
  });
});
