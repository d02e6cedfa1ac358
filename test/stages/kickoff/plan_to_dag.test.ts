// plan_to_dag (CALORON §1): a plan becomes the initial DagState, every field initialised,
// agents derived where the plan names none, in plan order.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { validateValue } from '../../../engine/schema/index.js';
import type {
  DagValidateOutput,
  PlanTask,
  PlanToDagInput,
  PlanToDagOutput,
} from '../../../schemas/generated/types.js';
import { domainSchema } from '../../../schemas/index.js';
import { dagValidate } from '../../../stages/dag/index.js';
import { planToDag } from '../../../stages/kickoff/index.js';
import { callStage } from '../call-stage.js';

const ID_RULE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

async function dagOf(input: PlanToDagInput): Promise<PlanToDagOutput['dag']> {
  return ((await callStage(planToDag, input)) as PlanToDagOutput).dag;
}

function task(id: string, extra: Partial<PlanTask> = {}): PlanTask {
  return { id, title: `Task ${id}`, depends_on: [], ...extra };
}

async function refusal(input: PlanToDagInput): Promise<NoetherError> {
  const error: unknown = await callStage(planToDag, input).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof NoetherError)) throw new Error(`expected a NoetherError, got ${String(error)}`);
  return error;
}

describe('plan_to_dag', () => {
  it.each(planToDag.examples.map((example, index) => [index, example]))(
    'holds example %i',
    async (_index, example) => {
      expect(await callStage(planToDag, example.input)).toEqual(example.output);
    },
  );

  it('initialises every field of the task schema, with status Pending, nulls and zero counters', async () => {
    const dag = await dagOf({ sprint_id: 's', tasks: [task('a', { framework: 'stub', agent_prompt: 'p' })] });
    const taskSchema = domainSchema('task');
    expect(Object.keys(dag.tasks.a ?? {}).sort()).toEqual(Object.keys(taskSchema.properties ?? {}).sort());
    expect(dag.tasks.a).toMatchObject({
      status: 'Pending',
      issue_number: null,
      pr_number: null,
      escalation_issue_number: null,
      started_at: null,
      completed_at: null,
      status_changed_at: null,
      review_cycles: 0,
      intervention_count: 0,
      action_seq: 0,
    });
    expect(dag.processed_events).toEqual([]);
    expect(validateValue(domainSchema('dag-state'), dag)).toEqual([]);
  });

  it('keeps the plan order of the tasks', async () => {
    const dag = await dagOf({
      sprint_id: 's',
      tasks: [task('zeta'), task('alpha'), task('mid'), task('b2')],
    });
    expect(Object.keys(dag.tasks)).toEqual(['zeta', 'alpha', 'mid', 'b2']);
  });

  it('gives each task its own developer, dev-<task_id>, and its own reviewer, reviewer-<task_id>', async () => {
    const dag = await dagOf({ sprint_id: 's', tasks: [task('a'), task('b')] });
    expect([dag.tasks.a?.agent_id, dag.tasks.b?.agent_id]).toEqual(['dev-a', 'dev-b']);
    expect([dag.tasks.a?.reviewer_id, dag.tasks.b?.reviewer_id]).toEqual(['reviewer-a', 'reviewer-b']);
  });

  it('derives developers from defaults.agent_prefix and reviewers from defaults.reviewer_id', async () => {
    const dag = await dagOf({
      sprint_id: 's',
      tasks: [task('a')],
      defaults: { agent_prefix: 'coder', reviewer_id: 'lead' },
    });
    expect(dag.tasks.a).toMatchObject({ agent_id: 'coder-a', reviewer_id: 'lead' });
  });

  it('leaves a shared defaults.reviewer_id to dag_validate: fine along a chain, refused on tasks that can run together', async () => {
    const validation = async (tasks: PlanTask[]) =>
      (await callStage(dagValidate, {
        dag: await dagOf({ sprint_id: 's', tasks, defaults: { reviewer_id: 'lead' } }),
      })) as DagValidateOutput;
    const chain = await validation([
      task('a'),
      task('b', { depends_on: ['a'] }),
      task('c', { depends_on: ['b'] }),
    ]);
    expect(chain).toEqual({ valid: true, errors: [] });
    const diamond = await validation([
      task('a'),
      task('b', { depends_on: ['a'] }),
      task('c', { depends_on: ['a'] }),
      task('d', { depends_on: ['b', 'c'] }),
    ]);
    expect(diamond.errors.map((e) => [e.code, e.agent_id, e.task_ids])).toEqual([
      ['agent_overlap', 'lead', ['b', 'c']],
    ]);
  });

  it('keeps the agents a plan names', async () => {
    const dag = await dagOf({
      sprint_id: 's',
      tasks: [task('a', { agent_id: 'alice', reviewer_id: 'bob' })],
    });
    expect(dag.tasks.a).toMatchObject({ agent_id: 'alice', reviewer_id: 'bob' });
  });

  it('shortens a derived developer id that would break the id rule with a hash, distinct per task', async () => {
    const long1 = `${'x'.repeat(62)}-1`;
    const long2 = `${'x'.repeat(62)}-2`;
    const dag = await dagOf({ sprint_id: 's', tasks: [task(long1), task(long2)] });
    const developers = [dag.tasks[long1]?.agent_id, dag.tasks[long2]?.agent_id];
    for (const developer of developers) {
      expect(developer).toMatch(ID_RULE);
      expect(developer).toMatch(/^dev-x+-[0-9a-f]{8}$/);
    }
    expect(developers[0]).not.toEqual(developers[1]);
  });

  it('picks another reviewer when the derived reviewer is the task’s developer', async () => {
    const dag = await dagOf({ sprint_id: 's', tasks: [task('a', { agent_id: 'reviewer-a' })] });
    expect(dag.tasks.a).toMatchObject({ agent_id: 'reviewer-a', reviewer_id: 'rev-a' });
  });

  it('picks a third reviewer when the developer is also the first derived one', async () => {
    const dag = await dagOf({
      sprint_id: 's',
      tasks: [task('a')],
      defaults: { agent_prefix: 'reviewer', reviewer_id: 'reviewer-a' },
    });
    expect(dag.tasks.a).toMatchObject({ agent_id: 'reviewer-a', reviewer_id: 'rev-a' });
  });

  it('applies defaults.framework to tasks that name none, and sets no framework without one', async () => {
    const withDefault = await dagOf({
      sprint_id: 's',
      tasks: [task('a'), task('b', { framework: 'aider' })],
      defaults: { framework: 'stub' },
    });
    expect([withDefault.tasks.a?.framework, withDefault.tasks.b?.framework]).toEqual(['stub', 'aider']);
    const without = await dagOf({ sprint_id: 's', tasks: [task('a')] });
    expect(without.tasks.a).not.toHaveProperty('framework');
    expect(without.tasks.a).not.toHaveProperty('agent_prompt');
  });

  it('drops repeated entries of a depends_on list, keeping their order', async () => {
    const dag = await dagOf({
      sprint_id: 's',
      tasks: [task('a'), task('b'), task('c', { depends_on: ['b', 'a', 'b', 'a'] })],
    });
    expect(dag.tasks.c?.depends_on).toEqual(['b', 'a']);
  });

  it('accepts what dag_validate reports: unknown deps, self-dependencies, an empty plan', async () => {
    const dag = await dagOf({ sprint_id: 's', tasks: [task('a', { depends_on: ['ghost', 'a'] })] });
    expect(dag.tasks.a?.depends_on).toEqual(['ghost', 'a']);
    expect(await dagOf({ sprint_id: 's', tasks: [] })).toEqual({
      sprint_id: 's',
      tasks: {},
      processed_events: [],
    });
  });

  it('refuses two tasks with the same id, naming both places', async () => {
    const error = await refusal({ sprint_id: 's', tasks: [task('a'), task('b'), task('a')] });
    expect(error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(error.place.pointer).toBe('/tasks/2/id');
    expect(error.message).toContain('tasks/0');
  });

  it('refuses a task whose named reviewer is its developer', async () => {
    const named = await refusal({ sprint_id: 's', tasks: [task('a', { agent_id: 'x', reviewer_id: 'x' })] });
    expect(named.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(named.place.pointer).toBe('/tasks/0/reviewer_id');
    const derived = await refusal({ sprint_id: 's', tasks: [task('b', { reviewer_id: 'dev-b' })] });
    expect(derived.place.pointer).toBe('/tasks/0/reviewer_id');
  });

  it('refuses a plan whose all-digit ids a JSON object would reorder', async () => {
    const error = await refusal({ sprint_id: 's', tasks: [task('b'), task('1')] });
    expect(error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(error.place.pointer).toBe('/tasks/0/id');
    expect(error.message).toContain('digits');
  });

  it('accepts all-digit ids listed first in ascending order, where the map keeps them', async () => {
    const dag = await dagOf({ sprint_id: 's', tasks: [task('1'), task('2'), task('10'), task('a')] });
    expect(Object.keys(dag.tasks)).toEqual(['1', '2', '10', 'a']);
  });

  it('rejects ids that break the id rule at its input schema', () => {
    const violations = validateValue(planToDag.input, { sprint_id: 's', tasks: [task('Bad Id')] });
    expect(violations.length).toBeGreaterThan(0);
  });
});
