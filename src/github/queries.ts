/**
 * Every GraphQL document the app sends. Kept in one file so a test can validate each one
 * against GitHub's published schema (@octokit/graphql-schema) and the simulator can be
 * checked against the same documents.
 */

/** Fields of an actor; `__typename` tells a Bot from a User (GraphQL bot logins have no "[bot]"). */
const ACTOR = `login __typename`;

const COMMENT = `id body createdAt authorAssociation author { ${ACTOR} }`;

/**
 * Issue fields the planner needs, shared by the item read and the sweep's search. Comments
 * beyond the first page are fetched with COMMENTS_PAGE (see src/github/complete.ts); the
 * label history is the latest 100 events, which is what attribution needs.
 */
export const ISSUE_FIELDS = `
  __typename id number title body url createdAt state
  author { ${ACTOR} }
  authorAssociation
  repository { nameWithOwner }
  labels(first: 100) { nodes { id name } }
  assignees(first: 20) { nodes { login } }
  comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { ${COMMENT} } }
  timelineItems(last: 100, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
    nodes {
      __typename
      ... on LabeledEvent { createdAt actor { ${ACTOR} } label { name } }
      ... on UnlabeledEvent { createdAt actor { ${ACTOR} } label { name } }
    }
  }`;

/**
 * Discussion fields the planner needs (discussions have no timeline; labels must be read
 * here). The item read takes every comment and reply it can; the sweep's search pages take
 * fewer (see SWEEP_DISCUSSION_FIELDS).
 */
function discussionFields(comments: number, replies: number): string {
  return `
  __typename id number title body url createdAt closed isAnswered
  author { ${ACTOR} }
  authorAssociation
  repository { nameWithOwner }
  category { slug }
  labels(first: 100) { nodes { id name } }
  comments(first: ${comments}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ${COMMENT} replies(first: ${replies}) { totalCount nodes { ${COMMENT} } } }
  }`;
}

/** The next page of an item's comments (discussions: with up to 100 replies each). */
export const COMMENTS_PAGE = `
query CommentsPage($id: ID!, $after: String) {
  node(id: $id) {
    __typename
    ... on Issue { comments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COMMENT} } } }
    ... on Discussion {
      comments(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ${COMMENT} replies(first: 100) { totalCount nodes { ${COMMENT} } } }
      }
    }
  }
}`;

export const DISCUSSION_FIELDS = discussionFields(100, 100);

const REPO_FIELDS = `
  id
  labels(first: 100) { totalCount nodes { id name } }
  config: object(expression: $configExpr) { __typename ... on Blob { text } }`;

/**
 * The item reads name each file by its git object id, and carry its text only when
 * `$withTexts` (the default): a process that already holds the texts of a repository's
 * files asks for the ids alone, and reads the texts again only for an id it does not know
 * (a file changed). An object id always names the same content, so this cannot serve a
 * stale file (src/handlers/item.ts).
 */
const ITEM_REPO_FIELDS = `
  id
  labels(first: 100) { totalCount nodes { id name } }
  config: object(expression: $configExpr) { __typename ... on Blob { oid text @include(if: $withTexts) } }`;

/**
 * One request reads everything an issue event needs: the issue with labels, comments and
 * label history, the repository's labels, the config file and the issue forms.
 */
export const READ_ISSUE = `
query ReadIssue($owner: String!, $name: String!, $number: Int!, $configExpr: String!, $templatesExpr: String!, $withTexts: Boolean = true) {
  repository(owner: $owner, name: $name) {
    ${ITEM_REPO_FIELDS}
    templates: object(expression: $templatesExpr) {
      __typename
      ... on Tree { entries { name object { __typename ... on Blob { oid text @include(if: $withTexts) } } } }
    }
    issue(number: $number) { ${ISSUE_FIELDS} }
  }
}`;

/** The same for a discussion: the category form is one file named after the category slug. */
export const READ_DISCUSSION = `
query ReadDiscussion($owner: String!, $name: String!, $number: Int!, $configExpr: String!, $templateExpr: String!, $withTexts: Boolean = true) {
  repository(owner: $owner, name: $name) {
    ${ITEM_REPO_FIELDS}
    template: object(expression: $templateExpr) { __typename ... on Blob { oid text @include(if: $withTexts) } }
    discussion(number: $number) { ${DISCUSSION_FIELDS} }
  }
}`;

