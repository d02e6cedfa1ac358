// What a run leaves behind (ENGINE §5): one JSON file per run, success or failure, at
// `.noether/traces/<execution_id>.json`, written atomically (temp file + rename) so that
// a reader never sees half a trace. Calls are recorded as they start, so a failure
// shows what ran before it, what was cancelled, and what never settled.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isNoetherError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

export const TRACE_FOLDER = join('.noether', 'traces');

export type CallStatus = 'running' | 'ok' | 'error' | 'cancelled' | 'abandoned';

export interface TraceError {
  code: string;
  message: string;
  pointer?: string;
}

export interface TraceLog {
  at_ms: number;
  message: string;
  data?: unknown;
}

export interface TraceCall {
  pointer: string;
  stage: string;
  stage_id?: string;
  /** For a RemoteStage call: where it was sent. */
  url?: string;
  /** The Map element indices on the way to this call, outermost first. */
  item?: number[];
  attempt: number;
  start_ms: number;
  duration_ms?: number;
  /** `off`: not a cacheable stage, or the cache is off. */
  cache: 'hit' | 'miss' | 'off';
  status: CallStatus;
  error?: TraceError;
  /** Content hashes (run/digest.ts; `valueHash` in the library API computes them). */
  input_hash?: string;
  output_hash?: string;
  input?: unknown;
  output?: unknown;
  logs?: TraceLog[];
}

export interface Trace {
  execution_id: string;
  composition_id: string;
  started_at: string;
  duration_ms: number;
  ok: boolean;
  error?: TraceError;
  calls: TraceCall[];
  /** onRunEnd hooks that failed: recorded, never masking the run's result. */
  hook_errors?: TraceError[];
}

/** Collects the calls of one run; `finish` turns it into the trace to write. */
export class TraceRecorder {
  readonly calls: TraceCall[] = [];
  readonly hookErrors: TraceError[] = [];
  readonly #startedAt = new Date();
  readonly #start = performance.now();

  constructor(
    readonly executionId: string,
    readonly compositionId: string,
    readonly values: boolean,
  ) {}

  /** Milliseconds since the run started. */
  now(): number {
    return Math.round((performance.now() - this.#start) * 1000) / 1000;
  }

  /** Records the start of a call: `stage` names it, `id` is the stage id or, for a RemoteStage, the URL. */
  begin(
    pointer: string,
    stage: string,
    id: { stage_id: string } | { url: string },
    item: number[] | undefined,
    attempt: number,
  ): TraceCall {
    // One literal, no spreads: this runs once per stage call.
    const record: TraceCall = {
      pointer,
      stage,
      attempt,
      start_ms: this.now(),
      cache: 'off',
      status: 'running',
    };
    if ('url' in id) record.url = id.url;
    else record.stage_id = id.stage_id;
    if (item !== undefined) record.item = item;
    this.calls.push(record);
    return record;
  }

  end(record: TraceCall, status: CallStatus, error?: unknown): void {
    record.duration_ms = this.now() - record.start_ms;
    record.status = status;
    if (error !== undefined) record.error = traceError(error);
  }

  finish(error: unknown): Trace {
    for (const call of this.calls) if (call.status === 'running') call.status = 'abandoned';
    return {
      execution_id: this.executionId,
      composition_id: this.compositionId,
      started_at: this.#startedAt.toISOString(),
      duration_ms: this.now(),
      ok: error === undefined,
      ...(error === undefined ? {} : { error: traceError(error) }),
      calls: this.calls,
      ...(this.hookErrors.length === 0 ? {} : { hook_errors: this.hookErrors }),
    };
  }
}

export function traceError(error: unknown): TraceError {
  if (isNoetherError(error)) {
    const pointer = error.place.pointer;
    return { code: error.code, message: error.message, ...(pointer === undefined ? {} : { pointer }) };
  }
  return { code: 'NOE_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Writes the trace under `folder` (the project root, or the working directory); returns its path. */
export async function writeTrace(folder: string, trace: Trace): Promise<string> {
  const dir = join(folder, TRACE_FOLDER);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${trace.execution_id}.json`);
  await writeFileAtomic(path, JSON.stringify(trace, null, 1), { durable: false });
  return path;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7-style execution id: 48 bits of Unix milliseconds, then a counter that keeps
 * ids made in the same millisecond by this process in order, then random bits. As
 * fixed-width lowercase hex, ids sort by time as text, so `--last` is the greatest name.
 */
export function newExecutionId(now = Date.now()): string {
  if (now <= lastMs) {
    // Same millisecond (or a clock step back): count on; past 12 bits, borrow the next one.
    if (++sequence > 0x0fff) {
      lastMs++;
      sequence = 0;
    }
    now = lastMs;
  } else {
    lastMs = now;
    sequence = 0;
  }
  const time = now.toString(16).padStart(12, '0');
  const counter = (0x7000 | (sequence & 0x0fff)).toString(16);
  const random = randomBytes(8);
  random[0] = (random[0]! & 0x3f) | 0x80;
  const tail = random.toString('hex');
  return `${time.slice(0, 8)}-${time.slice(8)}-${counter}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}
