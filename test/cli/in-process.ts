// Runs `noether-ts` in this process (runCli with captured output), from the repository
// root unless told otherwise; the fixture stage library most CLI tests load.
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../engine/cli/index.js';

export const repo = new URL('../../', import.meta.url).pathname;
export const fixtures = join(repo, 'test/fixtures/checker/stages.ts');

export async function cli(argv: string[], options: { cwd?: string; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: options.cwd ?? repo,
    stdin: Readable.from([options.stdin ?? '']),
  });
  return { code, stdout, stderr };
}
