// Cancellation through the whole engine (ENGINE §5: a failing branch cancels its running
// siblings): a Parallel of a slow command stage and a failing one fails with the failing
// stage's error, and nothing the slow stage started is left running.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine, NoetherError } from '../../engine/index.js';
import { tempProject } from '../temp-project.js';
import { expectGone, fixtures, isRunning, modeEnv, modeStages, recordedPids } from './command-liveness.js';

describe.each(modeStages.map((stage) => stage.name))('engine.run with a Parallel of %s', (slow) => {
  it("fails with the failing sibling's error and kills the slow stage's process group", async () => {
    const root = tempProject();
    const engine = await loadEngine({ cwd: root, stages: [fixtures] });
    const graph = {
      description: 'A slow stage beside a failing one.',
      version: '1',
      // Closed, so that neither branch name can be an input key: both branches get the whole input.
      input: {
        type: 'object',
        properties: { pid_file: { type: 'string' } },
        required: ['pid_file'],
        additionalProperties: false,
      },
      root: {
        op: 'Parallel',
        branches: { slow: { op: 'Stage', id: slow }, fail: { op: 'Stage', id: 'fail_after_file' } },
      },
    };
    const pidFile = join(root, 'pids.json');
    const error: unknown = await engine.run(graph, { pid_file: pidFile }, { env: modeEnv('hang') }).then(
      () => new Error('expected the run to fail'),
      (reason: unknown) => reason,
    );
    if (!(error instanceof NoetherError)) throw error;
    expect(error.code).toBe('NOE_COMMAND_FAILED');
    expect(error.details).toMatchObject({ stage: 'fail_after_file', code: 'E_ON_PURPOSE' });
    const pids = await recordedPids(pidFile);
    expect(isRunning(pids.leader)).toBe(false);
    await expectGone(pids);
  });
});
