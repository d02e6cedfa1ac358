// engine.run (ENGINE §8): resolve → check (once per graph) → validate the input → execute.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine, NoetherError } from '../../engine/index.js';
import { compositionId } from '../../engine/graph/canonical.js';
import { TRACE_FOLDER } from '../../engine/run/index.js';
import { tempProject } from '../temp-project.js';

const fixtures = new URL('./fixtures/stages.ts', import.meta.url).pathname;
const TEXT = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};

const shoutAndCount = {
  description: 'Shouts and counts.',
  version: '1',
  input: TEXT,
  root: {
    op: 'Parallel',
    branches: { loud: { op: 'Stage', id: 'shout' }, size: { op: 'Stage', id: 'words' } },
  },
};

async function engineIn(files: Record<string, string> = {}) {
  const root = tempProject({ 'noether.config.json': '{"stages": []}', ...files });
  return { root, engine: await loadEngine({ cwd: root, stages: [fixtures] }) };
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NoetherError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('engine.run', () => {
  it('returns the output, the execution id and the composition id, and writes the trace under the project root', async () => {
    const { root, engine } = await engineIn();
    const result = await engine.run(shoutAndCount, { text: 'hello big world' });
    expect(result).toEqual({
      output: { loud: { text: 'HELLO BIG WORLD!' }, size: { words: 3 } },
      executionId: expect.any(String) as string,
      compositionId: compositionId(shoutAndCount.root as never),
    });
    expect(existsSync(join(root, TRACE_FOLDER, `${result.executionId}.json`))).toBe(true);
  });

  it('runs a composition given as a path', async () => {
    const { root, engine } = await engineIn({ 'g.json': JSON.stringify(shoutAndCount) });
    expect((await engine.run(join(root, 'g.json'), { text: 'a' })).output).toMatchObject({
      size: { words: 1 },
    });
  });

  it('throws the check error (exit class 2) for a graph that does not type-check, and runs nothing', async () => {
    const { root, engine } = await engineIn();
    const graph = { ...shoutAndCount, input: { type: 'object', properties: { text: { type: 'integer' } } } };
    const error = await failure(engine.run(graph, { text: 1 }));
    expect(error.code).toBe('NOE_TYPE_MISMATCH');
    expect(error.exitCode).toBe(2);
    expect(error.details?.execution_id).toBeUndefined();
    expect(existsSync(join(root, TRACE_FOLDER))).toBe(false);
  });

  it('throws NOE_STAGE_NOT_FOUND (exit class 1) for an unknown stage', async () => {
    const { engine } = await engineIn();
    const graph = { description: 'd', version: '1', root: { op: 'Stage', id: 'shuot' } };
    const error = await failure(engine.run(graph, { text: 'a' }));
    expect(error.code).toBe('NOE_STAGE_NOT_FOUND');
    expect(error.exitCode).toBe(1);
  });

  it('applies effect policies before running', async () => {
    const { engine } = await engineIn();
    const graph = { description: 'd', version: '1', root: { op: 'Stage', id: 'fetch_nothing' } };
    const error = await failure(engine.run(graph, { text: 'a' }, { denyEffects: ['Network'] }));
    expect(error.code).toBe('NOE_EFFECT_DENIED');
    expect((await engine.run(graph, { text: 'a' })).output).toEqual({ text: 'a' });
  });

  it('validates the input against the declared schema (NOE_INPUT_INVALID, exit class 2)', async () => {
    const { engine } = await engineIn();
    const error = await failure(engine.run(shoutAndCount, { text: 5 }));
    expect(error.code).toBe('NOE_INPUT_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.details).toMatchObject({ value_pointer: '/text', keyword: 'type' });
  });

  it('validates the input against the inferred schema when none is declared', async () => {
    const { engine } = await engineIn();
    const graph = { description: 'd', version: '1', root: { op: 'Stage', id: 'words' } };
    expect((await failure(engine.run(graph, { txt: 'a' }))).code).toBe('NOE_INPUT_INVALID');
    expect((await engine.run(graph, { text: 'a b' })).output).toEqual({ words: 2 });
  });

  it('refuses an input that is not JSON', async () => {
    const { engine } = await engineIn();
    const error = await failure(engine.run(shoutAndCount, { text: 'a', when: new Date(0) }));
    expect(error.code).toBe('NOE_INPUT_INVALID');
    expect(error.message).toContain('/when');
  });

  it('throws an execution failure with its code, the execution id and the trace named', async () => {
    const { root, engine } = await engineIn();
    const graph = { description: 'd', version: '1', input: TEXT, root: { op: 'Stage', id: 'explode' } };
    const error = await failure(engine.run(graph, { text: 'x' }));
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(error.exitCode).toBe(3);
    const id = error.details?.execution_id as string;
    expect(error.message).toContain(`${TRACE_FOLDER}/${id}.json`);
    expect(existsSync(join(root, TRACE_FOLDER, `${id}.json`))).toBe(true);
  });

  it("freezes what stages see but leaves the caller's input alone", async () => {
    const { engine } = await engineIn();
    const graph = { description: 'd', version: '1', root: { op: 'Stage', id: 'is_frozen' } };
    const input = { a: [1] };
    expect((await engine.run(graph, input)).output).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(input.a)).toBe(false);
  });

  it('shares the pure-stage cache across the runs of one engine, unless cache: false', async () => {
    const { root, engine } = await engineIn();
    const graph = { description: 'd', version: '1', input: TEXT, root: { op: 'Stage', id: 'shout' } };
    const cacheOf = async (options = {}) => {
      const { executionId } = await engine.run(graph, { text: 'same' }, options);
      const { readTrace } = await import('../../engine/run/index.js');
      return (await readTrace(root, executionId)).trace.calls[0]?.cache;
    };
    expect(await cacheOf()).toBe('miss');
    expect(await cacheOf()).toBe('hit');
    expect(await cacheOf({ cache: false })).toBe('off');
  });

  it('runs the same graph many times (the scheduler)', async () => {
    const { engine } = await engineIn();
    for (let i = 0; i < 20; i++) {
      const { output } = await engine.run(shoutAndCount, { text: `run ${i}` });
      expect(output).toMatchObject({ loud: { text: `RUN ${i}!` } });
    }
  });

  it('reads a graph file again once it is edited (the scheduler keeps one engine)', async () => {
    const { root, engine } = await engineIn({ 'g.json': JSON.stringify(shoutAndCount) });
    const path = join(root, 'g.json');
    expect((await engine.run(path, { text: 'a b' })).output).toMatchObject({ loud: { text: 'A B!' } });
    const countOnly = { ...shoutAndCount, root: { op: 'Stage' as const, id: 'words' } };
    writeFileSync(path, JSON.stringify(countOnly, null, 2));
    const { output, compositionId: id } = await engine.run(path, { text: 'a b' });
    expect(output).not.toHaveProperty('loud');
    expect(id).toBe(compositionId(countOnly.root));
  });
});
