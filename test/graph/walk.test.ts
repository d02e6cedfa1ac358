// Walking the AST (engine/graph/walk.ts): which children each op has, in which order,
// and that the pointers built from their tokens name the same places as the document.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../engine/graph/ast.js';
import { parseComposition } from '../../engine/graph/parse.js';
import { childNodes, stageReferences } from '../../engine/graph/walk.js';
import { pointerGet } from '../../engine/json/pointer.js';

const stage = (id: string): Node => ({ op: 'Stage', id });
const tokensOf = (node: Node): Array<(string | number)[]> => childNodes(node).map((child) => child.tokens);

describe('childNodes', () => {
  it.each<[string, Node, Array<(string | number)[]>]>([
    ['Stage', stage('a'), []],
    ['Const', { op: 'Const', value: { op: 'Stage', id: 'not a node' } }, []],
    ['RemoteStage', { op: 'RemoteStage', url: 'https://x.org', input: true, output: true }, []],
    [
      'Sequential',
      { op: 'Sequential', stages: [stage('a'), stage('b')] },
      [
        ['stages', 0],
        ['stages', 1],
      ],
    ],
    [
      'Parallel',
      { op: 'Parallel', branches: { y: stage('a'), x: stage('b') } },
      [
        ['branches', 'y'],
        ['branches', 'x'],
      ],
    ],
    [
      'Branch',
      { op: 'Branch', predicate: stage('p'), if_true: stage('t'), if_false: stage('f') },
      [['predicate'], ['if_true'], ['if_false']],
    ],
    [
      'Fanout',
      { op: 'Fanout', source: stage('s'), targets: [stage('a'), stage('b')] },
      [['source'], ['targets', 0], ['targets', 1]],
    ],
    [
      'Merge',
      { op: 'Merge', sources: [stage('a'), stage('b')], target: stage('t') },
      [['sources', 0], ['sources', 1], ['target']],
    ],
    ['Retry', { op: 'Retry', stage: stage('a'), max_attempts: 2 }, [['stage']]],
    ['Map', { op: 'Map', stage: stage('a') }, [['stage']]],
    [
      'Let',
      { op: 'Let', bindings: { eval: stage('e'), a: stage('a') }, body: stage('b') },
      [['bindings', 'eval'], ['bindings', 'a'], ['body']],
    ],
  ])('gives the children of %s with their tokens, in field then written order', (_op, node, tokens) => {
    expect(tokensOf(node)).toStrictEqual(tokens);
  });

  it('hands out the child nodes themselves, not copies', () => {
    const body = stage('b');
    const [, child] = childNodes({ op: 'Let', bindings: { e: stage('e') }, body });
    expect(child?.node).toBe(body);
  });
});

describe('stageReferences', () => {
  const text = readFileSync(new URL('../fixtures/graphs/all-ops.json', import.meta.url), 'utf8');
  const { composition } = parseComposition(text);

  it('lists every Stage node depth-first with its pointer from /root', () => {
    expect(stageReferences(composition.root).map((ref) => [ref.pointer, ref.node.id])).toStrictEqual([
      ['/root/stages/0', 'normalise'],
      ['/root/stages/1/branches/words', 'count_words'],
      ['/root/stages/3/bindings/eval/predicate', 'is_long'],
      ['/root/stages/3/body/source', 'split@0123abcd'],
      ['/root/stages/3/body/targets/0/stage', 'score'],
      ['/root/stages/3/body/targets/1/sources/0', 'left'],
      ['/root/stages/3/body/targets/1/sources/1', 'right'],
      ['/root/stages/3/body/targets/1/target', 'join'],
    ]);
  });

  it('gives pointers that name the same node in the document as written', () => {
    const document: unknown = JSON.parse(text);
    for (const ref of stageReferences(composition.root))
      expect(pointerGet(document, ref.pointer)).toMatchObject({ op: 'Stage', id: ref.node.id });
  });

  it('starts from the pointer it is given, escaping tokens', () => {
    const node: Node = { op: 'Parallel', branches: { 'a/b': stage('x') } };
    expect(stageReferences(node, '/root/stages/2').map((ref) => ref.pointer)).toStrictEqual([
      '/root/stages/2/branches/a~1b',
    ]);
  });
});
