// The built-in deterministic agent (CALORON §6) the tests and the demo use: no model, no
// network. The developer writes `caloron/<task_id>.md` with the task's title and prompt, and
// on every later run (a review asked for changes) appends a numbered revision, so each run
// changes the branch. The reviewer approves, or — when harness.json sets
// stub.request_changes_once — requests changes the first time it sees the PR.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Framework, FrameworkResult, FrameworkRun } from './types.js';

/** The file the stub developer writes, relative to the worktree. */
export function stubFile(taskId: string): string {
  return `caloron/${taskId}.md`;
}

/** Marks the stub reviewer's review bodies, so it knows its own earlier verdicts on a PR. */
export const STUB_REVIEW_MARK = '<!-- caloron:stub-review -->';

function develop(run: FrameworkRun): FrameworkResult {
  const path = join(run.worktree, stubFile(run.task.task_id));
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const revision = (text.match(/^## Revision \d+$/gm)?.length ?? 0) + 1;
    writeFileSync(path, `${text}\n## Revision ${revision}\n\n${run.prompt}\n`);
    return { output: `stub: revised ${stubFile(run.task.task_id)} (revision ${revision})` };
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `# ${run.task.title}\n\nTask ${run.task.sprint_id}/${run.task.task_id}.\n\n${run.prompt}\n`,
  );
  return { output: `stub: wrote ${stubFile(run.task.task_id)}` };
}

function review(run: FrameworkRun): FrameworkResult {
  if (run.stub.request_changes_once && !run.stub.changes_requested_before)
    return {
      verdict: 'REQUEST_CHANGES',
      output: `${STUB_REVIEW_MARK}\nstub review: please add a revision to ${stubFile(run.task.task_id)}.`,
    };
  return { verdict: 'APPROVE', output: `${STUB_REVIEW_MARK}\nstub review: looks good.` };
}

export const stubFramework: Framework = {
  name: 'stub',
  run: (run) => Promise.resolve(run.role === 'developer' ? develop(run) : review(run)),
};
