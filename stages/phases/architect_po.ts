// architect_po: the architect phase. Asks the configured LLM provider (llm-provider.ts)
// for a design, uses the answer only when it fits the output schema and the rules below,
// and otherwise gives the deterministic template; `source` says which.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type { ArchitectPoInput, ArchitectPoOutput, Component } from '../../schemas/generated/types.js';
import { architectTemplate, type ArchitectBrief } from './architect-template.js';
import { answerOrTemplate, schemaReason, type Acceptance } from './llm-answer.js';

const schemas = stageSchemas('architect_po');

export const architectPo = defineStage<ArchitectPoInput, ArchitectPoOutput>({
  name: 'architect_po',
  description:
    'Decomposes a goal into components with a design doc and risks, from the configured LLM provider or a deterministic template.',
  ...schemas,
  effects: ['Fallible', 'Llm', 'NonDeterministic', 'Process'],
  run: (input, ctx) => {
    const brief = briefOf(input);
    return answerOrTemplate(
      {
        stage: 'architect_po',
        prompt: architectPrompt(brief, input.design_brief ?? '', input.components_inventory ?? []),
        accept,
        template: () => architectTemplate(brief),
      },
      ctx,
    );
  },
  examples: [
    {
      input: { goal: 'Build a TodoStore with a REST API', constraints: 'TypeScript only' },
      output: architectTemplate({
        goal: 'Build a TodoStore with a REST API',
        constraints: 'TypeScript only',
      }),
    },
  ],
});

function briefOf(input: ArchitectPoInput): ArchitectBrief {
  const goal = input.goal.trim();
  if (goal === '')
    throw new NoetherError('NOE_STAGE_INPUT_VIOLATION', 'architect_po: goal must not be blank', {
      place: { pointer: '/goal' },
    });
  return { goal, constraints: (input.constraints ?? '').trim() };
}

function architectPrompt(
  brief: ArchitectBrief,
  designBrief: string,
  inventory: readonly Component[],
): string {
  return [
    'You are the software architect of a sprint run by AI agents.',
    'Decompose the goal below into 2 to 5 components. Give each a PascalCase `name`, a one-sentence `purpose` and a short `interface` (the functions, endpoints or types others use).',
    'Write a markdown `design_doc` covering the goal, the components and how they fit together, and list the `risks` as short sentences.',
    'Answer with ONE JSON object and nothing else, exactly of this shape:',
    '{"design_doc": "# Design — …", "components": [{"name": "…", "purpose": "…", "interface": "…"}], "risks": ["…"]}',
    '',
    `<goal>\n${brief.goal}\n</goal>`,
    ...(brief.constraints === '' ? [] : [`<constraints>\n${brief.constraints}\n</constraints>`]),
    ...(designBrief.trim() === '' ? [] : [`<design_brief>\n${designBrief.trim()}\n</design_brief>`]),
    ...(inventory.length === 0
      ? []
      : [
          `<existing_components reuse="where they fit">\n${JSON.stringify(inventory, null, 2)}\n</existing_components>`,
        ]),
  ].join('\n');
}

function accept(answer: Record<string, unknown>): Acceptance<ArchitectPoOutput> {
  const candidate = { risks: [], ...answer, source: 'llm' };
  const broken = schemaReason(schemas.output, candidate);
  if (broken !== undefined) return { ok: false, reason: broken };
  const output = candidate as unknown as ArchitectPoOutput;
  const seen = new Map<string, number>();
  for (const [index, component] of output.components.entries()) {
    const key = component.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      return {
        ok: false,
        reason: `/components/${index}/name "${component.name}" repeats /components/${first}/name`,
      };
    seen.set(key, index);
  }
  return { ok: true, output };
}
