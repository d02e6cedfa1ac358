// unblocked_tasks: the Ready tasks, in task order, with what an agent needs to start.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { unblockedTasks } from '../../../stages/dag/index.js';
import { callStage } from '../call-stage.js';
import { state, task } from './fixtures.js';

describe('unblocked_tasks', () => {
  it('lists the Ready tasks in task order and nothing else', async () => {
    const out = await callStage(unblockedTasks, {
      state: state([
        task('b', { status: 'Ready', issue_number: 4 }),
        task('a', { status: 'Pending' }),
        task('c', { status: 'InProgress', issue_number: 5 }),
        task('d', { status: 'Ready' }),
      ]),
    });
    expect(out).toEqual({
      ready_tasks: [
        { task_id: 'b', title: 'Task b', agent_id: 'dev-b', issue_number: 4 },
        { task_id: 'd', title: 'Task d', agent_id: 'dev-d', issue_number: null },
      ],
    });
  });

  it('lists nothing when no task is Ready', async () => {
    expect(await callStage(unblockedTasks, { state: state([task('a', { status: 'Done' })]) })).toEqual({
      ready_tasks: [],
    });
  });

  it.each(unblockedTasks.examples.map((example, index) => ({ index, ...example })))(
    'example $index gives its stated output',
    async ({ input, output }) => {
      expect(isDeepStrictEqual(await callStage(unblockedTasks, input), output)).toBe(true);
    },
  );
});
