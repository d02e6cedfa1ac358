import { describe, expect, it } from 'vitest';
import * as phases from '../../../stages/phases/index.js';
import { isStage } from '../../../engine/stage/index.js';
import { callStage } from '../call-stage.js';

const stages = Object.values(phases).filter(isStage);

describe('the examples of the phase stages', () => {
  it('cover every stage of the area', () => {
    expect(stages.map((stage) => stage.name).sort()).toEqual([
      'architect_po',
      'design_po',
      'dev_po',
      'phases_to_sprint_tasks',
      'review_po',
    ]);
  });

  for (const stage of stages)
    it(`${stage.name}: every example gives its output (no provider configured)`, async () => {
      expect(stage.examples.length).toBeGreaterThan(0);
      for (const example of stage.examples)
        expect(await callStage(stage, example.input, { env: {} })).toEqual(example.output);
    });
});
