// load_tick_state (CALORON §1): the first stage of the stateful tick. It takes the sprint's
// tick lock before reading the state (so it sees the previous tick's save, which happens
// before that tick's run ends and releases), registers the release for the end of the run,
// and hands the core everything it needs: the configuration it was given, the persisted
// state, the shell's agent records, and `now` (the one clock reading of the tick).
//
// Holding the lock, it also sweeps the temp files that SIGKILLed writers left (temp-sweep.ts).
//
// A lock held by a live tick is not an error: the stage answers `busy: true` with the state
// read read-only, so the composition can end the tick quietly instead of failing every minute.
import { stat } from 'node:fs/promises';
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { LoadTickStateInput, LoadTickStateOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { kvDirectory, readAgents, readTickState, sprintPath } from './kv-store.js';
import { sweepSprintTemps } from './temp-sweep.js';
import { acquireLock, releaseLock } from './tick-lock.js';

export const loadTickState = defineStage<LoadTickStateInput, LoadTickStateOutput>({
  name: 'load_tick_state',
  description:
    "Takes the sprint's tick lock and reads its persisted state, its agents' records and the clock.",
  ...stageSchemas('load_tick_state'),
  effects: ['FsRead', 'FsWrite', 'NonDeterministic', 'Fallible'],
  run: async (input, ctx) => {
    const kvDir = kvDirectory(ctx.env);
    const statePath = sprintPath(kvDir, input.sprint_id, 'state');
    // Checked before the lock is taken, so a sprint that was never kicked off leaves no lock behind.
    const missing = await stat(statePath).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
    );
    if (missing)
      throw new NoetherError(
        'NOE_SPRINT_NOT_FOUND',
        `sprint "${input.sprint_id}" was never kicked off: ${statePath} does not exist`,
        { place: { file: statePath } },
      );
    const now = new Date();
    const lockPath = sprintPath(kvDir, input.sprint_id, 'lock');
    const outcome = await acquireLock(lockPath, now).catch((error: unknown) => {
      throw new NoetherError(
        'NOE_FILE_WRITE',
        `cannot take the tick lock ${lockPath}: ${(error as Error).message}`,
        {
          place: { file: lockPath },
          cause: error,
        },
      );
    });
    if (outcome.acquired) {
      const { lock } = outcome;
      ctx.onRunEnd(async () => {
        await releaseLock(lockPath, lock);
      });
      // Now, holding the lock, it can tell which writers of the sprint's temp files are gone.
      await sweepSprintTemps(kvDir, input.sprint_id, lock, now, (message, data) => ctx.log(message, data));
    } else {
      const holder = outcome.holder;
      ctx.log(
        holder === undefined
          ? `sprint ${input.sprint_id} is busy: ${lockPath} is being taken over by another tick`
          : `sprint ${input.sprint_id} is busy: held by pid ${holder.pid} on ${holder.hostname} until ${holder.expires_at}`,
      );
    }
    const { state, interventions, since, seen } = readTickState(kvDir, input.sprint_id);
    return {
      sprint_id: input.sprint_id,
      repo: input.repo,
      host: input.host,
      token_env: input.token_env,
      shell_url: input.shell_url,
      stall_threshold_m: input.stall_threshold_m,
      max_review_cycles: input.max_review_cycles,
      busy: !outcome.acquired,
      now: now.toISOString(),
      state_path: statePath,
      state,
      interventions,
      since,
      seen,
      agents: readAgents(kvDir, input.sprint_id),
    };
  },
});
