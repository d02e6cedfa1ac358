// One run of a command stage's program under the engine's limits: input on stdin, stdout
// collected up to a byte cap, only the tail of stderr kept, a deadline and an abort
// signal that stop the whole process group (see process-group.ts). It reports what
// happened; what that means for the stage (output, envelope, error code) is command.ts's
// business.
//
// Whatever the path (success, failure, timeout, abort, overflow), by the time the
// returned promise settles the program has exited and been reaped, and everything still
// in its process group has been sent SIGKILL: a stage leaves no process behind.
import { execa } from 'execa';
import { killGroupRemains, terminateGroup, trackGroup } from './process-group.js';

/** Why the engine stopped the program, when it did. */
export type Stop = 'timeout' | 'cancelled' | 'overflow';

export interface ProcessLimits {
  signal: AbortSignal;
  timeoutMs: number | undefined;
  maxStdoutBytes: number;
  /** Time between SIGTERM and SIGKILL when the engine stops the program. */
  killGraceMs: number;
}

export interface ProcessOutcome {
  stopped: Stop | undefined;
  /** Set when the program exited by itself. */
  exitCode: number | undefined;
  /** Set when a signal ended the program. */
  signal: string | undefined;
  /** Set when the program could not be started at all (ENOENT, EACCES, a missing cwd). */
  startError: Error | undefined;
  stdout: Buffer;
  /** The end of stderr: at most STDERR_TAIL_BYTES and STDERR_TAIL_LINES. */
  stderrTail: string;
}

export const STDERR_TAIL_BYTES = 4096;
export const STDERR_TAIL_LINES = 20;

export async function runProcess(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  stdin: string,
  limits: ProcessLimits,
): Promise<ProcessOutcome> {
  const [file = '', ...args] = argv;
  const subprocess = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    input: stdin,
    detached: true,
    buffer: false,
    reject: false,
    // The group is ours to stop (terminateGroup); execa's own kill reaches the leader only.
    forceKillAfterDelay: false,
  });
  const pid = subprocess.pid;

  let stopped: Stop | undefined;
  let exited = false;
  let termination: { cancel(): void } | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const stop = (why: Stop): void => {
    if (stopped !== undefined || exited || pid === undefined) return;
    stopped = why;
    termination = terminateGroup(pid, limits.killGraceMs);
  };

  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  subprocess.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > limits.maxStdoutBytes) {
      stdout.length = 0;
      stop('overflow');
    } else if (stopped !== 'overflow') stdout.push(chunk);
  });
  const stderr = new TailBuffer(STDERR_TAIL_BYTES);
  subprocess.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  if (pid !== undefined) {
    trackGroup(pid);
    // Once the leader is gone, anything left in its group is an orphan: kill it now, also
    // because an orphan holding stdout open would keep the call waiting.
    subprocess.once('exit', () => {
      exited = true;
      termination?.cancel();
      killGroupRemains(pid);
      // A descendant that left the group (setsid) is out of reach and may hold stdout or
      // stderr open forever: after the grace period the call stops listening to it.
      drainTimer = setTimeout(() => {
        subprocess.stdout.destroy();
        subprocess.stderr.destroy();
      }, limits.killGraceMs);
    });
  }
  const onAbort = (): void => stop('cancelled');
  limits.signal.addEventListener('abort', onAbort, { once: true });
  if (limits.signal.aborted) onAbort();
  const timer =
    limits.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), limits.timeoutMs);

  try {
    const result = await subprocess;
    const startError =
      pid === undefined
        ? result.cause instanceof Error
          ? result.cause
          : new Error(result.message)
        : undefined;
    return {
      stopped,
      exitCode: result.exitCode,
      signal: result.signal,
      startError,
      stdout: Buffer.concat(stdout),
      stderrTail: stderr.tail(STDERR_TAIL_LINES),
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(drainTimer);
    limits.signal.removeEventListener('abort', onAbort);
    if (pid !== undefined) killGroupRemains(pid);
  }
}

/** The last `capacity` bytes of a stream, kept without holding the rest. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    // Compact only when twice over capacity, so a chatty stream costs O(1) per chunk.
    if (this.bytes > 2 * this.capacity) {
      const kept = Buffer.concat(this.chunks).subarray(-this.capacity);
      this.chunks = [kept];
      this.bytes = kept.length;
    }
  }

  /** The text of the last `maxLines` lines within the byte capacity. */
  tail(maxLines: number): string {
    const bytes = Buffer.concat(this.chunks).subarray(-this.capacity);
    // The cut may split a UTF-8 sequence; its replacement character is noise, not content.
    const text = bytes
      .toString('utf8')
      .replace(/^\uFFFD+/, '')
      .trimEnd();
    return text.split('\n').slice(-maxLines).join('\n');
  }
}