const FORM_TREE = `__typename ... on Tree { entries { name object { __typename ... on Blob { text } } } }`;

/**
 * Every issue form and discussion category form on the default branch (set-up, pushes that
 * change forms, and while a configuration-error issue about forms is open).
 */
export const READ_FORMS = `
query ReadForms($owner: String!, $name: String!, $issueExpr: String!, $discussionExpr: String!) {
  repository(owner: $owner, name: $name) {
    issueForms: object(expression: $issueExpr) { ${FORM_TREE} }
    discussionForms: object(expression: $discussionExpr) { ${FORM_TREE} }
  }
}`;

/** Repository labels and config only (installation set-up, fallbacks). */
export const READ_REPOSITORY = `
query ReadRepository($owner: String!, $name: String!, $configExpr: String!) {
  repository(owner: $owner, name: $name) {
    ${REPO_FIELDS}
  }
}`;

/** Look up labels beyond the first 100 by name. Built per call: `l0: label(name: "P1") { id name }`. */
export function labelLookupQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$n${i}: String!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `l${i}: label(name: $n${i}) { id name }`).join("\n    ");
  return `query LookupLabels($owner: String!, $name: String!, ${vars}) {
  repository(owner: $owner, name: $name) {
    ${fields}
  }
}`;
}

/** Users by login for assignment. */
export function userLookupQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$u${i}: String!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `u${i}: user(login: $u${i}) { id login }`).join("\n  ");
  return `query LookupUsers(${vars}) {
  ${fields}
}`;
}

/**
 * Discussion fields for the sweep's search pages: fewer comments and replies than the item
 * read, because GitHub refuses a query whose connections could return more than 500,000
 * nodes, and 100 discussions × 100 comments × 100 replies would. The target comment is
 * among the first comments (the app posts it at intake); a response beyond these windows
 * still arrives by webhook, where the item read sees everything.
 */
export const SWEEP_DISCUSSION_FIELDS = discussionFields(30, 10);

/** What the sweep's documents ask of GitHub's budget: the points this request cost, what is left. */
const RATE_LIMIT = `rateLimit { cost remaining limit resetAt }`;

/**
 * A sweep's lean view of an item: enough to plan it without a read when nothing is due —
 * its labels, body, the first comments (where the app's target comment is), the last ones
 * (a response a lost delivery hid) and, for issues, the latest label events. GitHub charges
 * a connection once per parent node whatever its `first`, so each connection under a page
 * of 100 costs 100 "requests": about 4 points a page of issues, 5 of discussions, where the
 * item read's fields cost 5 and 33.
 */
export const SCAN_COMMENTS = 5;
const SCAN_COMMON = `__typename id number title body url createdAt updatedAt
    author { ${ACTOR} }
    authorAssociation
    repository { nameWithOwner }
    labels(first: 20) { nodes { id name } }`;
const SCAN_ISSUE = `... on Issue { ${SCAN_COMMON} state
    comments(first: ${SCAN_COMMENTS}) { totalCount nodes { ${COMMENT} } }
    latest: comments(last: 3) { nodes { ${COMMENT} } }
    timelineItems(last: 10, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
      nodes {
        __typename
        ... on LabeledEvent { createdAt actor { ${ACTOR} } label { name } }
        ... on UnlabeledEvent { createdAt actor { ${ACTOR} } label { name } }
      }
    } }`;
const SCAN_DISCUSSION = `... on Discussion { ${SCAN_COMMON} closed isAnswered category { slug }
    comments(first: ${SCAN_COMMENTS}) { totalCount nodes { ${COMMENT} } }
    latest: comments(last: 2) { nodes { ${COMMENT} replies(last: 2) { totalCount nodes { ${COMMENT} } } } } }`;

/**
 * The sweep's scan: the next page of each unfinished search in ONE request —
 * `s0: search(...)`, `s1: search(...)` — each asking only the fields of its own type (a
 * fragment that cannot match still costs points), its page size a variable (a warm sweep's
 * first page is small: few items changed since the last one).
 */
