// `noether-ts run` interrupted (ENGINE §5): SIGINT or SIGTERM cancels the run like a
// failing branch would. The command stage's process group is killed, the trace is
// written, and the command exits 3 with NOE_CANCELLED. Real processes throughout.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGone, fixtures, modeEnv, recordedPids } from '../run/command-liveness.js';
import { tempProject } from '../temp-project.js';
import { noetherArgv } from './cli-process.js';

describe.each(['SIGINT', 'SIGTERM'] as const)('noether-ts run interrupted by %s', (signal) => {
  it('kills the running command stage, writes the trace and exits 3 with NOE_CANCELLED', async () => {
    const root = tempProject({
      'noether.config.json': JSON.stringify({ stages: [fixtures] }),
      'slow.json': JSON.stringify({
        description: 'One command stage that hangs until it is killed.',
        version: '1',
        root: { op: 'Stage', id: 'py_modes' },
      }),
    });
    const pidFile = join(root, 'pids.json');
    const child = spawn(
      process.execPath,
      noetherArgv('run', 'slow.json', '--input', JSON.stringify({ pid_file: pidFile })),
      {
        cwd: root,
        env: { ...process.env, ...modeEnv('hang') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pids = await recordedPids(pidFile);
    child.kill(signal);
    expect(await exited).toBe(3);
    expect(stderr).toContain('NOE_CANCELLED');
    expect(stderr).toContain(`interrupted by ${signal}`);
    await expectGone(pids);
    expect(readdirSync(join(root, '.noether', 'traces'))).toHaveLength(1);
  });
});
