// One run of a plan (ENGINE §5): the run-wide signal (the caller's, and --timeout), the
// walk, then the end of the run in a fixed order: wait (a bounded time) for cancelled
// stages to settle, run the onRunEnd hooks, write the trace. A failure is rethrown with
// the execution id in its details and the trace named in its message.
import { NoetherError } from '../errors.js';
import type { StageCache } from './cache.js';
import type { RunState } from './call.js';
import { execute } from './executor.js';
import type { PlanNode } from './plan.js';
import { abortReason, untilAborted } from './scope.js';
import { newExecutionId, TraceRecorder, traceError, writeTrace, TRACE_FOLDER } from './trace.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Bounds the whole run (NOE_TIMEOUT). */
  timeoutMs?: number;
  /** Validate every stage input and output (default true). */
  validate?: boolean;
  /** Deep-freeze values between stages (default true). */
  freeze?: boolean;
  /** The pure-stage cache to use; undefined runs without one. */
  cache?: StageCache;
  /** A folder backing the cache. */
  cacheDir?: string;
  /** Record stage input and output values in the trace, not only their hashes. */
  traceValues?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where `.noether/traces/` goes; without one, the trace is not written (engine.run always gives one). */
  traceRoot?: string;
  compositionId: string;
  /** How long the end of a failed run waits for cancelled stages to settle (default 2 s). */
  settleMs?: number;
}

export interface ExecuteResult {
  output: unknown;
  executionId: string;
  tracePath: string | undefined;
}

const DEFAULT_SETTLE_MS = 2000;

export async function executePlan(
  plan: PlanNode,
  input: unknown,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const executionId = newExecutionId();
  const trace = new TraceRecorder(executionId, options.compositionId, options.traceValues ?? false);
  const state: RunState = {
    trace,
    validate: options.validate ?? true,
    // On by default, measured (bench/run.ts): ~1.5 µs more per call on tiny values, but a
    // graph carrying a 30-task sprint state runs ~6× cheaper, because the hash and the
    // proofs of frozen subtrees are computed once (digest.ts, proof.ts) instead of at every call.
    freeze: options.freeze ?? true,
    cache: options.cache,
    cacheDir: options.cacheDir,
    env: options.env ?? process.env,
    hooks: [],
    running: 0,
    whenIdle: undefined,
  };
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(abortReason(options.signal!));
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new NoetherError(
                'NOE_TIMEOUT',
                `the run did not finish within its timeout of ${options.timeoutMs} ms`,
                {
                  details: { timeout_ms: options.timeoutMs },
                },
              ),
            ),
          options.timeoutMs,
        );
  let output: unknown;
  let failure: unknown;
  try {
    output = await untilAborted(
      execute(state, plan, input, controller.signal, { item: undefined, attempt: 1 }),
      controller.signal,
    );
  } catch (error) {
    failure = error;
    // Whatever still runs belongs to a run that is over.
    if (!controller.signal.aborted)
      controller.abort(
        new NoetherError('NOE_CANCELLED', 'cancelled because the run failed', { cause: error }),
      );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
  await settled(state, options.settleMs ?? DEFAULT_SETTLE_MS);
  for (const hook of state.hooks) {
    try {
      await hook();
    } catch (error) {
      trace.hookErrors.push(traceError(error));
    }
  }
  let tracePath: string | undefined;
  if (options.traceRoot !== undefined) {
    try {
      tracePath = await writeTrace(options.traceRoot, trace.finish(failure));
    } catch (error) {
      // Every run leaves a trace: one that cannot is a failed run, unless it failed already.
      const unwritten = new NoetherError(
        'NOE_TRACE_WRITE',
        `cannot write the trace of execution ${executionId} under ${options.traceRoot}: ${(error as Error).message}`,
        { details: { execution_id: executionId }, cause: error },
      );
      if (failure === undefined) throw unwritten;
    }
  }
  if (failure !== undefined) throw withExecution(failure, executionId);
  return { output, executionId, tracePath };
}

/** Resolves when no stage call is running, or after `ms`, whichever comes first. */
function settled(state: RunState, ms: number): Promise<void> {
  if (state.running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    state.whenIdle = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** The run's error, carrying the execution id and naming the trace to read. */
function withExecution(error: unknown, executionId: string): NoetherError {
  const where = `trace ${TRACE_FOLDER}/${executionId}.json (noether-ts trace ${executionId})`;
  if (error instanceof NoetherError)
    return new NoetherError(error.code, `${error.message}; ${where}`, {
      place: error.place,
      details: { ...error.details, execution_id: executionId },
      cause: error,
    });
  const message = error instanceof Error ? error.message : String(error);
  return new NoetherError('NOE_INTERNAL', `${message}; ${where}`, {
    details: { execution_id: executionId },
    cause: error,
  });
}
