// Traces (ENGINE §5): one file per run, success or failure, and reading them back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentId } from '../../engine/json/jcs.js';
import { newExecutionId, readTrace, StageCache, TRACE_FOLDER } from '../../engine/run/index.js';
import { defineStage } from '../../engine/stage/index.js';
import { tempProject } from '../temp-project.js';
import { run, runFailing, stage } from './harness.js';
import { echo, upper } from './stages.js';

const HEX64 = /^[0-9a-f]{64}$/;

describe('trace files', () => {
  it('records a successful run: ids, timing, and per call pointer, stage, attempt, cache, status and hashes', async () => {
    const root = { op: 'Sequential', stages: [stage('upper'), stage('echo')] };
    const { trace, executionId, traceRoot } = await run(
      [upper, echo],
      root,
      { text: 'a' },
      { cache: new StageCache() },
    );
    expect(readdirSync(join(traceRoot, TRACE_FOLDER))).toEqual([`${executionId}.json`]);
    expect(trace).toMatchObject({
      execution_id: executionId,
      ok: true,
      composition_id: expect.stringMatching(HEX64) as string,
    });
    expect(Date.parse(trace.started_at)).not.toBeNaN();
    expect(trace.duration_ms).toBeGreaterThanOrEqual(0);
    expect(trace.calls).toEqual([
      expect.objectContaining({
        pointer: '/root/stages/0',
        stage: 'upper',
        stage_id: upper.id,
        attempt: 1,
        cache: 'miss',
        status: 'ok',
      }),
      expect.objectContaining({
        pointer: '/root/stages/1',
        stage: 'echo',
        stage_id: echo.id,
        attempt: 1,
        cache: 'miss',
        status: 'ok',
      }),
    ]);
    for (const call of trace.calls) {
      expect(call.input_hash).toMatch(HEX64);
      expect(call.output_hash).toMatch(HEX64);
      expect(call.duration_ms).toBeGreaterThanOrEqual(0);
      expect(call).not.toHaveProperty('input');
    }
    expect(trace.calls[0]?.input_hash).toBe(contentId({ text: 'a' }));
    expect(trace.calls[1]?.output_hash).toBe(contentId({ text: 'A' }));
    // upper's output is echo's input, so the hashes chain.
    expect(trace.calls[1]?.input_hash).toBe(trace.calls[0]?.output_hash);
  });

  it('records a failed run with its error and the failing call', async () => {
    const { error, trace } = await runFailing([upper], stage('upper'), { text: 1 });
    expect(trace.ok).toBe(false);
    expect(trace.error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', pointer: '/root' });
    expect(trace.calls[0]).toMatchObject({ status: 'error', error: { code: 'NOE_STAGE_INPUT_VIOLATION' } });
    expect(error.details?.execution_id).toBe(trace.execution_id);
    expect(error.message).toContain(`noether-ts trace ${trace.execution_id}`);
  });

  it('records input and output values with traceValues', async () => {
    const { trace } = await run([upper], stage('upper'), { text: 'a' }, { traceValues: true });
    expect(trace.calls[0]).toMatchObject({ input: { text: 'a' }, output: { text: 'A' } });
  });

  it('marks calls that never settled as abandoned', async () => {
    const stuck = defineStage({
      name: 'stuck',
      description: 'Never answers and ignores its signal.',
      input: true,
      output: true,
      effects: ['Fallible'],
      run: () => new Promise(() => undefined),
    });
    const { error, trace } = await runFailing([stuck], stage('stuck'), null, { timeoutMs: 5, settleMs: 5 });
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(trace.calls[0]?.status).toBe('abandoned');
  });
});

describe('execution ids', () => {
  it('sort by time as text, and are unique within a millisecond', () => {
    const ids = [newExecutionId(1000), newExecutionId(1000), newExecutionId(1000), newExecutionId(2000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('readTrace', () => {
  async function twoRuns() {
    const traceRoot = tempProject();
    const first = await run([echo], stage('echo'), 1, { traceRoot });
    const second = await run([echo], stage('echo'), 2, { traceRoot });
    return { traceRoot, first, second };
  }

  it('reads the latest trace when no id is given', async () => {
    const { traceRoot, second } = await twoRuns();
    expect((await readTrace(traceRoot, undefined)).trace.execution_id).toBe(second.executionId);
  });

  it('reads a trace by its id, or by a unique prefix of it', async () => {
    const { traceRoot, first } = await twoRuns();
    expect((await readTrace(traceRoot, first.executionId)).trace.execution_id).toBe(first.executionId);
    const unique = first.executionId.slice(0, 30);
    expect((await readTrace(traceRoot, unique)).trace.execution_id).toBe(first.executionId);
  });

  it.each(['0000', '../../etc/passwd', ''])('fails with NOE_TRACE_NOT_FOUND for %j', async (id) => {
    const { traceRoot } = await twoRuns();
    await expect(readTrace(traceRoot, id)).rejects.toMatchObject({ code: 'NOE_TRACE_NOT_FOUND' });
  });

  it('fails with NOE_TRACE_NOT_FOUND when no run was recorded', async () => {
    await expect(readTrace(tempProject(), undefined)).rejects.toMatchObject({ code: 'NOE_TRACE_NOT_FOUND' });
  });
});
