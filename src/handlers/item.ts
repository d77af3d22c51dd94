/**
 * The pipeline for one item, whatever woke us (webhook or sweep):
 *   1. read the item, its repository's labels, config and forms (one GraphQL request)
 *   2. resolve the configuration (fallbacks; a broken one opens the config issue and stops)
 *   3. plan (pure)
 *   4. apply (labels and comments in as few requests as possible)
 * Work on one item is serialised, and the planner reconciles against what GitHub holds
 * now, so duplicate, late and concurrent deliveries converge on the same state.
 */
import type { Config } from "../config/types.js";
import { errorStatus, repoKey, type GitHubClient, type RepoRef } from "../github/client.js";
import { retryAdvice, retryDelay } from "../github/retry.js";
import { applyActions, describeAction, type RepoLabels } from "../github/apply.js";
import { CONFIG_PATH, resolveConfig } from "../github/config.js";
import { completeComments } from "../github/complete.js";
import type { FileTexts } from "../github/file-texts.js";
import { formProblems, readForms } from "../github/forms.js";
import { labelIds, toItem, type GqlDiscussion, type GqlIssue } from "../github/normalize.js";
import { READ_DISCUSSION, READ_ISSUE } from "../github/queries.js";
import { parseFormTemplate, selectTemplate } from "../triage/form-template.js";
import { planItem } from "../triage/planner.js";
import { normaliseLabel } from "../triage/text.js";
import type { FormTemplate, Item, ItemKind, Plan, Trigger } from "../triage/types.js";
import type { Logger, Services } from "./services.js";

export interface ItemRef extends RepoRef {
  readonly kind: ItemKind;
  readonly number: number;
  /** Discussions: the category slug from the webhook (names the category form). */
  readonly categorySlug?: string | null;
}

/** A git object as the reads ask for it: a Blob's text comes only when asked (`$withTexts`). */
type BlobRead = { __typename: string; oid?: string; text?: string | null } | null | undefined;
type EntryRead = { name: string; object: BlobRead };

interface RepoRead {
  id: string;
  labels: { totalCount: number; nodes: { id: string; name: string }[] };
  config: BlobRead;
}

interface IssueRead {
  repository: (RepoRead & {
    templates: { __typename: string; entries?: EntryRead[] } | null;
    issue: GqlIssue | null;
  }) | null;
}

interface DiscussionRead {
  repository: (RepoRead & { template: BlobRead; discussion: GqlDiscussion | null }) | null;
}

export interface ItemSnapshot {
  readonly item: Item;
  readonly labels: RepoLabels;
  /** The repository's own config text (null: no file). */
  readonly configText: string | null;
  /** Form template files that may describe this item (issue forms, or the category form). */
  readonly templateFiles: readonly { file: string; text: string }[];
}

export const blobText = (o: BlobRead): string | null => (o && o.__typename === "Blob" && typeof o.text === "string" ? o.text : null);

/** The issue forms among the entries of `.github/ISSUE_TEMPLATE` (config.yml is not a form). */
export function issueFormFiles(entries: readonly EntryRead[] | undefined, text: (o: BlobRead) => string | null = blobText): { file: string; text: string }[] {
  return (entries ?? []).flatMap((e) => {
    if (!/\.ya?ml$/i.test(e.name) || /^config\.ya?ml$/i.test(e.name)) return [];
    const t = text(e.object);
    return t !== null ? [{ file: `.github/ISSUE_TEMPLATE/${e.name}`, text: t }] : [];
  });
}

/** Thrown inside a read's resolution when an object id is not known here. */
const UNKNOWN = Symbol("unknown object id");

/** A blob's text from the answer, or by its id from `texts` when the answer carries ids alone. */
function textByOid(texts: FileTexts | null, o: BlobRead): string | null {
  if (!o || o.__typename !== "Blob") return null;
  if ("text" in o) {
    const text = typeof o.text === "string" ? o.text : null;
    if (o.oid && texts) texts.remember(o.oid, text);
    return text;
  }
  if (!o.oid || !texts) return null;
  const known = texts.text(o.oid);
  if (known === undefined) throw UNKNOWN;
  return known;
}

/**
 * Step 1's request, by object ids when this repository's texts are known (src/github/file-texts.ts):
 * `resolve` turns the answer into the snapshot, and the read goes again with the texts if an
 * id is unknown (the file changed). Without `texts` every read carries the texts.
 */
async function readWithTexts<T, R>(
  client: GitHubClient,
  ref: ItemRef,
  texts: FileTexts | null,
  query: string,
  variables: Record<string, unknown>,
  resolve: (answer: T, text: (o: BlobRead) => string | null) => R,
): Promise<R> {
  const key = repoKey(ref);
  const text = (o: BlobRead): string | null => textByOid(texts, o);
  if (texts?.knows(key)) {
    const answer = await client.graphql<T>(query, { ...variables, withTexts: false });
    try {
      return resolve(answer, text);
    } catch (err) {
      if (err !== UNKNOWN) throw err;
    }
  }
  const result = resolve(await client.graphql<T>(query, variables), text);
  texts?.learned(key);
  return result;
}

