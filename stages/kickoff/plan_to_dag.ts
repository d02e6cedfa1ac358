// plan_to_dag: a plan's tasks become the sprint's initial DagState (CALORON §1), the state
// kickoff persists and dag_evaluate advances. Every Task field is set here, once, so no
// later stage has to guess a default: status Pending, numbers null, counters 0.
//
// What the plan leaves open is filled deterministically: the developer of a task is
// `<agent_prefix>-<task_id>` (one agent per task, so two tasks never share an agent's
// worktree or heartbeat), the reviewer `reviewer-<task_id>` — one per task as well: the
// shell runs one harness per agent, so a reviewer shared by B and C, reviewed at the same
// time, would have its review of B stopped by the spawn for C. `defaults.reviewer_id`
// names one shared reviewer instead, which only a plan whose tasks run one after another
// (each depending, at least transitively, on the one before) can use: on tasks that can be
// active at the same time dag_validate refuses it (agent_overlap), as it refuses any agent
// id two such tasks name. A derived id that would be the developer itself is replaced by
// `rev-<task_id>`. Repeated entries of a depends_on list are dropped (a task may not list
// a dependency twice, and the repeat means nothing more).
//
// Unknown deps, self-dependencies, cycles and an empty plan are representable and are
// dag_validate's to report. Three things the schema cannot catch are refused here (a
// NoetherError NOE_STAGE_INPUT_VIOLATION pointing at the task): two tasks with the same id
// and a plan order the map cannot keep (ids made only of digits sort first, see
// keepsPlanOrder), which no DagState can hold; and a task whose named reviewer is its
// developer, which one could hold but no sprint could run (an author cannot approve their
// own pull request).
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { PlanTask, PlanToDagInput, PlanToDagOutput, Task } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { boundedId } from './id-rule.js';

const DEFAULT_AGENT_PREFIX = 'dev';

function initialDag({ sprint_id, tasks, defaults = {} }: PlanToDagInput): PlanToDagOutput {
  const prefix = defaults.agent_prefix ?? DEFAULT_AGENT_PREFIX;
  const reviewer = defaults.reviewer_id;
  const firstIndex = new Map<string, number>();
  const dagTasks: Record<string, Task> = {};
  tasks.forEach((plan, index) => {
    const earlier = firstIndex.get(plan.id);
    if (earlier !== undefined)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `plan_to_dag: tasks/${index} has the id "${plan.id}" of tasks/${earlier}; the DAG holds tasks by id, so each task needs its own id`,
        {
          place: { pointer: `/tasks/${index}/id` },
          details: { task_id: plan.id, first: earlier, again: index },
        },
      );
    firstIndex.set(plan.id, index);
    dagTasks[plan.id] = initialTask(plan, index, prefix, reviewer, defaults.framework);
  });
  keepsPlanOrder(tasks, Object.keys(dagTasks));
  return { dag: { sprint_id, tasks: dagTasks, processed_events: [] } };
}

/**
 * JavaScript (hence every JSON reader here) puts object keys that look like array indices
 * (`0`, `7`, `12`) first, in numeric order, whatever order they were written in: a plan
 * that lists `b` before `1` cannot keep that order in the tasks map, and task order is
 * semantic. Such a plan is refused rather than silently reordered.
 */
function keepsPlanOrder(tasks: readonly PlanTask[], order: readonly string[]): void {
  const index = tasks.findIndex((plan, at) => order[at] !== plan.id);
  if (index === -1) return;
  const id = tasks[index]?.id ?? '';
  throw new NoetherError(
    'NOE_STAGE_INPUT_VIOLATION',
    `plan_to_dag: tasks/${index} ("${id}") cannot keep its place: task ids made only of digits are ordered numerically, before every other id, in a JSON object; give every all-digit id a letter (e.g. "7" → "task-7"), or list such tasks first, in ascending order`,
    {
      place: { pointer: `/tasks/${index}/id` },
      details: { plan_order: tasks.map((plan) => plan.id), map_order: order },
    },
  );
}

