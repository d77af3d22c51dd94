/**
 * The slice of Octokit the GitHub layer uses. Probot's `context.octokit`, `app.auth()`
 * clients and a token-authenticated Octokit all satisfy it, which keeps this layer
 * testable with nock and usable from the CLI.
 */
export interface GitHubClient {
  graphql: <T = unknown>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  request: (
    route: string,
    parameters?: Record<string, unknown>,
  ) => Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }>;
}

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export const repoKey = (r: RepoRef): string => `${r.owner}/${r.repo}`.toLowerCase();

/** Status code of an Octokit RequestError (or anything shaped like it). */
export function errorStatus(err: unknown): number | null {
  if (typeof err === "object" && err !== null && "status" in err) {
    const s = (err as { status: unknown }).status;
    if (typeof s === "number") return s;
  }
  return null;
}
