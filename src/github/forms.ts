/**
 * Reads the repository's form templates and checks them (the same checks as `validate
 * --templates`, form by form), for the configuration-error issue.
 */
import type { Config, ConfigProblem } from "../config/types.js";
import { checkFormTemplate } from "../triage/form-check.js";
import { parseFormTemplate } from "../triage/form-template.js";
import { checkChooserConfig } from "../triage/form-syntax.js";
import { normaliseLabel } from "../triage/text.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { READ_FORMS } from "./queries.js";

export const ISSUE_FORMS_DIR = ".github/ISSUE_TEMPLATE";
export const DISCUSSION_FORMS_DIR = ".github/DISCUSSION_TEMPLATE";

type Entry = { name: string; object: { __typename: string; text?: string } | null };
type Tree = { __typename: string; entries?: Entry[] } | null;

export interface FormFile {
  readonly file: string;
  readonly text: string;
}

function formFiles(dir: string, tree: Tree, skipConfig: boolean): FormFile[] {
  return (tree?.entries ?? []).flatMap((e) => {
    const text = e.object?.__typename === "Blob" && typeof e.object.text === "string" ? e.object.text : null;
    if (text === null || !/\.ya?ml$/i.test(e.name)) return [];
    if (skipConfig && /^config\.ya?ml$/i.test(e.name)) return [];
    return [{ file: `${dir}/${e.name}`, text }];
  });
}

/** Issue forms (not the chooser's config.yml) and discussion category forms, in name order. */
export interface RepositoryForms {
  readonly forms: FormFile[];
  /** `.github/ISSUE_TEMPLATE/config.yml` (the template chooser), when there is one. */
  readonly chooser: FormFile | null;
}

export async function readForms(client: GitHubClient, repo: RepoRef): Promise<RepositoryForms> {
  const res = await client.graphql<{ repository: { issueForms: Tree; discussionForms: Tree } | null }>(READ_FORMS, {
    owner: repo.owner,
    name: repo.repo,
    issueExpr: `HEAD:${ISSUE_FORMS_DIR}`,
    discussionExpr: `HEAD:${DISCUSSION_FORMS_DIR}`,
  });
  const r = res.repository;
  if (!r) return { forms: [], chooser: null };
  const forms = [...formFiles(ISSUE_FORMS_DIR, r.issueForms, true), ...formFiles(DISCUSSION_FORMS_DIR, r.discussionForms, false)];
  const chooser = formFiles(ISSUE_FORMS_DIR, r.issueForms, false).find((f) => /\/config\.ya?ml$/i.test(f.file)) ?? null;
  return { forms, chooser };
}

/** Checked forms per configuration object and file text (checks are pure; bounded). */
const checked = new WeakMap<Config, Map<string, readonly ConfigProblem[]>>();
const MAX_CHECKED = 64;

/** Problems of each form against `config`, and of the template chooser's config.yml. */
export function formProblems(read: RepositoryForms, config: Config): ConfigProblem[] {
  const forms = read.forms;
  let cache = checked.get(config);
  if (!cache) {
    cache = new Map();
    checked.set(config, cache);
  }
  const out: ConfigProblem[] = [];
  for (const f of forms) {
    const key = `${f.file}\u0000${f.text}`;
    let errors = cache.get(key);
    if (errors === undefined) {
      errors = checkFormTemplate(f.text, f.file, config).errors;
      if (cache.size >= MAX_CHECKED) cache.clear();
      cache.set(key, errors);
    }
    out.push(...errors);
  }
  if (read.chooser) out.push(...checkChooserConfig(read.chooser.text, read.chooser.file));
  return out;
}

/** Whether a pushed path is one of the forms the app reads. */
export function isFormPath(path: string): boolean {
  return path.startsWith(`${ISSUE_FORMS_DIR}/`) || path.startsWith(`${DISCUSSION_FORMS_DIR}/`);
}

/** Whether any form has the configured priority field (a support form). */
export function hasSupportForm(forms: readonly FormFile[], config: Config): boolean {
  const key = normaliseLabel(config.form.priority_field);
  return forms.some((f) => (parseFormTemplate(f.text, f.file, config).template?.fieldLabels ?? []).some((l) => normaliseLabel(l) === key));
}
