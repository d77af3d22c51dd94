import { describe, expect, it } from "vitest";
import { FORM_MISSING_NOTICE, FORM_MISSING_WINDOW_MS, needsFormComment, renderFormMissingComment } from "../../src/triage/form-missing.js";
import { planItem } from "../../src/triage/planner.js";
import { readCommentTag } from "../../src/triage/recall.js";
import type { Item } from "../../src/triage/types.js";
import {
  type ItemOptions, APP_LOGIN, T0, aDiscussion, alice, anIssue, carol, cfg, ciBot, edited, input, labeled, ms, opened, priorityLabels, run, supportBody, targetComments, template,
} from "./helpers.js";

const FORMS = [".github/ISSUE_TEMPLATE/support.yml"];
const blank = (o: ItemOptions = {}): Item =>
  anIssue({ body: "Our nightly export fails since yesterday.", url: "https://github.com/acme/support/issues/1", ...o });
const formComments = (item: Item) =>
  item.comments.filter((c) => c.author?.login === APP_LOGIN && readCommentTag(c.body)?.kind === "notice" && (readCommentTag(c.body) as { key: string }).key === FORM_MISSING_NOTICE);

describe("an item opened without the support form (form.require)", () => {
  it("gets one comment, with a link to the support form, and is not tracked", () => {
    const r = run({ item: blank(), trigger: opened(), supportForms: FORMS });
    expect(r.plan.actions.map((a) => a.type)).toEqual(["postComment"]);
    expect(r.plan.state).toBeNull();
    expect(r.plan.decisions.map((d) => d.rule)).toContain("form-missing");
    expect(formComments(r.after)).toHaveLength(1);
    expect(targetComments(r.after)).toHaveLength(0);
    expect(priorityLabels(r.after)).toEqual([]);
    // Planned again (a redelivery, a sweep): nothing more.
    expect(r.again.actions).toEqual([]);
    const body = formComments(r.after)[0]?.body ?? "";
    expect(body).toContain("[the support form](https://github.com/acme/support/issues/new?template=support.yml)");
    expect(body).toContain("`### Priority`");
  });

  it("once it has a priority — the author edits the form's headings in — it is tracked as usual, and the comment stays", () => {
    const first = run({ item: blank(), trigger: opened(), supportForms: FORMS });
    const withForm = { ...first.after, body: supportBody({ priority: "P3 (Normal)" }) };
    const tracked = run({ item: withForm, trigger: edited(alice), supportForms: FORMS, form: template("support.yml") });
    expect(priorityLabels(tracked.after)).toEqual(["P3"]);
    expect(targetComments(tracked.after)).toHaveLength(1);
    expect(formComments(tracked.after)).toHaveLength(1);
  });

  it("once a responder labels a priority, it is tracked", () => {
    const first = run({ item: blank(), trigger: opened(), supportForms: FORMS });
    const labelledItem = { ...first.after, labels: ["P2"], labelEvents: [{ label: "P2", actor: carol, createdAt: T0, added: true }] };
    const tracked = run({ item: labelledItem, trigger: labeled("P2", carol), supportForms: FORMS });
    expect(tracked.plan.state?.priority).toBeDefined();
    expect(targetComments(tracked.after)).toHaveLength(1);
  });

  it("`form.require: none` posts nothing", () => {
    expect(planItem(input({ item: blank(), trigger: opened(), supportForms: FORMS, config: cfg({ form: { require: "none" } }) })).actions).toEqual([]);
  });

  const answers = { hasPriorityField: false, priority: null, priorityRaw: null, priorityUnreadable: false, environment: null, production: false } as const;
  const needs = (item: Item, extra: { supportForms?: readonly string[]; now?: number; form?: ReturnType<typeof template> | null } = {}, posted: string[] = []) =>
    needsFormComment(input({ item, trigger: opened(), supportForms: extra.supportForms ?? FORMS, now: extra.now ?? ms(T0), form: extra.form ?? null }), answers, posted);

  it.each([
    ["a responder's own item (an OWNER, MEMBER or COLLABORATOR)", () => blank({ author: carol, authorAssociation: "MEMBER" })],
    ["a bot's item", () => blank({ author: ciBot })],
    ["a closed item", () => blank({ state: "closed" })],
  ])("no comment on %s", (_what, item) => {
    expect(needs(item())).toBe(false);
  });

  it("no comment when the notice was posted before", () => {
    expect(needs(blank(), {}, [FORM_MISSING_NOTICE])).toBe(false);
  });

  it("no comment after the item's first week (an old backlog is not commented on)", () => {
    expect(needs(blank(), { now: ms(T0) + FORM_MISSING_WINDOW_MS - 1 })).toBe(true);
    expect(needs(blank(), { now: ms(T0) + FORM_MISSING_WINDOW_MS + 1 })).toBe(false);
  });

  it("no comment on an issue that came through another of the repository's forms", () => {
    const other = { file: ".github/ISSUE_TEMPLATE/bug.yml", fieldLabels: ["Steps"], labels: [], options: {} };
    expect(needs(blank(), { form: other })).toBe(false);
  });

  it("a discussion gets it only in a category whose form asks for the priority", () => {
    const d = aDiscussion({ body: "How do I rotate keys?", url: "https://github.com/acme/support/discussions/4" });
    expect(needs(d, { supportForms: [] })).toBe(false);
    expect(needs(d, { supportForms: [".github/DISCUSSION_TEMPLATE/support.yml"] })).toBe(true);
    const text = renderFormMissingComment(input({ item: d, trigger: opened(), supportForms: [".github/DISCUSSION_TEMPLATE/support.yml"] }));
    expect(text).toContain("(https://github.com/acme/support/discussions/new?category=support)");
  });

  it("echoes nothing the author wrote", () => {
    const evil = blank({ title: "@everyone <script>", body: "@acme/support please <img src=x>" });
    const text = renderFormMissingComment(input({ item: evil, trigger: opened(), supportForms: FORMS }));
    expect(text).not.toContain("@");
    expect(text).not.toContain("<");
  });
});
