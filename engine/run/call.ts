// One stage call (ENGINE §2 Stage and RemoteStage, §5): config merged over an object
// input, the input validated, the pure-stage cache asked, the stage run with its
// context (and its own timeout), the output validated, hashed and cached, and all of it
// recorded in the trace. This is the executor's hot path: it does lookups, never
// compilation, and hashes each value once (digest.ts: the trace hash is also the cache key's).
import { isNoetherError, NoetherError } from '../errors.js';
import { deepFreeze, isJsonObject } from '../json/value.js';
import type { StageContext } from '../stage/types.js';
import { enforce, runtimeType } from './boundary.js';
import { cacheKey, type StageCache } from './cache.js';
import { runCommandStage } from './command.js';
import { digest } from './digest.js';
import type { RemotePlan, StagePlan } from './plan.js';
import { callRemoteStage } from './remote.js';
import { abortReason, deadline, untilAborted } from './scope.js';
import type { TraceCall, TraceRecorder } from './trace.js';

/** What every call of one run shares. */
export interface RunState {
  readonly trace: TraceRecorder;
  readonly validate: boolean;
  /** Deep-freeze every value handed to a stage and every stage output. */
  readonly freeze: boolean;
  readonly cache: StageCache | undefined;
  readonly cacheDir: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly hooks: Array<() => void | Promise<void>>;
  /** Stage calls started and not settled yet (a cancelled stage may outlive its branch). */
  running: number;
  whenIdle: (() => void) | undefined;
}

/** Where a call sits: the Map elements above it, and its attempt under the nearest Retry. */
export interface Site {
  item: number[] | undefined;
  attempt: number;
}

export async function callStage(
  state: RunState,
  plan: StagePlan,
  input: unknown,
  signal: AbortSignal,
  site: Site,
): Promise<unknown> {
  if (signal.aborted) throw abortReason(signal);
  const { stage, pointer } = plan;
  const label = `stage "${stage.name}"`;
  let value = input;
  if (plan.config !== undefined) {
    if (!isJsonObject(input))
      throw runtimeType(pointer, `${label} has config, merged over an object input`, input);
    value = { ...input, ...plan.config };
  }
  if (state.freeze) deepFreeze(value);
  const record = state.trace.begin(pointer, stage.name, { stage_id: stage.id }, site.item, site.attempt);
  try {
    if (state.validate) enforce(plan.input, value, 'input', label, pointer, state.freeze);
    const inputHash = hashInput(state, record, value);
    const key = plan.cacheable && state.cache !== undefined ? cacheKey(stage.id, inputHash) : undefined;
    if (key !== undefined) {
      const accept = state.validate ? plan.output.validate : undefined;
      const hit = await state.cache!.get(key, state.cacheDir, accept);
      if (hit !== undefined) {
        record.cache = 'hit';
        record.output_hash = hit.hash;
        if (state.trace.values) record.output = hit.value;
        state.trace.end(record, 'ok');
        return hit.value;
      }
      record.cache = 'miss';
    }
    const output = await invoke(state, plan, value, signal, record);
    // Frozen first: only a value that can no longer change may be proven (proof.ts).
    if (state.freeze) deepFreeze(output);
    if (state.validate) enforce(plan.output, output, 'output', label, pointer, state.freeze);
    const size = hashOutput(state, record, output, label, pointer);
    if (key !== undefined) await keep(state, key, output, size, record);
    state.trace.end(record, 'ok');
    return output;
  } catch (error) {
    throw failed(state, record, error, signal, label, pointer);
  }
}

export async function callRemote(
  state: RunState,
  plan: RemotePlan,
  input: unknown,
  signal: AbortSignal,
  site: Site,
): Promise<unknown> {
  if (signal.aborted) throw abortReason(signal);
  const { node, pointer } = plan;
  const label = `RemoteStage ${node.url}`;
  if (state.freeze) deepFreeze(input);
  const record = state.trace.begin(pointer, 'RemoteStage', { url: node.url }, site.item, site.attempt);
  try {
    if (state.validate) enforce(plan.input, input, 'input', label, pointer, state.freeze);
    hashInput(state, record, input);
    // The node's timeout_ms is callRemoteStage's to apply (it names the timeout it hit).
    const output = await untilAborted(track(state, callRemoteStage(node, input, { signal })), signal);
    if (state.freeze) deepFreeze(output);
    if (state.validate) enforce(plan.output, output, 'output', label, pointer, state.freeze);
    hashOutput(state, record, output, label, pointer);
    state.trace.end(record, 'ok');
    return output;
  } catch (error) {
    throw failed(state, record, error, signal, label, pointer, signal);
  }
}

