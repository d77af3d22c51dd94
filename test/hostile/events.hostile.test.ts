/**
 * Webhook payloads and GraphQL nodes are data from the network. A forged, truncated or
 * merely unusual delivery must be ignored (null), never crash the server, and whatever
 * is returned must have the shape the planner relies on.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelIds, toItem, type GqlItem } from "../../src/github/normalize.js";
import { ITEM_EVENTS, normalise, type Normalised } from "../../src/handlers/events.js";
import type { Actor, Trigger } from "../../src/triage/types.js";
import { example } from "../helpers/examples.js";
import { hostileKey, hostileText, runs } from "./arbitraries.js";

const NAMES = ["issues", "issue_comment", "discussion", "discussion_comment", "pull_request", "push", "", "issues.opened", "__proto__"];

function checkActor(a: Actor | null): void {
  if (a === null) return;
  expect(typeof a.login).toBe("string");
  expect(a.login).not.toBe("");
  expect(typeof a.isBot).toBe("boolean");
}

function checkTrigger(t: Trigger): void {
  switch (t.type) {
    case "opened":
    case "reopened":
    case "closed":
    case "category_changed":
      checkActor(t.sender);
      break;
    case "edited":
      checkActor(t.sender);
      expect(typeof t.bodyChanged).toBe("boolean");
      break;
    case "labeled":
    case "unlabeled":
      checkActor(t.sender);
      expect(typeof t.label).toBe("string");
      expect(t.label).not.toBe("");
      break;
    case "comment": {
      const c = t.comment;
      expect(typeof c.id).toBe("string");
      expect(c.id).not.toBe("");
      checkActor(c.author);
      expect(typeof c.authorAssociation).toBe("string");
      expect(Number.isFinite(Date.parse(c.createdAt))).toBe(true);
      expect(typeof c.body).toBe("string");
      expect(c.replyTo === null || c.replyTo === undefined || typeof c.replyTo === "string").toBe(true);
      break;
    }
    case "sweep":
      throw new Error("a webhook never yields a sweep trigger");
  }
}

function checkNormalised(name: string, n: Normalised | null): void {
  if (n === null) return;
  expect(typeof n.ref.owner).toBe("string");
  expect(n.ref.owner).not.toBe("");
  expect(typeof n.ref.repo).toBe("string");
  expect(n.ref.repo).not.toBe("");
  expect(n.ref.kind).toBe(name.startsWith("discussion") ? "discussion" : "issue");
  // GraphQL's Int is 32-bit: a larger number would fail every query made for the item.
  expect(Number.isSafeInteger(n.ref.number)).toBe(true);
  expect(n.ref.number).toBeGreaterThanOrEqual(1);
  expect(n.ref.number).toBeLessThanOrEqual(2_147_483_647);
  expect(n.ref.categorySlug === null || n.ref.categorySlug === undefined || typeof n.ref.categorySlug === "string").toBe(true);
  checkActor(n.sender);
  checkTrigger(n.trigger);
}

/** Real payloads of every event the app listens to. */
const REAL: { name: string; payload: Record<string, unknown> }[] = ITEM_EVENTS.flatMap((e) => {
  const [name = "", action = ""] = e.split(".");
  try {
    return [{ name, payload: example(name, action) }];
  } catch {
    return [];
  }
});

/** Hostile JSON: pollution keys, wrong types, objects whose toString is not a function. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileText(4),
  fc.constantFrom(
    { toString: 1 },
    { toString: 1, valueOf: 1 },
    { toString: null, valueOf: {} },
    -1,
    0,
    1.5,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    "",
    "not a date",
    "2026-99-99T00:00:00Z",
    [],
    {},
  ),
);

/** Replace the value at a random path of a real payload. */
function mutate(payload: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof payload !== "object" || payload === null) return payload;
  const copy: Record<string | number, unknown> = Array.isArray(payload) ? ([...payload] as unknown as Record<number, unknown>) : { ...(payload as Record<string, unknown>) };
  if (head === undefined) return payload;
  copy[head] = mutate(copy[head], rest, value);
  return copy;
}

const KEY_PATHS: readonly (readonly string[])[] = [
  ["action"],
  ["repository"],
  ["repository", "name"],
  ["repository", "owner"],
  ["repository", "owner", "login"],
  ["sender"],
  ["sender", "login"],
  ["sender", "type"],
  ["issue"],
  ["issue", "number"],
  ["issue", "pull_request"],
  ["discussion"],
  ["discussion", "number"],
  ["discussion", "category"],
  ["discussion", "category", "slug"],
  ["label"],
  ["label", "name"],
  ["changes"],
  ["changes", "body"],
  ["comment"],
  ["comment", "node_id"],
  ["comment", "created_at"],
  ["comment", "user"],
  ["comment", "user", "login"],
  ["comment", "author_association"],
  ["comment", "body"],
  ["comment", "parent_id"],
];