/** Step 1: one GraphQL request for the item and everything around it. */
export async function readItem(client: GitHubClient, ref: ItemRef, texts: FileTexts | null = null): Promise<ItemSnapshot | null> {
  const base = { owner: ref.owner, name: ref.repo, number: ref.number, configExpr: `HEAD:${CONFIG_PATH}` };
  const labelsOf = (repo: RepoRead): RepoLabels => ({ repositoryId: repo.id, ids: labelIds(repo.labels.nodes), total: repo.labels.totalCount });
  if (ref.kind === "issue") {
    const read = await readWithTexts(client, ref, texts, READ_ISSUE, { ...base, templatesExpr: "HEAD:.github/ISSUE_TEMPLATE" }, (res: IssueRead, text) => {
      const repo = res.repository;
      if (!repo?.issue) return null;
      return { repo, issue: repo.issue, configText: text(repo.config), templateFiles: issueFormFiles(repo.templates?.entries, text) };
    });
    if (!read) return null;
    return {
      item: toItem((await completeComments(client, read.issue)).node),
      labels: labelsOf(read.repo),
      configText: read.configText,
      templateFiles: read.templateFiles,
    };
  }
  const slug = ref.categorySlug ?? "";
  const file = `.github/DISCUSSION_TEMPLATE/${slug}.yml`;
  const read = await readWithTexts(client, ref, texts, READ_DISCUSSION, { ...base, templateExpr: `HEAD:${file}` }, (res: DiscussionRead, text) => {
    const repo = res.repository;
    if (!repo?.discussion) return null;
    const form = text(repo.template);
    return { repo, discussion: repo.discussion, configText: text(repo.config), templateFiles: form !== null ? [{ file, text: form }] : [] };
  });
  if (!read) return null;
  return {
    item: toItem((await completeComments(client, read.discussion)).node),
    labels: labelsOf(read.repo),
    configText: read.configText,
    templateFiles: read.templateFiles,
  };
}

/** Members of `responders.teams`, when configured (cached per process). */
export function responderTeams(client: GitHubClient, services: Services, config: Config, now: number, log: Logger) {
  return services.teams.members(client, config.responders.teams, now, (team, status) =>
    log.warn(
      { event: "support-triage.team-unreadable", team, status },
      `cannot read the members of ${team} (HTTP ${status}): give the app "members: read" or list the logins under responders.users`,
    ),
  );
}

/**
 * Parsed form templates per configuration object and file text. The templates come with
 * every item read; parsing their YAML on every event was, with the configuration, most of
 * an event's CPU time. Config objects are shared across events (the config cache), so
 * this hits; entries go with their config object, and each config keeps a bounded number.
 */
const parsedTemplates = new WeakMap<Config, Map<string, FormTemplate | null>>();
const MAX_TEMPLATES_PER_CONFIG = 64;

function parseTemplates(files: readonly { file: string; text: string }[], config: Config): FormTemplate[] {
  let cache = parsedTemplates.get(config);
  if (!cache) {
    cache = new Map();
    parsedTemplates.set(config, cache);
  }
  const out: FormTemplate[] = [];
  for (const { file, text } of files) {
    const key = `${file}\u0000${text}`;
    let t = cache.get(key);
    if (t === undefined) {
      t = parseFormTemplate(text, file, config).template;
      if (cache.size >= MAX_TEMPLATES_PER_CONFIG) cache.clear();
      cache.set(key, t);
    }
    if (t) out.push(t);
  }
  return out;
}

export interface ProcessResult {
  readonly plan: Plan | null;
  readonly skipped?: string;
  readonly writeRequests: number;
  readonly writes: number;
}

export interface ProcessOptions {
  readonly dryRun?: boolean;
  /** A snapshot the caller already has (the sweep's search page), to save the read. */
  readonly snapshot?: ItemSnapshot | undefined;
}

/**
 * The pipeline with retries: a failure worth retrying (5xx, secondary rate limit, network)
 * starts again from a fresh read, so a write that did happen before the error is seen and
 * not repeated. The caller holds the item's lock.
 */
export async function processItem(
  client: GitHubClient,
  services: Services,
  ref: ItemRef,
  trigger: Trigger,
  log: Logger,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  // Claims taken by this pipeline hold across its retries, and are given back if it gives up.
  const held = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      return await processOnce(client, services, ref, trigger, log, attempt === 1 ? options : { ...options, snapshot: undefined }, held);
    } catch (err) {
      const advice = retryAdvice(err, services.now());
      const delay = advice.retry && attempt < services.retry.attempts ? retryDelay(services.retry, attempt, advice) : null;
      if (delay === null) {
        for (const key of held) await services.claims.release(key).catch(() => undefined);
        throw err;
      }
      log.warn(
        { event: "support-triage.retry", repo: `${ref.owner}/${ref.repo}`, number: ref.number, attempt, delayMs: delay, status: errorStatus(err) },
        `GitHub request failed; reading again and re-planning in ${delay} ms`,
      );
      await services.sleep(delay);
    }
  }
}