function initialTask(
  plan: PlanTask,
  index: number,
  prefix: string,
  defaultReviewer: string | undefined,
  defaultFramework: string | undefined,
): Task {
  const developer = plan.agent_id ?? boundedId(prefix, plan.id);
  const framework = plan.framework ?? defaultFramework;
  return {
    id: plan.id,
    title: plan.title,
    status: 'Pending',
    depends_on: [...new Set(plan.depends_on)],
    agent_id: developer,
    reviewer_id: reviewerOf(plan, index, developer, defaultReviewer),
    ...(framework === undefined ? {} : { framework }),
    ...(plan.agent_prompt === undefined ? {} : { agent_prompt: plan.agent_prompt }),
    issue_number: null,
    pr_number: null,
    escalation_issue_number: null,
    started_at: null,
    completed_at: null,
    status_changed_at: null,
    review_cycles: 0,
    intervention_count: 0,
    action_seq: 0,
  };
}

/**
 * The named reviewer, or the first default that is not the developer. The two derived
 * candidates differ from each other, so the developer can rule out at most one of them.
 */
function reviewerOf(
  plan: PlanTask,
  index: number,
  developer: string,
  defaultReviewer: string | undefined,
): string {
  if (plan.reviewer_id !== undefined) {
    if (plan.reviewer_id === developer)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `plan_to_dag: tasks/${index} ("${plan.id}") names "${developer}" as both its developer and its reviewer; a task's pull request must be reviewed by another agent`,
        {
          place: { pointer: `/tasks/${index}/reviewer_id` },
          details: { task_id: plan.id, agent_id: developer },
        },
      );
    return plan.reviewer_id;
  }
  const derived = [boundedId('reviewer', plan.id), boundedId('rev', plan.id)];
  const candidates = defaultReviewer === undefined ? derived : [defaultReviewer, ...derived];
  // Never undefined (see above); the fallback only satisfies the compiler.
  return candidates.find((candidate) => candidate !== developer) ?? boundedId('rev', plan.id);
}

const PLAN: PlanToDagInput = {
  sprint_id: 'sprint-health',
  tasks: [
    { id: 'api', title: 'Add the /health endpoint', depends_on: [], framework: 'stub' },
    {
      id: 'tests',
      title: 'Test the /health endpoint',
      depends_on: ['api', 'api'],
      agent_id: 'tester',
      reviewer_id: 'lead',
      agent_prompt: 'Cover 200 and 503.',
    },
  ],
  defaults: { framework: 'claude-code' },
};

const PENDING = {
  status: 'Pending',
  issue_number: null,
  pr_number: null,
  escalation_issue_number: null,
  started_at: null,
  completed_at: null,
  status_changed_at: null,
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 0,
} as const;

export const planToDag = defineStage<PlanToDagInput, PlanToDagOutput>({
  name: 'plan_to_dag',
  description:
    "Turns a plan's tasks into the sprint's initial DagState: every task Pending, every field initialised, agents derived where the plan names none.",
  ...stageSchemas('plan_to_dag'),
  effects: ['Pure', 'Fallible'],
  run: initialDag,
  examples: [
    {
      input: PLAN,
      output: {
        dag: {
          sprint_id: 'sprint-health',
          tasks: {
            api: {
              id: 'api',
              title: 'Add the /health endpoint',
              depends_on: [],
              agent_id: 'dev-api',
              reviewer_id: 'reviewer-api',
              framework: 'stub',
              ...PENDING,
            },
            tests: {
              id: 'tests',
              title: 'Test the /health endpoint',
              depends_on: ['api'],
              agent_id: 'tester',
              reviewer_id: 'lead',
              framework: 'claude-code',
              agent_prompt: 'Cover 200 and 503.',
              ...PENDING,
            },
          },
          processed_events: [],
        },
      },
    },
    {
      input: { sprint_id: 's1', tasks: [{ id: 'a', title: 'A', depends_on: [], agent_id: 'reviewer-a' }] },
      output: {
        dag: {
          sprint_id: 's1',
          tasks: {
            a: {
              id: 'a',
              title: 'A',
              depends_on: [],
              agent_id: 'reviewer-a',
              reviewer_id: 'rev-a',
              ...PENDING,
            },
          },
          processed_events: [],
        },
      },
    },
  ],
});