describe("normalise on hostile payloads", () => {
  it("arbitrary JSON values never throw", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(hostileKey, hostileValue, { maxKeys: 6 })), (name, payload) => {
        checkNormalised(name, normalise(name, payload));
      }),
      { numRuns: runs(2000) },
    );
  });

  it("real payloads with any field replaced give null or a well-formed result", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REAL),
        fc.array(fc.tuple(fc.constantFrom(...KEY_PATHS), hostileValue), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...NAMES, "same"),
        (real, edits, nameChoice) => {
          let payload: unknown = real.payload;
          for (const [path, value] of edits) payload = mutate(payload, path, value);
          const name = nameChoice === "same" ? real.name : nameChoice;
          checkNormalised(name, normalise(name, payload));
        },
      ),
      { numRuns: runs(3000) },
    );
  });

  it.each([
    ["parent_id whose toString is not a function", { toString: 1 }],
    ["parent_id that is a nested object", { a: { b: 1 } }],
    ["parent_id that is an array", [1, 2]],
  ])("a discussion comment with a %s is read without crashing", (_name, parent) => {
    const p = example("discussion_comment", "created");
    (p.comment as Record<string, unknown>).parent_id = parent;
    const n = normalise("discussion_comment", p);
    checkNormalised("discussion_comment", n);
  });

  it("a real discussion reply keeps its parent", () => {
    const p = example("discussion_comment", "created");
    (p.comment as Record<string, unknown>).parent_id = 42;
    const n = normalise("discussion_comment", p);
    expect(n?.trigger.type === "comment" ? n.trigger.comment.replyTo : undefined).toBe("42");
  });

  it.each([
    ["a negative number", -1],
    ["zero", 0],
    ["beyond GraphQL's Int", 2 ** 31],
    ["a fraction", 1.5],
  ])("an issue with %s as its number is ignored", (_name, number) => {
    const p = example("issues", "opened");
    (p.issue as Record<string, unknown>).number = number;
    expect(normalise("issues", p)).toBeNull();
  });

  it("a comment with an unreadable creation time is ignored", () => {
    const p = example("issue_comment", "created");
    (p.comment as Record<string, unknown>).created_at = "yesterday";
    expect(normalise("issue_comment", p)).toBeNull();
  });
});

/** GraphQL nodes as the schema allows them: nullable lists with nullable entries. */
const actorNode = fc.option(fc.record({ login: fc.oneof(fc.constantFrom("alice", "carol", "support-triage"), hostileText(3).filter((s) => s !== "")), __typename: fc.constantFrom("User", "Bot", "Mannequin") }), { nil: null });
const commentNode = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }),
  body: hostileText(4),
  createdAt: fc.integer({ min: 0, max: 2e12 }).map((t) => new Date(t).toISOString()),
  authorAssociation: fc.constantFrom("MEMBER", "NONE", "OWNER"),
  author: actorNode,
});
const nodes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<{ nodes: (T | null)[] | null }> =>
  fc.record({ nodes: fc.option(fc.array(fc.option(arb, { nil: null, freq: 4 }), { maxLength: 4 }), { nil: null, freq: 6 }) });
const labelNode = fc.record({ id: fc.string({ minLength: 1, maxLength: 5 }), name: hostileText(2).filter((s) => s !== "") });
const timelineNode = fc.record({
  __typename: fc.constantFrom("LabeledEvent", "UnlabeledEvent", "ClosedEvent"),
  createdAt: fc.option(fc.constant("2026-12-01T09:00:00Z"), { nil: undefined }),
  actor: actorNode,
  label: fc.option(fc.record({ name: fc.constantFrom("P1", "production") }), { nil: null }),
});

const common = {
  id: fc.constant("I_1"),
  number: fc.integer({ min: 1, max: 1000 }),
  title: hostileText(3),
  body: hostileText(3),
  url: fc.constant("https://github.com/acme/support/issues/1"),
  createdAt: fc.constant("2026-12-01T09:00:00Z"),
  author: actorNode,
  authorAssociation: fc.constantFrom("NONE", "MEMBER"),
  repository: fc.record({ nameWithOwner: fc.constantFrom("acme/support", "odd", "a/b/c", "") }),
  labels: fc.option(nodes(labelNode), { nil: null }),
};

const issueNode = fc.record({
  __typename: fc.constant("Issue" as const),
  ...common,
  state: fc.constantFrom("OPEN" as const, "CLOSED" as const),
  assignees: nodes(fc.record({ login: fc.constantFrom("carol", "dave") })),
  comments: nodes(commentNode).map((c) => ({ totalCount: c.nodes?.length ?? 0, ...c })),
  timelineItems: nodes(timelineNode),
});

const discussionNode = fc.record({
  __typename: fc.constant("Discussion" as const),
  ...common,
  closed: fc.boolean(),
  category: fc.option(fc.record({ slug: fc.constantFrom("support", "general") }), { nil: null }),
  comments: nodes(fc.tuple(commentNode, fc.option(nodes(commentNode), { nil: undefined })).map(([c, replies]) => (replies === undefined ? c : { ...c, replies }))).map((c) => ({
    totalCount: c.nodes?.length ?? 0,
    ...c,
  })),
});

describe("toItem on schema-valid GraphQL nodes with nulls", () => {
  it("never throws and skips null nodes", () => {
    fc.assert(
      fc.property(fc.oneof(issueNode, discussionNode), (node) => {
        const item = toItem(node as GqlItem);
        expect(item.kind).toBe(node.__typename === "Issue" ? "issue" : "discussion");
        for (const l of item.labels) expect(typeof l).toBe("string");
        for (const c of item.comments) expect(typeof c.id).toBe("string");
        for (const a of item.assignees) expect(typeof a).toBe("string");
        checkActor(item.author);
        const ids = labelIds(node.labels?.nodes ?? null);
        for (const [k, v] of ids) {
          expect(typeof k).toBe("string");
          expect(typeof v).toBe("string");
        }
      }),
      { numRuns: runs(1500) },
    );
  });
});
