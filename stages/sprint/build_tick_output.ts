// build_tick_output (CALORON §5): the tick's result, handed to save_tick_state — the side
// effects performed and failed, the evaluated state, the supervisor's ladders, the next
// poll cursor (since, seen), and whether the sprint is complete or stuck.
import { defineStage } from '../../engine/stage/index.js';
import type { BuildTickOutputInput, BuildTickOutputOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { sprintCompletion } from '../dag/completion.js';

export const buildTickOutput = defineStage<BuildTickOutputInput, BuildTickOutputOutput>({
  name: 'build_tick_output',
  description:
    "Assembles the tick's result: actions taken, errors, new state, ladders, poll cursor, completion.",
  ...stageSchemas('build_tick_output'),
  effects: ['Pure'],
  run: (input) => {
    // Only these two: stages/dag/completion.ts's sprintCompletion also returns counts.
    const { complete, stuck } = sprintCompletion(input.eval.state);
    return {
      actions_taken: input.execute_result.actions_taken,
      errors: input.execute_result.errors,
      state: input.eval.state,
      interventions: input.supervisor.interventions,
      since: input.poll.since,
      seen: input.poll.seen,
      complete,
      stuck,
    };
  },
  examples: [
    {
      input: {
        execute_result: {
          actions_taken: ['s1:a:mark_done:3'],
          errors: [{ key: 's1:b:spawn_agent:0', message: 'shell /spawn answered 503' }],
        },
        eval: { state: { sprint_id: 's1', tasks: {}, processed_events: ['pr-7-merged'] } },
        poll: {
          events: [],
          polled_at: '2026-01-01T10:01:00Z',
          since: '2026-01-01T09:59:00Z',
          seen: ['pr-7-merged'],
        },
        supervisor: { interventions: {} },
      },
      output: {
        actions_taken: ['s1:a:mark_done:3'],
        errors: [{ key: 's1:b:spawn_agent:0', message: 'shell /spawn answered 503' }],
        state: { sprint_id: 's1', tasks: {}, processed_events: ['pr-7-merged'] },
        interventions: {},
        since: '2026-01-01T09:59:00Z',
        seen: ['pr-7-merged'],
        complete: false,
        stuck: true,
      },
    },
  ],
});
