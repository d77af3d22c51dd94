/**
 * What `sweep` and `report` work on: `--repo owner/name ...`, `--installation <id>` or
 * `--all`, exactly one of them.
 */
import type { RepoRef } from "../github/client.js";

export interface CommandTargets {
  readonly repos: RepoRef[];
  readonly installationId: number | null;
  readonly all: boolean;
}

/** The targets the options name, or the one-line message to fail with. */
export function parseTargets(values: { readonly repo?: readonly string[] | undefined; readonly installation?: string | undefined; readonly all?: boolean | undefined }): CommandTargets | string {
  const modes = [values.repo?.length ? 1 : 0, values.installation ? 1 : 0, values.all ? 1 : 0].reduce((a, b) => a + b, 0);
  if (modes !== 1) return "give exactly one of --repo, --installation or --all";
  const repos: RepoRef[] = [];
  for (const r of values.repo ?? []) {
    const m = /^([\w.-]+)\/([\w.-]+)$/.exec(r);
    if (!m?.[1] || !m[2]) return `--repo must be owner/name, got "${r}"`;
    repos.push({ owner: m[1], repo: m[2] });
  }
  const installationId = values.installation !== undefined ? Number(values.installation) : null;
  if (installationId !== null && !(Number.isInteger(installationId) && installationId > 0)) {
    return `--installation must be a positive integer, got "${values.installation}"`;
  }
  return { repos, installationId, all: values.all === true };
}