export function sweepSearchQuery(searches: number | readonly ("ISSUE" | "DISCUSSION")[]): string {
  // A count alone: issues and discussions alternating (s0 issues, s1 discussions, …).
  const types = typeof searches === "number" ? Array.from({ length: searches }, (_, i) => (i % 2 === 0 ? "ISSUE" : "DISCUSSION")) : searches;
  const vars = types.map((_, i) => `$q${i}: String!, $t${i}: SearchType!, $a${i}: String, $f${i}: Int = 100`).join(", ");
  const fields = types
    .map(
      (type, i) => `s${i}: search(type: $t${i}, query: $q${i}, first: $f${i}, after: $a${i}) {
    issueCount discussionCount
    pageInfo { hasNextPage endCursor }
    nodes { ${type === "ISSUE" ? SCAN_ISSUE : SCAN_DISCUSSION} }
  }`,
    )
    .join("\n  ");
  return `query SweepSearch(${vars}) {\n  ${fields}\n  ${RATE_LIMIT}\n}`;
}

/**
 * The sweep's read of the items that may need work, up to SWEEP_READ_BATCH at once, taken
 * inside their locks: the items in full (as the item read has them), with the repository's
 * labels, config file, issue forms and the forms of the discussions' categories (`d0`, `d1`…).
 * Only the fragments of the kinds in the batch are asked: a fragment that cannot match is
 * charged all the same.
 */
export const SWEEP_READ_BATCH = 25;
export function sweepReadQuery(categories: number, kinds: readonly ("issue" | "discussion")[] = ["issue", "discussion"]): string {
  const vars = Array.from({ length: categories }, (_, i) => `, $d${i}: String!`).join("");
  const forms = Array.from({ length: categories }, (_, i) => `d${i}: object(expression: $d${i}) { __typename ... on Blob { text } }`).join("\n    ");
  return `query SweepRead($owner: String!, $name: String!, $configExpr: String!, $templatesExpr: String!, $ids: [ID!]!${vars}) {
  repository(owner: $owner, name: $name) {
    ${REPO_FIELDS}
    templates: object(expression: $templatesExpr) {
      __typename
      ... on Tree { entries { name object { __typename ... on Blob { text } } } }
    }
    ${forms}
  }
  nodes(ids: $ids) {
    __typename
    ${kinds.includes("issue") ? `... on Issue { ${ISSUE_FIELDS} }` : ""}
    ${kinds.includes("discussion") ? `... on Discussion { ${SWEEP_DISCUSSION_FIELDS} }` : ""}
  }
  ${RATE_LIMIT}
}`;
}

/** Who a token belongs to (the CLI checks that a writing sweep runs as the app). */
export const VIEWER = `query Viewer { viewer { login } }`;

/** Create labels, one aliased mutation per label: `c0: createLabel(...)`. */
export function createLabelsMutation(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$c${i}: CreateLabelInput!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `c${i}: createLabel(input: $c${i}) { label { id name } }`).join(
    "\n  ",
  );
  return `mutation CreateLabels(${vars}) {
  ${fields}
}`;
}

/** One mutation inside a batched write document. */
export interface MutationPart {
  /** GraphQL input type of the `input` argument. */
  readonly inputType: string;
  /** Mutation field name. */
  readonly field: string;
  /** Selection set. */
  readonly selection: string;
  readonly input: Record<string, unknown>;
}

