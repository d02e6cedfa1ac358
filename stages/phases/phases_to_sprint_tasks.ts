// phases_to_sprint_tasks: the end of the planning phases. The dev tasks, then one task
// per review check (depending on the task it reviews), as the plan tasks a sprint is
// kicked off from (the `caloron sprint --graph` contract). Bad plans stop here with the
// place named: duplicate ids among the tasks, a check id that is also a task id, a check
// of a task that does not exist, dependencies on unknown tasks, cycles.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type {
  PhasesToSprintTasksInput,
  PhasesToSprintTasksOutput,
  PlanTask,
} from '../../schemas/generated/types.js';
import { describeProblems, PLAN_RULES, planProblems, type PlanProblem } from './plan-rules.js';

export const phasesToSprintTasks = defineStage<PhasesToSprintTasksInput, PhasesToSprintTasksOutput>({
  name: 'phases_to_sprint_tasks',
  description: 'Flattens the planning phases’ tasks and review checks into the plan tasks of a sprint.',
  ...stageSchemas('phases_to_sprint_tasks'),
  effects: ['Pure', 'Fallible'],
  run: (input) => {
    const taskProblems = planProblems(input.tasks, '/tasks');
    throwIfAny(taskProblems);
    const taskIds = new Set(input.tasks.map((task) => task.id));
    const checks = input.review_checks ?? [];
    const checkProblems: PlanProblem[] = [];
    const checkIds = new Map<string, number>();
    checks.forEach((check, index) => {
      const at = `/review_checks/${index}`;
      if (taskIds.has(check.id))
        checkProblems.push({
          pointer: `${at}/id`,
          message: `duplicate task id "${check.id}": a task has it too`,
        });
      const first = checkIds.get(check.id);
      if (first !== undefined)
        checkProblems.push({
          pointer: `${at}/id`,
          message: `duplicate task id "${check.id}" (also at /review_checks/${first}/id)`,
        });
      else checkIds.set(check.id, index);
      if (!taskIds.has(check.reviews))
        checkProblems.push({
          pointer: `${at}/reviews`,
          message: `reviews "${check.reviews}", which is not a task`,
        });
    });
    throwIfAny(checkProblems);
    const tasks = input.tasks.map((task): PlanTask => ({
      id: task.id,
      title: task.title,
      depends_on: [...task.depends_on],
      agent_prompt: task.agent_prompt,
      framework: task.framework,
    }));
    const reviews = checks.map((check): PlanTask => ({
      id: check.id,
      title: `Review ${check.reviews} — ${check.focus}`.trim(),
      depends_on: [check.reviews],
      agent_prompt: check.agent_prompt,
      framework: check.framework,
    }));
    return { tasks: [...tasks, ...reviews] as PhasesToSprintTasksOutput['tasks'] };
  },
  examples: [
    {
      input: {
        tasks: [
          {
            id: 'impl-store',
            title: 'Implement Store',
            depends_on: [],
            agent_prompt: 'Write src/store.ts.',
            framework: 'stub',
            component: 'Store',
          },
        ],
        review_checks: [
          {
            id: 'review-impl-store',
            reviews: 'impl-store',
            focus: 'correctness vs. interface',
            agent_prompt: 'Review impl-store.',
            framework: 'stub',
          },
        ],
      },
      output: {
        tasks: [
          {
            id: 'impl-store',
            title: 'Implement Store',
            depends_on: [],
            agent_prompt: 'Write src/store.ts.',
            framework: 'stub',
          },
          {
            id: 'review-impl-store',
            title: 'Review impl-store — correctness vs. interface',
            depends_on: ['impl-store'],
            agent_prompt: 'Review impl-store.',
            framework: 'stub',
          },
        ],
      },
    },
  ],
});

function throwIfAny(problems: readonly PlanProblem[]): void {
  const first = problems[0];
  if (first !== undefined)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `phases_to_sprint_tasks: ${describeProblems(problems)}; ${PLAN_RULES}`,
      {
        place: { pointer: first.pointer },
      },
    );
}
