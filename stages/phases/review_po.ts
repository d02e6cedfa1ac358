// review_po: the review phase. One review check per task, each with a focus (tests are
// reviewed for coverage of the design's contract, everything else for correctness
// against its interface). Deterministic: no LLM is asked.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type { PhaseTask, ReviewCheck, ReviewPoInput, ReviewPoOutput } from '../../schemas/generated/types.js';
import { DEFAULT_FRAMEWORK, TESTS_PREFIX } from './dev-template.js';
import { describeProblems, PLAN_RULES, planProblems } from './plan-rules.js';
import { uniqueId } from './task-ids.js';

const REVIEW_PREFIX = 'review-';

const exampleTasks: ReviewPoOutput['tasks'] = [
  {
    id: 'impl-todo-store',
    title: 'Implement TodoStore',
    depends_on: [],
    agent_prompt: 'Create src/todo-store.ts.',
    framework: 'claude-code',
  },
  {
    id: 'tests-todo-store',
    title: 'Tests for TodoStore',
    depends_on: ['impl-todo-store'],
    agent_prompt: 'Create test/todo-store.test.ts.',
    framework: 'claude-code',
  },
];

export const reviewPo = defineStage<ReviewPoInput, ReviewPoOutput>({
  name: 'review_po',
  description: 'Adds one review check per task, focused on correctness for code and on coverage for tests.',
  ...stageSchemas('review_po'),
  effects: ['Pure', 'Fallible'],
  run: (input) => {
    const problems = planProblems(input.tasks, '/tasks');
    const first = problems[0];
    if (first !== undefined)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `review_po: ${describeProblems(problems)}; ${PLAN_RULES}`,
        {
          place: { pointer: first.pointer },
        },
      );
    const designDoc = input.design_doc ?? '';
    const framework = input.framework ?? DEFAULT_FRAMEWORK;
    // Check ids never collide with task ids: both end up in the same sprint.
    const taken = new Set(input.tasks.map((task) => task.id));
    return {
      design_doc: designDoc,
      tasks: input.tasks,
      review_checks: input.tasks.map((task) => reviewCheck(task, designDoc, framework, taken)),
    };
  },
  examples: [
    {
      input: { tasks: exampleTasks, design_doc: '# Design — todos\n' },
      output: {
        design_doc: '# Design — todos\n',
        tasks: exampleTasks,
        review_checks: [
          {
            id: 'review-impl-todo-store',
            reviews: 'impl-todo-store',
            focus: 'correctness vs. interface',
            agent_prompt:
              'Review the result of task impl-todo-store ("Implement TodoStore") with a focus on correctness vs. interface.\nFlag every divergence from the design and every missing edge case; request changes when they matter.\n\nThe task asked for:\nCreate src/todo-store.ts.\n\n<design_doc>\n# Design — todos\n\n</design_doc>',
            framework: 'claude-code',
          },
          {
            id: 'review-tests-todo-store',
            reviews: 'tests-todo-store',
            focus: 'test coverage vs. design contract',
            agent_prompt:
              'Review the result of task tests-todo-store ("Tests for TodoStore") with a focus on test coverage vs. design contract.\nFlag every divergence from the design and every missing edge case; request changes when they matter.\n\nThe task asked for:\nCreate test/todo-store.test.ts.\n\n<design_doc>\n# Design — todos\n\n</design_doc>',
            framework: 'claude-code',
          },
        ],
      },
    },
  ],
});

function reviewCheck(task: PhaseTask, designDoc: string, framework: string, taken: Set<string>): ReviewCheck {
  const focus = task.id.startsWith(TESTS_PREFIX)
    ? 'test coverage vs. design contract'
    : 'correctness vs. interface';
  const design =
    designDoc.trim() === ''
      ? 'There is no design doc: judge against the task alone.'
      : `<design_doc>\n${designDoc}\n</design_doc>`;
  return {
    id: uniqueId(REVIEW_PREFIX, task.id, taken),
    reviews: task.id,
    focus,
    agent_prompt: [
      `Review the result of task ${task.id} (${JSON.stringify(task.title)}) with a focus on ${focus}.`,
      'Flag every divergence from the design and every missing edge case; request changes when they matter.',
      '',
      `The task asked for:\n${task.agent_prompt}`,
      '',
      design,
    ].join('\n'),
    framework,
  };
}
