// fetch_repo_context (CALORON §3, reference §3.19 fixed): the repository as kickoff's planner
// sees it. The Python stage ignored nothing but swallowed every languages error and let an
// empty repository's commits listing fail kickoff; here only the answers that mean "there
// is none" become empty values, and every other forge error fails the stage.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { FetchRepoContextInput, FetchRepoContextOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import type { ForgeCommit } from './client/index.js';

const RECENT_COMMITS = 5;
const OPEN_ISSUES_LISTED = 20;

/** `fallback` when the forge answered one of `statuses` (it has none of the thing asked for). */
async function orNone<T>(call: Promise<T>, statuses: readonly number[], fallback: T): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const status = error instanceof NoetherError ? error.details?.['status'] : undefined;
    if (error instanceof NoetherError && error.code === 'NOE_FORGE_FAILED' && typeof status === 'number')
      if (statuses.includes(status)) return fallback;
    throw error;
  }
}

export const fetchRepoContext = defineStage<FetchRepoContextInput, FetchRepoContextOutput>({
  name: 'fetch_repo_context',
  description:
    "Reads a repository's description, default branch, open issues, recent commits and languages from the forge.",
  ...stageSchemas('fetch_repo_context'),
  effects: ['Network', 'Fallible', 'NonDeterministic'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    const repo = await client.getRepo();
    // GitHub answers 409 for the commits of an empty repository, Gitea 404.
    const commits = await orNone<ForgeCommit[]>(
      client.listCommits({ limit: RECENT_COMMITS }),
      [404, 409],
      [],
    );
    const languages = await orNone(client.getLanguages(), [404], {});
    const issues = await client.listIssues({ state: 'open' });
    const newest = [...issues].sort(
      (x, y) => y.created_at.getTime() - x.created_at.getTime() || y.number - x.number,
    );
    return {
      repo: repo.full_name,
      description: repo.description,
      default_branch: repo.default_branch,
      open_issue_count: issues.length,
      open_issues: newest
        .slice(0, OPEN_ISSUES_LISTED)
        .map((issue) => ({ number: issue.number, title: issue.title, labels: [...issue.labels] })),
      recent_commits: commits.slice(0, RECENT_COMMITS).map((commit) => ({
        sha: commit.sha,
        message: commit.message.split('\n', 1)[0] ?? '',
        author: commit.author,
        date: commit.date === null ? null : commit.date.toISOString(),
      })),
      languages,
    };
  },
});
