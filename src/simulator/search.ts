/**
 * GitHub's issue/discussion search syntax, for the qualifiers the app's sweep uses.
 *
 * Unsupported qualifiers are reported instead of ignored: a sweep that silently matched
 * everything (or nothing) in the simulator would hide a real bug in the app's query.
 */
import type { SimItem } from "./model.js";

export interface SearchQuery {
  /** OR-ed `repo:owner/name` (lower-cased). */
  readonly repos: readonly string[];
  /** OR-ed `org:`/`user:` owners (lower-cased). */
  readonly owners: readonly string[];
  readonly state: "open" | "closed" | null;
  /** `is:issue`, `is:discussion`, `type:issue`… (null = any). */
  readonly kind: "issue" | "discussion" | null;
  /** Each entry is one `label:` qualifier: OR within an entry, AND across entries. */
  readonly labels: readonly (readonly string[])[];
  readonly notLabels: readonly string[];
  readonly authors: readonly string[];
  readonly notAuthors: readonly string[];
  readonly text: readonly string[];
  /** Where free text must match (`in:title`, `in:body`); empty = title or body. */
  readonly textIn: readonly ("title" | "body" | "comments")[];
  readonly sort: { readonly field: "created" | "updated" | "comments"; readonly order: "asc" | "desc" } | null;
  readonly noLabels: boolean;
  /** `created:` bounds (all must hold), epoch ms. */
  readonly created: readonly DateBound[];
  /** `updated:` bounds (all must hold), epoch ms. */
  readonly updated: readonly DateBound[];
  /** `is:pr`: not served (the app never searches pull requests), so nothing matches. */
  readonly impossible: boolean;
  /** Qualifiers the simulator does not implement. */
  readonly unsupported: readonly string[];
}

export interface DateBound {
  readonly op: ">" | ">=" | "<" | "<=";
  readonly ms: number;
}

/**
 * GitHub's date qualifier values: `>=2026-11-17`, `<2026-12-01T10:00:00Z`, a range
 * `2026-11-01..2026-11-30`, or a bare date (that whole UTC day). Null when unreadable.
 */
export function parseDateBounds(value: string): DateBound[] | null {
  const parse = (text: string, end: boolean): number | null => {
    if (!/^\d{4}-\d{2}-\d{2}(?:T.*)?$/.test(text)) return null;
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isFinite(ms)) return null;
    // A bare date as an upper bound means "through the end of that day".
    return end && text.length === 10 ? ms + 86_400_000 : ms;
  };
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const from = range[1] === "*" ? null : parse(range[1] ?? "", false);
    const to = range[2] === "*" ? null : parse(range[2] ?? "", true);
    if ((range[1] !== "*" && from === null) || (range[2] !== "*" && to === null)) return null;
    return [...(from !== null ? [{ op: ">=" as const, ms: from }] : []), ...(to !== null ? [{ op: "<" as const, ms: to }] : [])];
  }
  const match = /^(>=|<=|>|<)?(.+)$/.exec(value);
  const op = (match?.[1] ?? "") as DateBound["op"] | "";
  const text = match?.[2] ?? "";
  if (op === "") {
    const day = parse(text, false);
    return day === null ? null : [{ op: ">=", ms: day }, { op: "<", ms: day + (text.length === 10 ? 86_400_000 : 1000) }];
  }
  const ms = parse(text, op === "<=" || op === ">");
  if (ms === null) return null;
  // `<=day` and `>day` compare against the end of the day.
  const normalised: DateBound["op"] = op === "<=" && text.length === 10 ? "<" : op === ">" && text.length === 10 ? ">=" : op;
  return [{ op: normalised, ms }];
}

/** Splits on spaces outside double quotes; quotes are removed. */
export function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quoted = false;
  let started = false;
  for (const char of query) {
    if (char === '"') {
      quoted = !quoted;
      started = true;
    } else if (/\s/.test(char) && !quoted) {
      if (started) tokens.push(current);
      current = "";
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) tokens.push(current);
  return tokens;
}

