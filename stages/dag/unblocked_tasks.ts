// unblocked_tasks: the tasks that may start now (status Ready), in the DAG's task order.
import { defineStage } from '../../engine/stage/index.js';
import type { UnblockedTasksInput, UnblockedTasksOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

export const unblockedTasks = defineStage<UnblockedTasksInput, UnblockedTasksOutput>({
  name: 'unblocked_tasks',
  description: 'Lists the Ready tasks of a DAG state, in task order.',
  ...stageSchemas('unblocked_tasks'),
  effects: ['Pure'],
  run: ({ state }) => ({
    ready_tasks: Object.values(state.tasks).flatMap((task) =>
      task?.status === 'Ready'
        ? [{ task_id: task.id, title: task.title, agent_id: task.agent_id, issue_number: task.issue_number }]
        : [],
    ),
  }),
  examples: [
    {
      input: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: {
              id: 'a',
              title: 'Write the parser',
              status: 'Ready',
              depends_on: [],
              agent_id: 'dev-1',
              reviewer_id: 'rev-1',
              issue_number: 7,
              pr_number: null,
              started_at: null,
              completed_at: null,
              status_changed_at: null,
              review_cycles: 0,
              intervention_count: 0,
              action_seq: 0,
            },
          },
          processed_events: [],
        },
      },
      output: {
        ready_tasks: [{ task_id: 'a', title: 'Write the parser', agent_id: 'dev-1', issue_number: 7 }],
      },
    },
  ],
});
