/**
 * The sprint state the supervisor and tick-projection stages show in their `examples`: one
 * task `a` in progress with developer `dev-1`. Kept in one place so the examples of
 * check_agent_health, decide_intervention and project_all_to_execute describe the same sprint.
 */

import type { DagState } from '../../schemas/generated/types.js';

export const EXAMPLE_STATE: DagState = {
  sprint_id: 's1',
  tasks: {
    a: {
      id: 'a',
      title: 'Add login',
      status: 'InProgress',
      depends_on: [],
      agent_id: 'dev-1',
      reviewer_id: 'rev-1',
      issue_number: 1,
      pr_number: null,
      started_at: '2026-01-01T10:00:00Z',
      completed_at: null,
      status_changed_at: '2026-01-01T10:00:00Z',
      review_cycles: 0,
      intervention_count: 0,
      action_seq: 1,
    },
  },
  processed_events: [],
};
