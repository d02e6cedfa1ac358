// dag_evaluate: the only writer of task status (CALORON §2). Pure: the clock comes in as
// `now`, the state comes back as a new value, and an event already processed (its id is
// in state.processed_events) changes nothing and emits nothing. The table itself is
// transitions.ts.
import { defineStage } from '../../engine/stage/index.js';
import type { DagEvaluateInput, DagEvaluateOutput, Task } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { evaluateDag } from './transitions.js';

const NOW = '2026-11-22T10:00:00Z';
const base = {
  title: 'T',
  agent_id: 'dev-1',
  reviewer_id: 'rev-1',
  pr_number: null,
  started_at: null,
  completed_at: null,
  status_changed_at: null,
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 0,
} as const;
const a: Task = {
  ...base,
  id: 'a',
  status: 'InReview',
  depends_on: [],
  issue_number: 1,
  pr_number: 10,
  started_at: '2026-11-22T09:00:00Z',
  status_changed_at: '2026-11-22T09:30:00Z',
  action_seq: 2,
};
const b: Task = { ...base, id: 'b', status: 'Pending', depends_on: ['a'], issue_number: 2 };

export const dagEvaluate = defineStage<DagEvaluateInput, DagEvaluateOutput>({
  name: 'dag_evaluate',
  description:
    'Applies forge events and supervisor escalations to a sprint DAG and returns the new state and the actions to perform.',
  ...stageSchemas('dag_evaluate'),
  effects: ['Pure', 'Fallible'],
  run: evaluateDag,
  examples: [
    {
      // A merge finishes a and unblocks b, which starts in the same call.
      input: {
        state: { sprint_id: 's1', tasks: { a, b }, processed_events: [] },
        events: [
          { id: 'pr-merged-10', type: 'pr_merged', created_at: '2026-11-22T09:59:00Z', pr_number: 10 },
        ],
        escalations: [],
        now: NOW,
        max_review_cycles: 3,
      },
      output: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: { ...a, status: 'Done', completed_at: NOW, status_changed_at: NOW, action_seq: 3 },
            b: { ...b, status: 'InProgress', started_at: NOW, status_changed_at: NOW, action_seq: 1 },
          },
          processed_events: ['pr-merged-10'],
        },
        actions: [
          { key: 's1:a:mark_done:2', type: 'mark_done', task_id: 'a', issue_number: 1, pr_number: 10 },
          {
            key: 's1:b:spawn_agent:0',
            type: 'spawn_agent',
            task_id: 'b',
            agent_id: 'dev-1',
            role: 'developer',
            issue_number: 2,
            pr_number: null,
          },
        ],
      },
    },
    {
      // A review asks for changes: back to the developer with the review, one cycle more.
      input: {
        state: { sprint_id: 's1', tasks: { a }, processed_events: ['pr-merged-9'] },
        events: [
          {
            id: 'review-5',
            type: 'pr_review_submitted',
            created_at: '2026-11-22T09:58:00Z',
            pr_number: 10,
            review_id: 5,
            review_state: 'changes_requested',
            body: 'Handle the empty input.',
          },
        ],
        escalations: [],
        now: NOW,
        max_review_cycles: 3,
      },
      output: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: { ...a, status: 'InProgress', review_cycles: 1, status_changed_at: NOW, action_seq: 3 },
          },
          processed_events: ['pr-merged-9', 'review-5'],
        },
        actions: [
          {
            key: 's1:a:notify_agent:2',
            type: 'notify_agent',
            task_id: 'a',
            agent_id: 'dev-1',
            issue_number: 1,
            pr_number: 10,
            message: 'Changes were requested on pull request #10 (review 5):\n\nHandle the empty input.',
          },
        ],
      },
    },
  ],
});
