// dag_is_complete: the sprint's completion verdict and counts (the logic is completion.ts,
// shared with build_tick_output).
import { defineStage } from '../../engine/stage/index.js';
import type { DagIsCompleteInput, DagIsCompleteOutput, Task } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { sprintCompletion } from './completion.js';

const task: Omit<Task, 'id' | 'status'> = {
  title: 'T',
  depends_on: [],
  agent_id: 'dev-1',
  reviewer_id: 'rev-1',
  issue_number: 1,
  pr_number: null,
  started_at: null,
  completed_at: null,
  status_changed_at: null,
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 0,
};

export const dagIsComplete = defineStage<DagIsCompleteInput, DagIsCompleteOutput>({
  name: 'dag_is_complete',
  description:
    'Says whether a sprint is complete (every task Done or Cancelled) or stuck (nothing can move without a human), with counts.',
  ...stageSchemas('dag_is_complete'),
  effects: ['Pure'],
  run: (input) => sprintCompletion(input.state),
  examples: [
    {
      input: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: { ...task, id: 'a', status: 'Done' },
            b: { ...task, id: 'b', status: 'Cancelled' },
          },
          processed_events: [],
        },
      },
      output: {
        complete: true,
        stuck: false,
        total: 2,
        done: 1,
        cancelled: 1,
        escalated: 0,
        blocked: 0,
        active: 0,
        pending: 0,
      },
    },
    {
      input: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: { ...task, id: 'a', status: 'Escalated' },
            b: { ...task, id: 'b', status: 'Pending', depends_on: ['a'] },
          },
          processed_events: [],
        },
      },
      output: {
        complete: false,
        stuck: true,
        total: 2,
        done: 0,
        cancelled: 0,
        escalated: 1,
        blocked: 0,
        active: 0,
        pending: 1,
      },
    },
  ],
});
