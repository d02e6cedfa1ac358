// The framework registry: each agent CLI is run with its documented non-interactive argv,
// in the worktree, without any token in argv or environment — checked with fake executables
// (test/fixtures/frameworks/<cli>) on PATH that record how they were called.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAMEWORK_NAMES, verdictOf } from '../../shell/frameworks/index.js';
import { resolveHarnessConfig, runHarness } from '../../shell/harness/index.js';
import type { HarnessConfig } from '../../schemas/generated/types.js';
import { domainSchema } from '../../schemas/index.js';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';
import { ENV, FORGE_TOKEN, harnessWorld, SHELL_TOKEN, type World } from './harness-world.js';

const FAKES = join(repo, 'test/fixtures/frameworks');
// A PATH with git but none of the agent CLIs.
const GIT_ONLY = dirname(execFileSync('sh', ['-c', 'command -v git']).toString().trim());

interface Call {
  name: string;
  pid?: number;
  argv: string[];
  cwd: string;
  tokens: string[];
}

async function runWith(
  world: World,
  role: 'developer' | 'reviewer',
  framework: NonNullable<HarnessConfig['framework']>,
  fake: Record<string, string> = {},
) {
  const record = join(tempProject({}, 'fake-agent-'), 'calls.jsonl');
  const worktree = await world.worktree(role);
  const env = { ...ENV, PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`, FAKE_AGENT_RECORD: record, ...fake };
  const config = resolveHarnessConfig({
    ...world.config(role, worktree),
    framework,
    framework_timeout_ms: 5000,
  });
  const outcome = await runHarness(config, {
    env,
    signal: new AbortController().signal,
    log: () => undefined,
  });
  const calls = existsSync(record)
    ? readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const { pid: _pid, ...call } = JSON.parse(line) as Call;
          return call;
        })
    : [];
  return { outcome, calls, worktree };
}

const PROMPT_ARG = expect.stringContaining('# Issue #1: Add a greeting') as unknown as string;

const DEVELOPER_ARGV: Record<string, { name: string; argv: string[] }> = {
  'claude-code': {
    name: 'claude',
    argv: ['-p', PROMPT_ARG, '--output-format', 'text', '--permission-mode', 'acceptEdits'],
  },
  'gemini-cli': { name: 'gemini', argv: ['-p', PROMPT_ARG, '--approval-mode', 'yolo'] },
  'codex-cli': {
    name: 'codex',
    argv: ['exec', '--sandbox', 'workspace-write', '--skip-git-repo-check', PROMPT_ARG],
  },
  opencode: { name: 'opencode', argv: ['run', PROMPT_ARG] },
  aider: { name: 'aider', argv: ['--message', PROMPT_ARG, '--yes', '--no-auto-commits'] },
  'cursor-cli': { name: 'cursor-agent', argv: ['-p', PROMPT_ARG, '--output-format', 'text', '--force'] },
};

describe('the framework registry', () => {
  it('has the stub and the six agent CLIs', () => {
    expect([...FRAMEWORK_NAMES].sort()).toEqual(
      ['aider', 'claude-code', 'codex-cli', 'cursor-cli', 'gemini-cli', 'opencode', 'stub'].sort(),
    );
  });

  it('names exactly the frameworks harness.json may ask for', () => {
    const schema = domainSchema('harness-config') as { properties: { framework: { enum: string[] } } };
    expect([...FRAMEWORK_NAMES].sort()).toEqual([...schema.properties.framework.enum].sort());
  });

  for (const [framework, expected] of Object.entries(DEVELOPER_ARGV)) {
    it(`${framework}: runs ${expected.name} in the worktree with its non-interactive argv and no token`, async () => {
      const world = await harnessWorld();
      const { outcome, calls, worktree } = await runWith(world, 'developer', framework as 'opencode');
      expect(outcome).toMatchObject({ status: 'done' });
      expect(calls).toEqual([{ ...expected, cwd: worktree, tokens: [] }]);
      const argv = calls[0]?.argv.join('\n') ?? '';
      expect(argv).toContain('Write the greeting.');
      expect(argv).not.toContain(FORGE_TOKEN);
      expect(argv).not.toContain(SHELL_TOKEN);
      expect(await world.client.listPulls({ state: 'open' })).toHaveLength(1);
    });
  }

  it('a CLI reviewer runs read-only and submits the verdict its output ends with', async () => {
    const world = await harnessWorld();
    await runWith(world, 'developer', 'codex-cli');
    const { outcome, calls } = await runWith(world, 'reviewer', 'codex-cli', {
      FAKE_AGENT_VERDICT: 'REQUEST_CHANGES',
    });
    expect(outcome).toMatchObject({ status: 'done' });
    expect(calls[0]?.argv.slice(0, 3)).toEqual(['exec', '--sandbox', 'read-only']);
    const [pull] = await world.client.listPulls({ state: 'open' });
    const reviews = await world.client.listReviews(pull?.number ?? 0);
    expect(reviews.map((review) => review.state)).toEqual(['CHANGES_REQUESTED']);
    expect(reviews[0]?.body).toContain('codex: done');
  });

  it('a CLI reviewer without a verdict line fails and submits no review', async () => {
    const world = await harnessWorld();
    await runWith(world, 'developer', 'claude-code');
    const { outcome } = await runWith(world, 'reviewer', 'claude-code', { FAKE_AGENT_VERDICT: 'no opinion' });
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/gave no verdict/);
    const [pull] = await world.client.listPulls({ state: 'open' });
    expect(await world.client.listReviews(pull?.number ?? 0)).toEqual([]);
  });

  it('a framework that exits non-zero fails the run, naming the exit code, and pushes nothing', async () => {
    const world = await harnessWorld();
    const { outcome } = await runWith(world, 'developer', 'gemini-cli', { FAKE_AGENT_EXIT: '3' });
    expect(outcome).toEqual({
      status: 'failed',
      detail: expect.stringMatching(/gemini-cli \(gemini\) exited with code 3/) as unknown,
    });
    expect(await world.remoteRefs()).not.toContain('caloron/s1/t1');
    expect(world.beats.at(-1)?.body).toMatchObject({ status: 'failed' });
  });

  it('a framework that changed nothing fails the run with a clear detail', async () => {
    const world = await harnessWorld();
    const { outcome } = await runWith(world, 'developer', 'opencode', { FAKE_AGENT_WRITE: '0' });
    expect(outcome).toEqual({
      status: 'failed',
      detail: 'NOE_COMMAND_FAILED: framework opencode changed nothing in the worktree',
    });
    expect(await world.client.listPulls({ state: 'all' })).toEqual([]);
  });

  it('a framework that outlives its timeout is stopped and the run fails', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const env = { ...ENV, PATH: `${FAKES}${delimiter}${ENV.PATH ?? ''}`, FAKE_AGENT_SLEEP_MS: '20000' };
    const config = resolveHarnessConfig({
      ...world.config('developer', worktree),
      framework: 'aider',
      framework_timeout_ms: 300,
    });
    const outcome = await runHarness(config, {
      env,
      signal: new AbortController().signal,
      log: () => undefined,
    });
    expect(outcome).toEqual({
      status: 'failed',
      detail: expect.stringMatching(/^NOE_TIMEOUT: .*timed out after 300 ms/) as unknown,
    });
  });

  it('a missing CLI fails the run saying it could not be run', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    const config = resolveHarnessConfig({ ...world.config('developer', worktree), framework: 'cursor-cli' });
    const outcome = await runHarness(config, {
      env: { ...ENV, PATH: GIT_ONLY },
      signal: new AbortController().signal,
      log: () => undefined,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/cursor-cli \(cursor-agent\) could not run/);
  });
});

describe('verdictOf', () => {
  it('takes the last line that starts with a verdict', () => {
    expect(verdictOf('Answer APPROVE or REQUEST_CHANGES.\nREQUEST_CHANGES\nbecause…\nAPPROVE\n')).toBe(
      'APPROVE',
    );
    expect(verdictOf('**REQUEST_CHANGES** the tests fail')).toBe('REQUEST_CHANGES');
  });

  it('finds none in prose that only mentions one mid-line', () => {
    expect(verdictOf('I would APPROVE this')).toBeNull();
  });
});
