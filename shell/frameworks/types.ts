// What the harness hands a framework and what it gets back (CALORON §6). A framework edits
// the worktree (developer) or judges it (reviewer); committing, pushing and talking to the
// forge stay in the harness, so every framework is held to the same contract.
import type { HarnessConfig } from '../../schemas/generated/types.js';

export type FrameworkName = NonNullable<HarnessConfig['framework']>;
export type Role = HarnessConfig['role'];
export type Verdict = 'APPROVE' | 'REQUEST_CHANGES';

export interface FrameworkRun {
  role: Role;
  /** The whole prompt: issue, task instructions, review feedback. */
  prompt: string;
  /** Absolute path of the git worktree the framework works in. */
  worktree: string;
  task: { sprint_id: string; task_id: string; title: string };
  /** The environment the framework process gets: no forge or shell token in it. */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  timeoutMs: number;
  /** The stub's knobs (harness.json `stub`) and what it needs to know of the PR's reviews. */
  stub: { request_changes_once: boolean; changes_requested_before: boolean };
}

export interface FrameworkResult {
  /** What the framework said (its stdout); the reviewer's review body is made from it. */
  output: string;
  /** The reviewer's decision; absent for a developer run. */
  verdict?: Verdict;
}

export interface Framework {
  readonly name: FrameworkName;
  run(run: FrameworkRun): Promise<FrameworkResult>;
}
