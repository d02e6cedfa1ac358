// dev_po: the dev-PO phase. Asks the configured LLM provider (llm-provider.ts) for the
// tasks that build the components, uses the answer only when it fits the output schema
// and the plan rules (unique ids, dependencies on existing tasks, no cycle, components
// that exist), and otherwise gives the deterministic template; `source` says which.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type { Component, DevPoInput, DevPoOutput } from '../../schemas/generated/types.js';
import { DEFAULT_FRAMEWORK, devTemplate } from './dev-template.js';
import { answerOrTemplate, schemaReason, type Acceptance } from './llm-answer.js';
import { describeProblems, planProblems } from './plan-rules.js';

const schemas = stageSchemas('dev_po');

const exampleComponents: DevPoOutput['components'] = [
  { name: 'TodoStore', purpose: 'Keeps todos in memory.', interface: 'add(title), list(), done(id)' },
];

export const devPo = defineStage<DevPoInput, DevPoOutput>({
  name: 'dev_po',
  description:
    'Turns components into implementation and test tasks, from the configured LLM provider or a deterministic template.',
  ...schemas,
  effects: ['Fallible', 'Llm', 'NonDeterministic', 'Process'],
  run: (input, ctx) => {
    const components = checkedComponents(input.components);
    const framework = input.framework ?? DEFAULT_FRAMEWORK;
    const base = { design_doc: input.design_doc ?? '', components, risks: input.risks ?? [] };
    return answerOrTemplate(
      {
        stage: 'dev_po',
        prompt: devPrompt(components, base.design_doc, framework),
        accept: (answer) => accept(answer, base),
        template: () => ({
          ...base,
          tasks: devTemplate(components, framework) as DevPoOutput['tasks'],
          source: 'template',
        }),
      },
      ctx,
    );
  },
  examples: [
    {
      input: { components: exampleComponents, design_doc: '# Design — todos\n' },
      output: {
        design_doc: '# Design — todos\n',
        components: exampleComponents,
        risks: [],
        tasks: devTemplate(exampleComponents, DEFAULT_FRAMEWORK) as DevPoOutput['tasks'],
        source: 'template',
      },
    },
  ],
});

/** The components, after checking no two share a name (a task's `component` must say which). */
function checkedComponents(components: DevPoInput['components']): DevPoOutput['components'] {
  const seen = new Map<string, number>();
  components.forEach((component, index) => {
    const key = component.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `dev_po: components/${index}/name "${component.name}" repeats components/${first}/name; give each component its own name`,
        { place: { pointer: `/components/${index}/name` } },
      );
    seen.set(key, index);
  });
  return components;
}

function devPrompt(components: readonly Component[], designDoc: string, framework: string): string {
  const example = {
    tasks: [
      {
        id: 'impl-todo-store',
        title: 'Implement TodoStore',
        depends_on: [],
        agent_prompt: 'Create src/todo-store.ts exporting …',
        framework,
        component: 'TodoStore',
      },
      {
        id: 'tests-todo-store',
        title: 'Tests for TodoStore',
        depends_on: ['impl-todo-store'],
        agent_prompt: 'Create test/todo-store.test.ts covering …',
        framework,
        component: 'TodoStore',
      },
    ],
  };
  return [
    'You are the dev product owner of a sprint run by AI agents.',
    'For each component below write an implementation task `impl-<slug>` (no dependencies) and a tests task `tests-<slug>` that depends on it; add dependencies between implementation tasks where one component needs another.',
    'Each agent_prompt must be concrete: the files to create, the functions or endpoints, the behaviours to cover.',
    'Ids: lower case letters, digits, - and _, starting with a letter or digit, at most 64 characters, all different. `component` is the exact name of the component the task builds.',
    'Answer with ONE JSON object and nothing else, exactly of this shape:',
    JSON.stringify(example),
    '',
    `<design_doc>\n${designDoc}\n</design_doc>`,
    `<components>\n${JSON.stringify(components, null, 2)}\n</components>`,
  ].join('\n');
}

function accept(
  answer: Record<string, unknown>,
  base: Pick<DevPoOutput, 'design_doc' | 'components' | 'risks'>,
): Acceptance<DevPoOutput> {
  const keys = Object.keys(answer).filter((key) => key !== 'tasks');
  if (keys.length > 0) return { ok: false, reason: `unexpected keys ${keys.join(', ')} beside "tasks"` };
  const candidate = { ...base, tasks: answer.tasks, source: 'llm' };
  const broken = schemaReason(schemas.output, candidate);
  if (broken !== undefined) return { ok: false, reason: broken };
  const output = candidate as DevPoOutput;
  const problems = planProblems(output.tasks, '/tasks');
  const names = new Set(base.components.map((component) => component.name));
  output.tasks.forEach((task, index) => {
    if (task.component !== undefined && !names.has(task.component))
      problems.push({
        pointer: `/tasks/${index}/component`,
        message: `"${task.component}" is not one of the components`,
      });
  });
  return problems.length === 0 ? { ok: true, output } : { ok: false, reason: describeProblems(problems) };
}
