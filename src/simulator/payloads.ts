/**
 * GitHub's JSON shapes for the objects the simulator serves over REST and sends in
 * webhooks. REST and webhooks share these builders because GitHub's own payloads embed
 * the REST representation; keeping one builder per object means a shape fixed for the
 * webhook schema test is fixed for REST too.
 *
 * URLs inside objects always point at github.com (not at the simulator's random port):
 * they end up in comments and in the JSON result, which must be identical run to run.
 */
import type { SimCategory, SimComment, SimItem, SimLabel, SimRepo, SimUser } from "./model.js";

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export const API = "https://api.github.com";
export const WEB = "https://github.com";

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** The app's permissions and events, as its app.yml asks for them. */
export const APP_PERMISSIONS = { issues: "write", discussions: "write", contents: "write", pull_requests: "write", metadata: "read", members: "read" } as const;
export const APP_EVENTS = ["issues", "issue_comment", "discussion", "discussion_comment", "push"] as const;
const APP_CREATED = Date.UTC(2026, 0, 1);

export function userJson(user: SimUser): Json {
  const path = encodeURIComponent(user.login);
  const api = `${API}/users/${path}`;
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: user.type === "Bot" ? `https://avatars.githubusercontent.com/in/1?v=4` : `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: user.type === "Bot" ? `${WEB}/apps/${user.login.replace(/\[bot\]$/, "")}` : `${WEB}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

export function orgJson(org: SimUser): Json {
  const api = `${API}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
  };
}

export function repoJson(repo: SimRepo): Json {
  const api = `${API}/repos/${repo.fullName}`;
  const openIssues = [...repo.items.values()].filter((item) => item.kind === "issue" && item.state === "open").length;
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: repo.fullName,
    private: false,
    owner: userJson(repo.owner),
    html_url: `${WEB}/${repo.fullName}`,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.createdAt),
    pushed_at: iso(repo.createdAt),
    git_url: `git://github.com/${repo.fullName}.git`,
    ssh_url: `git@github.com:${repo.fullName}.git`,
    clone_url: `${WEB}/${repo.fullName}.git`,
    svn_url: `${WEB}/${repo.fullName}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: true,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: "main",
    custom_properties: {},
  };
}

export function labelJson(label: SimLabel): Json {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${API}/repos/${label.repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

const reactions = (url: string): Json => ({
  url: `${url}/reactions`,
  total_count: 0,
  "+1": 0,
  "-1": 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});

export function appJson(owner: SimUser): Json {
  return {
    id: 1,
    slug: "support-triage",
    node_id: "A_kwDOsim1",
    owner: userJson(owner),
    name: "support-triage",
    description: "First-response policy for GitHub Issues and Discussions",
    external_url: "https://github.com/apps/support-triage",
    html_url: `${WEB}/apps/support-triage`,
    created_at: iso(APP_CREATED),
    updated_at: iso(APP_CREATED),
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  };
}

/** The app, when the author is its bot (GitHub's `performed_via_github_app`). */
const viaApp = (user: SimUser, repo: SimRepo): Json => (user.type === "Bot" ? appJson(repo.owner) : null);

const sortedLabels = (labels: readonly SimLabel[]): SimLabel[] => [...labels].sort((a, b) => a.name.localeCompare(b.name));

export function issueJson(item: SimItem): Json {
  const api = `${API}/repos/${item.repo.fullName}/issues/${item.number}`;
  const firstAssignee = item.assignees[0];
  return {
    url: api,
    repository_url: `${API}/repos/${item.repo.fullName}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${WEB}/${item.repo.fullName}/issues/${item.number}`,
    id: item.id,
    node_id: item.nodeId,
    number: item.number,
    title: item.title,
    user: userJson(item.author),
    labels: sortedLabels(item.labels).map(labelJson),
    state: item.state,
    locked: item.locked,
    assignee: firstAssignee ? userJson(firstAssignee) : null,
    assignees: item.assignees.map(userJson),
    milestone: null,
    comments: item.comments.length,
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    closed_at: item.closedAt === null ? null : iso(item.closedAt),
    author_association: item.association,
    active_lock_reason: null,
    body: item.body === "" ? null : item.body,
    reactions: reactions(api),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: viaApp(item.author, item.repo),
    state_reason: item.state === "closed" ? "completed" : null,
    // GitHub's issues API lists pull requests too, marked by this key.
    ...(item.pullRequest
      ? { pull_request: { url: `${API}/repos/${item.repo.fullName}/pulls/${item.number}`, html_url: `${WEB}/${item.repo.fullName}/pull/${item.number}`, merged_at: null } }
      : {}),
  };
}

/** A pull request in its own events (`pull_request.*`): an open, unmerged PR from a branch of the same repository. */
export function pullRequestJson(item: SimItem): Json {
  const repo = item.repo.fullName;
  const api = `${API}/repos/${repo}/pulls/${item.number}`;
  const issueApi = `${API}/repos/${repo}/issues/${item.number}`;
  const html = `${WEB}/${repo}/pull/${item.number}`;
  const sha = "0".repeat(40);
  const branch = (ref: string, user: SimUser): Json => ({ label: `${item.repo.owner.login}:${ref}`, ref, sha, user: userJson(user), repo: repoJson(item.repo) });
  const firstAssignee = item.assignees[0];
  return {
    url: api,
    id: item.id,
    node_id: item.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    number: item.number,
    state: item.state,
    locked: item.locked,
    title: item.title,
    user: userJson(item.author),
    body: item.body === "" ? null : item.body,
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    closed_at: item.closedAt === null ? null : iso(item.closedAt),
    merged_at: null,
    merge_commit_sha: null,
    assignee: firstAssignee ? userJson(firstAssignee) : null,
    assignees: item.assignees.map(userJson),
    requested_reviewers: [],
    requested_teams: [],
    labels: sortedLabels(item.labels).map(labelJson),
    milestone: null,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${API}/repos/${repo}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${API}/repos/${repo}/statuses/${sha}`,
    head: branch(`patch-${item.number}`, item.author),
    base: branch("main", item.repo.owner),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${API}/repos/${repo}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${API}/repos/${repo}/statuses/${sha}` },
    },
    author_association: item.association,
    auto_merge: null,
    active_lock_reason: null,
    draft: false,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: item.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

export function issueCommentJson(comment: SimComment): Json {
  const repo = comment.item.repo.fullName;
  const api = `${API}/repos/${repo}/issues/comments/${comment.id}`;
  return {
    url: api,
    html_url: `${WEB}/${repo}/issues/${comment.item.number}#issuecomment-${comment.id}`,
    issue_url: `${API}/repos/${repo}/issues/${comment.item.number}`,
    id: comment.id,
    node_id: comment.nodeId,
    user: userJson(comment.author),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    author_association: comment.association,
    body: comment.body,
    reactions: reactions(api),
    performed_via_github_app: viaApp(comment.author, comment.item.repo),
  };
}

