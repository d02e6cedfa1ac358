// The stage context (ENGINE §5): signal, log into the trace, onRunEnd, env.
import { describe, expect, it } from 'vitest';
import { defineStage } from '../../engine/stage/index.js';
import { run, runFailing, stage } from './harness.js';

/** Registers an onRunEnd hook that records when it ran relative to other stages. */
function withHook(events: string[], hook: () => void | Promise<void> = () => void events.push('hook')) {
  return defineStage({
    name: 'locker',
    description: 'Takes a lock released at the end of the run.',
    input: true,
    output: true,
    effects: ['Fallible'],
    run: (input, ctx) => {
      events.push('lock');
      ctx.onRunEnd(hook);
      return input;
    },
  });
}

function lateStage(events: string[]) {
  return defineStage({
    name: 'late',
    description: 'Finishes after the others.',
    input: true,
    output: true,
    effects: ['Fallible'],
    run: async (input, ctx) => {
      await new Promise((r) => setTimeout(r, 20));
      events.push(ctx.signal.aborted ? 'late aborted' : 'late done');
      if (ctx.signal.aborted) throw new Error('aborted');
      return input;
    },
  });
}

const boom = defineStage({
  name: 'boom',
  description: 'Throws.',
  input: true,
  output: true,
  effects: ['Fallible'],
  run: () => {
    throw new Error('no');
  },
});

describe('onRunEnd', () => {
  it('runs after every stage of a successful run', async () => {
    const events: string[] = [];
    const root = { op: 'Parallel', branches: { a: stage('locker'), b: stage('late') } };
    await run([withHook(events), lateStage(events)], root, {});
    expect(events).toEqual(['lock', 'late done', 'hook']);
  });

  it('runs when the run fails, after the cancelled stages have settled', async () => {
    const events: string[] = [];
    const root = {
      op: 'Sequential',
      stages: [stage('locker'), { op: 'Parallel', branches: { a: stage('late'), b: stage('boom') } }],
    };
    const { error } = await runFailing([withHook(events), lateStage(events), boom], root, {});
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(events).toEqual(['lock', 'late aborted', 'hook']);
  });

  it('records a failing hook in the trace without masking the result', async () => {
    const events: string[] = [];
    const failingHook = () => Promise.reject(new Error('lock already gone'));
    const { output, trace } = await run([withHook(events, failingHook)], stage('locker'), 7);
    expect(output).toBe(7);
    expect(trace.ok).toBe(true);
    expect(trace.hook_errors).toEqual([expect.objectContaining({ message: 'lock already gone' })]);
  });

  it("keeps the run's own error when a hook fails too", async () => {
    const events: string[] = [];
    const failingHook = () => {
      throw new Error('hook broke');
    };
    const root = { op: 'Sequential', stages: [stage('locker'), stage('boom')] };
    const { error, trace } = await runFailing([withHook(events, failingHook), boom], root, {});
    expect(error.message).toContain('no');
    expect(trace.hook_errors?.[0]?.message).toBe('hook broke');
  });
});

describe('log and env', () => {
  const chatty = defineStage({
    name: 'chatty',
    description: 'Logs and reads the environment.',
    input: true,
    output: true,
    effects: ['Fallible'],
    run: (_input, ctx) => {
      ctx.log('looking up the token', { variable: 'FORGE_TOKEN' });
      ctx.log('done');
      return ctx.env.FORGE_TOKEN ?? null;
    },
  });

  it('puts the messages a stage logs into its trace call', async () => {
    const { trace } = await run([chatty], stage('chatty'), null, { env: {} });
    expect(trace.calls[0]?.logs).toEqual([
      {
        at_ms: expect.any(Number) as number,
        message: 'looking up the token',
        data: { variable: 'FORGE_TOKEN' },
      },
      { at_ms: expect.any(Number) as number, message: 'done' },
    ]);
  });

  it('gives the stage read access to the environment of the run', async () => {
    expect((await run([chatty], stage('chatty'), null, { env: { FORGE_TOKEN: 't0k' } })).output).toBe('t0k');
  });

  it("defaults to the process's environment", async () => {
    process.env.FORGE_TOKEN = 'from-process';
    try {
      expect((await run([chatty], stage('chatty'), null)).output).toBe('from-process');
    } finally {
      delete process.env.FORGE_TOKEN;
    }
  });
});
