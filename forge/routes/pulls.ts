// Pull requests and reviews. A PR is an issue with a `pull` record; its head is a branch
// of the same bare repository (agents push it there first: a PR on a missing branch is
// GitHub's 422). Merging is a real merge commit on the base branch (git.ts); a conflict
// is GitHub's 405 and leaves the PR open; a merged PR closes the issues its body names
// with closing keywords when it lands on the default branch, as GitHub does.
import type { FastifyInstance } from 'fastify';
import { branchSha, branchShas, canMerge, diffStats, mergeBranches } from '../git.js';
import { ForgeHttpError, invalid, paginate, queryOf, sortBy, stringField } from '../http.js';
import { renderPull, renderReview } from '../render-pulls.js';
import type { IssueRecord, PullRecord, RepoRecord, ReviewState } from '../state.js';
import { closingReferences, openIssue, recordEvent, rename, setState } from '../tracker.js';
import { findPull, findRepo, type RepoParams, type RouteContext } from './context.js';

type PullParams = RepoParams & { number: string };

const REVIEW_STATES: Record<string, ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

export function pullRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, site } = context;

  /** The head's current commit while its branch exists; the recorded one after. */
  const refresh = async (repo: RepoRecord, pull: PullRecord): Promise<void> => {
    const sha = await branchSha(site.gitPath(repo), pull.head_ref);
    if (sha !== null) pull.head_sha = sha;
  };

  const full = async (repo: RepoRecord, issue: IssueRecord & { pull: PullRecord }) => {
    await refresh(repo, issue.pull);
    const path = site.gitPath(repo);
    const stats = await diffStats(path, issue.pull.base_ref, issue.pull.head_sha);
    const mergeable =
      issue.state === 'open' ? await canMerge(path, issue.pull.base_ref, issue.pull.head_sha) : null;
    const baseSha = (await branchSha(path, issue.pull.base_ref)) ?? '';
    return renderPull(site, repo, issue, baseSha, { ...stats, mergeable });
  };

  app.post<{ Params: RepoParams }>('/repos/:owner/:repo/pulls', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const title = stringField(request.body, 'PullRequest', 'title', true) ?? '';
    const head = (stringField(request.body, 'PullRequest', 'head', true) ?? '').replace(/^[^:]+:/, '');
    const base = stringField(request.body, 'PullRequest', 'base', true) ?? '';
    const body = stringField(request.body, 'PullRequest', 'body', false) ?? null;
    const path = site.gitPath(repo);
    const headSha = await branchSha(path, head);
    if (headSha === null) throw invalid('PullRequest', 'head', 'invalid');
    if ((await branchSha(path, base)) === null) throw invalid('PullRequest', 'base', 'invalid');
    if (head === base || (await diffStats(path, base, headSha)).commits === 0) {
      throw invalid('PullRequest', 'head', 'custom', `No commits between ${base} and ${head}`);
    }
    const issue = await store.change(() => {
      const open = repo.issues.find(
        (candidate) =>
          candidate.state === 'open' && candidate.pull?.head_ref === head && candidate.pull.base_ref === base,
      );
      if (open !== undefined) {
        throw invalid(
          'PullRequest',
          'head',
          'custom',
          `A pull request already exists for ${repo.owner}:${head}.`,
        );
      }
      return Object.assign(openIssue(store, repo, { title, body, user: login }), {
        pull: {
          head_ref: head,
          base_ref: base,
          head_sha: headSha,
          merged: false,
          merged_at: null,
          merged_by: null,
          merge_commit_sha: null,
        },
      });
    });
    return reply.code(201).send(await full(repo, issue));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/pulls', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const query = queryOf(request);
    const state = query.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalid('PullRequest', 'state', 'invalid');
    const pulls = repo.issues.filter(
      (issue): issue is IssueRecord & { pull: PullRecord } =>
        issue.pull !== undefined &&
        (state === 'all' || issue.state === state) &&
        (query.head === undefined || issue.pull.head_ref === query.head.replace(/^[^:]+:/, '')) &&
        (query.base === undefined || issue.pull.base_ref === query.base),
    );
    const sort = query.sort ?? 'created';
    const descending = query.direction === undefined ? sort === 'created' : query.direction === 'desc';
    const ordered = sortBy(
      pulls,
      (issue) => (sort === 'updated' ? issue.updated_at : issue.created_at),
      descending,
    );
    const page = paginate(request, reply, ordered);
    if (page.length === 0) return [];
    // Read from the ref files, without a git process per pull request (git.ts).
    const refs = page.flatMap((issue) => [issue.pull.head_ref, issue.pull.base_ref]);
    const branches = await branchShas(site.gitPath(repo), refs);
    return page.map((issue) => {
      const head = branches.get(issue.pull.head_ref);
      if (head !== undefined && head !== null) issue.pull.head_sha = head;
      return renderPull(site, repo, issue, branches.get(issue.pull.base_ref) ?? '');
    });
  });

  app.get<{ Params: PullParams }>('/repos/:owner/:repo/pulls/:number', async (request) => {
    const repo = findRepo(context, request.params);
    return full(repo, findPull(repo, request.params.number));
  });

  app.patch<{ Params: PullParams }>('/repos/:owner/:repo/pulls/:number', async (request) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findPull(repo, request.params.number);
    const title = stringField(request.body, 'PullRequest', 'title', false);
    const body = stringField(request.body, 'PullRequest', 'body', false);
    const state = stringField(request.body, 'PullRequest', 'state', false);
    if (state !== undefined && state !== 'open' && state !== 'closed')
      throw invalid('PullRequest', 'state', 'invalid');
    if (state === 'open' && issue.pull.merged)
      throw invalid('PullRequest', 'state', 'custom', 'merged pull requests cannot be reopened');
    await store.change(() => {
      if (title !== undefined) rename(store, repo, issue, title, login);
      if (body !== undefined && body !== issue.body) {
        issue.body = body;
        issue.updated_at = store.now();
      }
      if (state !== undefined) setState(store, repo, issue, state, login);
    });
    return full(repo, issue);
  });

  app.put<{ Params: PullParams }>('/repos/:owner/:repo/pulls/:number/merge', async (request) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findPull(repo, request.params.number);
    const wantedSha = stringField(request.body, 'PullRequest', 'sha', false);
    const commitTitle = stringField(request.body, 'PullRequest', 'commit_title', false);
    const commitMessage = stringField(request.body, 'PullRequest', 'commit_message', false);
    return store.change(async () => {
      if (issue.state !== 'open') throw new ForgeHttpError(405, 'Pull Request is not mergeable');
      await refresh(repo, issue.pull);
      if (wantedSha !== undefined && wantedSha !== issue.pull.head_sha) {
        throw new ForgeHttpError(409, 'Head branch was modified. Review and try the merge again.');
      }
      const title =
        commitTitle ?? `Merge pull request #${issue.number} from ${repo.owner}/${issue.pull.head_ref}`;
      const message =
        commitMessage === undefined ? `${title}\n\n${issue.title}` : `${title}\n\n${commitMessage}`;
      const outcome = await mergeBranches(
        site.gitPath(repo),
        issue.pull.base_ref,
        issue.pull.head_sha,
        message,
      );
      if (!outcome.merged) throw new ForgeHttpError(405, 'Pull Request is not mergeable');
      const now = store.now();
      Object.assign(issue.pull, {
        merged: true,
        merged_at: now,
        merged_by: login,
        merge_commit_sha: outcome.sha,
      });
      recordEvent(store, repo, issue, 'merged', login, { commit_id: outcome.sha });
      setState(store, repo, issue, 'closed', login, outcome.sha);
      if (issue.pull.base_ref === repo.default_branch) {
        for (const number of closingReferences(issue.body)) {
          const linked = repo.issues.find(
            (candidate) => candidate.number === number && candidate.pull === undefined,
          );
          if (linked !== undefined) setState(store, repo, linked, 'closed', login, outcome.sha);
        }
      }
      repo.updated_at = now;
      return { sha: outcome.sha, merged: true, message: 'Pull Request successfully merged' };
    });
  });

  app.post<{ Params: PullParams }>('/repos/:owner/:repo/pulls/:number/reviews', async (request) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findPull(repo, request.params.number);
    const event = stringField(request.body, 'PullRequestReview', 'event', false);
    const body = stringField(request.body, 'PullRequestReview', 'body', false) ?? '';
    const state = event === undefined ? undefined : REVIEW_STATES[event];
    if (state === undefined)
      throw invalid(
        'PullRequestReview',
        'event',
        'invalid',
        'event must be APPROVE, REQUEST_CHANGES or COMMENT',
      );
    if (state !== 'APPROVED' && body === '')
      throw invalid('PullRequestReview', 'body', 'missing_field', 'a body is required for this event');
    const review = await store.change(async () => {
      await refresh(repo, issue.pull);
      const created = {
        id: store.nextId(),
        pull_number: issue.number,
        user: login,
        body,
        state,
        commit_id: stringField(request.body, 'PullRequestReview', 'commit_id', false) ?? issue.pull.head_sha,
        submitted_at: store.now(),
      };
      repo.reviews.push(created);
      issue.updated_at = created.submitted_at;
      return created;
    });
    return renderReview(site, repo, review);
  });

  app.get<{ Params: PullParams }>('/repos/:owner/:repo/pulls/:number/reviews', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const issue = findPull(repo, request.params.number);
    const reviews = repo.reviews.filter((review) => review.pull_number === issue.number);
    return paginate(request, reply, reviews).map((review) => renderReview(site, repo, review));
  });
}
