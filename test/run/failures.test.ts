// How runs fail (ENGINE §2, §5): stage errors, boundary violations, cancellation of
// siblings, timeouts, caller aborts and Retry.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import { retryDelay } from '../../engine/run/index.js';
import { sleep } from '../../engine/run/scope.js';
import { defineStage } from '../../engine/stage/index.js';
import type { Stage } from '../../engine/stage/types.js';
import { run, runFailing, stage } from './harness.js';
import { echo, upper } from './stages.js';

const boom = defineStage({
  name: 'boom',
  description: 'Throws.',
  input: true,
  output: true,
  effects: ['Fallible'],
  run: () => {
    throw new Error('disk on fire');
  },
});

/** A stage that waits `ms`, recording whether its signal was aborted under it. */
function slowStage(name: string, ms: number, seen: { aborted?: boolean; reason?: unknown }): Stage {
  return defineStage({
    name,
    description: 'Waits, watching its signal.',
    input: true,
    output: true,
    effects: ['Fallible'],
    run: async (_input, ctx) => {
      try {
        await sleep(ms, ctx.signal);
        return 'finished';
      } finally {
        seen.aborted = ctx.signal.aborted;
        seen.reason = ctx.signal.reason;
      }
    },
  });
}

describe('stage errors', () => {
  it('turns an error thrown by a built-in into NOE_STAGE_FAILED naming the stage, the node and the message', async () => {
    const { error } = await runFailing(
      [boom, echo],
      { op: 'Sequential', stages: [stage('echo'), stage('boom')] },
      1,
    );
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(error.message).toContain('stage "boom" at /root/stages/1 failed: disk on fire');
    expect(error.details).toMatchObject({
      stage: 'stage "boom"',
      node: '/root/stages/1',
      message: 'disk on fire',
    });
  });

  it('keeps the code of a NoetherError thrown by a stage, adding the node', async () => {
    const coded = defineStage({
      name: 'coded',
      description: 'Throws a coded error.',
      input: true,
      output: true,
      effects: ['Fallible'],
      run: () => {
        throw new NoetherError('NOE_REMOTE_FAILED', 'the service said no');
      },
    });
    const { error } = await runFailing([coded], stage('coded'), 1);
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.place.pointer).toBe('/root');
    expect(error.message).toContain('the service said no');
  });

  it('reports an input that breaks the stage schema: stage, node, value pointer and rule', async () => {
    const { error } = await runFailing([upper], stage('upper'), { text: 3 });
    expect(error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(error.details).toMatchObject({
      node: '/root',
      value_pointer: '/text',
      keyword: 'type',
      schema_pointer: '/properties/text/type',
    });
    expect(error.message).toContain('stage "upper"');
  });

  it('reports an output that breaks the stage schema', async () => {
    const liar = defineStage({
      name: 'liar',
      description: 'Promises a string, gives a number.',
      input: true,
      output: { type: 'object', properties: { s: { type: 'string' } } },
      effects: ['Pure'],
      run: () => ({ s: 1 }),
    });
    const { error } = await runFailing([liar], stage('liar'), null);
    expect(error.code).toBe('NOE_STAGE_OUTPUT_VIOLATION');
    expect(error.details).toMatchObject({ value_pointer: '/s', keyword: 'type' });
  });

  it('skips boundary validation with validate: false', async () => {
    expect((await run([upper], stage('upper'), { text: 'a', extra: 1 }, { validate: false })).output).toEqual(
      {
        text: 'A',
      },
    );
    const { error } = await runFailing([upper], stage('upper'), { text: 3 }, { validate: false });
    expect(error.code).toBe('NOE_STAGE_FAILED'); // the stage itself trips on the number
  });

  it('refuses an output that JSON cannot carry', async () => {
    const nan = defineStage({
      name: 'nan',
      description: 'Outputs NaN.',
      input: true,
      output: true,
      effects: ['Pure'],
      run: () => Number.NaN,
    });
    expect((await runFailing([nan], stage('nan'), null)).error.code).toBe('NOE_STAGE_OUTPUT_VIOLATION');
  });
});

