// `caloron shell` as a real process: prints its URL first, refuses to start without a token,
// and exits 0 on SIGTERM.
import { execa } from 'execa';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';

const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const caloronShell = (env: Record<string, string>, ...args: string[]) =>
  execa(process.execPath, ['--import', tsx, join(repo, 'caloron/cli/main.ts'), 'shell', ...args], {
    reject: false,
    env: { PATH: process.env.PATH ?? '', HOME: tempProject({}, 'shell-home-'), ...env },
    extendEnv: false,
  });

function firstLine(child: ReturnType<typeof caloronShell>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
    child.once('exit', () => reject(new Error(`exited before printing its URL: ${text}`)));
  });
}

describe('caloron shell', () => {
  it('prints its URL first, serves with the token from the environment, and exits 0 on SIGTERM', async () => {
    const dir = tempProject({}, 'shell-cli-');
    const child = caloronShell({
      CALORON_SHELL_PORT: '0',
      CALORON_SHELL_TOKEN: 'cli-token',
      CALORON_KV_DIR: join(dir, 'kv'),
      CALORON_WORKTREE_ROOT: join(dir, 'wt'),
    });
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/status?sprint_id=s1`)).status).toBe(401);
    const ok = await fetch(`${url}/status?sprint_id=s1`, { headers: { 'x-caloron-token': 'cli-token' } });
    expect(ok.status).toBe(200);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('refuses to start without a token, with NOE_USAGE and exit 1', async () => {
    const dir = tempProject({}, 'shell-cli-');
    const result = await caloronShell(
      {},
      '--port',
      '0',
      '--kv-dir',
      join(dir, 'kv'),
      '--worktree-root',
      join(dir, 'wt'),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('NOE_USAGE');
    expect(result.stderr).toContain('--insecure-no-token');
    expect(result.stdout).toBe('');
  });

  it('starts without a token only when told --insecure-no-token', async () => {
    const dir = tempProject({}, 'shell-cli-');
    const child = caloronShell(
      {},
      '--port',
      '0',
      '--insecure-no-token',
      '--kv-dir',
      join(dir, 'kv'),
      '--worktree-root',
      join(dir, 'wt'),
    );
    const url = await firstLine(child);
    expect((await fetch(`${url}/status?sprint_id=s1`)).status).toBe(200);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