export const MUTATIONS = {
  addLabels: (labelableId: string, labelIds: readonly string[]): MutationPart => ({
    inputType: "AddLabelsToLabelableInput",
    field: "addLabelsToLabelable",
    selection: "{ clientMutationId }",
    input: { labelableId, labelIds },
  }),
  removeLabels: (labelableId: string, labelIds: readonly string[]): MutationPart => ({
    inputType: "RemoveLabelsFromLabelableInput",
    field: "removeLabelsFromLabelable",
    selection: "{ clientMutationId }",
    input: { labelableId, labelIds },
  }),
  addIssueComment: (subjectId: string, body: string): MutationPart => ({
    inputType: "AddCommentInput",
    field: "addComment",
    selection: "{ commentEdge { node { id } } }",
    input: { subjectId, body },
  }),
  updateIssueComment: (id: string, body: string): MutationPart => ({
    inputType: "UpdateIssueCommentInput",
    field: "updateIssueComment",
    selection: "{ issueComment { id } }",
    input: { id, body },
  }),
  addDiscussionComment: (discussionId: string, body: string): MutationPart => ({
    inputType: "AddDiscussionCommentInput",
    field: "addDiscussionComment",
    selection: "{ comment { id } }",
    input: { discussionId, body },
  }),
  updateDiscussionComment: (commentId: string, body: string): MutationPart => ({
    inputType: "UpdateDiscussionCommentInput",
    field: "updateDiscussionComment",
    selection: "{ comment { id } }",
    input: { commentId, body },
  }),
  addAssignees: (assignableId: string, assigneeIds: readonly string[]): MutationPart => ({
    inputType: "AddAssigneesToAssignableInput",
    field: "addAssigneesToAssignable",
    selection: "{ clientMutationId }",
    input: { assignableId, assigneeIds },
  }),
} as const;

/** Several mutations in one request document; they run in order. */
export function batchMutation(parts: readonly MutationPart[]): { query: string; variables: Record<string, unknown> } {
  const vars = parts.map((p, i) => `$m${i}: ${p.inputType}!`).join(", ");
  const fields = parts.map((p, i) => `m${i}: ${p.field}(input: $m${i}) ${p.selection}`).join("\n  ");
  const variables: Record<string, unknown> = {};
  parts.forEach((p, i) => {
    variables[`m${i}`] = p.input;
  });
  return { query: `mutation Apply(${vars}) {\n  ${fields}\n}`, variables };
}

/**
 * The SLA report's scan (src/handlers/report.ts): the sweep's search by priority label, in
 * creation order, open and closed items alike, each with only what the report reads — the
 * first comments (where the app's target comment and its marker are) and when it closed.
 * One connection per item: 1 point a page of 100 (the sweep's scan fields cost 4–5).
 */
export function reportSearchQuery(types: readonly ("ISSUE" | "DISCUSSION")[]): string {
  const vars = types.map((_, i) => `$q${i}: String!, $a${i}: String`).join(", ");
  const fields = types
    .map(
      (type, i) => `s${i}: search(type: ${type}, query: $q${i}, first: 100, after: $a${i}) {
    issueCount discussionCount
    pageInfo { hasNextPage endCursor }
    nodes { ... on ${type === "ISSUE" ? "Issue" : "Discussion"} { __typename number title url createdAt closedAt ${type === "ISSUE" ? "state" : "closed"}
      comments(first: ${SCAN_COMMENTS}) { nodes { createdAt body author { ${ACTOR} } } } } }
  }`,
    )
    .join("\n  ");
  return `query ReportSearch(${vars}) {\n  ${fields}\n  ${RATE_LIMIT}\n}`;
}

/** Pin an issue (the report issue): GitHub allows three pinned issues per repository. */
export const PIN_ISSUE = `mutation PinIssue($id: ID!) { pinIssue(input: { issueId: $id }) { issue { id } } }`;

/** The report discussion's category (`report.discussion_category`, a slug or a name) and the repository's id. */
export const REPORT_CATEGORIES = `query ReportCategories($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { id discussionCategories(first: 100) { nodes { id slug name } } }
}`;

/** The discussions of one category, oldest first: where the report discussion is looked for. */
export const REPORT_DISCUSSIONS = `query ReportDiscussions($owner: String!, $name: String!, $category: ID!, $after: String) {
  repository(owner: $owner, name: $name) {
    discussions(first: 100, after: $after, categoryId: $category, orderBy: { field: CREATED_AT, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes { id number title body author { ${ACTOR} } }
    }
  }
}`;

export const CREATE_DISCUSSION = `mutation CreateDiscussion($repositoryId: ID!, $categoryId: ID!, $title: String!, $body: String!) {
  createDiscussion(input: { repositoryId: $repositoryId, categoryId: $categoryId, title: $title, body: $body }) { discussion { id number } }
}`;

export const UPDATE_DISCUSSION = `mutation UpdateDiscussion($id: ID!, $body: String!) {
  updateDiscussion(input: { discussionId: $id, body: $body }) { discussion { id } }
}`;
