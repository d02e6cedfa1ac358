// load_sprint_outcome (CALORON §5 retro.json): where a sprint stands, for its retro — the
// persisted state and supervisor ladders, the span the KPIs measure, and the task issues
// whose comments hold the agents' feedback. It reads the state without the tick lock: the
// retro writes nothing back, and the state file is only ever replaced whole (atomic rename).
import { defineStage } from '../../engine/stage/index.js';
import type { LoadSprintOutcomeInput, LoadSprintOutcomeOutput, Task } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { sprintCompletion } from '../dag/completion.js';
import { kvDirectory, readTickState } from '../sprint/kv-store.js';

/** The earliest or latest of some timestamps, compared as instants; undefined for none. */
function extreme(stamps: readonly string[], pick: 'first' | 'last'): string | undefined {
  let best: string | undefined;
  for (const stamp of stamps) {
    if (best === undefined) best = stamp;
    else if (pick === 'first' ? Date.parse(stamp) < Date.parse(best) : Date.parse(stamp) > Date.parse(best))
      best = stamp;
  }
  return best;
}

export const loadSprintOutcome = defineStage<LoadSprintOutcomeInput, LoadSprintOutcomeOutput>({
  name: 'load_sprint_outcome',
  description: "Reads a sprint's persisted state for its retro: state, ladders, span and task issues.",
  ...stageSchemas('load_sprint_outcome'),
  effects: ['FsRead', 'NonDeterministic', 'Fallible'],
  run: (input, ctx) => {
    const { state, interventions } = readTickState(kvDirectory(ctx.env), input.sprint_id);
    const tasks = Object.values(state.tasks).filter((task): task is Task => task !== undefined);
    const now = new Date().toISOString();
    const started = extreme(
      tasks.flatMap((task) => (task.started_at === null ? [] : [task.started_at])),
      'first',
    );
    const completed = extreme(
      tasks.flatMap((task) => (task.completed_at === null ? [] : [task.completed_at])),
      'last',
    );
    const startedAt = started ?? now;
    const endedAt = sprintCompletion(state).complete && completed !== undefined ? completed : now;
    return {
      sprint_id: input.sprint_id,
      repo: input.repo,
      host: input.host,
      token_env: input.token_env,
      state,
      interventions,
      started_at: startedAt,
      // A clock that steps back must not make the span negative.
      ended_at: Date.parse(endedAt) < Date.parse(startedAt) ? startedAt : endedAt,
      issue_numbers: [
        ...new Set(tasks.flatMap((task) => (task.issue_number === null ? [] : [task.issue_number]))),
      ],
    };
  },
});
