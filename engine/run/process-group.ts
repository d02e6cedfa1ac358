// The process groups of running command stages. Each command stage is spawned detached,
// which makes it the leader of a new process group whose id is its pid; everything it
// starts (a shell's children, a worker pool, a forgotten `sleep &`) inherits that group,
// so one kill(-pgid) reaches all of it where killing the pid alone would orphan the rest.
//
// The one thing this cannot reach is a descendant that leaves the group on purpose
// (setsid, a daemon's double fork): only a cgroup or a PID namespace contains those.
//
// Detached children are not killed with their parent, so groups still alive when this
// Node process exits are SIGKILLed from its 'exit' handler. A process killed by a signal
// it does not handle (a plain SIGINT or SIGTERM to Node) runs no handler: the host that
// wants cleanup then must handle the signal and abort its runs.

const live = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to every process of the group; false when the group is already empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // ESRCH: nothing left in the group. EPERM: what is left is not ours to signal.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

/** Remembers a group so that it is killed if this process exits while it runs. */
export function trackGroup(pgid: number): void {
  live.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of live) signalGroup(group, 'SIGKILL');
    });
  }
}

/** SIGKILLs whatever is left of a group whose leader has exited, and forgets it. */
export function killGroupRemains(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
  live.delete(pgid);
}

/**
 * Stops a group: SIGTERM to all of it, then SIGKILL after `graceMs` unless `cancel` is
 * called first (the leader exited: killGroupRemains takes over from there).
 */
export function terminateGroup(pgid: number, graceMs: number): { cancel(): void } {
  signalGroup(pgid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
  return { cancel: () => clearTimeout(timer) };
}