export function parseSearch(query: string): SearchQuery {
  const repos: string[] = [];
  const owners: string[] = [];
  let state: "open" | "closed" | null = null;
  let kind: "issue" | "discussion" | null = null;
  const labels: string[][] = [];
  const notLabels: string[] = [];
  const authors: string[] = [];
  const notAuthors: string[] = [];
  const text: string[] = [];
  const textIn: ("title" | "body" | "comments")[] = [];
  const unsupported: string[] = [];
  let sort: SearchQuery["sort"] = null;
  const created: DateBound[] = [];
  const updated: DateBound[] = [];
  let noLabels = false;
  let impossible = false;
  for (const token of tokenize(query)) {
    const match = /^(-?)([a-z-]+):(.*)$/i.exec(token);
    if (!match) {
      text.push(token.toLowerCase());
      continue;
    }
    const negated = match[1] === "-";
    const key = (match[2] ?? "").toLowerCase();
    const value = match[3] ?? "";
    const lower = value.toLowerCase();
    if (key === "repo" && !negated) repos.push(lower);
    else if ((key === "org" || key === "user") && !negated) owners.push(lower);
    else if ((key === "is" || key === "state") && !negated && (lower === "open" || lower === "closed")) state = lower;
    else if ((key === "is" || key === "type") && !negated && (lower === "issue" || lower === "discussion")) kind = lower;
    else if (key === "is" && (lower === "pr" || lower === "pull-request")) impossible ||= !negated;
    else if ((key === "is" && lower === "unlocked" && !negated) || (key === "archived" && lower === "false")) continue;
    else if (key === "label" && !negated) labels.push(lower.split(",").filter((part) => part.length > 0));
    else if (key === "label" && negated) notLabels.push(...lower.split(",").filter((part) => part.length > 0));
    else if (key === "no" && lower === "label" && !negated) noLabels = true;
    else if (key === "author" && !negated) authors.push(lower);
    else if (key === "author" && negated) notAuthors.push(lower);
    else if (key === "created" && !negated && parseDateBounds(value) !== null) created.push(...(parseDateBounds(value) ?? []));
    else if (key === "updated" && !negated && parseDateBounds(value) !== null) updated.push(...(parseDateBounds(value) ?? []));
    else if (key === "in" && !negated && (lower === "title" || lower === "body" || lower === "comments")) textIn.push(lower);
    else if (key === "sort" && !negated) {
      const sortMatch = /^(created|updated|comments)(?:-(asc|desc))?$/.exec(lower);
      if (sortMatch) sort = { field: sortMatch[1] as "created" | "updated" | "comments", order: (sortMatch[2] ?? "desc") as "asc" | "desc" };
      else unsupported.push(token);
    } else unsupported.push(token);
  }
  return { repos, owners, state, kind, labels, notLabels, authors, notAuthors, text, textIn, sort, created, updated, noLabels, impossible, unsupported };
}

export function matches(query: SearchQuery, item: SimItem): boolean {
  if (query.impossible) return false;
  const repo = item.repo.fullName.toLowerCase();
  if (query.repos.length > 0 && !query.repos.includes(repo)) return false;
  if (query.owners.length > 0 && !query.owners.includes(item.repo.owner.login.toLowerCase())) return false;
  if (query.state && item.state !== query.state) return false;
  if (query.kind && item.kind !== query.kind) return false;
  // `is:issue` leaves pull requests out, as on GitHub.
  if (query.kind === "issue" && item.pullRequest) return false;
  const names = item.labels.map((label) => label.name.toLowerCase());
  if (!query.labels.every((any) => any.some((name) => names.includes(name)))) return false;
  if (query.notLabels.some((name) => names.includes(name))) return false;
  if (query.noLabels && names.length > 0) return false;
  const within = (bounds: readonly DateBound[], ms: number): boolean =>
    bounds.every((bound) => {
      const at = Math.floor(ms / 1000) * 1000;
      return bound.op === ">" ? at > bound.ms : bound.op === ">=" ? at >= bound.ms : bound.op === "<" ? at < bound.ms : at <= bound.ms;
    });
  if (!within(query.created, item.createdAt) || !within(query.updated, item.updatedAt)) return false;
  const author = item.author.login.toLowerCase();
  const authorNames = [author, author.replace(/\[bot\]$/, ""), `app/${author.replace(/\[bot\]$/, "")}`];
  if (query.authors.length > 0 && !query.authors.some((login) => authorNames.includes(login))) return false;
  if (query.notAuthors.some((login) => authorNames.includes(login))) return false;
  if (query.text.length > 0) {
    const where = query.textIn.length > 0 ? query.textIn : (["title", "body"] as const);
    const haystack = where
      .map((part) => (part === "title" ? item.title : part === "body" ? item.body : item.comments.map((c) => c.body).join("\n")))
      .join("\n")
      .toLowerCase();
    if (!query.text.every((word) => haystack.includes(word))) return false;
  }
  return true;
}

/** Results in GitHub's order for the query: newest first unless `sort:` says otherwise. */
export function search(query: SearchQuery, items: Iterable<SimItem>): SimItem[] {
  const found = [...items].filter((item) => matches(query, item));
  const sort = query.sort ?? { field: "created", order: "desc" };
  const key = (item: SimItem): number =>
    sort.field === "created" ? item.createdAt : sort.field === "updated" ? item.updatedAt : item.comments.length;
  return found.sort((a, b) => {
    const diff = key(a) - key(b) || a.number - b.number;
    return sort.order === "asc" ? diff : -diff;
  });
}
