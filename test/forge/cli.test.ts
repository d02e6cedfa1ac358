// `caloron forge` as a real process: prints its URL on the first line, serves the API
// with the token it was given, and exits 0 on SIGTERM.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';
import { call, field } from './forge-harness.js';

const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const caloron = (...args: string[]) =>
  execa(process.execPath, ['--import', tsx, join(repo, 'caloron/cli/main.ts'), ...args], { reject: false });

function firstLine(child: ReturnType<typeof caloron>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
    child.once('exit', () => reject(new Error(`exited before printing its URL: ${text}`)));
  });
}

describe('caloron forge', () => {
  it('prints its URL first, serves with the token, and exits 0 on SIGTERM', async () => {
    const dir = tempProject({}, 'forge-cli-');
    const child = caloron('forge', '--port', '0', '--dir', dir, '--token', 't0k');
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await call(url, 'POST', '/user/repos', { name: 'demo' }, { authorization: 'token t0k' });
    expect(field(created, 'clone_url')).toBe(join(dir, 'git/caloron/demo.git'));
    expect((await call(url, 'GET', '/repos/caloron/demo')).status).toBe(401);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('refuses to start without --dir, with NOE_USAGE and exit 1', async () => {
    const result = await caloron('forge', '--port', '0');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('NOE_USAGE');
  });
});
