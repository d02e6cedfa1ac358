// busy_tick_output (CALORON §1): the stateful tick's result when another tick holds the
// sprint's lock — "sprint busy", not an error: nothing performed, nothing written, and
// whether the sprint is complete or stuck in the state the other tick started from. Same
// shape as save_tick_state's output so the scheduler's webhook and the demo read one type.
import { defineStage } from '../../engine/stage/index.js';
import type { BusyTickOutputInput, BusyTickOutputOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { sprintCompletion } from '../dag/completion.js';

export const busyTickOutput = defineStage<BusyTickOutputInput, BusyTickOutputOutput>({
  name: 'busy_tick_output',
  description: "The tick's result when another tick holds the sprint: nothing done, nothing written.",
  ...stageSchemas('busy_tick_output'),
  effects: ['Pure'],
  run: (input) => {
    const { complete, stuck } = sprintCompletion(input.state);
    return { busy: true, actions_taken: [], errors: [], persisted_path: input.state_path, complete, stuck };
  },
  examples: [
    {
      input: {
        state_path: '/var/lib/caloron/kv/s1.json',
        state: { sprint_id: 's1', tasks: {}, processed_events: [] },
      },
      output: {
        busy: true,
        actions_taken: [],
        errors: [],
        persisted_path: '/var/lib/caloron/kv/s1.json',
        complete: false,
        stuck: true,
      },
    },
  ],
});
