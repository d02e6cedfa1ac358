// dag_validate's agent_overlap: an agent named (as developer or reviewer) by two tasks that
// can be active at the same time is refused, once per agent, with the pair and the roles;
// tasks an agent works one after the other along dependencies are accepted.
import { describe, expect, it } from 'vitest';
import { dagValidate } from '../../../stages/dag/index.js';
import type { DagValidateOutput } from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';

const validate = async (tasks: Record<string, unknown>[]) =>
  (await callStage(dagValidate, { dag: { tasks } })) as DagValidateOutput;
/** A task with its own developer and reviewer unless told otherwise. */
const draft = (id: string, depends_on: string[] = [], agents: Record<string, unknown> = {}) => ({
  id,
  title: id.toUpperCase(),
  agent_id: `dev-${id}`,
  reviewer_id: `rev-${id}`,
  depends_on,
  ...agents,
});
const overlaps = (out: DagValidateOutput) =>
  out.errors.map((e) => [e.code, e.agent_id, e.task_ids, e.task_id, e.path]);

describe('dag_validate: agents of tasks that can be active at the same time', () => {
  it('refuses a diamond whose two middle tasks share a developer', async () => {
    const out = await validate([
      draft('a'),
      draft('b', ['a'], { agent_id: 'dev-x' }),
      draft('c', ['a'], { agent_id: 'dev-x' }),
      draft('d', ['b', 'c']),
    ]);
    expect(overlaps(out)).toEqual([['agent_overlap', 'dev-x', ['b', 'c'], 'c', '/tasks/2/agent_id']]);
    expect(out.errors[0]?.message).toBe(
      'agent "dev-x" is the developer of "b" and the developer of "c", which can be active at the same time (neither depends on the other); the shell runs one harness per agent, so starting one would stop the other: give one of them another agent, or make one depend on the other',
    );
    expect(out.valid).toBe(false);
  });

  it("refuses B's developer as the reviewer of a concurrent C, naming both roles", async () => {
    const out = await validate([draft('a'), draft('b', ['a']), draft('c', ['a'], { reviewer_id: 'dev-b' })]);
    expect(overlaps(out)).toEqual([['agent_overlap', 'dev-b', ['b', 'c'], 'c', '/tasks/2/reviewer_id']]);
    expect(out.errors[0]?.message).toContain('is the developer of "b" and the reviewer of "c"');
  });

  it('refuses two roots sharing a reviewer, whatever order the draft lists them in', async () => {
    const out = await validate([draft('z', ['y']), draft('y'), draft('x', [], { reviewer_id: 'rev-y' })]);
    // By depth first (y and x are roots, z is not), then draft order.
    expect(overlaps(out)).toEqual([['agent_overlap', 'rev-y', ['y', 'x'], 'x', '/tasks/2/reviewer_id']]);
  });

  it('names both roles when the agent develops and reviews the same task', async () => {
    const out = await validate([
      draft('a', [], { agent_id: 'solo', reviewer_id: 'solo' }),
      draft('b', [], { agent_id: 'solo' }),
    ]);
    expect(out.errors[0]?.message).toContain('is the developer and reviewer of "a" and the developer of "b"');
  });

  it('accepts a chain whose tasks share every agent', async () => {
    const shared = { agent_id: 'dev-1', reviewer_id: 'rev-1' };
    const out = await validate([
      draft('a', [], shared),
      draft('b', ['a'], shared),
      draft('c', ['b'], shared),
    ]);
    expect(out).toEqual({ valid: true, errors: [] });
  });

  it("accepts one agent as a task's reviewer and then a later task's developer", async () => {
    const out = await validate([draft('a'), draft('b', ['a'], { agent_id: 'rev-a' })]);
    expect(out).toEqual({ valid: true, errors: [] });
  });

  it('accepts an agent shared by tasks ordered only through others (a transitive dependency)', async () => {
    const out = await validate([
      draft('a', [], { agent_id: 'dev-x' }),
      draft('b', ['a']),
      draft('side'),
      draft('c', ['b', 'side']),
      draft('d', ['c', 'side'], { reviewer_id: 'dev-x' }),
    ]);
    expect(out).toEqual({ valid: true, errors: [] });
  });

  it('reports each agent once, at its first concurrent pair, agents in the order tasks name them', async () => {
    const out = await validate([
      draft('a', [], { reviewer_id: 'lead' }),
      draft('b', [], { agent_id: 'dev-x', reviewer_id: 'lead' }),
      draft('c', [], { agent_id: 'dev-x', reviewer_id: 'lead' }),
    ]);
    expect(overlaps(out)).toEqual([
      ['agent_overlap', 'lead', ['a', 'b'], 'b', '/tasks/1/reviewer_id'],
      ['agent_overlap', 'dev-x', ['b', 'c'], 'c', '/tasks/2/agent_id'],
    ]);
  });

  it('does not look for overlaps in a DAG with a cycle, so shared agents are not reported twice', async () => {
    const shared = { agent_id: 'dev-1' };
    const out = await validate([
      draft('a', ['b'], shared),
      draft('b', ['a'], shared),
      draft('c', [], shared),
    ]);
    expect(out.errors.map((e) => e.code)).toEqual(['cycle']);
  });

  it('does not look for overlaps when a dependency is unknown', async () => {
    const out = await validate([draft('a', ['ghost'], { agent_id: 'x' }), draft('b', [], { agent_id: 'x' })]);
    expect(out.errors.map((e) => e.code)).toEqual(['unknown_dependency']);
  });

  it('still looks for overlaps beside agent errors and repeated dependencies, which leave the graph sound', async () => {
    const out = await validate([
      draft('a', [], { agent_id: null }),
      draft('b', ['a', 'a'], { reviewer_id: 'lead' }),
      draft('c', ['a'], { reviewer_id: 'lead' }),
    ]);
    expect(out.errors.map((e) => e.code)).toEqual(['missing_agent', 'duplicate_dependency', 'agent_overlap']);
  });

  it('checks 10,000 tasks in ten layers and finds the one overlap among them', async () => {
    // Column agents work layer after layer (valid); the last layer's reviewer is shared by
    // two tasks of that layer (one overlap).
    const width = 1_000;
    const tasks = Array.from({ length: 10 * width }, (_, i) => {
      const column = i % width;
      const above = i - width;
      const deps = above < 0 ? [] : column === 0 ? [`t${above}`] : [`t${above}`, `t${above - 1}`];
      return draft(`t${i}`, deps, {
        agent_id: `dev-${column}`,
        reviewer_id: i >= 9 * width && column < 2 ? 'lead' : `rev-${column}`,
      });
    });
    const out = await validate(tasks);
    expect(overlaps(out)).toEqual([
      ['agent_overlap', 'lead', ['t9000', 't9001'], 't9001', '/tasks/9001/reviewer_id'],
    ]);
  });
});
