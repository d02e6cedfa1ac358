// The five phases in the order full_cycle.json runs them (CALORON §5): each output fits
// the next input, statically (the checker's subschema relation) and at run time.
import { describe, expect, it } from 'vitest';
import { isSubschema } from '../../../engine/schema/index.js';
import type { Stage } from '../../../engine/stage/index.js';
import { validateValue } from '../../../engine/schema/index.js';
import { domainSchema } from '../../../schemas/index.js';
import { architectPo, designPo, devPo, phasesToSprintTasks, reviewPo } from '../../../stages/phases/index.js';
import { callStage } from '../call-stage.js';
import { providerEnv } from './fake-provider.js';

const cycle: Stage[] = [designPo, architectPo, devPo, reviewPo, phasesToSprintTasks];

async function runCycle(input: unknown, env: Record<string, string>): Promise<unknown> {
  let value = input;
  for (const stage of cycle) value = await callStage(stage, value, { env });
  return value;
}

describe('the planning phases in sequence', () => {
  it('fit together: each output is a subschema of the next input', () => {
    for (const [index, stage] of cycle.slice(0, -1).entries()) {
      const next = cycle[index + 1] as Stage;
      expect(isSubschema(stage.output, next.input).verdict, `${stage.name} → ${next.name}`).toBe('yes');
    }
  });

  it('turn a goal into plan tasks with the LLM answers, reviews last', async () => {
    const output = (await runCycle(
      { goal: 'A notes app', constraints: '' },
      providerEnv('prose-wrapped'),
    )) as {
      tasks: { id: string; depends_on: string[] }[];
    };
    expect(output.tasks.map((task) => [task.id, task.depends_on])).toEqual([
      ['impl-note-store', []],
      ['impl-note-api', ['impl-note-store']],
      ['review-impl-note-store', ['impl-note-store']],
      ['review-impl-note-api', ['impl-note-api']],
    ]);
    for (const task of output.tasks) expect(validateValue(domainSchema('plan-task'), task)).toEqual([]);
  });

  it('turn a goal into plan tasks without any provider', async () => {
    const output = (await runCycle({ goal: 'Build a NoteStore' }, {})) as { tasks: { id: string }[] };
    expect(output.tasks.map((task) => task.id)).toEqual([
      'impl-notestore',
      'tests-notestore',
      'review-impl-notestore',
      'review-tests-notestore',
    ]);
  });
});
