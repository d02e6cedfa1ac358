// Pull requests and reviews in GitHub's JSON (pull-request, pull-request-simple,
// pull-request-review). `head.repo` and `base.repo` are the same repository: the forge
// has no forks, so every head branch lives beside its base.
import type { DiffStats } from './git.js';
import { issueLabels, nodeId, renderRepo, renderUser, repoUrl, type Json, type Site } from './render.js';
import type { IssueRecord, PullRecord, RepoRecord, ReviewRecord } from './state.js';

/** The detail only GET /pulls/{n} computes (it costs git calls per PR). */
export type PullDetail = DiffStats & { mergeable: boolean | null };

export function renderPull(
  site: Site,
  repo: RepoRecord,
  issue: IssueRecord & { pull: PullRecord },
  baseSha: string,
  detail?: PullDetail,
): Json {
  const { pull } = issue;
  const api = repoUrl(site, repo);
  const url = `${api}/pulls/${issue.number}`;
  const html = `${site.api}/${repo.owner}/${repo.name}/pull/${issue.number}`;
  const repository = renderRepo(site, repo, null, repo.updated_at);
  const owner = renderUser(site, repo.owner);
  const side = (ref: string, sha: string): Json => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repository,
  });
  const summary: Json = {
    url,
    id: issue.id,
    node_id: nodeId('PR', issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${issue.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head_sha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(site, issue.user),
    body: issue.body,
    labels: issueLabels(site, repo, issue),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head_ref, pull.head_sha),
    base: side(pull.base_ref, baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${issue.number}` },
      comments: { href: `${api}/issues/${issue.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pull.head_sha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: false,
  };
  if (detail === undefined) return summary;
  return {
    ...summary,
    merged: pull.merged,
    mergeable: detail.mergeable,
    rebaseable: detail.mergeable,
    mergeable_state: pull.merged ? 'unknown' : detail.mergeable === false ? 'dirty' : 'clean',
    merged_by: pull.merged_by === null ? null : renderUser(site, pull.merged_by),
    comments: repo.comments.filter((comment) => comment.issue_number === issue.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: detail.commits,
    additions: detail.additions,
    deletions: detail.deletions,
    changed_files: detail.changed_files,
  };
}

export function renderReview(site: Site, repo: RepoRecord, review: ReviewRecord): Json {
  const pullUrl = `${repoUrl(site, repo)}/pulls/${review.pull_number}`;
  const html = `${site.api}/${repo.owner}/${repo.name}/pull/${review.pull_number}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: renderUser(site, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: review.submitted_at,
    commit_id: review.commit_id,
    author_association: 'OWNER',
  };
}