function hashInput(state: RunState, record: TraceCall, value: unknown): string {
  const hash = digest(value).hash;
  record.input_hash = hash;
  if (state.trace.values) record.input = value;
  return hash;
}

/** The output's JCS length; a value JSON cannot carry (undefined, NaN, a function) breaks the contract. */
function hashOutput(
  state: RunState,
  record: TraceCall,
  output: unknown,
  label: string,
  pointer: string,
): number {
  let size: number;
  try {
    ({ size, hash: record.output_hash } = digest(output));
  } catch (cause) {
    throw new NoetherError(
      'NOE_STAGE_OUTPUT_VIOLATION',
      `the output of ${label} at ${pointer} is not a JSON value: ${(cause as Error).message}`,
      { place: { pointer }, details: { stage: label, node: pointer, value_pointer: '' }, cause },
    );
  }
  if (state.trace.values) record.output = output;
  return size;
}

/** Stores a success; a cache folder that cannot be written costs the cache, never the run. */
async function keep(state: RunState, key: string, output: unknown, size: number, record: TraceCall) {
  try {
    await state.cache!.set(key, output, { hash: record.output_hash!, size }, state.cacheDir);
  } catch (error) {
    (record.logs ??= []).push({
      at_ms: state.trace.now(),
      message: `cache folder not written: ${(error as Error).message}`,
    });
  }
}

/** Runs a built-in (under its own timeout) or a command stage; counts it as running until it settles. */
function invoke(
  state: RunState,
  plan: StagePlan,
  value: unknown,
  signal: AbortSignal,
  record: TraceCall,
): unknown {
  const { stage, pointer } = plan;
  const impl = stage.implementation;
  // A command stage's own timeout_ms is applied by runCommandStage, which kills its process group.
  if (impl.kind === 'command') return track(state, runCommandStage(stage, value, { signal, env: state.env }));
  const limit =
    stage.timeoutMs === undefined
      ? undefined
      : deadline(signal, stage.timeoutMs, () => timedOut(`stage "${stage.name}"`, pointer, stage.timeoutMs!));
  const ctx: StageContext = {
    signal: limit?.signal ?? signal,
    log: (message, data) => {
      const entry = { at_ms: state.trace.now(), message: String(message) };
      (record.logs ??= []).push(data === undefined ? entry : { ...entry, data });
    },
    onRunEnd: (fn) => void state.hooks.push(fn),
    env: state.env,
  };
  let result: unknown;
  try {
    result = impl.run(value, ctx);
  } catch (error) {
    limit?.release();
    throw error;
  }
  if (!isThenable(result)) {
    limit?.release();
    return result;
  }
  const running = track(state, Promise.resolve(result));
  if (limit === undefined) return running;
  const bounded = untilAborted(running, limit.signal);
  bounded.then(limit.release, limit.release);
  return bounded;
}

function track<T>(state: RunState, promise: Promise<T>): Promise<T> {
  state.running++;
  const settled = () => {
    if (--state.running === 0) state.whenIdle?.();
  };
  promise.then(settled, settled);
  return promise;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

function timedOut(label: string, pointer: string, ms: number): NoetherError {
  return new NoetherError(
    'NOE_TIMEOUT',
    `${label} at ${pointer} did not finish within its timeout_ms of ${ms} ms`,
    {
      place: { pointer },
      details: { stage: label, node: pointer, timeout_ms: ms },
    },
  );
}

/**
 * The error a failed call reports, recorded in the trace: the abort reason when the call
 * was cancelled or timed out (whatever the stage threw on seeing it), a stage's own
 * NoetherError with its code, anything else as NOE_STAGE_FAILED naming stage and node.
 */
function failed(
  state: RunState,
  record: TraceCall,
  error: unknown,
  callSignal: AbortSignal,
  label: string,
  pointer: string,
  outer: AbortSignal = callSignal,
): NoetherError {
  let failure: NoetherError;
  if (callSignal.aborted) failure = abortReason(callSignal);
  else if (isNoetherError(error))
    failure =
      error.place.pointer !== undefined
        ? error
        : new NoetherError(error.code, `${label} at ${pointer}: ${error.message}`, {
            place: { ...error.place, pointer },
            details: { stage: label, node: pointer, ...error.details },
            cause: error,
          });
  else {
    const message = error instanceof Error ? error.message : String(error);
    failure = new NoetherError('NOE_STAGE_FAILED', `${label} at ${pointer} failed: ${message}`, {
      place: { pointer },
      details: { stage: label, node: pointer, message },
      cause: error,
    });
  }
  state.trace.end(record, outer.aborted ? 'cancelled' : 'error', failure);
  return failure;
}