describe('cancellation', () => {
  it('aborts a slow sibling when a branch fails, and reports the real failure', async () => {
    const seen: { aborted?: boolean } = {};
    const root = { op: 'Parallel', branches: { slow: stage('slow'), bad: stage('boom') } };
    const { error, trace } = await runFailing([slowStage('slow', 10_000, seen), boom], root, null);
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(seen.aborted).toBe(true);
    const slow = trace.calls.find((c) => c.stage === 'slow');
    expect(slow).toMatchObject({ status: 'cancelled', error: { code: 'NOE_CANCELLED' } });
    expect(trace.error?.code).toBe('NOE_STAGE_FAILED');
  });

  it.each([
    ['Fanout', { op: 'Fanout', source: stage('echo'), targets: [stage('slow'), stage('boom')] }],
    ['Merge', { op: 'Merge', sources: [stage('slow'), stage('boom')], target: stage('echo') }],
    ['Let', { op: 'Let', bindings: { a: stage('slow'), b: stage('boom') }, body: stage('echo') }],
  ])('aborts the running siblings of a failing %s branch', async (_op, root) => {
    const seen: { aborted?: boolean } = {};
    const { error } = await runFailing([slowStage('slow', 10_000, seen), boom, echo], root, {});
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(seen.aborted).toBe(true);
  });

  it('aborts the other elements of a Map when one fails', async () => {
    const seen: { aborted?: boolean } = {};
    const picky = defineStage<number, number>({
      name: 'picky',
      description: 'Fails on 1, waits on the rest.',
      input: { type: 'integer' },
      output: { type: 'integer' },
      effects: ['Fallible'],
      run: async (n, ctx) => {
        if (n === 1) throw new Error('one is wrong');
        try {
          await sleep(10_000, ctx.signal);
        } finally {
          seen.aborted = ctx.signal.aborted;
        }
        return n;
      },
    });
    const { error } = await runFailing([picky], { op: 'Map', stage: stage('picky') }, [0, 1, 2]);
    expect(error.message).toContain('one is wrong');
    expect(seen.aborted).toBe(true);
  });

  it('stops the run with NOE_TIMEOUT when the run-wide timeout passes', async () => {
    const seen: { aborted?: boolean; reason?: unknown } = {};
    const { error, trace } = await runFailing([slowStage('slow', 10_000, seen)], stage('slow'), null, {
      timeoutMs: 20,
    });
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(seen.aborted).toBe(true);
    expect((seen.reason as NoetherError).code).toBe('NOE_TIMEOUT');
    expect(trace.error?.code).toBe('NOE_TIMEOUT');
  });

  it('stops a built-in at its own timeout_ms even when it ignores its signal', async () => {
    const stubborn = defineStage({
      name: 'stubborn',
      description: 'Ignores its signal.',
      input: true,
      output: true,
      effects: ['Fallible'],
      timeout_ms: 10,
      run: () => new Promise((r) => setTimeout(() => r(1), 300)),
    });
    const { error, trace } = await runFailing([stubborn], stage('stubborn'), null);
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(error.message).toContain('timeout_ms of 10 ms');
    expect(trace.calls[0]).toMatchObject({ status: 'error', error: { code: 'NOE_TIMEOUT' } });
  });

  it('cancels the run with NOE_CANCELLED when the caller aborts', async () => {
    const seen: { aborted?: boolean } = {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const { error } = await runFailing([slowStage('slow', 10_000, seen)], stage('slow'), null, {
      signal: controller.signal,
    });
    expect(error.code).toBe('NOE_CANCELLED');
    expect(seen.aborted).toBe(true);
  });
});

describe('Retry', () => {
  /** Fails its first `failures` calls. */
  function flaky(failures: number) {
    let calls = 0;
    const s = defineStage({
      name: 'flaky',
      description: 'Fails, then works.',
      input: { type: 'object' },
      output: true,
      effects: ['Fallible'],
      run: () => {
        if (++calls <= failures) throw new Error(`failure ${calls}`);
        return calls;
      },
    });
    return { stage: s, calls: () => calls };
  }

  it('re-runs the child until it succeeds, recording each attempt', async () => {
    const f = flaky(2);
    const root = { op: 'Retry', stage: stage('flaky'), max_attempts: 3, delay_ms: 1 };
    const { output, trace } = await run([f.stage], root, {});
    expect(output).toBe(3);
    expect(trace.calls.map((c) => [c.attempt, c.status])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'ok'],
    ]);
  });

  it('gives up after max_attempts with the last error', async () => {
    const f = flaky(5);
    const { error } = await runFailing(
      [f.stage],
      { op: 'Retry', stage: stage('flaky'), max_attempts: 2 },
      {},
    );
    expect(f.calls()).toBe(2);
    expect(error.message).toContain('failure 2');
  });

  it('does not retry an input-contract violation', async () => {
    const f = flaky(0);
    const { error } = await runFailing(
      [f.stage],
      { op: 'Retry', stage: stage('flaky'), max_attempts: 5 },
      'text',
    );
    expect(error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(f.calls()).toBe(0);
  });

  it('does not retry once the run is cancelled', async () => {
    const f = flaky(5);
    const root = { op: 'Retry', stage: stage('flaky'), max_attempts: 5, delay_ms: 10_000 };
    const { error } = await runFailing([f.stage], root, {}, { timeoutMs: 30 });
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(f.calls()).toBe(1);
  });

  it('waits delay × backoff^n plus at most 10 % jitter', () => {
    expect([0, 1, 2].map((n) => retryDelay(100, 2, n, () => 0))).toEqual([100, 200, 400]);
    expect(retryDelay(100, 2, 1, () => 0.999)).toBeCloseTo(219.98, 1);
    expect(retryDelay(100, 1, 5, () => 0)).toBe(100);
    expect(retryDelay(0, 2, 3, () => 1)).toBe(0);
  });
});