export function categoryJson(category: SimCategory): Json {
  return {
    id: category.id,
    node_id: category.nodeId,
    repository_id: category.repo.id,
    emoji: category.slug === "q-a" ? ":pray:" : ":speech_balloon:",
    name: category.name,
    description: "",
    created_at: iso(category.createdAt),
    updated_at: iso(category.createdAt),
    slug: category.slug,
    is_answerable: category.slug === "q-a",
  };
}

/** GitHub usually omits `discussion.labels` from webhooks: so do we (read them over GraphQL). */
export function discussionJson(item: SimItem): Json {
  const category = item.category;
  if (!category) throw new Error(`discussion #${item.number} has no category`);
  return {
    repository_url: `${API}/repos/${item.repo.fullName}`,
    category: categoryJson(category),
    answer_html_url: item.answer ? `${WEB}/${item.repo.fullName}/discussions/${item.number}#discussioncomment-${item.answer.id}` : null,
    answer_chosen_at: item.answer ? iso(item.updatedAt) : null,
    answer_chosen_by: item.answer && item.answerBy ? userJson(item.answerBy) : null,
    html_url: `${WEB}/${item.repo.fullName}/discussions/${item.number}`,
    id: item.id,
    node_id: item.nodeId,
    number: item.number,
    title: item.title,
    user: userJson(item.author),
    // GitHub reports a locked discussion's state as "locked".
    state: item.locked ? "locked" : item.state,
    locked: item.locked,
    comments: item.comments.length,
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    author_association: item.association,
    active_lock_reason: null,
    body: item.body,
    reactions: reactions(`${API}/repos/${item.repo.fullName}/discussions/${item.number}`),
  };
}

