import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectPo } from '../../../stages/phases/index.js';
import { askProvider, providerConfig } from '../../../stages/phases/llm-provider.js';
import { tempProject } from '../../temp-project.js';
import { callStage } from '../call-stage.js';
import { eventually, isRunning } from '../../run/command-liveness.js';
import { providerEnv, recordingLog } from './fake-provider.js';

const brief = { goal: 'Build a NoteStore' };
const never = new AbortController().signal;

interface Pids {
  pid: number;
  child: number;
}

async function pidsWhenWritten(file: string): Promise<Pids> {
  // The file is written in one call; a read racing the write can still see it empty.
  await eventually(
    `the provider to write ${file}`,
    () => existsSync(file) && readFileSync(file, 'utf8') !== '',
  );
  return JSON.parse(readFileSync(file, 'utf8')) as Pids;
}

describe('providerConfig', () => {
  it('reads the argv and the timeout from the environment it is given', () => {
    expect(
      providerConfig({ CALORON_LLM_COMMAND: '["llm-here", "run"]', CALORON_LLM_TIMEOUT_MS: '5000' }),
    ).toEqual({
      ok: true,
      config: { argv: ['llm-here', 'run'], timeoutMs: 5000 },
    });
  });

  it('waits two minutes by default', () => {
    expect(providerConfig({ CALORON_LLM_COMMAND: '["x"]' })).toMatchObject({
      config: { timeoutMs: 120_000 },
    });
  });

  it('has no provider when the command is unset or blank', () => {
    expect(providerConfig({})).toMatchObject({ ok: false, reason: /not set/ });
    expect(providerConfig({ CALORON_LLM_COMMAND: '  ' })).toMatchObject({ ok: false, reason: /not set/ });
  });

  it('refuses a command that is not a JSON array of strings, saying what it wants', () => {
    for (const command of ['llm-here run', '[]', '["llm", 3]', '[""]', '{"argv":["x"]}'])
      expect(providerConfig({ CALORON_LLM_COMMAND: command })).toMatchObject({
        ok: false,
        reason: /CALORON_LLM_COMMAND must be a JSON array of non-empty strings/,
      });
  });

  it('refuses a timeout that is not a positive whole number', () => {
    for (const timeout of ['0', '-5', '1.5', 'soon'])
      expect(providerConfig({ CALORON_LLM_COMMAND: '["x"]', CALORON_LLM_TIMEOUT_MS: timeout })).toMatchObject(
        {
          ok: false,
          reason: /CALORON_LLM_TIMEOUT_MS must be a positive whole number/,
        },
      );
  });

  it('ignores process.env: only the environment handed to the stage counts', () => {
    process.env.CALORON_LLM_COMMAND = '["node", "-e", "process.exit(9)"]';
    try {
      expect(providerConfig({})).toMatchObject({ ok: false });
    } finally {
      delete process.env.CALORON_LLM_COMMAND;
    }
  });
});

describe('askProvider', () => {
  it('says a provider that cannot start could not start', async () => {
    const env = { PATH: process.env.PATH ?? '', CALORON_LLM_COMMAND: '["/nonexistent/llm-provider"]' };
    expect(await askProvider('hi', { env, signal: never })).toMatchObject({
      ok: false,
      reason: /could not start: ENOENT/,
    });
  });

  it('puts the environment in the environment and never in argv', async () => {
    const record = join(tempProject(), 'record.json');
    const env = providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record, FAKE_API_TOKEN: 'tok-s3cret-42' });
    await askProvider('the prompt', { env, signal: never });
    const seen = JSON.parse(readFileSync(record, 'utf8')) as { argv: string[]; env: Record<string, string> };
    expect(seen.env.FAKE_API_TOKEN).toBe('tok-s3cret-42');
    expect(seen.argv.join(' ')).not.toContain('tok-s3cret-42');
    expect(seen.argv.slice(1)).toEqual([expect.stringMatching(/recorder\.mjs$/)]);
  });

  it('gives the provider only the environment handed to the stage', async () => {
    const record = join(tempProject(), 'record.json');
    process.env.PHASES_TEST_LEAK = 'leaked';
    try {
      await askProvider('p', {
        env: providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record }),
        signal: never,
      });
    } finally {
      delete process.env.PHASES_TEST_LEAK;
    }
    const seen = JSON.parse(readFileSync(record, 'utf8')) as { env: Record<string, string> };
    expect(seen.env.PHASES_TEST_LEAK).toBeUndefined();
  });
});

describe('the provider seam of architect_po', () => {
  it('kills the provider and its children on timeout, then falls back', async () => {
    const pidFile = join(tempProject(), 'pids.json');
    const env = providerEnv('sleeper', { FAKE_LLM_PID_FILE: pidFile, CALORON_LLM_TIMEOUT_MS: '2000' });
    const { lines, log } = recordingLog();
    const output = await callStage(architectPo, brief, { env, log });
    expect(output).toEqual(await callStage(architectPo, brief, { env: {} }));
    expect(lines.join('\n')).toMatch(/did not answer within 2000 ms/);
    const { pid, child } = await pidsWhenWritten(pidFile);
    expect(isRunning(pid)).toBe(false);
    await eventually(`provider child ${child} to be gone`, () => !isRunning(child));
  });

  it('kills the provider when the run is aborted, and fails as cancelled', async () => {
    const pidFile = join(tempProject(), 'pids.json');
    const env = providerEnv('sleeper', { FAKE_LLM_PID_FILE: pidFile });
    const controller = new AbortController();
    const call = callStage(architectPo, brief, { env, signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    const { pid, child } = await pidsWhenWritten(pidFile);
    expect(isRunning(pid)).toBe(true);
    controller.abort();
    expect(await call).toMatchObject({ code: 'NOE_CANCELLED' });
    expect(isRunning(pid)).toBe(false);
    await eventually(`provider child ${child} to be gone`, () => !isRunning(child));
  });

  it('does not start the provider when the run is already aborted', async () => {
    const record = join(tempProject(), 'record.json');
    const controller = new AbortController();
    controller.abort();
    const env = providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record });
    const error = await callStage(architectPo, brief, { env, signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'NOE_CANCELLED' });
    expect(existsSync(record)).toBe(false);
  });

  it('falls back when the command is misconfigured, naming the variable', async () => {
    const { lines, log } = recordingLog();
    const output = await callStage(architectPo, brief, { env: { CALORON_LLM_COMMAND: 'llm-here run' }, log });
    expect(output).toMatchObject({ source: 'template' });
    expect(lines.join('\n')).toMatch(/CALORON_LLM_COMMAND must be a JSON array/);
  });
});
