// execute_actions (CALORON §2, reference §3.11 and §12.3–§12.4, §12.13 fixed): performs the
// tick's actions, in order, through the one forge client built from {repo, host, token_env}
// and the shell client built from shell_url (token from CALORON_SHELL_TOKEN).
//
// - once: a key found in `<sprint_id>.journal.jsonl` is skipped; a key is appended (fsynced)
//   the moment its action completed, before the next action starts. Steps of one action are
//   journaled too (perform-action.ts), so a retry resumes where the last attempt stopped;
// - never aborted by one failure: a failing forge or shell call (HTTP error, refused
//   connection, timeout) is recorded in `errors` with the action's key and the rest go on;
//   the action is not journaled, so the next tick retries it;
// - but stopped when going on would be unsafe: a journal that cannot be written (acting
//   without remembering repeats effects) or a cancelled run fails the stage.
import { defineStage } from '../../engine/stage/index.js';
import type {
  ActionError,
  ExecuteActionsInput,
  ExecuteActionsOutput,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from '../github/stage-client.js';
import { kvDirectory } from '../sprint/kv-store.js';
import { Journal } from './journal.js';
import { performAction, StepFailed, type ActionTarget } from './perform-action.js';
import { openShellClient } from './shell-client.js';

export const executeActions = defineStage<ExecuteActionsInput, ExecuteActionsOutput>({
  name: 'execute_actions',
  description:
    "Performs the tick's actions on the forge and the shell once each, recording failures for the next tick.",
  ...stageSchemas('execute_actions'),
  effects: ['Network', 'FsRead', 'FsWrite', 'Fallible'],
  run: async (input, ctx) => {
    const taken: string[] = [];
    const errors: ActionError[] = [];
    // Nothing to do touches nothing: no journal read, no client built.
    if (input.actions.length === 0) return { actions_taken: taken, errors };
    const target: ActionTarget = {
      sprint_id: input.sprint_id,
      repo: input.repo,
      forge: stageClient(input, ctx),
      shell: openShellClient(input.shell_url, { env: ctx.env, signal: ctx.signal }),
      journal: await Journal.open(kvDirectory(ctx.env), input.sprint_id),
    };
    for (const action of input.actions) {
      if (target.journal.has(action.key)) continue;
      try {
        await performAction(action, target);
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        // Cancelled (or past the run's deadline): stop, and say so, not "the forge failed".
        if (ctx.signal.aborted) throw error.error;
        errors.push({ key: action.key, message: `${action.type} ${error.message}` });
        ctx.log(`action ${action.key} failed; it is retried on the next tick`, { error: error.message });
        continue;
      }
      await target.journal.append(action.key);
      taken.push(action.key);
    }
    return { actions_taken: taken, errors };
  },
  examples: [
    {
      input: {
        sprint_id: 's1',
        repo: 'acme/widgets',
        host: '',
        token_env: 'GITHUB_TOKEN',
        shell_url: 'http://127.0.0.1:7710',
        actions: [],
      },
      output: { actions_taken: [], errors: [] },
    },
  ],
});
