// Runs a command stage (ENGINE §1): the input as JSON on stdin, the output on stdout.
// The executor calls only runCommandStage; command-process.ts runs the program under the
// limits, process-group.ts makes sure nothing it started outlives the call.
//
// What stdout means. It is read as strict UTF-8 JSON (one value, whitespace around it
// allowed, duplicate keys refused, as every JSON the engine reads). It is an envelope
// when it is an object whose own keys are exactly {"ok","output"} or exactly
// {"ok","error"} and whose "ok" is a boolean:
//   {"ok":true,"output":V}               → the output is V;
//   {"ok":false,"error":{"code","message"}} → the stage failed (NOE_COMMAND_FAILED, its
//                                             code and message in details);
//   {"ok":true,"error":…} / {"ok":false,"output":…} → contradictory: NOE_COMMAND_OUTPUT.
// Any other value is the output itself, so a stage whose real output is shaped like an
// envelope must wrap it in one.
//
// Exit status. A non-zero exit (or death by a signal) is NOE_COMMAND_FAILED with the tail
// of stderr, whatever stdout says, except that an ok:false envelope on stdout is the
// better explanation and is reported as the failure (with the exit status beside it).
// Limits: more than maxOutputBytes on stdout is NOE_COMMAND_OUTPUT; the deadline
// (options.timeoutMs, else the stage's timeout_ms) is NOE_TIMEOUT; the caller's abort
// is NOE_CANCELLED (NOE_TIMEOUT when its reason is a TimeoutError). Each of these kills
// the whole process group first.
import { NoetherError, type ErrorCode } from '../errors.js';
import { parseJsonDocument } from '../json/parse.js';
import { decodeJsonText } from '../json/text.js';
import { isJsonObject } from '../json/value.js';
import type { Stage } from '../stage/types.js';
import { abortCode } from './abort-code.js';
import { runProcess, type ProcessOutcome } from './command-process.js';
import { formatReported, reportedError, snippet } from './reported-error.js';

