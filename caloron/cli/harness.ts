// `caloron harness --config FILE`: one agent run, started by the shell (CALORON §6) in the
// agent's worktree with its output appended to the agent's log. Exit 0 when the final
// heartbeat said done, 1 when it said failed; SIGTERM (the shell's /kill or /restart)
// aborts the work and still sends the final "failed: terminated" beat.
import { parseArgs } from 'node:util';
import { untilInterrupted } from '../../engine/cli/interrupt.js';
import { NoetherError } from '../../engine/errors.js';
import { readHarnessConfig, reportUnusableConfig, runHarness } from '../../shell/harness/index.js';

export const HARNESS_USAGE = `usage: caloron harness --config FILE

Runs one agent (developer or reviewer) as harness.json FILE describes; started by the shell.
Reads the forge token from the variable the config's token_env names and the shell token
from CALORON_SHELL_TOKEN.
`;

export async function harnessCommand(args: string[]): Promise<void> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { config: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    throw new NoetherError('NOE_USAGE', `${(error as Error).message}\n${HARNESS_USAGE}`);
  }
  if (values.help === true) {
    process.stdout.write(HARNESS_USAGE);
    return;
  }
  if (values.config === undefined)
    throw new NoetherError('NOE_USAGE', `caloron harness needs --config\n${HARNESS_USAGE}`);
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  let config;
  try {
    config = readHarnessConfig(values.config);
  } catch (error) {
    await reportUnusableConfig(values.config, error, { env: process.env, log });
    throw error;
  }
  const outcome = await untilInterrupted(
    (signal) => runHarness(config, { env: process.env, signal, log }),
    () => process.stderr.write('harness: terminated by signal\n'),
  );
  process.exitCode = outcome.status === 'done' ? 0 : 1;
}
