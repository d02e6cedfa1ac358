// The pure-stage cache (ENGINE §5): key = SHA-256(stage id + the input's content hash), only successes
// of Pure (or Pure + Fallible) stages, bounded by entries and bytes, shared across runs,
// optionally persisted, and immune to mutation by its consumers.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, StageCache, valueHash } from '../../engine/run/index.js';
import { defineStage } from '../../engine/stage/index.js';
import type { Effect } from '../../engine/stage/types.js';
import { tempProject } from '../temp-project.js';
import { run, runFailing, stage } from './harness.js';

/** A stage that counts its calls; outputs `{seen: input, pad}`. */
function counted(effects: Effect[] = ['Pure'], pad = '') {
  let calls = 0;
  const s = defineStage({
    name: 'counted',
    description: 'Counts its calls.',
    input: true,
    output: { type: 'object', required: ['seen', 'pad'] },
    effects,
    run: (input) => {
      calls++;
      return { seen: input, pad };
    },
  });
  return { stage: s, calls: () => calls };
}

describe('pure-stage cache', () => {
  it('answers a second run on the same input from the cache', async () => {
    const c = counted();
    const cache = new StageCache();
    const first = await run([c.stage], stage('counted'), { a: 1 }, { cache });
    const second = await run([c.stage], stage('counted'), { a: 1 }, { cache });
    expect(c.calls()).toBe(1);
    expect(second.output).toEqual(first.output);
    expect(first.trace.calls[0]?.cache).toBe('miss');
    expect(second.trace.calls[0]).toMatchObject({
      cache: 'hit',
      output_hash: first.trace.calls[0]?.output_hash,
    });
  });

  it('keys by the canonical input: key order does not matter, values do', async () => {
    const c = counted();
    const cache = new StageCache();
    await run([c.stage], stage('counted'), { a: 1, b: 2 }, { cache });
    await run([c.stage], stage('counted'), { b: 2, a: 1 }, { cache });
    expect(c.calls()).toBe(1);
    await run([c.stage], stage('counted'), { a: 1, b: 3 }, { cache });
    expect(c.calls()).toBe(2);
  });

  it('serves repeated calls within one run', async () => {
    const c = counted();
    await run([c.stage], { op: 'Map', stage: stage('counted'), concurrency: 1 }, [1, 1, 1], {
      cache: new StageCache(),
    });
    expect(c.calls()).toBe(1);
  });

  it('calls the stage every time without a cache (--no-cache)', async () => {
    const c = counted();
    const { trace } = await run([c.stage], stage('counted'), 1);
    await run([c.stage], stage('counted'), 1);
    expect(c.calls()).toBe(2);
    expect(trace.calls[0]?.cache).toBe('off');
  });

  it.each([
    [['Pure', 'Fallible']],
    [['Fallible']],
    [['Network', 'Fallible']],
    [['NonDeterministic']],
  ] as const)(
    'caches a stage with effects %j only when they are Pure or Pure + Fallible',
    async (effects) => {
      const c = counted([...effects]);
      const cache = new StageCache();
      await run([c.stage], stage('counted'), 1, { cache });
      await run([c.stage], stage('counted'), 1, { cache });
      expect(c.calls()).toBe((effects as readonly Effect[]).includes('Pure') ? 1 : 2);
    },
  );

  it('does not cache failures', async () => {
    let calls = 0;
    const flaky = defineStage({
      name: 'flaky',
      description: 'Fails once.',
      input: true,
      output: true,
      effects: ['Pure', 'Fallible'],
      run: () => {
        if (++calls === 1) throw new Error('first call fails');
        return calls;
      },
    });
    const cache = new StageCache();
    await runFailing([flaky], stage('flaky'), 0, { cache });
    expect((await run([flaky], stage('flaky'), 0, { cache })).output).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxEntries entries', async () => {
    const c = counted();
    const cache = new StageCache({ maxEntries: 2 });
    for (const input of [1, 2, 3]) await run([c.stage], stage('counted'), input, { cache });
    expect(cache.size).toBe(2);
    await run([c.stage], stage('counted'), 1, { cache }); // the oldest was evicted
    expect(c.calls()).toBe(4);
  });

  it('keeps at most maxBytes of output text', async () => {
    const c = counted(['Pure'], 'x'.repeat(40));
    const cache = new StageCache({ maxBytes: 100 });
    for (const input of [1, 2, 3, 4]) await run([c.stage], stage('counted'), input, { cache });
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBe(1);
  });

  it('hands every consumer a deep-frozen value, even with freezing off', async () => {
    const c = counted();
    const cache = new StageCache();
    await run([c.stage], stage('counted'), { list: [1] }, { cache, freeze: false });
    const { output } = await run([c.stage], stage('counted'), { list: [1] }, { cache, freeze: false });
    const value = output as { seen: { list: number[] } };
    expect(Object.isFrozen(value.seen.list)).toBe(true);
    expect(() => value.seen.list.push(2)).toThrow(TypeError);
    const again = await run([c.stage], stage('counted'), { list: [1] }, { cache });
    expect(again.output).toEqual({ seen: { list: [1] }, pad: '' });
  });

  describe('cache folder', () => {
    it('persists successes as <key>.json and serves them to a fresh cache (another process)', async () => {
      const dir = join(tempProject(), 'cache');
      const c = counted();
      const first = await run(
        [c.stage],
        stage('counted'),
        { q: 'x' },
        { cache: new StageCache(), cacheDir: dir },
      );
      const key = cacheKey(c.stage.id, valueHash({ q: 'x' }));
      expect(readdirSync(dir)).toEqual([`${key}.json`]); // no temp file left behind
      expect(JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8'))).toEqual({
        seen: { q: 'x' },
        pad: '',
      });
      const { output, trace } = await run(
        [c.stage],
        stage('counted'),
        { q: 'x' },
        {
          cache: new StageCache(),
          cacheDir: dir,
        },
      );
      expect(c.calls()).toBe(1);
      expect(output).toEqual({ seen: { q: 'x' }, pad: '' });
      expect(Object.isFrozen(output)).toBe(true);
      expect(trace.calls[0]?.cache).toBe('hit');
      // Read back from the file, the output hashes as it did when it was computed.
      expect(trace.calls[0]?.output_hash).toBe(first.trace.calls[0]?.output_hash);
    });

    it.each([
      ['does not parse', '{"seen":'],
      ['breaks the output contract', '"a string, not an object"'],
    ])('treats a file that %s as a miss, and replaces it', async (_why, text) => {
      const dir = join(tempProject(), 'cache');
      const c = counted();
      const key = cacheKey(c.stage.id, valueHash(1));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${key}.json`), text);
      const { output } = await run([c.stage], stage('counted'), 1, {
        cache: new StageCache(),
        cacheDir: dir,
      });
      expect(output).toEqual({ seen: 1, pad: '' });
      expect(JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8'))).toEqual({ seen: 1, pad: '' });
    });
  });
});
