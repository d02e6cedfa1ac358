// Whether the processes a command stage started are still running, for the tests that
// check that a stage leaves nothing behind, and the fixture stages that start them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCommandStageSpec } from '../../engine/stage/command-spec.js';
import type { Stage } from '../../engine/stage/types.js';

export const fixtures = join(import.meta.dirname, '..', 'fixtures', 'command-stages');

/** The two fixture stages (Python and Node twins) that behave as NOETHER_TEST_MODE says. */
export const modeStages: readonly Stage[] = [
  readCommandStageSpec(join(fixtures, 'py_modes.stage.json')),
  readCommandStageSpec(join(fixtures, 'node_modes.stage.json')),
];

/** The environment a fixture stage runs with: PATH to find its interpreter, and its mode. */
export function modeEnv(mode: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NOETHER_TEST_MODE: mode, ...extra };
}

/**
 * True while `pid` is a live process. kill(pid, 0) also succeeds for a zombie: a process
 * that is dead and waits for its parent to collect its status. A killed grandchild whose
 * parent died first is handed to PID 1 for that, and some container PID 1s never collect,
 * so a zombie (state Z in /proc) counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  // The state follows the command name, which is in parentheses and may contain spaces.
  const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '')[0];
  return state !== 'Z';
}

/** Polls until `check` holds; fails with `what` if it does not within `limitMs`. */
export async function eventually(what: string, check: () => boolean, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pids a fixture stage in mode hang/orphan wrote, once it has written them. */
export async function recordedPids(pidFile: string): Promise<{ leader: number; grandchild: number }> {
  await eventually(`the stage to write ${pidFile}`, () => existsSync(pidFile));
  return JSON.parse(readFileSync(pidFile, 'utf8')) as { leader: number; grandchild: number };
}

/** Waits until neither process runs (SIGKILL is delivered asynchronously). */
export async function expectGone(pids: { leader: number; grandchild: number }): Promise<void> {
  await eventually(
    `processes ${pids.leader} and ${pids.grandchild} to be gone`,
    () => !isRunning(pids.leader) && !isRunning(pids.grandchild),
  );
}
