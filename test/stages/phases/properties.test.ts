// Properties of the templates over random goals and component names: what the LLM-less
// path gives is always valid, keeps the id rule, forms a DAG, and is the same for the
// same input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArchitectPoOutput, DevPoOutput, ReviewPoOutput } from '../../../schemas/generated/types.js';
import { architectPo, designPo, devPo, phasesToSprintTasks, reviewPo } from '../../../stages/phases/index.js';
import { planProblems } from '../../../stages/phases/plan-rules.js';
import { ID_PATTERN } from '../../../schemas/index.js';
import { callStage } from '../call-stage.js';

const word = fc.oneof(
  fc.stringMatching(/^[A-Z][a-z]{1,8}([A-Z][a-z]{1,8})?$/),
  fc.stringMatching(/^[a-z]{1,10}$/),
  fc.constantFrom('auth', 'author', 'API', 'security', '.', '!', '\n', '-', 'Ünïcödé', '🚀', '{', '}'),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[A-Z][a-zA-Z_]{90,120}$/),
);
const goal = fc
  .array(word, { minLength: 1, maxLength: 30 })
  .map((words) => words.join(' '))
  .filter((text) => text.trim() !== '');
const component = fc.record({
  name: fc.string({ minLength: 1, maxLength: 100 }).filter((text) => /\S/.test(text)),
  purpose: fc.constant('p'),
  interface: fc.constant('i'),
});
const components = fc.uniqueArray(component, {
  minLength: 1,
  maxLength: 8,
  selector: (value) => value.name.trim().toLowerCase(),
});

const none = { env: {} };

describe('the phase templates', () => {
  it('give a valid design (the output schema is checked by callStage) for any goal', async () => {
    await fc.assert(
      fc.asyncProperty(goal, async (text) => {
        const output = (await callStage(architectPo, { goal: text }, none)) as ArchitectPoOutput;
        expect(output.source).toBe('template');
        expect(output.components.length).toBeGreaterThanOrEqual(1);
        expect(output.components.length).toBeLessThanOrEqual(5);
      }),
      { numRuns: 150 },
    );
  });

  it('give dev tasks whose ids keep the id rule and which form a DAG, for any component names', async () => {
    await fc.assert(
      fc.asyncProperty(components, async (list) => {
        const output = (await callStage(devPo, { components: list }, none)) as DevPoOutput;
        for (const task of output.tasks) expect(task.id).toMatch(ID_PATTERN);
        expect(planProblems(output.tasks, '/tasks')).toEqual([]);
        expect(output.tasks).toHaveLength(2 * list.length);
      }),
      { numRuns: 150 },
    );
  });

  it('run the whole phase chain from any goal to valid sprint tasks, the same each time', async () => {
    const chain = async (text: string): Promise<unknown> => {
      const design = await callStage(designPo, { goal: text, constraints: '' }, none);
      const architecture = await callStage(architectPo, design, none);
      const dev = await callStage(devPo, architecture, none);
      const review = (await callStage(reviewPo, dev, none)) as ReviewPoOutput;
      for (const check of review.review_checks) expect(check.id).toMatch(ID_PATTERN);
      return callStage(phasesToSprintTasks, review, none);
    };
    await fc.assert(
      fc.asyncProperty(goal, async (text) => {
        const first = await chain(text);
        expect(await chain(text)).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });
});
