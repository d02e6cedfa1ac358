// What a sprint left on the embedded forge, read back the way a user would see it: the
// issues with their labels and comments, the pull requests and whether they were merged,
// and the files on the default branch (read from the bare repository with git). The e2e
// suites assert on this record, so "4 issues, 4 merges, no duplicates" is checked against
// the forge itself, not against what the stages believe they did.
import { execa } from 'execa';
import { FORGE_TOKEN_ENV, type SprintEnvironment } from '../../caloron/demo/environment.js';

export interface IssueRecord {
  number: number;
  title: string;
  state: string;
  labels: string[];
  comments: string[];
  /** true for the issues a pull request carries (GitHub lists PRs among issues). */
  isPull: boolean;
}

export interface PullRecord {
  number: number;
  head: string;
  merged: boolean;
  /** Review states in submission order (APPROVED, CHANGES_REQUESTED, …). */
  reviews: string[];
  /** The labels of the pull request's issue (e.g. caloron:review-pending). */
  labels: string[];
}

export interface ForgeRecord {
  /** Issues that are not pull requests, by number. */
  issues: IssueRecord[];
  pulls: PullRecord[];
  /** Paths on the default branch (`main`). */
  files: string[];
}

export async function forgeRecord(environment: SprintEnvironment): Promise<ForgeRecord> {
  const base = `${environment.forge.url}/repos/${environment.forgeConfig.repo}`;
  const token = environment.env[FORGE_TOKEN_ENV] ?? '';
  const get = async <T>(path: string): Promise<T> => {
    const reply = await fetch(`${base}${path}`, { headers: { authorization: `token ${token}` } });
    if (!reply.ok) throw new Error(`GET ${path} answered ${String(reply.status)}: ${await reply.text()}`);
    return (await reply.json()) as T;
  };
  type RawIssue = {
    number: number;
    title: string;
    state: string;
    labels: { name: string }[];
    pull_request?: unknown;
  };
  const rawIssues = await get<RawIssue[]>('/issues?state=all&per_page=100');
  const issues = await Promise.all(
    rawIssues.map(async (issue) => ({
      number: issue.number,
      title: issue.title,
      state: issue.state,
      labels: issue.labels.map((label) => label.name).sort(),
      comments: (await get<{ body: string }[]>(`/issues/${String(issue.number)}/comments?per_page=100`)).map(
        (comment) => comment.body,
      ),
      isPull: issue.pull_request !== undefined,
    })),
  );
  type RawPull = { number: number; head: { ref: string }; merged_at: string | null };
  const rawPulls = await get<RawPull[]>('/pulls?state=all&per_page=100');
  const pulls = await Promise.all(
    rawPulls.map(async (pull) => ({
      number: pull.number,
      head: pull.head.ref,
      merged: pull.merged_at !== null,
      labels: issues.find((issue) => issue.number === pull.number)?.labels ?? [],
      reviews: (await get<{ state: string }[]>(`/pulls/${String(pull.number)}/reviews`)).map(
        (review) => review.state,
      ),
    })),
  );
  const tree = await execa('git', ['ls-tree', '-r', '--name-only', 'main'], { cwd: environment.repoPath });
  return {
    issues: issues.filter((issue) => !issue.isPull).sort((a, b) => a.number - b.number),
    pulls: pulls.sort((a, b) => a.number - b.number),
    files: tree.stdout.split('\n').filter((line) => line !== ''),
  };
}