export function discussionCommentJson(comment: SimComment): Json {
  const item = comment.item;
  return {
    id: comment.id,
    node_id: comment.nodeId,
    html_url: `${WEB}/${item.repo.fullName}/discussions/${item.number}#discussioncomment-${comment.id}`,
    parent_id: comment.replyTo ? comment.replyTo.id : null,
    child_comment_count: item.comments.filter((other) => other.replyTo?.id === comment.id).length,
    repository_url: `${API}/repos/${item.repo.fullName}`,
    discussion_id: item.id,
    author_association: comment.association,
    user: userJson(comment.author),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    body: comment.body,
    reactions: reactions(`${API}/repos/${item.repo.fullName}/discussions/comments/${comment.id}`),
  };
}

export function installationLiteJson(id = 1): Json {
  return { id, node_id: Buffer.from(`023:IntegrationInstallation${id}`).toString("base64") };
}

export function installationJson(repo: SimRepo, id = 1): Json {
  return {
    id,
    account: userJson(repo.owner),
    repository_selection: "selected",
    access_tokens_url: `${API}/app/installations/${id}/access_tokens`,
    repositories_url: `${API}/installation/repositories`,
    html_url: `${WEB}/organizations/${repo.owner.login}/settings/installations/${id}`,
    app_id: 1,
    app_slug: "support-triage",
    target_id: repo.owner.id,
    target_type: repo.owner.type === "Organization" ? "Organization" : "User",
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.createdAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** A person as git records them in a commit (name, email, GitHub login). */
function gitPerson(user: SimUser, at: number): Json {
  return { name: user.login, email: `${user.id}+${user.login}@users.noreply.github.com`, date: iso(at), username: user.login };
}

export interface PushSpec {
  /** The installation the repository belongs to (one per owner; default 1). */
  readonly installationId?: number;
  readonly repo: SimRepo;
  readonly pusher: SimUser;
  readonly before: string;
  readonly after: string;
  readonly treeId: string;
  readonly message: string;
  readonly at: number;
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The `push` payload for one commit on the default branch, in the shape
 * @octokit/webhooks-schemas describes (the app reads `ref`, the default branch and the
 * commits' added/modified/removed paths).
 */
export function pushJson(push: PushSpec): Record<string, Json> {
  const { repo } = push;
  const commit: Json = {
    id: push.after,
    tree_id: push.treeId,
    distinct: true,
    message: push.message,
    timestamp: iso(push.at),
    url: `${WEB}/${repo.fullName}/commit/${push.after}`,
    author: gitPerson(push.pusher, push.at),
    committer: gitPerson(push.pusher, push.at),
    added: [...push.added],
    removed: [...push.removed],
    modified: [...push.modified],
  };
  const payload: Record<string, Json> = {
    ref: "refs/heads/main",
    before: push.before,
    after: push.after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${WEB}/${repo.fullName}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
    repository: repoJson(repo),
    pusher: { name: push.pusher.login, email: `${push.pusher.id}+${push.pusher.login}@users.noreply.github.com` },
    sender: userJson(push.pusher),
    installation: installationLiteJson(push.installationId ?? 1),
  };
  if (repo.owner.type === "Organization") payload["organization"] = orgJson(repo.owner);
  return payload;
}
