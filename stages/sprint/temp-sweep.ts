// The sweep of a sprint's dead temp files (CALORON §1). Every write to the KV directory goes
// through a temp file beside its target, and a process SIGKILLed mid-write leaves that temp
// behind: harmless, but over a long sprint with crashes they pile up. load_tick_state sweeps
// them right after it takes the sprint's tick lock, when it can tell which writers are gone.
//
// What counts as dead, by kind of file (each name is recognised by the module that makes it,
// from the sprint's own paths, so no other sprint's file and no real file can match):
// - `.<sprint>.json.<pid>.<hex>.tmp` (writeFileAtomic of the state): only the lock holder
//   writes the state (kickoff writes it before any tick can run), and we hold the lock now.
//   A temp whose pid is not running on this host is a dead writer's. One older than the lock
//   TTL is dead too, whatever its pid says: its writer's lock has expired (or it was on
//   another host and its pid means nothing here), so if that writer still lives it is a tick
//   that overran and was taken over, whose save must not land anyway.
// - `.<sprint>.agents.json.<pid>.<hex>.tmp`: the shell writes these without the tick lock,
//   for as long as it runs, so only a temp whose pid is not running may go; and only once
//   older than AGENTS_TEMP_GRACE_MS, since the pid of a shell in another PID namespace or
//   on another host sharing the folder says nothing here, while no write lasts that long.
// - the tick lock's temps and claims: see tick-lock.ts's judgeLockLeftover.
//
// Must never: fail the tick (a sweep that cannot list or remove logs it and goes on; a file
// vanishing under it is normal: another tick or the writer removed it), remove a name it
// does not recognise, or follow a link (unlink removes the name only, and cannot remove a
// folder: a folder of such a name fails, and is logged).
import { lstat, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicTempWriter } from '../../engine/fs/atomic.js';
import { processStart } from '../../engine/run/process-facts.js';
import type { StageContext } from '../../engine/stage/index.js';
import type { TickLock } from '../../schemas/generated/types.js';
import { sprintPath } from './kv-store.js';
import { judgeLockLeftover, TICK_LOCK_TTL_MS } from './tick-lock.js';

/** How old a dead pid's agents-file temp must be before it is swept (see above). */
const AGENTS_TEMP_GRACE_MS = 30_000;

/**
 * Removes the dead temp files of `sprintId` from the KV directory, judged at `now` while
 * `lock` (the tick lock of that sprint, just taken) is held; returns the names removed.
 * Never throws: what it cannot do it logs.
 */
export async function sweepSprintTemps(
  kvDir: string,
  sprintId: string,
  lock: TickLock,
  now: Date,
  log: StageContext['log'],
): Promise<string[]> {
  const paths = {
    state: sprintPath(kvDir, sprintId, 'state'),
    agents: sprintPath(kvDir, sprintId, 'agents'),
    lock: sprintPath(kvDir, sprintId, 'lock'),
  };
  const dir = dirname(paths.state);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    log(`could not list ${dir} to sweep the temp files of sprint ${sprintId}: ${(error as Error).message}`);
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const isDead = judge(paths, name, lock);
    if (isDead === undefined) continue;
    const file = join(dir, name);
    try {
      const info = await lstat(file);
      if (!isDead(now.getTime() - info.mtimeMs)) continue;
      await unlink(file);
      removed.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      log(`could not sweep the leftover temp file ${file}: ${(error as Error).message}`, { file });
    }
  }
  if (removed.length > 0)
    log(`swept ${String(removed.length)} leftover temp files of sprint ${sprintId}`, { removed });
  return removed;
}

/** How to tell whether the file `name`, this old, is dead; undefined: not a temp of this sprint. */
function judge(
  paths: { state: string; agents: string; lock: string },
  name: string,
  lock: TickLock,
): ((ageMs: number) => boolean) | undefined {
  const stateWriter = atomicTempWriter(paths.state, name);
  if (stateWriter !== undefined) return (ageMs) => ageMs >= TICK_LOCK_TTL_MS || !isRunning(stateWriter);
  const agentsWriter = atomicTempWriter(paths.agents, name);
  if (agentsWriter !== undefined) return (ageMs) => ageMs >= AGENTS_TEMP_GRACE_MS && !isRunning(agentsWriter);
  return judgeLockLeftover(paths.lock, name, lock);
}

/** A process of that pid runs on this host (a zombie does not count: it writes nothing). */
function isRunning(pid: number): boolean {
  return processStart(pid) !== undefined;
}
