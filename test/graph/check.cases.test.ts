// Parallel and Merge children are checked once for each input a child can actually
// receive (ENGINE §2): its own property when the input has it, the whole input when it
// lacks it. These tests pin down that this stays one message per mistake, and that it
// stays fast when case splits nest, where checking every combination would be
// exponential in the depth of the graph.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../engine/errors.js';
import { checkComposition, type CheckOptions } from '../../engine/graph/check.js';
import { parseCompositionValue } from '../../engine/graph/parse.js';
import type { JsonSchema } from '../../engine/schema/index.js';
import { StageRegistry } from '../../engine/stage/index.js';
import { checkerStages } from '../fixtures/checker/stages.js';

const registry = new StageRegistry();
for (const stage of checkerStages) registry.add(stage);

const OBJECT = { type: 'object' };
const stage = (id: string) => ({ op: 'Stage', id });

function check(root: unknown, input: JsonSchema, options: CheckOptions = {}) {
  const document = { description: 'test', version: '1', input, root };
  return checkComposition(parseCompositionValue(document).composition, registry, options);
}

const where = (diagnostics: Diagnostic[]) => diagnostics.map((d) => [d.code, d.pointer]);

/** `depth` Parallels, each reading its own optional key k0, k1, … of an open object. */
function nestedParallels(depth: number, leaf: unknown): unknown {
  let node = leaf;
  for (let i = depth - 1; i >= 0; i--) node = { op: 'Parallel', branches: { [`k${i}`]: node } };
  return node;
}

describe('Parallel and Merge case splits', () => {
  it('reports an unknown stage once, not once per case', () => {
    const r = check({ op: 'Parallel', branches: { k: stage('nope') } }, OBJECT);
    expect(where(r.errors)).toEqual([['NOE_STAGE_NOT_FOUND', '/root/branches/k/id']]);
  });

  it('denies an effect once per stage node, not once per case', () => {
    const r = check({ op: 'Parallel', branches: { k: stage('fetch_page') } }, OBJECT, {
      denyEffects: ['Network'],
    });
    expect(where(r.errors.filter((d) => d.code === 'NOE_EFFECT_DENIED'))).toEqual([
      ['NOE_EFFECT_DENIED', '/root/branches/k'],
    ]);
  });

  it('reports an invalid RemoteStage schema once, not once per case', () => {
    const remote = { op: 'RemoteStage', url: 'http://x.org', input: { $ref: '#' }, output: true };
    const r = check({ op: 'Merge', sources: [remote], target: { op: 'Const', value: 1 } }, OBJECT);
    expect(where(r.errors)).toEqual([['NOE_SCHEMA_INVALID', '/root/sources/0/input/$ref']]);
  });

  it('checks 30 nested optional-key Parallels in linear time, with a bounded number of messages', () => {
    const started = performance.now();
    const r = check(nestedParallels(30, stage('upper')), OBJECT);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    expect(r.errors.length).toBeLessThanOrEqual(4);
    expect(new Set(r.errors.map((d) => d.pointer)).size).toBe(1);
  });

  it('still accepts nested optional-key Parallels whose leaf takes anything', () => {
    const r = check(nestedParallels(30, { op: 'Const', value: 1 }), OBJECT);
    expect(r.errors).toEqual([]);
  });

  it('still rejects a deep branch that one of the combined cases breaks', () => {
    // Past the nesting bound both cases are checked at once; the object case still fails.
    const input = {
      type: 'object',
      properties: { k0: { type: 'object', properties: { k1: { type: 'object' } } } },
    };
    const deep = nestedParallels(4, stage('sum_list'));
    const r = check(deep, input);
    expect(where(r.errors)).toContainEqual([
      'NOE_TYPE_MISMATCH',
      '/root/branches/k0/branches/k1/branches/k2/branches/k3',
    ]);
  });
});

describe('config diagnostics', () => {
  it('name the config key and say what the stage expects', () => {
    const r = check({ op: 'Stage', id: 'render', config: { mode: 'quiet' } }, OBJECT);
    const [error] = r.errors.filter((d) => d.code === 'NOE_CONFIG_TYPE');
    expect(error!.pointer).toBe('/root/config/mode');
    expect(error!.message).toMatch(/^config value "mode" must be equal to one of the allowed values/);
  });
});
