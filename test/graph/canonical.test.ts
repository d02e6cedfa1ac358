// The canonical form and the composition id (ENGINE §2) as laws over generated graphs:
// idempotence, map-order irrelevance, Sequential associativity and singleton unwrapping;
// then what canonicalisation must not do, and one pinned id so that an accidental change
// of the scheme is caught.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../engine/graph/ast.js';
import { canonicalise, compositionId } from '../../engine/graph/canonical.js';
import { childNodes } from './child-nodes.js';
import { canonicalJson } from '../../engine/json/jcs.js';

const key = fc.constantFrom('a', 'b', 'eval', 'x_1', 'Z', '10', '2', 'é');
const json = fc.jsonValue({ maxDepth: 2 });
const schema = fc.oneof(fc.boolean(), fc.constant({ type: 'object' }), fc.constant({ type: 'number' }));

/** Graphs of every op, at most four nodes deep, with every optional field sometimes present. */
const { node: anyNode } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'node' },
    fc.record(
      {
        op: fc.constant('Stage' as const),
        id: fc.constantFrom('fetch', 'score', 'score@0123abcd', 'ab12cd34'),
        config: fc.dictionary(key, json, { maxKeys: 3 }),
        pinning: fc.constantFrom('signature' as const, 'both' as const),
      },
      { requiredKeys: ['op', 'id'] },
    ),
    fc.record({ op: fc.constant('Const' as const), value: json }),
    fc.record(
      {
        op: fc.constant('RemoteStage' as const),
        url: fc.constant('https://example.com/run'),
        input: schema,
        output: schema,
        timeout_ms: fc.integer({ min: 1, max: 10_000 }),
      },
      { requiredKeys: ['op', 'url', 'input', 'output'] },
    ),
    fc.record({
      op: fc.constant('Sequential' as const),
      stages: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      op: fc.constant('Parallel' as const),
      branches: fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 3 }),
    }),
    fc.record({
      op: fc.constant('Branch' as const),
      predicate: tie('node'),
      if_true: tie('node'),
      if_false: tie('node'),
    }),
    fc.record({
      op: fc.constant('Fanout' as const),
      source: tie('node'),
      targets: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      op: fc.constant('Merge' as const),
      sources: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      target: tie('node'),
    }),
    fc.record(
      {
        op: fc.constant('Retry' as const),
        stage: tie('node'),
        max_attempts: fc.integer({ min: 1, max: 5 }),
        delay_ms: fc.nat({ max: 1000 }),
        backoff: fc.double({ min: 1, max: 4, noNaN: true }),
      },
      { requiredKeys: ['op', 'stage', 'max_attempts'] },
    ),
    fc.record({
      op: fc.constant('Let' as const),
      bindings: fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 3 }),
      body: tie('node'),
    }),
    fc.record(
      { op: fc.constant('Map' as const), stage: tie('node'), concurrency: fc.integer({ min: 1, max: 8 }) },
      { requiredKeys: ['op', 'stage'] },
    ),
  ),
}));

/**
 * The same value with the keys of every object (node fields, Parallel branches, Let
 * bindings, config, Const values, schemas) written in another order; arrays, whose
 * order is meaning, are kept. `seed` picks the permutation.
 */
function reorderKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((element: unknown) => reorderKeys(element, seed));
  if (typeof value !== 'object' || value === null) return value;
  const ranked = Object.entries(value).map(([k, v], i) => ({
    k,
    v: reorderKeys(v, seed),
    rank: (i * 7919 + seed) % 101,
  }));
  ranked.sort((a, b) => a.rank - b.rank);
  return Object.fromEntries(ranked.map(({ k, v }) => [k, v]));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const stage = (id: string): Node => ({ op: 'Stage', id });
const seq = (...stages: Node[]): Node => ({ op: 'Sequential', stages });

