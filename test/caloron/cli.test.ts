// The `caloron` executable as a real process: --help and --version, and a usage error for
// an unknown command (each command has its own suite).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repo } from '../cli/in-process.js';

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', `${repo}caloron/cli/main.ts`, ...args], {
    cwd: repo,
  });

describe('caloron', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { version: string };
    expect((await run('--version')).stdout).toBe(`${version}\n`);
  });

  it('prints its usage with --help', async () => {
    expect((await run('--help')).stdout).toMatch(/^usage: caloron/);
  });

  it('refuses an unknown command with exit 1', async () => {
    const failure = (await run('frobnicate').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('NOE_USAGE');
  });
});