/**
 * How long an escalation claim holds: long enough for the claimant to post the comment,
 * send the notifications and write the marker that records them (after which the marker
 * itself rules out a repeat); short enough that the work of a claimant that died is taken
 * over by a sweep a few minutes later. A notification that could not be delivered is
 * re-sent once the claim has expired.
 */
export const ESCALATION_CLAIM_MS = 5 * 60_000;

/**
 * The claim key of a plan with a side effect that must happen once — the escalation
 * comment (it mentions people), a notification (it pages people): item and due time, the
 * same on every replica. null: nothing to claim.
 */
export function escalationClaim(ref: ItemRef, plan: Plan): string | null {
  const once = plan.actions.some((a) => (a.type === "postComment" && a.purpose === "escalation") || a.type === "sendWebhook");
  if (!once) return null;
  return `escalation:${ref.owner}/${ref.repo}#${ref.number}:${plan.state?.dueAt ?? ""}`.toLowerCase();
}

/** Steps 1–4 once. */
async function processOnce(
  client: GitHubClient,
  services: Services,
  ref: ItemRef,
  trigger: Trigger,
  log: Logger,
  options: ProcessOptions = {},
  held: Set<string> = new Set(),
): Promise<ProcessResult> {
  const appLogin = await services.appLogin();
  const snapshot = options.snapshot ?? (await readItem(client, ref, services.fileTexts));
  if (!snapshot) return { plan: null, skipped: "item not found", writeRequests: 0, writes: 0 };
  const now = services.now();
  const loaded = await resolveConfig(client, ref, services.contents, now, snapshot.configText);
  // A valid configuration only needs a look at the issue when we know one is open: the push
  // handler closes it when the file is fixed, so valid repositories pay nothing per event.
  const errors = loaded.result.errors;
  if (!options.dryRun && (errors.length > 0 || services.configIssues.knowsOpen(ref))) {
    // An open issue and a valid configuration: the issue may be about the forms, which stay
    // listed until they are fixed (one more read, only while such an issue is open).
    const config = loaded.result.config;
    const problems = errors.length === 0 && config ? formProblems(await readForms(client, ref), config) : errors;
    const outcome = await services.configIssues.sync(client, ref, appLogin, problems);
    if (outcome !== "unchanged") {
      log.info({ event: "support-triage.config-issue", repo: `${ref.owner}/${ref.repo}`, outcome }, `configuration issue ${outcome}`);
    }
  }
  const config = loaded.result.config;
  if (!config) {
    log.warn(
      { event: "support-triage.config-invalid", repo: `${ref.owner}/${ref.repo}`, errors: loaded.result.errors.length },
      "configuration invalid: not acting in this repository",
    );
    return { plan: null, skipped: "configuration invalid", writeRequests: 0, writes: 0 };
  }
  const templates = parseTemplates(snapshot.templateFiles, config);
  const form = selectTemplate(templates, snapshot.item.body);
  const priorityKey = normaliseLabel(config.form.priority_field);
  const supportForms = templates.filter((t) => t.fieldLabels.some((l) => normaliseLabel(l) === priorityKey)).map((t) => t.file);
  const teamMembers = await responderTeams(client, services, config, now, log);
  const plan = planItem({ item: snapshot.item, config, now, trigger, appLogin, form, supportForms, ...(teamMembers ? { teamMembers } : {}) });
  // An escalation is claimed before it is posted: another replica that planned the same
  // escalation from the same state finds the claim taken and leaves it (with Redis, across
  // processes; the per-item lock already serialises one process).
  const claim = escalationClaim(ref, plan);
  if (claim !== null && !options.dryRun && !held.has(claim)) {
    if (!(await services.claims.claim(claim, services.claimMs))) {
      log.info({ event: "support-triage.escalation-claimed-elsewhere", repo: `${ref.owner}/${ref.repo}`, number: ref.number }, "another replica is escalating this item");
      return { plan, skipped: "escalation claimed by another replica", writeRequests: 0, writes: 0 };
    }
    held.add(claim);
  }
  const result = await applyActions(client, snapshot.item, snapshot.labels, plan.actions, {
    ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
    ...(services.sendWebhook ? { sendWebhook: services.sendWebhook } : {}),
    log,
  });
  log.info(
    {
      event: "support-triage.plan",
      repo: `${ref.owner}/${ref.repo}`,
      kind: ref.kind,
      number: ref.number,
      trigger: trigger.type,
      decisions: plan.decisions,
      actions: plan.actions.map(describeAction),
      writeRequests: result.writeRequests,
    },
    plan.actions.length ? `planned ${plan.actions.length} action(s)` : "nothing to do",
  );
  return { plan, writeRequests: result.writeRequests, writes: result.writes };
}
