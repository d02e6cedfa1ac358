// The forge's records and their store: everything the GitHub API shows lives in one JSON
// document under the forge's folder, rewritten atomically after every change, so a
// restarted forge answers exactly as before. Git content lives in the bare repositories
// (git.ts); this file never holds file contents, only the issue tracker's state.
// Changes run one at a time (`change`): a mutation may await git, and two merges of the
// same repository must never interleave.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NoetherError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/fs/atomic.js';

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface PullRecord {
  head_ref: string;
  base_ref: string;
  /** The head commit when the PR was last seen with its branch (kept after the branch goes). */
  head_sha: string;
  merged: boolean;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Present when the issue is a pull request (GitHub numbers both in one sequence). */
  pull?: PullRecord;
}

export interface CommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export type EventKind = 'labeled' | 'unlabeled' | 'closed' | 'reopened' | 'merged' | 'renamed';

export interface EventRecord {
  id: number;
  issue_number: number;
  event: EventKind;
  actor: string;
  created_at: string;
  commit_id: string | null;
  label?: { name: string; color: string };
  rename?: { from: string; to: string };
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';

export interface ReviewRecord {
  id: number;
  pull_number: number;
  user: string;
  body: string;
  state: ReviewState;
  commit_id: string;
  submitted_at: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  private: boolean;
  default_branch: string;
  created_at: string;
  updated_at: string;
  next_number: number;
  labels: LabelRecord[];
  issues: IssueRecord[];
  comments: CommentRecord[];
  events: EventRecord[];
  reviews: ReviewRecord[];
}

export interface ForgeState {
  schema_version: 1;
  next_id: number;
  repos: Record<string, RepoRecord>;
}

const STATE_FILE = 'forge.json';

export class ForgeStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly state: ForgeState,
    private readonly clock: () => Date,
  ) {}

  static async open(dir: string, clock: () => Date): Promise<ForgeStore> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, STATE_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return new ForgeStore(dir, { schema_version: 1, next_id: 1, repos: {} }, clock);
    }
    return new ForgeStore(dir, parseState(text, file), clock);
  }

  /** GitHub's timestamps: UTC, whole seconds, `Z`. */
  now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  nextId(): number {
    return this.state.next_id++;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.state.repos[repoKey(owner, name)];
  }

  /** Runs one mutation after every earlier one, then persists the state. */
  change<T>(mutation: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(async () => {
      const result = await mutation();
      await writeFileAtomic(join(this.dir, STATE_FILE), JSON.stringify(this.state));
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function parseState(text: string, file: string): ForgeState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NoetherError('NOE_STATE_INVALID', `the forge state is not JSON (${String(error)})`, {
      place: { file },
    });
  }
  const state = value as Partial<ForgeState> | null;
  if (state?.schema_version !== 1 || typeof state.next_id !== 'number' || typeof state.repos !== 'object') {
    throw new NoetherError(
      'NOE_STATE_INVALID',
      'the forge state is not a version 1 forge state ({schema_version: 1, next_id, repos}): restore it or start the forge on a fresh --dir',
      { place: { file } },
    );
  }
  return state as ForgeState;
}

/** GitHub compares owner and repository names case-insensitively. */
export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
