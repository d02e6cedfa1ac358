// A real shell on 127.0.0.1 port 0 serving a real local forge repository, with the fake
// harness (fake-harness.mjs) as its harness command, plus the small waits and calls the shell
// tests share. Every shell and agent is closed (killed) after the file's tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { startShell, type RunningShell, type ShellOptions } from '../../shell/index.js';
import { ENV, forgeRepo, type ForgeRepo } from '../stages/github/local-forge.js';
import { tempProject } from '../temp-project.js';

export const TOKEN = 'shell-test-token';
export const FAKE_HARNESS = fileURLToPath(new URL('./fake-harness.mjs', import.meta.url));

export interface ShellFixture {
  shell: RunningShell;
  repo: ForgeRepo;
  kvDir: string;
  worktreeRoot: string;
  call(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null): Promise<Reply>;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const shells: RunningShell[] = [];
afterAll(async () => {
  await Promise.all(shells.splice(0).map((shell) => shell.close()));
});

export async function shellFixture(options: Partial<ShellOptions> = {}): Promise<ShellFixture> {
  const repo = await forgeRepo();
  const kvDir = tempProject({}, 'caloron-kv-');
  const worktreeRoot = tempProject({}, 'caloron-wt-');
  const shell = await startShell({
    port: 0,
    token: TOKEN,
    kvDir,
    worktreeRoot,
    forge: { host: repo.config.host, token_env: repo.config.token_env },
    harnessCommand: [process.execPath, FAKE_HARNESS],
    env: { ...process.env, ...ENV },
    heartbeatIntervalMs: 200,
    killGraceMs: 1_000,
    ...options,
  });
  shells.push(shell);
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers['x-caloron-token'] = token;
    const response = await fetch(`${shell.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { shell, repo, kvDir, worktreeRoot, call };
}

/** Polls `probe` until it returns a value other than undefined (the test's own timeout bounds it). */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(25);
  }
}

/** What a fake harness process wrote about itself: its pid, its grandchild's, argv, env, cwd. */
export interface HarnessFacts {
  pid: number;
  grandchild: number;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export function harnessFacts(
  worktreeRoot: string,
  sprintId: string,
  agentId: string,
  pid: number,
): HarnessFacts | undefined {
  const dir = join(worktreeRoot, '.runs', sprintId, agentId);
  if (!readdirSync(dir).includes(`facts-${pid}.json`)) return undefined;
  return JSON.parse(readFileSync(join(dir, `facts-${pid}.json`), 'utf8')) as HarnessFacts;
}
