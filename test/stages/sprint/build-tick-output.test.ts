// build_tick_output (CALORON §5): the tick's result for save_tick_state, with the sprint's
// completion by the rule of CALORON §2.
import { describe, expect, it } from 'vitest';
import type { BuildTickOutputInput, BuildTickOutputOutput, Task } from '../../../schemas/generated/types.js';
import { domainSchema } from '../../../schemas/index.js';
import { isSubschema } from '../../../engine/schema/index.js';
import { buildTickOutput } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { at, dag, task } from '../supervisor/fixtures.js';

function input(tasks: Task[]): BuildTickOutputInput {
  return {
    execute_result: {
      actions_taken: ['s1:a:merge_pr:2', 's1:a:probe:0'],
      errors: [{ key: 's1:b:spawn_agent:1', message: 'shell /spawn: connection refused' }],
    },
    eval: { state: dag(...tasks) },
    poll: { events: [], polled_at: at(3), since: at(2.5), seen: ['e9'] },
    supervisor: { interventions: { a: { agent_id: 'dev-a', step: 1, total: 1, last_at: at(3) } } },
  };
}

async function build(tasks: Task[]): Promise<BuildTickOutputOutput> {
  return (await callStage(buildTickOutput, input(tasks))) as BuildTickOutputOutput;
}

describe('build_tick_output', () => {
  it('holds its examples', async () => {
    for (const example of buildTickOutput.examples)
      expect(await callStage(buildTickOutput, example.input)).toEqual(example.output);
  });

  it('is a TickResult, what save_tick_state persists', () => {
    expect(isSubschema(buildTickOutput.output, domainSchema('tick-result')).verdict).toBe('yes');
  });

  it("carries what was done and failed, the evaluated state, the ladders and the poll's next cursor", async () => {
    const tasks = [task('a')];
    const given = input(tasks);
    const scope = {
      ...given,
      state: dag(task('a', { status: 'Ready' })),
      since: at(0),
      seen: ['old'],
      sprint_id: 's1',
    };
    expect(await callStage(buildTickOutput, scope)).toEqual({
      actions_taken: given.execute_result.actions_taken,
      errors: given.execute_result.errors,
      state: given.eval.state,
      interventions: given.supervisor.interventions,
      since: at(2.5),
      seen: ['e9'],
      complete: false,
      stuck: false,
    });
  });

  describe('completion (CALORON §2)', () => {
    it.each([
      ['every task Done', [task('a', { status: 'Done' }), task('b', { status: 'Done' })], true, false],
      [
        'Done and Cancelled tasks only',
        [task('a', { status: 'Done' }), task('b', { status: 'Cancelled' })],
        true,
        false,
      ],
      ['no tasks at all (nothing will ever happen)', [], false, true],
      ['a task still in progress', [task('a', { status: 'Done' }), task('b')], false, false],
      ['a Ready task', [task('a', { status: 'Ready' })], false, false],
      ['a task in review', [task('a', { status: 'InReview', pr_number: 2 })], false, false],
      [
        'only an Escalated task left',
        [task('a', { status: 'Done' }), task('b', { status: 'Escalated' })],
        false,
        true,
      ],
      ['only a Blocked task left', [task('a', { status: 'Blocked' })], false, true],
      [
        'a Pending task whose dependency is Cancelled',
        [task('a', { status: 'Cancelled' }), task('b', { status: 'Pending', depends_on: ['a'] })],
        false,
        true,
      ],
      [
        'a Pending task behind an Escalated one',
        [task('a', { status: 'Escalated' }), task('b', { status: 'Pending', depends_on: ['a'] })],
        false,
        true,
      ],
      [
        'a Pending task behind one in progress',
        [task('a'), task('b', { status: 'Pending', depends_on: ['a'] })],
        false,
        false,
      ],
      [
        'a Pending task whose dependencies are all Done (dag_evaluate readies it next tick)',
        [task('a', { status: 'Done' }), task('b', { status: 'Pending', depends_on: ['a'] })],
        false,
        false,
      ],
      [
        'a chain of Pending tasks behind a Ready one',
        [
          task('a', { status: 'Ready' }),
          task('b', { status: 'Pending', depends_on: ['a'] }),
          task('c', { status: 'Pending', depends_on: ['b'] }),
        ],
        false,
        false,
      ],
      [
        'Pending tasks on a cycle',
        [
          task('a', { status: 'Pending', depends_on: ['b'] }),
          task('b', { status: 'Pending', depends_on: ['a'] }),
        ],
        false,
        true,
      ],
      [
        'a Pending task on an unknown dependency',
        [task('a', { status: 'Pending', depends_on: ['zz'] })],
        false,
        true,
      ],
    ] as const)('%s → complete %s, stuck %s', async (_name, tasks, complete, stuck) => {
      const out = await build([...tasks]);
      expect({ complete: out.complete, stuck: out.stuck }).toEqual({ complete, stuck });
    });

    it.each([
      ['Escalated', true],
      ['Ready', false],
    ] as const)(
      'follows a chain of 10,000 Pending tasks (head %s) without overflowing the stack',
      async (head, stuck) => {
        const chain = Array.from({ length: 10_000 }, (_, i) =>
          i === 0
            ? task('t0', { status: head })
            : task(`t${i}`, { status: 'Pending', depends_on: [`t${i - 1}`] }),
        );
        const out = await build(chain.reverse());
        expect(out.stuck).toBe(stuck);
      },
    );
  });
});
