// generate_sprint_dag (reference §3.20, defects fixed): a brief becomes a linear plan whose
// every id satisfies the id rule, whatever the brief holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSubschema, validateValue } from '../../../engine/schema/index.js';
import type {
  DagValidateOutput,
  GenerateSprintDagInput,
  GenerateSprintDagOutput,
  PlanToDagOutput,
} from '../../../schemas/generated/types.js';
import { domainSchema } from '../../../schemas/index.js';
import { dagValidate } from '../../../stages/dag/index.js';
import { generateSprintDag, planToDag } from '../../../stages/kickoff/index.js';
import { callStage } from '../call-stage.js';

const ID_RULE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

async function planOf(input: GenerateSprintDagInput): Promise<GenerateSprintDagOutput> {
  return (await callStage(generateSprintDag, input)) as GenerateSprintDagOutput;
}

async function sprintIdOf(brief: string): Promise<string> {
  return (await planOf({ brief })).sprint_id;
}

describe('generate_sprint_dag', () => {
  it.each(generateSprintDag.examples.map((example, index) => [index, example]))(
    'holds example %i',
    async (_index, example) => {
      expect(await callStage(generateSprintDag, example.input)).toEqual(example.output);
    },
  );

  it('makes one task per clause, chained linearly', async () => {
    const { tasks } = await planOf({ brief: 'Design the API. Build it; test it!\nShip it' });
    expect(tasks.map((task) => [task.id, task.title, task.depends_on])).toEqual([
      ['task-1', 'Design the API', []],
      ['task-2', 'Build it', ['task-1']],
      ['task-3', 'test it', ['task-2']],
      ['task-4', 'Ship it', ['task-3']],
    ]);
  });

  it('does not cut a clause at a dot or comma inside a word or number', async () => {
    const { tasks } = await planOf({ brief: 'Upgrade to v1.2 and keep /a,b routes. Done' });
    expect(tasks.map((task) => task.title)).toEqual(['Upgrade to v1.2 and keep /a,b routes', 'Done']);
  });

  it('makes the whole brief one task when it has no separator', async () => {
    const { tasks } = await planOf({ brief: '  add   a health endpoint  ' });
    expect(tasks.map((task) => task.title)).toEqual(['add a health endpoint']);
  });

  it('joins clauses beyond max_tasks into the last task rather than dropping them', async () => {
    const { tasks } = await planOf({ brief: 'a. b. c. d. e', max_tasks: 3 });
    expect(tasks.map((task) => task.title)).toEqual(['a', 'b', 'c; d; e']);
  });

  it('keeps at most 6 tasks by default', async () => {
    const { tasks } = await planOf({ brief: '1. 2. 3. 4. 5. 6. 7. 8' });
    expect(tasks).toHaveLength(6);
  });

  it('hands tasks to agent-1 … agent-<num_agents> in turn, reviewed by reviewer-1', async () => {
    const { tasks } = await planOf({ brief: 'a. b. c. d. e', num_agents: 3 });
    expect(tasks.map((task) => task.agent_id)).toEqual([
      'agent-1',
      'agent-2',
      'agent-3',
      'agent-1',
      'agent-2',
    ]);
    expect(new Set(tasks.map((task) => task.reviewer_id))).toEqual(new Set(['reviewer-1']));
  });

  it('names agents with integers when num_agents arrives as 2.0 in JSON (no agent-1.0)', async () => {
    const input = JSON.parse('{"brief": "a. b. c", "num_agents": 2.0}') as GenerateSprintDagInput;
    const { tasks } = await planOf(input);
    expect(tasks.map((task) => task.agent_id)).toEqual(['agent-1', 'agent-2', 'agent-1']);
  });

  it('rejects num_agents 0 or a fraction, and a blank brief, at its input schema', () => {
    for (const input of [
      { brief: 'a', num_agents: 0 },
      { brief: 'a', num_agents: 1.5 },
      { brief: 'a', max_tasks: 0 },
      { brief: '' },
      { brief: ' \n\t ' },
    ])
      expect(validateValue(generateSprintDag.input, input), JSON.stringify(input)).not.toEqual([]);
  });

  it('puts the clause and the whole brief in each task’s prompt', async () => {
    const { tasks } = await planOf({ brief: 'Build it. Test it.' });
    expect(tasks[1]?.agent_prompt).toBe(
      'Test it\n\nThis task is one step of a sprint whose brief is:\nBuild it. Test it.',
    );
  });

  it('caps a long title at 200 characters, without splitting a character', async () => {
    const { tasks } = await planOf({ brief: '😀'.repeat(300) });
    const title = tasks[0]?.title ?? '';
    expect(Array.from(title)).toHaveLength(200);
    expect(title.endsWith('😀…')).toBe(true);
    expect(tasks[0]?.agent_prompt?.startsWith('😀'.repeat(300))).toBe(true);
  });

  it('derives the sprint id from the brief: lowercase, accents dropped, punctuation a dash', async () => {
    expect(await sprintIdOf('Add health endpoint.')).toBe('sprint-add-health-endpoint');
    expect(await sprintIdOf('Café crème: the ÜBER release!')).toBe('sprint-cafe-creme-the-uber-release');
  });

  it('falls back to a hash-based sprint id when the brief has nothing a slug keeps', async () => {
    const punctuation = await sprintIdOf('?!... ---');
    const japanese = await sprintIdOf('日本語の説明');
    expect(punctuation).toMatch(/^sprint-[0-9a-f]{8}$/);
    expect(japanese).toMatch(/^sprint-[0-9a-f]{8}$/);
    expect(punctuation).not.toBe(japanese);
  });

  it('cuts a long brief’s sprint id to 48 characters with a hash, distinct for distinct briefs', async () => {
    const base = 'implement the whole billing subsystem with invoices and refunds';
    const one = await sprintIdOf(`${base} for customers`);
    const two = await sprintIdOf(`${base} for partners`);
    for (const id of [one, two]) {
      expect(id.length).toBeLessThanOrEqual(48);
      expect(id).toMatch(/^sprint-implement-the-whole-billing-subs-[0-9a-f]{8}$/);
    }
    expect(one).not.toBe(two);
  });

  it('uses the sprint_id it is given', async () => {
    expect((await planOf({ brief: 'Anything.', sprint_id: 'mine' })).sprint_id).toBe('mine');
  });

  it('is deterministic', async () => {
    const input = { brief: 'One. Two, three', num_agents: 2 };
    expect(await planOf(input)).toEqual(await planOf(input));
  });

  it('feeds plan_to_dag: its output schema is a subschema of plan_to_dag’s input', () => {
    expect(isSubschema(generateSprintDag.output, planToDag.input).verdict).toBe('yes');
  });

  it('shares reviewer-1 and its agents only along the chain, which dag_validate accepts', async () => {
    const plan = await planOf({ brief: 'One. Two. Three. Four. Five.', num_agents: 2 });
    const { dag } = (await callStage(planToDag, plan)) as PlanToDagOutput;
    expect(new Set(Object.values(dag.tasks).map((task) => task?.reviewer_id))).toEqual(
      new Set(['reviewer-1']),
    );
    expect(await callStage(dagValidate, { dag })).toEqual({ valid: true, errors: [] });
  });

  it('for any brief, with plan_to_dag, makes a valid DagState whose every id satisfies the id rule', async () => {
    const dagState = domainSchema('dag-state');
    const brief = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.stringMatching(/^[\s.,;!?\-_:'"()[\]{}]{0,40}$/),
      fc.string({
        unit: fc.constantFrom('.', ',', ' ', '\n', 'a', 'É', '-', '😀'),
        minLength: 200,
        maxLength: 3000,
      }),
    );
    const options = fc.record(
      { num_agents: fc.integer({ min: 1, max: 100 }), max_tasks: fc.integer({ min: 1, max: 50 }) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(brief, options, async (text, extra) => {
        const input = { brief: text, ...extra };
        if (!/\S/u.test(text)) {
          expect(validateValue(generateSprintDag.input, input)).not.toEqual([]);
          return;
        }
        const plan = await planOf(input);
        const { dag } = (await callStage(planToDag, plan)) as PlanToDagOutput;
        expect(validateValue(dagState, dag)).toEqual([]);
        expect(((await callStage(dagValidate, { dag })) as DagValidateOutput).errors).toEqual([]);
        const ids = [
          dag.sprint_id,
          ...Object.values(dag.tasks).flatMap((task) => [task?.id, task?.agent_id, task?.reviewer_id]),
        ];
        for (const id of ids) expect(id).toMatch(ID_RULE);
        expect(dag.sprint_id).not.toMatch(/[-.]$/);
        expect(Object.keys(dag.tasks).length).toBeGreaterThan(0);
        expect(Object.keys(dag.tasks).length).toBeLessThanOrEqual(extra.max_tasks ?? 6);
      }),
      { numRuns: 200 },
    );
  });
});
