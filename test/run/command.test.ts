// The command-stage protocol (ENGINE §1), run for real on a Python and a Node fixture
// stage: JSON on stdin, the output or an envelope on stdout, failures with their codes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import { runCommandStage, type CommandCallOptions } from '../../engine/run/command.js';
import { STDERR_TAIL_BYTES, STDERR_TAIL_LINES } from '../../engine/run/command-process.js';
import { readCommandStageSpec } from '../../engine/stage/command-spec.js';
import type { Stage } from '../../engine/stage/types.js';
import { tempProject } from '../temp-project.js';
import { modeEnv, modeStages } from './command-liveness.js';

function run(stage: Stage, mode: string, input: unknown, options: Partial<CommandCallOptions> = {}) {
  return runCommandStage(stage, input, {
    signal: new AbortController().signal,
    env: modeEnv(mode),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  if (!(error instanceof NoetherError)) throw error;
  return error;
}

describe.each(modeStages.map((stage) => [stage.name, stage] as const))('command stage %s', (_, stage) => {
  it('returns the JSON value it prints, having read its input from stdin', async () => {
    await expect(run(stage, 'plain', { n: 1, s: 'é 🎉' })).resolves.toEqual({ echo: { n: 1, s: 'é 🎉' } });
  });

  it('returns the output of an ok envelope', async () => {
    await expect(run(stage, 'envelope_ok', [1, 2])).resolves.toEqual({ echo: [1, 2] });
  });

  it('fails with the stage own code and message when it prints an ok:false envelope', async () => {
    const error = await failure(run(stage, 'envelope_error', {}));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.message).toContain('[E_NO_LUCK] no luck today');
    expect(error.details).toMatchObject({ stage: stage.name, code: 'E_NO_LUCK', message: 'no luck today' });
    expect(error.place.file).toBe(stage.implementation.kind === 'command' && stage.implementation.specFile);
  });

  it('prefers the envelope error to the bare exit status when both say it failed', async () => {
    const error = await failure(run(stage, 'envelope_error', { exit: 4 }));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.details).toMatchObject({ code: 'E_NO_LUCK', exitCode: 4 });
  });

  it('fails on a non-zero exit with the exit code and the last lines of stderr', async () => {
    const error = await failure(run(stage, 'exit', { lines: 30, code: 3 }));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('line 29');
    const tail = String(error.details?.stderrTail);
    expect(tail.split('\n')).toHaveLength(STDERR_TAIL_LINES);
    expect(tail.split('\n')[0]).toBe(`line ${30 - STDERR_TAIL_LINES}`);
    expect(error.details).toMatchObject({ exitCode: 3 });
  });

  it('keeps a bounded tail of a huge stderr', async () => {
    const error = await failure(run(stage, 'exit', { lines: 20_000, code: 1 }));
    const tail = String(error.details?.stderrTail);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(STDERR_TAIL_BYTES);
    expect(tail.endsWith('line 19999')).toBe(true);
  });

  it('fails when a signal ends it, naming the signal', async () => {
    const error = await failure(run(stage, 'suicide', {}));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.message).toContain('was killed by SIGKILL');
    expect(error.details).toMatchObject({ signal: 'SIGKILL' });
  });

  it('fails with a snippet when stdout is not JSON', async () => {
    const error = await failure(run(stage, 'invalid', {}));
    expect(error.code).toBe('NOE_COMMAND_OUTPUT');
    expect(error.message).toContain('"this is not JSON {"');
    expect(error.message).toMatch(/stdout:1:\d+/);
  });

  it('fails and is killed when stdout passes the size cap', async () => {
    const error = await failure(run(stage, 'big', { bytes: 100_000 }, { maxOutputBytes: 10_000 }));
    expect(error.code).toBe('NOE_COMMAND_OUTPUT');
    expect(error.details).toMatchObject({ maxOutputBytes: 10_000 });
  });

  it('runs a command that exits without reading a large stdin', async () => {
    await expect(run(stage, 'ignore_stdin', { pad: 'x'.repeat(1 << 20) })).resolves.toBe(42);
  });

  it('sees the environment it is given and nothing else of the engine', async () => {
    process.env.NOETHER_TEST_LEAK = 'leaked';
    try {
      const seen = await run(
        stage,
        'env',
        { names: ['GIVEN', 'NOETHER_TEST_LEAK'] },
        {
          env: modeEnv('env', { GIVEN: 'yes' }),
        },
      );
      expect(seen).toEqual({ GIVEN: 'yes', NOETHER_TEST_LEAK: null });
    } finally {
      delete process.env.NOETHER_TEST_LEAK;
    }
  });
});

