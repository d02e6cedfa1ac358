// untilInterrupted (engine/cli/interrupt.ts), which `noether-ts run`, `caloron demo`,
// `caloron sprint` and the agent harness wind down through: the first SIGINT or SIGTERM
// aborts the work with NOE_CANCELLED, and a second one during the wind-down is absorbed
// instead of killing the process before it has cleaned up. A real child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const command = fileURLToPath(new URL('../fixtures/interrupt/wind-down.ts', import.meta.url));

describe.each(['SIGINT', 'SIGTERM'] as const)('untilInterrupted, on %s', (signal) => {
  it('aborts the work once and lets it wind down, through a second signal', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('ready\n')) resolve();
      }),
    );
    const exited = new Promise<{ code: number | null; by: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, by) => resolve({ code, by })),
    );
    await ready;
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill(signal);
    expect(await exited).toEqual({ code: 0, by: null });
    expect(stdout).toBe(`ready\nstopping on ${signal}\nwound down: interrupted by ${signal}\n`);
  });
});
