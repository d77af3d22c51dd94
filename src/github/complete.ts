/**
 * Long threads: the item read and the sweep's search take the first page of comments.
 * When an item has more (or, in the sweep's lighter discussion pages, a truncated reply
 * thread), the rest is fetched here before the planner sees the item — otherwise the
 * app's target comment or a maintainer's answer past the first page would be invisible,
 * and the planner would post a second target comment or escalate again.
 */
import type { GitHubClient } from "./client.js";
import type { GqlComment, GqlCommentPage, GqlItem } from "./normalize.js";
import { COMMENTS_PAGE } from "./queries.js";

/** At most this many extra pages (10,000 comments) per item; beyond, the oldest pages win. */
export const MAX_COMMENT_PAGES = 100;

/** Whether some comments or replies of this node were not read. */
export function isTruncated(node: GqlItem): boolean {
  if (node.comments.pageInfo?.hasNextPage) return true;
  if (node.__typename !== "Discussion") return false;
  return (node.comments.nodes ?? []).some((c) => c?.replies && (c.replies.totalCount ?? 0) > (c.replies.nodes ?? []).length);
}

interface PageAnswer {
  node: { comments?: GqlCommentPage } | null;
}

/** The node with every comment page appended (requests: one per extra page). */
export async function completeComments<T extends GqlItem>(client: GitHubClient, node: T): Promise<{ node: T; reads: number }> {
  let page = node.comments;
  if (!page.pageInfo?.hasNextPage) return { node, reads: 0 };
  const nodes: (GqlComment | null)[] = [...(page.nodes ?? [])];
  let reads = 0;
  while (page.pageInfo?.hasNextPage && page.pageInfo.endCursor && reads < MAX_COMMENT_PAGES) {
    reads++;
    const res = await client.graphql<PageAnswer>(COMMENTS_PAGE, { id: node.id, after: page.pageInfo.endCursor });
    const next = res.node?.comments;
    if (!next) break;
    nodes.push(...(next.nodes ?? []));
    page = next;
  }
  return { node: { ...node, comments: { ...node.comments, nodes, pageInfo: page.pageInfo ?? null } }, reads };
}
