// dag_is_complete and sprintCompletion (shared with build_tick_output): complete, stuck and
// the counts, for each way a sprint can end or stall.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dagIsComplete, sprintCompletion } from '../../../stages/dag/index.js';
import type { DagIsCompleteOutput, Task, TaskStatus } from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';
import { state, task } from './fixtures.js';

const complete = async (tasks: Task[]) =>
  (await callStage(dagIsComplete, { state: state(tasks) })) as DagIsCompleteOutput;
const of = (...statuses: TaskStatus[]) => statuses.map((status, i) => task(`t${i}`, { status }));

describe('dag_is_complete', () => {
  it('is complete when every task is Done or Cancelled', async () => {
    expect(await complete(of('Done', 'Cancelled', 'Done'))).toEqual({
      complete: true,
      stuck: false,
      total: 3,
      done: 2,
      cancelled: 1,
      escalated: 0,
      blocked: 0,
      active: 0,
      pending: 0,
    });
  });

  it('is neither complete nor stuck while a task is active', async () => {
    for (const status of ['Ready', 'InProgress', 'InReview'] as const)
      expect(await complete(of('Done', status, 'Escalated'))).toMatchObject({
        complete: false,
        stuck: false,
        active: 1,
      });
  });

  it('is stuck when only Escalated and Blocked tasks are left unfinished', async () => {
    expect(await complete(of('Done', 'Escalated', 'Blocked'))).toMatchObject({
      complete: false,
      stuck: true,
      escalated: 1,
      blocked: 1,
    });
  });

  it('is not stuck while a Pending task can still become Ready, however far down the chain', async () => {
    const tasks = [
      task('a', { status: 'InProgress', issue_number: 1 }),
      task('b', { depends_on: ['a'] }),
      task('c', { depends_on: ['b'] }),
    ];
    expect(await complete(tasks)).toMatchObject({ stuck: false, pending: 2 });
  });

  it.each([
    ['an Escalated task', 'Escalated'],
    ['a Blocked task', 'Blocked'],
    ['a Cancelled task', 'Cancelled'],
  ] as const)('is stuck when every Pending task waits on %s', async (_name, status) => {
    const tasks = [task('x', { status }), task('y', { depends_on: ['x'] }), task('z', { depends_on: ['y'] })];
    expect(await complete(tasks)).toMatchObject({ complete: false, stuck: true });
  });

  it('is stuck when the Pending tasks wait on an unknown task or on each other', async () => {
    expect(await complete([task('a', { depends_on: ['ghost'] })])).toMatchObject({ stuck: true });
    expect(
      await complete([task('a', { depends_on: ['b'] }), task('b', { depends_on: ['a'] })]),
    ).toMatchObject({
      stuck: true,
    });
  });

  it('is neither complete nor able to move when empty (stuck)', async () => {
    expect(await complete([])).toMatchObject({ complete: false, stuck: true, total: 0 });
  });

  it('does not mistake a task named like an Object method for a known task', async () => {
    expect(await complete([task('a', { depends_on: ['constructor'] })])).toMatchObject({ stuck: true });
  });

  it('decides a chain of 10,000 Pending tasks without overflowing the stack', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) =>
      task(`t${i}`, { depends_on: i === 0 ? [] : [`t${i - 1}`] }),
    );
    tasks[0] = task('t0', { status: 'Escalated' });
    expect(sprintCompletion(state(tasks.reverse()))).toMatchObject({ stuck: true, pending: 9_999 });
  });

  it.each(dagIsComplete.examples.map((example, index) => ({ index, ...example })))(
    'example $index gives its stated output',
    async ({ input, output }) => {
      expect(isDeepStrictEqual(await callStage(dagIsComplete, input), output)).toBe(true);
    },
  );
});
