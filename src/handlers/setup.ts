/**
 * Repository set-up, on installation and when a push changes the configuration file or a
 * form: report a broken configuration or forms GitHub or the app cannot use (the
 * configuration-error issue), and create the labels the policy needs that the repository
 * lacks.
 */
import { ensureLabels, readRepository } from "../github/apply.js";
import { errorStatus, type GitHubClient, type RepoRef } from "../github/client.js";
import { resolveConfig } from "../github/config.js";
import { formProblems, hasSupportForm, readForms } from "../github/forms.js";
import { findOnboardingPull, openOnboardingPull } from "../github/onboarding.js";
import { labelSpecs } from "../triage/labels.js";
import type { Logger, Services } from "./services.js";

export interface PrepareOptions {
  /**
   * Installation (not a push): propose the onboarding pull request when the repository has
   * neither a support form nor a configuration file of its own, unless `onboarding: false`.
   */
  readonly onboard?: boolean;
  /** For the proposed config's `yaml-language-server` line (SUPPORT_TRIAGE_SCHEMA_URL); none when null. */
  readonly schemaUrl?: string | null;
}

/** Whether the repository's configuration is valid (the app acts there). */
export async function prepareRepository(client: GitHubClient, services: Services, repo: RepoRef, log: Logger, options: PrepareOptions = {}): Promise<boolean> {
  const appLogin = await services.appLogin();
  const read = await readRepository(client, repo);
  if (!read) return false;
  const loaded = await resolveConfig(client, repo, services.contents, services.now(), read.configText);
  // A valid configuration: the forms are checked against it (a broken one is reported
  // alone; its forms are checked once it is fixed).
  const config = loaded.result.config;
  const forms = config ? await readForms(client, repo) : null;
  const errors = config && forms ? formProblems(forms, config) : loaded.result.errors;
  // Installation and pushes to the config file are rare: look the issue up afresh rather
  // than trust what this process remembers (another replica may have opened or closed it).
  services.configIssues.forget(repo);
  const outcome = await services.configIssues.sync(client, repo, appLogin, errors);
  if (outcome !== "unchanged") log.info({ event: "support-triage.config-issue", repo: `${repo.owner}/${repo.repo}`, outcome }, `configuration issue ${outcome}`);
  if (!config) return false;
  if (options.onboard && forms && read.configText === null && config.onboarding && !hasSupportForm(forms.forms, config)) {
    const where = `${repo.owner}/${repo.repo}`;
    // The pull request is a courtesy: whatever goes wrong with it (the permissions it needs
    // not yet accepted on an older installation, a repository that refuses it), set-up
    // goes on and the labels are created.
    try {
      const existing = await findOnboardingPull(client, repo, appLogin);
      if (existing !== null) {
        log.info({ event: "support-triage.onboarding-exists", repo: where, number: existing }, `onboarding pull request #${existing} was opened before; not proposing it again`);
      } else {
        const opened = await openOnboardingPull(client, repo, config, { inherited: loaded.source !== null, schemaUrl: options.schemaUrl ?? null });
        const says = { opened: `opened onboarding pull request #${opened.number ?? 0}`, "empty-repository": "empty repository: no onboarding pull request", "nothing-to-add": "the repository has every file the onboarding pull request would add: none opened" };
        log.info({ event: `support-triage.onboarding-${opened.outcome}`, repo: where, number: opened.number }, says[opened.outcome]);
      }
    } catch (err) {
      log.warn({ event: "support-triage.onboarding-failed", repo: where, status: errorStatus(err), err: String(err) }, "could not open the onboarding pull request (set-up goes on)");
    }
  }
  const specs = labelSpecs(loaded.result.config).filter((s) => !read.labels.ids.has(s.name.toLowerCase()));
  if (specs.length === 0) return true;
  await ensureLabels(client, repo, read.labels, specs);
  log.info({ event: "support-triage.labels-created", repo: `${repo.owner}/${repo.repo}`, labels: specs.map((s) => s.name) }, "labels created");
  return true;
}
