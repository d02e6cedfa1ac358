// A command stage leaves no process behind (ENGINE §1: a timeout kills the process
// group): the fixture stages start a long-sleeping grandchild and record both pids, and
// after a timeout, an abort or a normal exit neither is running. The tests mostly wait,
// so they run concurrently; the deadlines leave a loaded machine time to start Python.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import { runCommandStage } from '../../engine/run/command.js';
import { tempProject } from '../temp-project.js';
import { expectGone, fixtures, isRunning, modeEnv, modeStages, recordedPids } from './command-liveness.js';

const DEADLINE_MS = 3000;

function pidFile(): string {
  return join(tempProject(), 'pids.json');
}

async function rejection(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (reason: unknown) => reason,
  );
  if (error instanceof NoetherError) return error;
  throw error;
}

describe.concurrent.each(modeStages.map((stage) => [stage.name, stage] as const))(
  'command stage %s',
  (_, stage) => {
    it('times out with NOE_TIMEOUT and kills its whole process group', async ({ expect }) => {
      const file = pidFile();
      const call = runCommandStage(
        stage,
        { pid_file: file },
        {
          signal: new AbortController().signal,
          env: modeEnv('hang'),
          timeoutMs: DEADLINE_MS,
        },
      );
      const error = await rejection(call);
      expect(error.code).toBe('NOE_TIMEOUT');
      expect(error.details).toMatchObject({ timeoutMs: DEADLINE_MS });
      const pids = await recordedPids(file);
      expect(isRunning(pids.leader)).toBe(false);
      await expectGone(pids);
    });

    it("falls back to the stage's own timeout_ms", async ({ expect }) => {
      const file = pidFile();
      const quick: typeof stage = { ...stage, timeoutMs: DEADLINE_MS };
      const error = await rejection(
        runCommandStage(
          quick,
          { pid_file: file },
          { signal: new AbortController().signal, env: modeEnv('hang') },
        ),
      );
      expect(error.code).toBe('NOE_TIMEOUT');
      await expectGone(await recordedPids(file));
    });

    it('is cancelled with NOE_CANCELLED by its signal, and its process group is killed', async ({
      expect,
    }) => {
      const file = pidFile();
      const controller = new AbortController();
      const call = rejection(
        runCommandStage(stage, { pid_file: file }, { signal: controller.signal, env: modeEnv('hang') }),
      );
      const pids = await recordedPids(file);
      expect(isRunning(pids.grandchild)).toBe(true);
      controller.abort();
      const error = await call;
      expect(error.code).toBe('NOE_CANCELLED');
      expect(isRunning(pids.leader)).toBe(false);
      await expectGone(pids);
    });

    it('kills a stage that ignores SIGTERM once the grace period is over', async ({ expect }) => {
      const file = pidFile();
      const controller = new AbortController();
      const call = rejection(
        runCommandStage(
          stage,
          { pid_file: file, ignore_term: true },
          {
            signal: controller.signal,
            env: modeEnv('hang'),
            killGraceMs: 200,
          },
        ),
      );
      const pids = await recordedPids(file);
      controller.abort();
      expect((await call).code).toBe('NOE_CANCELLED');
      expect(isRunning(pids.leader)).toBe(false);
      await expectGone(pids);
    });

    it('kills a program that never stops printing once it passes the output cap', async ({ expect }) => {
      const call = runCommandStage(
        stage,
        {},
        {
          signal: new AbortController().signal,
          env: modeEnv('flood'),
          maxOutputBytes: 1 << 20,
        },
      );
      const error = await rejection(call);
      expect(error.code).toBe('NOE_COMMAND_OUTPUT');
    });

    it('kills what it left running when it exits, without waiting for it', async ({ expect }) => {
      const file = pidFile();
      const output = await runCommandStage(
        stage,
        { pid_file: file },
        {
          signal: new AbortController().signal,
          env: modeEnv('orphan'),
        },
      );
      expect(output).toEqual({ done: true });
      await expectGone(await recordedPids(file));
    });

    it('does not wait for a descendant that left its process group and holds stdout', async ({ expect }) => {
      const file = pidFile();
      const call = runCommandStage(
        stage,
        { pid_file: file },
        {
          signal: new AbortController().signal,
          env: modeEnv('escape'),
          killGraceMs: 200,
        },
      );
      try {
        await expect(call).resolves.toEqual({ done: true });
      } finally {
        // Out of the group's reach (a known limit, see process-group.ts): the test cleans up.
        process.kill((await recordedPids(file)).grandchild, 'SIGKILL');
      }
    });
  },
);

describe.concurrent('the host process exiting', () => {
  it('takes the process groups of running command stages with it', async ({ expect }) => {
    const file = pidFile();
    const host = join(fixtures, 'host-exits.ts');
    await execa(process.execPath, ['--import', 'tsx', host, file], { cwd: process.cwd() });
    const pids = await recordedPids(file);
    expect(pids.leader).toBeGreaterThan(0);
    await expectGone(pids);
  });
});

describe.concurrent('command stage cancellation', () => {
  it('does not start when its signal is already aborted', async ({ expect }) => {
    const [stage] = modeStages;
    const file = pidFile();
    const error = await rejection(
      runCommandStage(stage!, { pid_file: file }, { signal: AbortSignal.abort(), env: modeEnv('hang') }),
    );
    expect(error.code).toBe('NOE_CANCELLED');
  });

  it("reports the caller's deadline as NOE_TIMEOUT", async ({ expect }) => {
    const [, stage] = modeStages;
    const file = pidFile();
    const error = await rejection(
      runCommandStage(
        stage!,
        { pid_file: file },
        { signal: AbortSignal.timeout(DEADLINE_MS), env: modeEnv('hang') },
      ),
    );
    expect(error.code).toBe('NOE_TIMEOUT');
    await expectGone(await recordedPids(file));
  });
});
