// design_po: the first planning phase, a slot for a future designer agent. Today it
// normalises what the later phases read: a non-blank goal, constraints as one text, a
// design brief and an inventory of existing components (empty when not given).
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type { DesignPoInput, DesignPoOutput } from '../../schemas/generated/types.js';

export const designPo = defineStage<DesignPoInput, DesignPoOutput>({
  name: 'design_po',
  description:
    'Normalises a sprint goal and its context (constraints, design brief, existing components) for the planning phases.',
  ...stageSchemas('design_po'),
  effects: ['Pure', 'Fallible'],
  run: (input) => {
    const goal = input.goal.trim();
    if (goal === '')
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        'design_po: goal must not be blank; say what the sprint must achieve',
        {
          place: { pointer: '/goal' },
        },
      );
    return {
      goal,
      constraints: constraintsText(input.constraints),
      design_brief: (input.design_brief ?? '').trim(),
      components_inventory: [...(input.components_inventory ?? [])],
    };
  },
  examples: [
    {
      input: {
        goal: '  Build a TodoStore with a REST API\n',
        constraints: ['TypeScript only', ' ', 'No database'],
      },
      output: {
        goal: 'Build a TodoStore with a REST API',
        constraints: 'TypeScript only\nNo database',
        design_brief: '',
        components_inventory: [],
      },
    },
  ],
});

/** One constraint per line: a list is joined, blank entries dropped. */
function constraintsText(constraints: DesignPoInput['constraints']): string {
  if (constraints === undefined || constraints === null) return '';
  if (typeof constraints === 'string') return constraints.trim();
  return constraints
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}
