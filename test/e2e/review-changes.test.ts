// Variant (c) of the whole loop: a reviewer that requests changes once (the stub told so
// by the shell). The task goes back to its developer (InReview → InProgress, review_cycles
// 1), the developer is spawned again with the review, updates the same pull request, the
// reviewer approves it the second time, and the sprint completes.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanTask } from '../../schemas/generated/types.js';
import { type ForgeRecord, forgeRecord } from './forge-record.js';
import { type SprintRun, startSprintRun } from './sprint-run.js';

const SPRINT = 'review';
const plan: PlanTask[] = [
  { id: 'parser', title: 'Write the parser', depends_on: [], agent_prompt: 'Write parser.md.' },
];

let run: SprintRun;
let forge: ForgeRecord;

beforeAll(async () => {
  run = await startSprintRun({
    sprintId: SPRINT,
    plan,
    environment: { stub: { request_changes_once: true } },
  });
  const last = await run.runToEnd();
  expect(last).toMatchObject({ complete: true, stuck: false, errors: [] });
  forge = await forgeRecord(run.environment);
}, 120_000);

afterAll(() => run?.close());

describe('a reviewer that requests changes once', () => {
  it('sends the task back to the developer once, then through review to Done', () => {
    const history = run.statusHistory().parser?.filter((status) => status !== 'Ready');
    expect(history).toEqual(['Pending', 'InProgress', 'InReview', 'InProgress', 'InReview', 'Done']);
  });

  it('counts one review cycle from the moment the task goes back', () => {
    const seen = run.snapshots.map((snapshot) => {
      const task = snapshot.state.state.tasks.parser;
      return `${task?.status}:${task?.review_cycles}`;
    });
    const back = seen.indexOf('InProgress:1');
    expect(back, seen.join(' ')).toBeGreaterThan(0);
    expect(seen[back - 1]).toBe('InReview:0');
    expect(
      seen.slice(back).every((entry) => entry.endsWith(':1')),
      seen.join(' '),
    ).toBe(true);
    expect(run.state().state.tasks.parser).toMatchObject({ status: 'Done', review_cycles: 1 });
  });

  it('notifies the developer on its issue with the review, once', () => {
    const notified = run.journal().filter((key) => key.startsWith(`${SPRINT}:parser:notify_agent:`));
    expect(notified.filter((key) => key.endsWith('#spawn'))).toHaveLength(1);
    const issue = forge.issues.find(
      (candidate) => candidate.number === run.state().state.tasks.parser?.issue_number,
    );
    const notes = issue?.comments.filter((body) =>
      body.includes('caloron:action key=review:parser:notify_agent:'),
    );
    expect(notes).toHaveLength(1);
    expect(notes?.[0]).toContain(`Changes were requested on pull request #${forge.pulls[0]?.number}`);
    expect(notes?.[0]).toContain('please add a revision');
  });

  it("merges the developer's second run, which was given the review as its prompt", async () => {
    const merged = await execa('git', ['show', 'main:caloron/parser.md'], { cwd: run.environment.repoPath });
    expect(merged.stdout).toContain('please add a revision');
  });

  it('keeps one pull request, reviewed CHANGES_REQUESTED then APPROVED, and merged', () => {
    expect(forge.pulls).toHaveLength(1);
    expect(forge.pulls[0]).toMatchObject({
      head: `caloron/${SPRINT}/parser`,
      merged: true,
      reviews: ['CHANGES_REQUESTED', 'APPROVED'],
    });
  });

  it("ends with the task's issue done and its file on the default branch", async () => {
    const tasks = forge.issues.filter((issue) => issue.labels.includes('caloron:task'));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.labels).toContain('caloron:done');
    expect(forge.files).toContain('caloron/parser.md');
    expect(await run.completion()).toMatchObject({ complete: true, done: 1 });
  });
});
