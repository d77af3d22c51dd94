/**
 * Items opened without the support form (`form.require`). Such an item has no priority the
 * app can read, so it is not tracked and no clock runs; left alone, the customer waits
 * for a target that never started. With `form.require: comment` (the default) the app
 * posts one comment telling the author how to give a priority.
 *
 * Who gets it: the author of an open issue, or of an open discussion in a category whose
 * category form asks for the priority, whose body has no priority field, when no priority
 * label is on it, in the item's first week (an old backlog is not commented on when the
 * app is installed or when someone touches an old item). Not a responder opening an item
 * for the desk's own use, not a bot, not an item opened through another form of the
 * repository (a bug report form without the priority field is not the support form).
 * Once: the comment carries a notice tag, and the planner sees it on the next event.
 */
import type { Config } from "../config/types.js";
import { isBotActor } from "./responders.js";
import { codeSpan } from "./sanitize.js";
import { loginKey } from "./text.js";
import type { FormAnswers } from "./form.js";
import type { Action, Item, PlanInput } from "./types.js";

/** The notice key of the comment (`<!-- support-triage:notice form-missing -->`). */
export const FORM_MISSING_NOTICE = "form-missing";

/** How long after creation an item without the form still gets the comment. */
export const FORM_MISSING_WINDOW_MS = 7 * 24 * 3_600_000;

/** Whether the author speaks for the desk (an association, a user or a team member that counts as a responder). */
function authorIsResponder(item: Item, config: Config, teamMembers: ReadonlySet<string> | undefined): boolean {
  const assoc = item.authorAssociation.toUpperCase();
  if (config.responders.associations.some((a) => a.toUpperCase() === assoc)) return true;
  const key = loginKey(item.author.login);
  if (config.responders.users.some((u) => loginKey(u) === key)) return true;
  return teamMembers !== undefined && teamMembers.has(key);
}

/**
 * Whether an item that has no priority should get the comment. `form` is the template the
 * item's body matched (null: none); `supportForms` the forms that ask for the priority —
 * the repository's issue forms, or the discussion's category form.
 */
export function needsFormComment(input: PlanInput, answers: FormAnswers, postedNotices: readonly string[]): boolean {
  const { item, config } = input;
  if (config.form.require !== "comment") return false;
  if (item.state !== "open" || item.answered === true) return false;
  if (answers.hasPriorityField) return false;
  if (postedNotices.includes(FORM_MISSING_NOTICE)) return false;
  const supportForms = input.supportForms ?? [];
  // A discussion is a support request only in a category whose form asks for the priority.
  if (item.kind === "discussion" && supportForms.length === 0) return false;
  // An issue that came through another of the repository's forms is not a support request.
  if (input.form !== null && !supportForms.includes(input.form.file)) return false;
  const created = Date.parse(item.createdAt);
  if (!Number.isFinite(created) || input.now - created > FORM_MISSING_WINDOW_MS) return false;
  if (isBotActor(item.author) || authorIsResponder(item, config, input.teamMembers)) return false;
  return true;
}

/** The repository's web address, from the item's (works on GitHub Enterprise hosts too). */
function repositoryUrl(item: Item): string | null {
  const m = /^(https?:\/\/[^\s?#]+?)\/(?:issues|discussions)\/\d+\/?$/.exec(item.url ?? "");
  return m?.[1] ?? null;
}

/** Where the support form is: the new-issue page of the support form, or the category's new-discussion page. */
function formLink(item: Item, supportForms: readonly string[]): string | null {
  const repo = repositoryUrl(item);
  if (repo === null) return null;
  if (item.kind === "discussion") {
    return item.categorySlug ? `${repo}/discussions/new?category=${encodeURIComponent(item.categorySlug)}` : null;
  }
  const file = supportForms[0]?.split("/").pop();
  return file ? `${repo}/issues/new?template=${encodeURIComponent(file)}` : `${repo}/issues/new/choose`;
}

export function renderFormMissingComment(input: PlanInput): string {
  const { item, config } = input;
  const what = item.kind === "issue" ? "issue" : "discussion";
  const link = formLink(item, input.supportForms ?? []);
  const form = link !== null ? `[the support form](${link})` : "the support form";
  const priorities = (["P1", "P2", "P3", "P4"] as const).map((p) => codeSpan(p)).join(", ");
  return [
    `**No priority yet.** This ${what} was opened without ${form}, so the support team's response target has not started.`,
    "",
    "To give it a priority, either:",
    `- edit this ${what}'s description and add the form's fields as headings — a line ${codeSpan(`### ${config.form.priority_field}`)} followed by one of ${priorities}, and a line ${codeSpan(`### ${config.form.environment_field}`)} followed by where it happens (P1 and P2 are for production problems); or`,
    `- reply here and ask the support team to set the priority for you.`,
    "",
    "The response target starts as soon as the priority is known.",
  ].join("\n");
}

/** The comment to post, as an action (the notice tag makes it once). */
export function formMissingAction(input: PlanInput, body: (text: string) => string): Action {
  return { type: "postComment", purpose: "notice", body: body(renderFormMissingComment(input)) };
}
