// Records → GitHub's JSON, field for field as GitHub's OpenAPI response schemas require
// (simple-user, full-repository, label, issue, issue-comment, issue-event): clients
// written against api.github.com (octokit, the Python stages) read these unchanged.
// URLs point at this forge (`api` is its base, as https://api.github.com is GitHub's);
// `clone_url`, `git_url` and `ssh_url` are the bare repository's path on disk, which
// `git clone` and `git push` take as a remote.
import type { CommentRecord, EventRecord, IssueRecord, LabelRecord, RepoRecord } from './state.js';

export interface Site {
  /** The API base, e.g. http://127.0.0.1:7711 (no trailing slash). */
  api: string;
  /** Absolute path of a repository's bare git folder. */
  gitPath(repo: RepoRecord): string;
  /** A stable numeric id for a login (users are not stored: any login may act). */
  userId(login: string): number;
}

export type Json = Record<string, unknown>;

export function renderUser(site: Site, login: string): Json {
  const url = `${site.api}/users/${login}`;
  return {
    login,
    id: site.userId(login),
    node_id: nodeId('U', site.userId(login)),
    avatar_url: `${site.api}/avatars/${login}`,
    gravatar_id: '',
    url,
    html_url: `${site.api}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

export function repoUrl(site: Site, repo: RepoRecord): string {
  return `${site.api}/repos/${repo.owner}/${repo.name}`;
}

export function renderRepo(site: Site, repo: RepoRecord, language: string | null, pushedAt: string): Json {
  const url = repoUrl(site, repo);
  const html = `${site.api}/${repo.owner}/${repo.name}`;
  const open = repo.issues.filter((issue) => issue.state === 'open').length;
  const path = site.gitPath(repo);
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: renderUser(site, repo.owner),
    private: repo.private,
    html_url: html,
    description: repo.description,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: path,
    git_url: path,
    ssh_url: path,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.default_branch,
    open_issues: open,
    open_issues_count: open,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    license: null,
    pushed_at: pushedAt,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function renderLabel(site: Site, repo: RepoRecord, label: LabelRecord): Json {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${repoUrl(site, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

export function issueLabels(site: Site, repo: RepoRecord, issue: IssueRecord): Json[] {
  return issue.labels.flatMap((name) => {
    const label = repo.labels.find((candidate) => candidate.name === name);
    return label === undefined ? [] : [renderLabel(site, repo, label)];
  });
}

export function renderIssue(site: Site, repo: RepoRecord, issue: IssueRecord): Json {
  const url = `${repoUrl(site, repo)}/issues/${issue.number}`;
  const html = `${site.api}/${repo.owner}/${repo.name}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
  const pull =
    issue.pull === undefined
      ? {}
      : {
          pull_request: {
            url: `${repoUrl(site, repo)}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: issue.pull.merged_at,
          },
        };
  return {
    id: issue.id,
    node_id: nodeId(issue.pull ? 'PR' : 'I', issue.id),
    url,
    repository_url: repoUrl(site, repo),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    user: renderUser(site, issue.user),
    labels: issueLabels(site, repo, issue),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: repo.comments.filter((comment) => comment.issue_number === issue.number).length,
    closed_at: issue.closed_at,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_by: null,
    author_association: 'OWNER',
    ...pull,
  };
}

export function renderComment(site: Site, repo: RepoRecord, comment: CommentRecord): Json {
  const issueUrl = `${repoUrl(site, repo)}/issues/${comment.issue_number}`;
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url: `${repoUrl(site, repo)}/issues/comments/${comment.id}`,
    html_url: `${site.api}/${repo.owner}/${repo.name}/issues/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: issueUrl,
    body: comment.body,
    user: renderUser(site, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: 'OWNER',
  };
}

/** An issue event; the repository-wide listing adds the issue it belongs to. */
export function renderEvent(site: Site, repo: RepoRecord, event: EventRecord, withIssue: boolean): Json {
  const issue = withIssue
    ? repo.issues.find((candidate) => candidate.number === event.issue_number)
    : undefined;
  return {
    id: event.id,
    node_id: nodeId('E', event.id),
    url: `${repoUrl(site, repo)}/issues/events/${event.id}`,
    actor: renderUser(site, event.actor),
    event: event.event,
    commit_id: event.commit_id,
    commit_url: event.commit_id === null ? null : `${repoUrl(site, repo)}/commits/${event.commit_id}`,
    created_at: event.created_at,
    performed_via_github_app: null,
    ...(event.label === undefined ? {} : { label: event.label }),
    ...(event.rename === undefined ? {} : { rename: event.rename }),
    ...(event.event === 'closed' ? { state_reason: null } : {}),
    ...(issue === undefined ? {} : { issue: renderIssue(site, repo, issue) }),
  };
}

/** GitHub's opaque global ids; ours only need to be stable and distinct per kind. */
export function nodeId(kind: string, id: number): string {
  return `${kind}_${Buffer.from(String(id)).toString('base64url')}`;
}
