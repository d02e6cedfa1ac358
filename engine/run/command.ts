// Runs a command stage (ENGINE §1): JSON on stdin, the output value or an envelope on
// stdout. Owned by the command-stage work of issue [2/6]; the executor calls only this.
import { NoetherError } from '../errors.js';
import type { Stage } from '../stage/types.js';

export interface CommandCallOptions {
  signal: AbortSignal;
  /** The stage's timeout_ms, or the executor's per-call limit. */
  timeoutMs?: number;
  env: Readonly<Record<string, string | undefined>>;
}

export function runCommandStage(stage: Stage, input: unknown, options: CommandCallOptions): Promise<unknown> {
  void input;
  void options;
  return Promise.reject(
    new NoetherError('NOE_INTERNAL', `command stage "${stage.name}": not implemented yet`),
  );
}