describe('canonicalise', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(anyNode, (node) => {
        const once = canonicalise(node);
        expect(canonicalise(once)).toStrictEqual(once);
      }),
    );
  });

  it('leaves no Sequential inside a Sequential and no Sequential of one stage', () => {
    const check = (node: Node): void => {
      if (node.op === 'Sequential') {
        expect(node.stages.length).toBeGreaterThan(1);
        expect(node.stages.map((s) => s.op)).not.toContain('Sequential');
      }
      childNodes(node).forEach((child) => check(child.node));
    };
    fc.assert(fc.property(anyNode, (node) => check(canonicalise(node))));
  });

  it('never mutates the graph it is given', () => {
    fc.assert(
      fc.property(anyNode, (node) => {
        const before = structuredClone(node);
        canonicalise(deepFreeze(node));
        // toEqual: structuredClone gives plain objects where fast-check may give null-prototype ones.
        expect(node).toEqual(before);
      }),
    );
  });

  it('splices the stages of an inner Sequential in place', () => {
    expect(canonicalise(seq(stage('a'), seq(stage('b'), seq(stage('c'))), stage('d')))).toStrictEqual(
      seq(stage('a'), stage('b'), stage('c'), stage('d')),
    );
  });

  it('unwraps a Sequential of one stage, at any depth', () => {
    const node: Node = { op: 'Map', stage: seq(seq(stage('a'))) };
    expect(canonicalise(node)).toStrictEqual({ op: 'Map', stage: stage('a') });
  });

  it('writes Parallel branches and Let bindings in sorted key order', () => {
    const node: Node = {
      op: 'Let',
      bindings: { b: stage('b'), a: stage('a') },
      body: { op: 'Parallel', branches: { y: stage('y'), x: stage('x') } },
    };
    const out = canonicalise(node);
    if (out.op !== 'Let' || out.body.op !== 'Parallel') throw new Error('expected Let(Parallel)');
    expect([Object.keys(out.bindings), Object.keys(out.body.branches)]).toStrictEqual([
      ['a', 'b'],
      ['x', 'y'],
    ]);
  });

  it('keeps only the fields of the AST, so a stray "$comment" is dropped', () => {
    const node = { op: 'Stage', id: 'a', $comment: 'why' } as Node;
    expect(canonicalise(node)).toStrictEqual(stage('a'));
  });

  it('leaves an empty Sequential as it is', () => {
    expect(canonicalise(seq())).toStrictEqual(seq());
  });
});

describe('compositionId', () => {
  it('does not depend on the order in which map keys are written', () => {
    fc.assert(
      fc.property(anyNode, fc.nat(), (node, seed) => {
        expect(compositionId(reorderKeys(node, seed) as Node)).toBe(compositionId(node));
      }),
    );
  });

  it('is the same however a chain of Sequentials is nested', () => {
    fc.assert(
      fc.property(anyNode, anyNode, anyNode, (a, b, c) => {
        const id = compositionId(seq(a, b, c));
        expect(compositionId(seq(a, seq(b, c)))).toBe(id);
        expect(compositionId(seq(seq(a, b), c))).toBe(id);
      }),
    );
  });

  it('is the same for a Sequential of one node and the node itself', () => {
    fc.assert(
      fc.property(anyNode, (node) => {
        expect(compositionId(seq(node))).toBe(compositionId(node));
      }),
    );
  });

  it('keeps the order of Fanout targets', () => {
    const fanout = (targets: Node[]): Node => ({ op: 'Fanout', source: stage('s'), targets });
    expect(compositionId(fanout([stage('a'), stage('b')]))).not.toBe(
      compositionId(fanout([stage('b'), stage('a')])),
    );
  });

  it('keeps the order of Merge sources', () => {
    const merge = (sources: Node[]): Node => ({ op: 'Merge', sources, target: stage('t') });
    expect(compositionId(merge([stage('a'), stage('b')]))).not.toBe(
      compositionId(merge([stage('b'), stage('a')])),
    );
  });

  it('does not fold a Retry of one attempt into its stage', () => {
    expect(compositionId({ op: 'Retry', stage: stage('a'), max_attempts: 1 })).not.toBe(
      compositionId(stage('a')),
    );
  });

  it('does not fold a Sequential of Consts into its last Const', () => {
    const last: Node = { op: 'Const', value: 2 };
    expect(compositionId(seq({ op: 'Const', value: 1 }, last))).not.toBe(compositionId(last));
  });

  it('differs when a stage is named by name rather than by id, as written', () => {
    expect(compositionId(stage('score'))).not.toBe(compositionId(stage('score@0123abcd')));
  });

  it('is pinned: the canonical JSON and the hash of one composition never change', () => {
    const root: Node = seq(
      { op: 'Stage', id: 'fetch', config: { url: 'u', depth: 2 }, pinning: 'both' },
      seq({ op: 'Parallel', branches: { words: stage('count_words'), fixed: { op: 'Const', value: [1] } } }),
      { op: 'Retry', stage: stage('score'), max_attempts: 3, delay_ms: 100 },
    );
    expect(canonicalJson(canonicalise(root))).toBe(
      '{"op":"Sequential","stages":[' +
        '{"config":{"depth":2,"url":"u"},"id":"fetch","op":"Stage","pinning":"both"},' +
        '{"branches":{"fixed":{"op":"Const","value":[1]},"words":{"id":"count_words","op":"Stage"}},"op":"Parallel"},' +
        '{"delay_ms":100,"max_attempts":3,"op":"Retry","stage":{"id":"score","op":"Stage"}}]}',
    );
    expect(compositionId(root)).toBe('ec22bc1015b16841b507983e6b356db55033dd6cd3353984cf6088a2f4a3f6d4');
  });
});
