/**
 * Repository set-up, on installation and when a push changes the configuration file:
 * report a broken configuration (the configuration-error issue), and create the labels the
 * policy needs that the repository lacks.
 */
import { ensureLabels, readRepository } from "../github/apply.js";
import type { GitHubClient, RepoRef } from "../github/client.js";
import { resolveConfig } from "../github/config.js";
import { labelSpecs } from "../triage/labels.js";
import type { Logger, Services } from "./services.js";

/** Whether the repository's configuration is valid (the app acts there). */
export async function prepareRepository(client: GitHubClient, services: Services, repo: RepoRef, log: Logger): Promise<boolean> {
  const appLogin = await services.appLogin();
  const read = await readRepository(client, repo);
  if (!read) return false;
  const loaded = await resolveConfig(client, repo, services.contents, services.now(), read.configText);
  // Installation and pushes to the config file are rare: look the issue up afresh rather
  // than trust what this process remembers (another replica may have opened or closed it).
  services.configIssues.forget(repo);
  const outcome = await services.configIssues.sync(client, repo, appLogin, loaded.result.errors);
  if (outcome !== "unchanged") log.info({ event: "support-triage.config-issue", repo: `${repo.owner}/${repo.repo}`, outcome }, `configuration issue ${outcome}`);
  if (!loaded.result.config) return false;
  const specs = labelSpecs(loaded.result.config).filter((s) => !read.labels.ids.has(s.name.toLowerCase()));
  if (specs.length === 0) return true;
  await ensureLabels(client, repo, read.labels, specs);
  log.info({ event: "support-triage.labels-created", repo: `${repo.owner}/${repo.repo}`, labels: specs.map((s) => s.name) }, "labels created");
  return true;
}
