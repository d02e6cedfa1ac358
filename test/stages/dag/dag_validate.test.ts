// dag_validate: each kind of error, with its code, task, pointer and (for cycles) path; the
// order errors come in; and the stage's examples.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dagValidate } from '../../../stages/dag/index.js';
import type { DagValidateOutput } from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';

const validate = async (dag: Record<string, unknown>) =>
  (await callStage(dagValidate, { dag })) as DagValidateOutput;
const codes = (out: DagValidateOutput) => out.errors.map((e) => [e.code, e.task_id, e.path]);
const draft = (id: string, depends_on: unknown = [], extra: Record<string, unknown> = {}) => ({
  id,
  title: id.toUpperCase(),
  agent_id: `dev-${id}`,
  depends_on,
  ...extra,
});

describe('dag_validate', () => {
  it('accepts a diamond given as a map', async () => {
    const out = await validate({
      tasks: { a: draft('a'), b: draft('b', ['a']), c: draft('c', ['a']), d: draft('d', ['b', 'c']) },
    });
    expect(out).toEqual({ valid: true, errors: [] });
  });

  it('accepts the same diamond given as an array', async () => {
    const out = await validate({
      tasks: [draft('a'), draft('b', ['a']), draft('c', ['a']), draft('d', ['b', 'c'])],
    });
    expect(out.valid).toBe(true);
  });

  it.each([
    ['no tasks key', {}],
    ['an empty map', { tasks: {} }],
    ['an empty array', { tasks: [] }],
  ])('reports an empty DAG (%s)', async (_name, dag) => {
    expect(codes(await validate(dag))).toEqual([['empty_dag', undefined, '/tasks']]);
  });

  it('reports tasks that are neither a map nor an array', async () => {
    expect(codes(await validate({ tasks: 'a,b' }))).toEqual([['invalid_tasks', undefined, '/tasks']]);
  });

  it('reports a task that is not an object', async () => {
    expect(codes(await validate({ tasks: [draft('a'), 'b'] }))).toEqual([
      ['invalid_task', undefined, '/tasks/1'],
    ]);
  });

  it('reports a bad or missing id, in either form', async () => {
    const out = await validate({ tasks: [draft('Bad Id'), { agent_id: 'dev-1' }] });
    expect(codes(out)).toEqual([
      ['bad_id', 'Bad Id', '/tasks/0/id'],
      ['bad_id', undefined, '/tasks/1/id'],
    ]);
    expect(codes(await validate({ tasks: { 'x/y': draft('a') } }))).toEqual([
      ['bad_id', 'x/y', '/tasks/x~1y'],
    ]);
  });

  it('reports a map entry whose id differs from its key', async () => {
    expect(codes(await validate({ tasks: { a: draft('b') } }))).toEqual([
      ['id_mismatch', 'a', '/tasks/a/id'],
    ]);
  });

  it('reports a duplicate id on its second use', async () => {
    const out = await validate({ tasks: [draft('a'), draft('b'), draft('a', ['b'])] });
    expect(codes(out)).toEqual([['duplicate_id', 'a', '/tasks/2/id']]);
    expect(out.errors[0]?.message).toContain('"a"');
  });

  it('reports a missing agent and a malformed agent or reviewer id', async () => {
    const out = await validate({
      tasks: [
        { id: 'a', depends_on: [] },
        draft('b', [], { agent_id: '' }),
        draft('c', [], { agent_id: 'Dev One' }),
        draft('d', [], { reviewer_id: 7 }),
      ],
    });
    expect(codes(out)).toEqual([
      ['missing_agent', 'a', '/tasks/0/agent_id'],
      ['missing_agent', 'b', '/tasks/1/agent_id'],
      ['bad_agent_id', 'c', '/tasks/2/agent_id'],
      ['bad_agent_id', 'd', '/tasks/3/reviewer_id'],
    ]);
  });

  it('reports depends_on that is not a list of ids', async () => {
    expect(codes(await validate({ tasks: [draft('a', 'b'), draft('b', [1])] }))).toEqual([
      ['invalid_depends_on', 'a', '/tasks/0/depends_on'],
      ['invalid_depends_on', 'b', '/tasks/1/depends_on'],
    ]);
  });

  it('reports unknown, duplicated and self dependencies at their place in depends_on', async () => {
    const out = await validate({ tasks: [draft('a'), draft('b', ['a', 'ghost', 'a', 'b'])] });
    expect(codes(out)).toEqual([
      ['unknown_dependency', 'b', '/tasks/1/depends_on/1'],
      ['duplicate_dependency', 'b', '/tasks/1/depends_on/2'],
      ['self_dependency', 'b', '/tasks/1/depends_on/3'],
    ]);
    expect(out.errors[0]?.message).toBe(
      'task "b" depends on "ghost", which is not a task of this DAG: fix the id or add the task',
    );
  });

  it('reports a cycle with its path, not the tasks downstream of it', async () => {
    const out = await validate({
      tasks: { a: draft('a', ['c']), b: draft('b', ['a']), c: draft('c', ['b']), d: draft('d', ['a']) },
    });
    expect(out.errors).toEqual([
      {
        code: 'cycle',
        task_id: 'a',
        message:
          'tasks a, c, b depend on each other in a cycle: a → c → b → a (each depends on the next); remove one of these dependencies',
        path: '/tasks/a/depends_on',
        cycle: ['a', 'c', 'b', 'a'],
      },
    ]);
  });

  it('reports each separate cycle once, in task order', async () => {
    const out = await validate({
      tasks: [
        draft('x', ['y']),
        draft('y', ['x']),
        draft('p', ['q']),
        draft('q', ['r']),
        draft('r', ['p', 'q']),
      ],
    });
    expect(out.errors.map((e) => e.cycle)).toEqual([
      ['x', 'y', 'x'],
      ['p', 'q', 'r', 'p'],
    ]);
  });

  it('finds a cycle at the end of a chain of 10,000 tasks without overflowing the stack', async () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) =>
      draft(`t${i}`, i === 0 ? ['t9999'] : [`t${i - 1}`]),
    );
    const out = await validate({ tasks });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]?.cycle).toHaveLength(10_001);
  });

  it('lists errors per task in draft order, then cycles', async () => {
    const out = await validate({
      tasks: [draft('a', ['b']), draft('b', ['a', 'ghost'], { agent_id: null })],
    });
    expect(out.errors.map((e) => e.code)).toEqual(['missing_agent', 'unknown_dependency', 'cycle']);
  });

  it.each(dagValidate.examples.map((example, index) => ({ index, ...example })))(
    'example $index gives its stated output',
    async ({ input, output }) => {
      expect(isDeepStrictEqual(await callStage(dagValidate, input), output)).toBe(true);
    },
  );
});