describe('what a command stage stdout means', () => {
  const [python] = modeStages;
  const printing = (stdout: string | Buffer) =>
    run(python!, 'print', { hex: Buffer.from(stdout).toString('hex') });

  it.each([
    ['an object with "ok" alone', '{"ok":true}', { ok: true }],
    [
      'an object with a member besides ok and output',
      '{"ok":true,"output":1,"extra":2}',
      { ok: true, output: 1, extra: 2 },
    ],
    ['an object whose "ok" is not a boolean', '{"ok":"yes","output":1}', { ok: 'yes', output: 1 }],
    ['a value surrounded by whitespace', '  \n 7 \n', 7],
    ['an envelope of null', '{"ok":true,"output":null}', null],
  ])('takes %s as the output value', async (_, stdout, output) => {
    await expect(printing(stdout)).resolves.toEqual(output);
  });

  it.each([['{"ok":true,"error":{"code":"E","message":"m"}}'], ['{"ok":false,"output":1}']])(
    'refuses the contradictory envelope %s',
    async (stdout) => {
      const error = await failure(printing(stdout));
      expect(error.code).toBe('NOE_COMMAND_OUTPUT');
      expect(error.message).toContain('contradictory envelope');
    },
  );

  it('takes a bare string error as the message of an ok:false envelope', async () => {
    const error = await failure(printing('{"ok":false,"error":"plain words"}'));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.details).toMatchObject({ code: undefined, message: 'plain words' });
  });

  it.each([
    ['nothing', '', 'printed nothing'],
    ['two values', '1 2', 'invalid JSON'],
    ['a duplicate key', '{"a":1,"a":2}', 'duplicate'],
    ['bytes that are not UTF-8', Buffer.from([0x22, 0xff, 0x22]), 'UTF-8'],
  ])('fails with NOE_COMMAND_OUTPUT on %s', async (_, stdout, words) => {
    const error = await failure(printing(stdout));
    expect(error.code).toBe('NOE_COMMAND_OUTPUT');
    expect(error.message).toContain(words);
  });
});

describe('a command stage that cannot start', () => {
  it('fails with NOE_COMMAND_FAILED naming the program', async () => {
    const folder = tempProject({
      'ghost.stage.json': JSON.stringify({
        name: 'ghost',
        description: 'Names a program that does not exist.',
        input: true,
        output: true,
        effects: ['Process'],
        implementation: { command: ['no-such-program-for-noether'] },
      }),
    });
    const ghost = readCommandStageSpec(join(folder, 'ghost.stage.json'));
    const error = await failure(run(ghost, 'plain', {}));
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.message).toContain('could not start "no-such-program-for-noether"');
    expect(error.details).toMatchObject({ errno: 'ENOENT' });
  });
});

describe('command stage output cap', () => {
  it('defaults to 16 MiB', async () => {
    const [, node] = modeStages;
    await expect(run(node!, 'big', { bytes: 15 * 1024 * 1024 })).resolves.toMatchObject({});
    const error = await failure(run(node!, 'big', { bytes: 16 * 1024 * 1024 }));
    expect(error.code).toBe('NOE_COMMAND_OUTPUT');
    expect(error.details).toMatchObject({ maxOutputBytes: 16 * 1024 * 1024 });
  });
});
