import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { phasesToSprintTasks } from '../../../stages/phases/index.js';
import { callStage } from '../call-stage.js';

const task = (id: string, depends_on: string[] = []) => ({
  id,
  title: `Do ${id}`,
  depends_on,
  agent_prompt: `Write ${id}.`,
  framework: 'stub',
  component: 'Store',
});
const check = (id: string, reviews: string) => ({
  id,
  reviews,
  focus: 'correctness vs. interface',
  agent_prompt: `Review ${reviews}.`,
  framework: 'claude-code',
});

async function rejection(input: unknown): Promise<NoetherError> {
  const error: unknown = await callStage(phasesToSprintTasks, input).catch((caught: unknown) => caught);
  if (!(error instanceof NoetherError)) throw new Error(`expected a NoetherError, got ${String(error)}`);
  return error;
}

describe('phases_to_sprint_tasks', () => {
  it('gives the tasks first, as plan tasks without their component', async () => {
    const output = await callStage(phasesToSprintTasks, {
      tasks: [task('impl-a'), task('tests-a', ['impl-a'])],
    });
    expect(output).toEqual({
      tasks: [
        {
          id: 'impl-a',
          title: 'Do impl-a',
          depends_on: [],
          agent_prompt: 'Write impl-a.',
          framework: 'stub',
        },
        {
          id: 'tests-a',
          title: 'Do tests-a',
          depends_on: ['impl-a'],
          agent_prompt: 'Write tests-a.',
          framework: 'stub',
        },
      ],
    });
  });

  it('adds one task per review check after them, depending on the task it reviews', async () => {
    const output = await callStage(phasesToSprintTasks, {
      tasks: [task('impl-a')],
      review_checks: [check('review-impl-a', 'impl-a')],
    });
    expect(output).toMatchObject({
      tasks: [
        { id: 'impl-a' },
        {
          id: 'review-impl-a',
          title: 'Review impl-a — correctness vs. interface',
          depends_on: ['impl-a'],
          agent_prompt: 'Review impl-a.',
          framework: 'claude-code',
        },
      ],
    });
  });

  it('treats null review checks as none', async () => {
    expect(await callStage(phasesToSprintTasks, { tasks: [task('a')], review_checks: null })).toMatchObject({
      tasks: [{ id: 'a' }],
    });
  });

  it('rejects duplicate ids among the tasks', async () => {
    const error = await rejection({ tasks: [task('a'), task('b'), task('a')] });
    expect(error).toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/tasks/2/id' },
    });
    expect(error.message).toMatch(/duplicate task id "a" \(also at \/tasks\/0\/id\)/);
  });

  it('rejects a check whose id is a task id', async () => {
    const error = await rejection({ tasks: [task('a'), task('b')], review_checks: [check('b', 'a')] });
    expect(error).toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/review_checks/0/id' },
    });
    expect(error.message).toMatch(/duplicate task id "b": a task has it too/);
  });

  it('rejects two checks with the same id', async () => {
    const error = await rejection({ tasks: [task('a')], review_checks: [check('r', 'a'), check('r', 'a')] });
    expect(error).toMatchObject({ place: { pointer: '/review_checks/1/id' } });
  });

  it('rejects a check of a task that does not exist', async () => {
    const error = await rejection({ tasks: [task('a')], review_checks: [check('r', 'ghost')] });
    expect(error).toMatchObject({ place: { pointer: '/review_checks/0/reviews' } });
  });

  it('rejects a dependency on a task that does not exist', async () => {
    const error = await rejection({ tasks: [task('a', ['ghost'])] });
    expect(error).toMatchObject({ place: { pointer: '/tasks/0/depends_on/0' } });
  });

  it('rejects a task that depends on itself', async () => {
    const error = await rejection({ tasks: [task('a', ['a'])] });
    expect(error).toMatchObject({ place: { pointer: '/tasks/0/depends_on/0' } });
    expect(error.message).toMatch(/task "a" depends on itself/);
  });

  it('rejects a dependency cycle, with its path', async () => {
    const error = await rejection({ tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b'])] });
    expect(error.message).toMatch(/cycle: a → c → b → a/);
  });
});
