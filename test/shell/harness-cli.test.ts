// `caloron harness --config FILE` as the real process the shell starts: exit codes, the
// final heartbeat on success, failure and SIGTERM, a log free of tokens; and the parts of
// the contract that do not need a process (heartbeat failures, the git credential helper).
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialEnv, resolveHarnessConfig, runHarness } from '../../shell/harness/index.js';
import type { HarnessConfig } from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { eventually, isRunning } from '../run/command-liveness.js';
import { tempProject } from '../temp-project.js';
import { caloronHarness, ENV, FORGE_TOKEN, harnessWorld, SHELL_TOKEN } from './harness-world.js';

const FAKES = join(repo, 'test/fixtures/frameworks');

function configFile(config: HarnessConfig | Record<string, unknown>): string {
  const file = join(tempProject({}, 'harness-run-'), 'harness.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('caloron harness', () => {
  it('runs a stub developer, ends with a done beat and exit 0, and logs no token', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const result = await caloronHarness(configFile(world.config('developer', worktree)), worktree, ENV);
    expect(result.exitCode).toBe(0);
    expect(world.beats[0]?.body.status).toBe('running');
    expect(world.beats.at(-1)?.body.status).toBe('done');
    expect(await world.client.listPulls({ state: 'open' })).toHaveLength(1);
    const log = `${result.stdout}\n${result.stderr}`;
    expect(log).toContain('harness: done');
    expect(log).not.toContain(FORGE_TOKEN);
    expect(log).not.toContain(SHELL_TOKEN);
  });

  it('exits non-zero with a final failed beat when the framework fails', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const env = { ...ENV, PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`, FAKE_AGENT_EXIT: '2' };
    const config = { ...world.config('developer', worktree), framework: 'claude-code' as const };
    const result = await caloronHarness(configFile(config), worktree, env);
    expect(result.exitCode).toBe(1);
    expect(world.beats.at(-1)?.body).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('exited with code 2') as unknown,
    });
  });

  it('on SIGTERM stops the framework, sends "failed: terminated" and exits non-zero', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const record = join(tempProject({}, 'fake-agent-'), 'calls.jsonl');
    const env = {
      ...ENV,
      PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`,
      FAKE_AGENT_SLEEP_MS: '60000',
      FAKE_AGENT_RECORD: record,
    };
    const child = caloronHarness(
      configFile({ ...world.config('developer', worktree), framework: 'opencode' }),
      worktree,
      env,
    );
    // Wait until the framework runs, then stop the harness as the shell's /kill does.
    await expect
      .poll(() => world.beats.length > 0 && existsSync(record), { timeout: 15000, interval: 50 })
      .toBe(true);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).not.toBe(0);
    expect(world.beats.at(-1)?.body).toMatchObject({ status: 'failed', detail: 'terminated' });
    expect(await world.remoteRefs()).not.toContain('caloron/s1/t1');
    const { pid } = JSON.parse(readFileSync(record, 'utf8')) as { pid: number };
    // The framework was stopped with it (isRunning: a killed orphan left a zombie counts as gone).
    await eventually(`the framework ${pid} to be gone`, () => !isRunning(pid));
  });

  it('refuses a config that breaks the schema, naming the field, with exit 1', async () => {
    const result = await caloronHarness(configFile({ sprint_id: 's1', role: 'boss' }), tempProject(), ENV);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/NOE_USAGE: .*harness\.json: \/ must have required property/);
  });

  it('still tells the shell, with a failed beat, why a config it can read enough of is unusable', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const config = { ...world.config('developer', worktree), framework: 'copilot' };
    const result = await caloronHarness(configFile(config), worktree, ENV);
    expect(result.exitCode).toBe(1);
    expect(world.beats.map((beat) => beat.body.status)).toEqual(['failed']);
    expect(world.beats[0]?.body.detail).toMatch(
      /^NOE_USAGE: .*\/framework must be equal to one of the allowed values/,
    );
  });
});

describe('heartbeats', () => {
  it('beat every interval while the framework runs', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const env = { ...ENV, PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`, FAKE_AGENT_SLEEP_MS: '600' };
    const config = resolveHarnessConfig({
      ...world.config('developer', worktree),
      framework: 'aider',
      heartbeat_interval_ms: 50,
    });
    await runHarness(config, { env, signal: new AbortController().signal, log: () => undefined });
    expect(world.beats.filter((beat) => beat.body.status === 'running').length).toBeGreaterThanOrEqual(3);
  });

  it('go one at a time to a slow shell, the final one last', async () => {
    const world = await harnessWorld('s1', 't1', { answerDelayMs: 120 });
    const worktree = await world.worktree('developer');
    const env = { ...ENV, PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`, FAKE_AGENT_SLEEP_MS: '400' };
    const config = resolveHarnessConfig({
      ...world.config('developer', worktree),
      framework: 'aider',
      heartbeat_interval_ms: 20,
    });
    await runHarness(config, { env, signal: new AbortController().signal, log: () => undefined });
    expect(world.receiver.maxConcurrent).toBe(1);
    expect(world.beats.map((beat) => beat.body.status).indexOf('done')).toBe(world.beats.length - 1);
  });

  it('that fail are logged and never fail the run', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const lines: string[] = [];
    const config = resolveHarnessConfig({
      ...world.config('developer', worktree),
      shell_url: 'http://127.0.0.1:9',
    });
    const outcome = await runHarness(config, {
      env: ENV,
      signal: new AbortController().signal,
      log: (line) => lines.push(line),
    });
    expect(outcome.status).toBe('done');
    expect(lines.some((line) => line.startsWith('heartbeat done: '))).toBe(true);
  });

  it('that the shell refuses (wrong token) are logged and never fail the run', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const lines: string[] = [];
    const env = { ...ENV, CALORON_SHELL_TOKEN: 'wrong' };
    const config = resolveHarnessConfig(world.config('developer', worktree));
    const outcome = await runHarness(config, {
      env,
      signal: new AbortController().signal,
      log: (line) => lines.push(line),
    });
    expect(outcome.status).toBe('done');
    expect(lines).toContain('heartbeat done: the shell answered 401');
  });
});

describe('the git credential helper for https remotes', () => {
  it('hands git the token from the environment, with the token in no argument', async () => {
    const env = { PATH: process.env.PATH, HOME: tempProject(), GH_TOKEN: 'ghp-secret' };
    const helper = credentialEnv('https://github.com/o/r.git', 'GH_TOKEN', env);
    expect(JSON.stringify(helper)).not.toContain('ghp-secret');
    const filled = await execa('git', ['credential', 'fill'], {
      input: 'protocol=https\nhost=github.com\npath=o/r.git\n\n',
      env: { ...env, ...helper, GIT_TERMINAL_PROMPT: '0' },
      extendEnv: false,
    });
    expect(filled.stdout).toContain('username=x-access-token');
    expect(filled.stdout).toContain('password=ghp-secret');
  });

  it('is not used for a path remote or without a token', () => {
    expect(credentialEnv('/srv/git/o/r.git', 'GH_TOKEN', { GH_TOKEN: 'x' })).toEqual({});
    expect(credentialEnv('https://github.com/o/r.git', 'GH_TOKEN', {})).toEqual({});
  });
});
