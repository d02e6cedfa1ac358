// Runs a command's work with a signal that SIGINT or SIGTERM aborts, so that an
// interrupted command winds down (stages cancelled, agents and servers stopped, traces and
// state written) instead of dying mid-write. The handlers stay until the work settles: a
// second signal during the wind-down is absorbed rather than falling through to the
// default action, which would kill the process before it has cleaned up.
import { NoetherError } from '../errors.js';

export async function untilInterrupted<T>(
  work: (signal: AbortSignal) => Promise<T>,
  /** Told of the first signal (to say what is being stopped). */
  onInterrupt?: (name: NodeJS.Signals) => void,
): Promise<T> {
  const controller = new AbortController();
  const interrupt = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    onInterrupt?.(name);
    controller.abort(new NoetherError('NOE_CANCELLED', `interrupted by ${name}`));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
