// save_tick_state (CALORON §1): the last stage of the stateful tick. It persists what the
// tick leaves behind (state, interventions, poll cursor and seen ids) through the one writer
// of the format, atomically and durably, and reports the tick's outcome.
import { defineStage } from '../../engine/stage/index.js';
import type { SaveTickStateInput, SaveTickStateOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { kvDirectory, writeTickState } from './kv-store.js';

export const saveTickState = defineStage<SaveTickStateInput, SaveTickStateOutput>({
  name: 'save_tick_state',
  description: "Persists the tick's resulting sprint state atomically and reports the tick's outcome.",
  ...stageSchemas('save_tick_state'),
  effects: ['FsWrite', 'Fallible'],
  run: async (input, ctx) => {
    const { tick_result: result } = input;
    const persistedPath = await writeTickState(kvDirectory(ctx.env), input.sprint_id, {
      schema_version: 1,
      state: result.state,
      interventions: result.interventions,
      since: result.since,
      seen: result.seen,
    });
    return {
      busy: false,
      actions_taken: result.actions_taken,
      errors: result.errors,
      persisted_path: persistedPath,
      complete: result.complete,
      stuck: result.stuck,
    };
  },
});
