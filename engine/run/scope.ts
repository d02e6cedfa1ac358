// Cancellation and concurrency for the executor (ENGINE §2, §5). Every concurrent op
// (Parallel, Fanout, Merge, Let, Map) runs its children under a child AbortSignal: the
// first child to fail aborts the others and its error, not the cancellations it caused,
// is what the op reports. The abort reason is always a NoetherError (NOE_CANCELLED or
// NOE_TIMEOUT), so whoever observes an aborted signal can report why.
import { isNoetherError, NoetherError } from '../errors.js';

/** Why a signal was aborted, as the error the cancelled work reports. */
export function abortReason(signal: AbortSignal): NoetherError {
  const reason: unknown = signal.reason;
  if (isNoetherError(reason)) return reason;
  return new NoetherError('NOE_CANCELLED', 'the run was cancelled by its caller', { cause: reason });
}

/** A child controller aborted with its parent's reason; `release` unhooks it from the parent. */
export function childScope(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => undefined };
  }
  const forward = () => controller.abort(parent.reason);
  parent.addEventListener('abort', forward, { once: true });
  return { controller, release: () => parent.removeEventListener('abort', forward) };
}

/** The reason siblings are aborted with when one of them fails. */
function siblingFailed(error: unknown): NoetherError {
  const code = isNoetherError(error) ? ` (${error.code})` : '';
  return new NoetherError('NOE_CANCELLED', `cancelled because a sibling failed${code}`, { cause: error });
}

/**
 * Runs `count` tasks concurrently, at most `limit` at a time, starting them in index
 * order, and resolves with their results in index order. The first failure aborts the
 * others and rejects at once with that failure.
 */
export function allOrAbort<T>(
  count: number,
  signal: AbortSignal,
  task: (index: number, signal: AbortSignal) => Promise<T>,
  limit = count,
): Promise<T[]> {
  if (count === 0) return Promise.resolve([]);
  const { controller, release } = childScope(signal);
  const results = new Array<T>(count);
  return new Promise<T[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      release();
      controller.abort(siblingFailed(error));
      // Passed on exactly as the child rejected: the op reports its child's failure.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(error);
    };
    const start = (): void => {
      const index = next++;
      let promise: Promise<T>;
      try {
        promise = task(index, controller.signal);
      } catch (error) {
        fail(error);
        return;
      }
      promise.then((value) => {
        if (failed) return;
        results[index] = value;
        if (++done === count) {
          release();
          resolve(results);
        } else if (next < count) start();
      }, fail);
    };
    for (let i = 0; i < Math.min(limit, count) && !failed; i++) start();
  });
}

/** Rejects with the signal's reason as soon as it is aborted, whatever `promise` does. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // Passed on exactly as the promise rejected.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

/** A child scope that aborts itself with `error()` after `ms` milliseconds. */
export function deadline(
  parent: AbortSignal,
  ms: number,
  error: () => NoetherError,
): { signal: AbortSignal; release: () => void } {
  const { controller, release } = childScope(parent);
  const timer = setTimeout(() => controller.abort(error()), ms);
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      release();
    },
  };
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it is aborted first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
