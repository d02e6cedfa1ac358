import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import type { ReviewPoOutput } from '../../../schemas/generated/types.js';
import { reviewPo } from '../../../stages/phases/index.js';
import { callStage } from '../call-stage.js';

const task = (id: string, depends_on: string[] = []) => ({
  id,
  title: `Do ${id}`,
  depends_on,
  agent_prompt: `Write ${id}.`,
  framework: 'stub',
});

async function review(input: unknown): Promise<ReviewPoOutput> {
  return (await callStage(reviewPo, input)) as ReviewPoOutput;
}

describe('review_po', () => {
  it('adds one check per task, in task order, reviewing it', async () => {
    const output = await review({ tasks: [task('impl-a'), task('tests-a', ['impl-a'])] });
    expect(output.review_checks.map((check) => [check.id, check.reviews])).toEqual([
      ['review-impl-a', 'impl-a'],
      ['review-tests-a', 'tests-a'],
    ]);
  });

  it('reviews tests for coverage and everything else for correctness', async () => {
    const output = await review({ tasks: [task('impl-a'), task('tests-a', ['impl-a']), task('docs')] });
    expect(output.review_checks.map((check) => check.focus)).toEqual([
      'correctness vs. interface',
      'test coverage vs. design contract',
      'correctness vs. interface',
    ]);
  });

  it('passes the tasks and the design doc through', async () => {
    const tasks = [task('impl-a')];
    expect(await review({ tasks, design_doc: '# D' })).toMatchObject({ tasks, design_doc: '# D' });
  });

  it('embeds the design doc and the task in the reviewer prompt', async () => {
    const [check] = (await review({ tasks: [task('impl-a')], design_doc: '# Design — a' })).review_checks;
    expect(check?.agent_prompt).toContain('task impl-a ("Do impl-a")');
    expect(check?.agent_prompt).toContain('Write impl-a.');
    expect(check?.agent_prompt).toContain('<design_doc>\n# Design — a\n</design_doc>');
  });

  it('says there is no design doc when there is none', async () => {
    const [check] = (await review({ tasks: [task('impl-a')] })).review_checks;
    expect(check?.agent_prompt).toContain('There is no design doc');
  });

  it('gives the checks the framework asked for, claude-code by default', async () => {
    expect((await review({ tasks: [task('a')], framework: 'stub' })).review_checks[0]?.framework).toBe(
      'stub',
    );
    expect((await review({ tasks: [task('a')] })).review_checks[0]?.framework).toBe('claude-code');
  });

  it('never gives a check the id of a task', async () => {
    const output = await review({ tasks: [task('a'), task('review-a')] });
    expect(output.review_checks.map((check) => check.id)).toEqual(['review-a-2', 'review-review-a']);
  });

  it('keeps check ids within the id rule for the longest task ids', async () => {
    const long = 'x'.repeat(64);
    const output = await review({ tasks: [task(long), task(`${'x'.repeat(63)}y`)] });
    expect(output.review_checks.map((check) => check.id)).toEqual([
      `review-${'x'.repeat(57)}`,
      `review-${'x'.repeat(55)}-2`,
    ]);
  });

  it('rejects duplicate task ids, naming the second', async () => {
    const error: unknown = await callStage(reviewPo, { tasks: [task('a'), task('a')] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/tasks/1/id' } });
  });
});