export interface CommandCallOptions {
  signal: AbortSignal;
  /** The stage's timeout_ms, or the executor's per-call limit. */
  timeoutMs?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Bytes of stdout past which the call fails and the program is killed (default 16 MiB). */
  maxOutputBytes?: number;
  /** How long a program being stopped gets between SIGTERM and SIGKILL (default 1000 ms). */
  killGraceMs?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 1000;

export async function runCommandStage(
  stage: Stage,
  input: unknown,
  options: CommandCallOptions,
): Promise<unknown> {
  const { implementation } = stage;
  if (implementation.kind !== 'command')
    throw new NoetherError('NOE_INTERNAL', `stage "${stage.name}" is not a command stage`);
  const fail = (code: ErrorCode, message: string, extra: FailureExtra = {}): NoetherError =>
    new NoetherError(code, `command stage "${stage.name}" ${message}`, {
      place: { file: implementation.specFile },
      details: { stage: stage.name, ...extra.details },
      cause: extra.cause,
    });

  const { signal } = options;
  if (signal.aborted) throw abortError(signal, fail);
  const stdin = JSON.stringify(input) as string | undefined;
  if (stdin === undefined) throw fail('NOE_INTERNAL', 'was given an input that is not JSON');
  const timeoutMs = options.timeoutMs ?? stage.timeoutMs;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  const outcome = await runProcess(implementation.command, implementation.cwd, options.env, stdin, {
    signal,
    timeoutMs,
    maxStdoutBytes: maxOutputBytes,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
  });

  if (outcome.startError !== undefined) {
    const errno = (outcome.startError as NodeJS.ErrnoException).code;
    const program = implementation.command[0] ?? '';
    throw fail('NOE_COMMAND_FAILED', `could not start ${JSON.stringify(program)}: ${startReason(errno)}`, {
      details: { command: implementation.command, cwd: implementation.cwd, errno },
      cause: outcome.startError,
    });
  }
  switch (outcome.stopped) {
    case 'timeout':
      throw fail('NOE_TIMEOUT', `timed out after ${timeoutMs} ms; its process group was killed`, {
        details: { timeoutMs },
      });
    case 'cancelled':
      throw abortError(signal, fail);
    case 'overflow':
      throw fail(
        'NOE_COMMAND_OUTPUT',
        `printed more than ${maxOutputBytes} bytes on stdout; its process group was killed`,
        { details: { maxOutputBytes } },
      );
    case undefined:
      break;
  }

  const reply = readStdout(outcome.stdout);
  const exited = outcome.exitCode === 0 && outcome.signal === undefined;
  if (reply.kind === 'error') {
    const { code, message } = reply;
    throw fail('NOE_COMMAND_FAILED', `failed: ${formatReported(reply)}`, {
      details: { code, message, ...(exited ? {} : exitDetails(outcome)) },
    });
  }
  if (!exited) {
    const status =
      outcome.signal === undefined
        ? `exited with code ${outcome.exitCode}`
        : `was killed by ${outcome.signal}`;
    const tail =
      outcome.stderrTail === '' ? '; stderr was empty' : `; stderr ends with:\n${outcome.stderrTail}`;
    throw fail('NOE_COMMAND_FAILED', `${status}${tail}`, { details: exitDetails(outcome) });
  }
  switch (reply.kind) {
    case 'output':
      return reply.output;
    case 'empty':
      throw fail('NOE_COMMAND_OUTPUT', 'printed nothing on stdout; it must print its output as JSON');
    case 'invalid':
      throw fail('NOE_COMMAND_OUTPUT', `printed invalid JSON on stdout (${reply.why}): ${reply.snippet}`, {
        details: { snippet: reply.snippet },
        cause: reply.cause,
      });
    case 'contradictory':
      throw fail(
        'NOE_COMMAND_OUTPUT',
        'printed a contradictory envelope: use {"ok":true,"output":…} or {"ok":false,"error":{"code","message"}}',
      );
  }
}

interface FailureExtra {
  details?: Record<string, unknown>;
  cause?: unknown;
}

type Reply =
  | { kind: 'output'; output: unknown }
  | { kind: 'error'; code: string | undefined; message: string }
  | { kind: 'empty' }
  | { kind: 'invalid'; why: string; snippet: string; cause: unknown }
  | { kind: 'contradictory' };

function readStdout(bytes: Buffer): Reply {
  let value: unknown;
  try {
    const text = decodeJsonText(bytes, 'stdout');
    if (text.trim() === '') return { kind: 'empty' };
    value = parseJsonDocument(text, 'stdout').value;
  } catch (error) {
    if (!(error instanceof NoetherError)) throw error;
    return { kind: 'invalid', why: error.message, snippet: snippet(bytes.toString('utf8')), cause: error };
  }
  if (!isJsonObject(value) || typeof value.ok !== 'boolean') return { kind: 'output', output: value };
  const keys = Object.keys(value);
  const member = keys.length === 2 ? keys.find((key) => key !== 'ok') : undefined;
  if (member !== 'output' && member !== 'error') return { kind: 'output', output: value };
  if (value.ok !== (member === 'output')) return { kind: 'contradictory' };
  return value.ok
    ? { kind: 'output', output: value.output }
    : { kind: 'error', ...reportedError(value.error) };
}

function exitDetails(outcome: ProcessOutcome): Record<string, unknown> {
  return { exitCode: outcome.exitCode, signal: outcome.signal, stderrTail: outcome.stderrTail };
}

function abortError(
  signal: AbortSignal,
  fail: (code: ErrorCode, message: string, extra?: FailureExtra) => NoetherError,
): NoetherError {
  const code = abortCode(signal);
  const why = code === 'NOE_TIMEOUT' ? "ran past the caller's deadline" : 'was cancelled';
  return fail(code, `${why}; its process group was killed`, { cause: signal.reason });
}

function startReason(errno: string | undefined): string {
  if (errno === 'ENOENT') return 'no such program on the PATH given to the stage, or its folder is gone';
  if (errno === 'EACCES') return 'permission denied (is the file executable?)';
  return errno ?? 'unknown error';
}
