// What every route module receives: the store, the URL/identity facts renderers need,
// and the lookups that turn path parameters into records or GitHub's 404.
import type { Site } from '../render.js';
import type { ForgeStore, IssueRecord, RepoRecord } from '../state.js';
import { notFound, numberParam } from '../http.js';

export interface RouteContext {
  store: ForgeStore;
  site: Site;
  /** The login every write is attributed to (the forge has one user: its token's). */
  login: string;
}

export interface RepoParams {
  owner: string;
  repo: string;
}

export function findRepo(context: RouteContext, params: RepoParams): RepoRecord {
  const repo = context.store.repo(params.owner, params.repo);
  if (repo === undefined) throw notFound();
  return repo;
}

export function findIssue(repo: RepoRecord, number: string): IssueRecord {
  const wanted = numberParam(number);
  const issue = repo.issues.find((candidate) => candidate.number === wanted);
  if (issue === undefined) throw notFound();
  return issue;
}

/** A pull request by number; an issue that is not a PR is GitHub's 404 here. */
export function findPull(
  repo: RepoRecord,
  number: string,
): IssueRecord & { pull: NonNullable<IssueRecord['pull']> } {
  const issue = findIssue(repo, number);
  if (issue.pull === undefined) throw notFound();
  return issue as IssueRecord & { pull: NonNullable<IssueRecord['pull']> };
}
