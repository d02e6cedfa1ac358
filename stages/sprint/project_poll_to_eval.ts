// project_poll_to_eval (CALORON §5): the tick's scope → dag_evaluate's input. The state is
// the one loaded at the start of the tick; the events are the poll's; the escalations are
// the supervisor's decisions of this tick, for dag_evaluate to apply.
import { defineStage } from '../../engine/stage/index.js';
import type { ProjectPollToEvalInput, ProjectPollToEvalOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

export const projectPollToEval = defineStage<ProjectPollToEvalInput, ProjectPollToEvalOutput>({
  name: 'project_poll_to_eval',
  description: "Shapes the tick's state, polled events and supervisor escalations into dag_evaluate's input.",
  ...stageSchemas('project_poll_to_eval'),
  effects: ['Pure'],
  run: (input) => ({
    state: input.state,
    events: input.poll.events,
    escalations: input.supervisor.escalations,
    now: input.now,
    max_review_cycles: input.max_review_cycles,
  }),
  examples: [
    {
      input: {
        state: { sprint_id: 's1', tasks: {}, processed_events: [] },
        poll: {
          events: [
            { id: 'pr-7-merged', type: 'pr_merged', created_at: '2026-01-01T10:00:00Z', pr_number: 7 },
          ],
          polled_at: '2026-01-01T10:01:00Z',
          since: '2026-01-01T09:59:00Z',
          seen: ['pr-7-merged'],
        },
        supervisor: { escalations: [{ task_id: 'a', agent_id: 'dev-1', reason: 'developer dev-1 stalled' }] },
        now: '2026-01-01T10:01:00Z',
        max_review_cycles: 3,
      },
      output: {
        state: { sprint_id: 's1', tasks: {}, processed_events: [] },
        events: [{ id: 'pr-7-merged', type: 'pr_merged', created_at: '2026-01-01T10:00:00Z', pr_number: 7 }],
        escalations: [{ task_id: 'a', agent_id: 'dev-1', reason: 'developer dev-1 stalled' }],
        now: '2026-01-01T10:01:00Z',
        max_review_cycles: 3,
      },
    },
  ],
});
