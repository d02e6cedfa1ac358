// The composition parser as a specification (ENGINE §2, §3): what each op accepts and
// the exact AST it yields; what is rejected, with which code, at which pointer and
// line:column; that every problem of a document is reported in one throw; and that no
// input, however broken or deep, crashes it.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NoetherError, catalogue } from '../../engine/errors.js';
import type { Node, Op } from '../../engine/graph/ast.js';
import { parseComposition, parseCompositionValue } from '../../engine/graph/parse.js';
import { childNodes } from './child-nodes.js';
import { rejection } from '../rejection.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/graphs/${name}`, import.meta.url), 'utf8');

/** A composition document around `root`, pretty-printed so that positions are realistic. */
const doc = (root: unknown, top: Record<string, unknown> = {}): string =>
  JSON.stringify({ description: 'd', version: '1', ...top, root }, null, 2);

const problems = (error: NoetherError): Array<[string, string | undefined]> =>
  error.diagnostics.map((d) => [d.code, d.pointer]);

const stage = (id: string): Node => ({ op: 'Stage', id });

/** One valid node per op, with every optional field, to be broken one field at a time. */
const VALID: Record<Op, Node> = {
  Stage: { op: 'Stage', id: 'a', config: { k: 1 }, pinning: 'signature' },
  Const: { op: 'Const', value: 1 },
  Sequential: { op: 'Sequential', stages: [stage('a')] },
  Parallel: { op: 'Parallel', branches: { x: stage('a') } },
  Branch: { op: 'Branch', predicate: stage('p'), if_true: stage('t'), if_false: stage('f') },
  Fanout: { op: 'Fanout', source: stage('s'), targets: [stage('a')] },
  Merge: { op: 'Merge', sources: [stage('a')], target: stage('t') },
  Retry: { op: 'Retry', stage: stage('a'), max_attempts: 2, delay_ms: 10, backoff: 2 },
  Let: { op: 'Let', bindings: { e: stage('e') }, body: stage('b') },
  Map: { op: 'Map', stage: stage('a'), concurrency: 2 },
  RemoteStage: { op: 'RemoteStage', url: 'https://x.org', input: {}, output: {}, timeout_ms: 100 },
};

/** The same ops without their optional fields, and with the other JSON shapes fields may take. */
const ALSO_VALID: Node[] = [
  stage('a'),
  { op: 'Const', value: null },
  { op: 'Const', value: [{ op: 'Stage' }] },
  { op: 'Retry', stage: stage('a'), max_attempts: 1, delay_ms: 0, backoff: 1 },
  { op: 'Map', stage: stage('a') },
  { op: 'RemoteStage', url: 'http://localhost:8080/run', input: true, output: false },
];

describe('accepted documents', () => {
  // The AST has exactly the shape of the document, so each node reads into itself.
  it.each([...Object.values(VALID), ...ALSO_VALID])('reads %j into exactly that AST', (root) => {
    expect(parseComposition(doc(root)).composition.root).toStrictEqual(root);
  });
  it('reads the top level: description, version and the input and output schemas', () => {
    const text = doc(stage('a'), { input: { type: 'object' }, output: true, $comment: 'why' });
    expect(parseComposition(text).composition).toStrictEqual({
      description: 'd',
      version: '1',
      input: { type: 'object' },
      output: true,
      root: stage('a'),
    });
  });

  it('drops $comment from the top level and from every node of every op', () => {
    const seen = new Set<Op>();
    const visit = (node: Node): void => {
      seen.add(node.op);
      expect(Object.keys(node)).not.toContain('$comment');
      childNodes(node).forEach((child) => visit(child.node));
    };
    const { composition } = parseComposition(fixture('all-ops.json'));
    expect(Object.keys(composition)).not.toContain('$comment');
    visit(composition.root);
    expect(seen.size).toBe(11);
  });

  it('keeps "$comment" inside Const values and config, where it is data', () => {
    const root = { op: 'Sequential', stages: [{ op: 'Stage', id: 'a', config: { $comment: 'c' } }] };
    const { composition } = parseComposition(doc(root));
    expect(composition.root).toStrictEqual({
      op: 'Sequential',
      stages: [{ op: 'Stage', id: 'a', config: { $comment: 'c' } }],
    });
  });

  it('records the line:column of every node', () => {
    const { positions } = parseComposition(fixture('all-ops.json'));
    expect(positions.get('/root/stages/1/branches/fixed')).toMatchObject({ line: 23, column: 20 });
  });

  it('returns the file name it was given', () => {
    expect(parseComposition(doc(stage('a')), 'g.json').file).toBe('g.json');
  });

  it('builds fresh node objects, sharing only leaf values, from an already-parsed value', () => {
    const config = { k: 1 };
    const root = { op: 'Retry', stage: { op: 'Stage', id: 'a', config }, max_attempts: 2 };
    const parsed = parseCompositionValue({ description: 'd', version: '1', root });
    const ast = parsed.composition.root;
    if (ast.op !== 'Retry' || ast.stage.op !== 'Stage') throw new Error('expected Retry(Stage)');
    expect(ast).not.toBe(root);
    expect(ast.stage).not.toBe(root.stage);
    expect(ast.stage.config).toBe(config);
    expect(parsed.positions.size).toBe(0);
  });

  it('keeps a Let binding named "__proto__" as an ordinary binding', () => {
    const { composition } = parseComposition(
      doc({ op: 'Let', bindings: {}, body: stage('b') }).replace(
        '"bindings": {}',
        '"bindings": { "__proto__": { "op": "Stage", "id": "p" } }',
      ),
    );
    expect(composition.root.op === 'Let' && Object.keys(composition.root.bindings)).toStrictEqual([
      '__proto__',
    ]);
  });

  it('parses a 50-level nesting of Sequential, Let and Retry', () => {
    let root: Node = stage('leaf');
    for (let level = 0; level < 50; level++) {
      if (level % 3 === 0) root = { op: 'Sequential', stages: [stage('s'), root] };
      else if (level % 3 === 1) root = { op: 'Let', bindings: { b: stage('b') }, body: root };
      else root = { op: 'Retry', stage: root, max_attempts: 2 };
    }
    expect(parseComposition(doc(root)).composition.root).toStrictEqual(root);
  });
});

const NOT_A_NODE = ['Stage', 1, true, null, [stage('a')]];
const NOT_A_SCHEMA = ['string', 1, null, [{}]];
/** Wrong values for every field of every op; each must be rejected at `/root/<field>`. */
const WRONG: Record<Op, Record<string, unknown[]>> = {
  Stage: { id: [1, '', null, ['a']], config: ['k=1', [], null, 3], pinning: ['full', 'Both', 1, null] },
  Const: {},
  Sequential: { stages: [stage('a'), 'a', null, []] },
  Parallel: { branches: [[stage('a')], 'a', null, {}] },
  Branch: { predicate: NOT_A_NODE, if_true: NOT_A_NODE, if_false: NOT_A_NODE },
  Fanout: { source: NOT_A_NODE, targets: [stage('a'), null, []] },
  Merge: { sources: [stage('a'), null, []], target: NOT_A_NODE },
  Retry: {
    stage: NOT_A_NODE,
    max_attempts: [0, -1, 1.5, '3', null, 1e300],
    delay_ms: [-1, 0.5, '10', null],
    backoff: [0.5, 0, -2, '2', null],
  },
  Let: { bindings: [[stage('a')], 'a', null, {}], body: NOT_A_NODE },
  Map: { stage: NOT_A_NODE, concurrency: [0, 1.5, '4', null] },
  RemoteStage: {
    url: ['ftp://x.org/run', 'x.org', '', 1, null],
    input: NOT_A_SCHEMA,
    output: NOT_A_SCHEMA,
    timeout_ms: [0, 2.5, '100', null],
  },
};

describe('rejected fields', () => {
  const wrongValues = Object.entries(WRONG).flatMap(([op, fields]) =>
    Object.entries(fields).flatMap(([field, values]) => values.map((value) => [op, field, value] as const)),
  );
  it.each(wrongValues)('%s rejects "%s": %j at /root/<field>', (op, field, value) => {
    const error = rejection(() => parseComposition(doc({ ...VALID[op as Op], [field]: value })));
    expect(problems(error)).toStrictEqual([['NOE_GRAPH_INVALID', `/root/${field}`]]);
    expect(error.message).toContain(`${op} at /root`);
  });

  const optional = ['op', 'config', 'pinning', 'delay_ms', 'backoff', 'concurrency', 'timeout_ms'];
  const required = Object.entries(VALID).flatMap(([op, node]) =>
    Object.keys(node)
      .filter((field) => !optional.includes(field))
      .map((field) => [op, field] as const),
  );
  it.each(required)('%s without "%s" is a missing field, reported on the node', (op, field) => {
    const node: Record<string, unknown> = { ...VALID[op as Op] };
    delete node[field];
    const error = rejection(() => parseComposition(doc(node)));
    expect(problems(error)).toStrictEqual([['NOE_GRAPH_INVALID', '/root']]);
    expect(error.diagnostics[0]?.message).toContain(`${op} at /root: missing field "${field}"`);
  });

  const elements: Array<[string, Record<string, unknown>, string]> = [
    ['Sequential "stages"', { op: 'Sequential', stages: [stage('a'), 7] }, '/root/stages/1'],
    ['Parallel "branches"', { op: 'Parallel', branches: { x: stage('a'), y: 'b' } }, '/root/branches/y'],
    ['Fanout "targets"', { op: 'Fanout', source: stage('s'), targets: [[]] }, '/root/targets/0'],
    ['Merge "sources"', { op: 'Merge', sources: [null], target: stage('t') }, '/root/sources/0'],
    ['Let "bindings"', { op: 'Let', bindings: { 'a/b': 1 }, body: stage('b') }, '/root/bindings/a~1b'],
  ];
  it.each(elements)('rejects a non-node element of %s at its own pointer', (_name, root, pointer) => {
    expect(problems(rejection(() => parseComposition(doc(root))))).toStrictEqual([
      ['NOE_GRAPH_INVALID', pointer],
    ]);
  });

  it('rejects a top level that is not an object, at the empty pointer', () => {
    expect(problems(rejection(() => parseComposition('[]')))).toStrictEqual([['NOE_GRAPH_INVALID', '']]);
  });

  it('rejects a missing root, description and version, each on the top level', () => {
    expect(problems(rejection(() => parseComposition('{}')))).toStrictEqual([
      ['NOE_GRAPH_INVALID', ''],
      ['NOE_GRAPH_INVALID', ''],
      ['NOE_GRAPH_INVALID', ''],
    ]);
  });

  it('rejects an input schema that is neither an object nor a boolean', () => {
    const error = rejection(() => parseComposition(doc(stage('a'), { input: 'string' })));
    expect(problems(error)).toStrictEqual([['NOE_GRAPH_INVALID', '/input']]);
  });
});

describe('ops and keys', () => {
  it('rejects a node without op', () => {
    const error = rejection(() => parseComposition(doc({ id: 'a' })));
    expect(problems(error)).toStrictEqual([['NOE_GRAPH_INVALID', '/root']]);
    expect(error.message).toContain('missing op');
  });

  it('rejects an op that is not a string, at the op', () => {
    expect(problems(rejection(() => parseComposition(doc({ op: 3 }))))).toStrictEqual([
      ['NOE_GRAPH_INVALID', '/root/op'],
    ]);
  });

  it.each([
    ['Sequental', 'Sequential'],
    ['stage', 'Stage'],
    ['REMOTESTAGE', 'RemoteStage'],
    ['Lett', 'Let'],
  ])('rejects the unknown op "%s" and suggests "%s"', (op, suggestion) => {
    const error = rejection(() => parseComposition(doc({ op, id: 'a' })));
    expect(problems(error)).toStrictEqual([['NOE_UNKNOWN_OP', '/root/op']]);
    expect(error.details).toStrictEqual({ op, suggestion });
    expect(error.message).toContain(`did you mean "${suggestion}"?`);
  });

  it('lists every op when nothing is close to the unknown one', () => {
    const error = rejection(() => parseComposition(doc({ op: 'Frobnicate' })));
    expect(error.details).toStrictEqual({ op: 'Frobnicate' });
    expect(error.message).toContain('use one of Stage, Const, Sequential');
  });

  it.each(Object.keys(VALID))('%s rejects an unknown key, naming it and the allowed keys', (op) => {
    const error = rejection(() => parseComposition(doc({ ...VALID[op as Op], colour: 'red' })));
    expect(problems(error)).toStrictEqual([['NOE_UNKNOWN_KEY', '/root/colour']]);
    expect(error.message).toContain(`unknown key "colour"`);
    expect(error.details?.allowed).toStrictEqual([
      'op',
      ...Object.keys(VALID[op as Op]).slice(1),
      '$comment',
    ]);
  });

  it('suggests the field an unknown key misspells', () => {
    const root = { op: 'Retry', stage: stage('a'), max_attempts: 2, max_attempt: 3 };
    expect(rejection(() => parseComposition(doc(root))).message).toContain('did you mean "max_attempts"?');
  });

  it('rejects an unknown top-level key such as the Rust examples\' "_comment"', () => {
    const error = rejection(() => parseComposition(doc(stage('a'), { _comment: 'x' })));
    expect(problems(error)).toStrictEqual([['NOE_UNKNOWN_KEY', '/_comment']]);
  });
});

describe('collecting problems', () => {
  it('reports every problem of the document in one error, in document order, with line:column', () => {
    const error = rejection(() => parseComposition(fixture('many-problems.json'), 'many.json'));
    expect(error.diagnostics.map((d) => [d.code, d.pointer, d.file, d.line, d.column])).toStrictEqual([
      ['NOE_GRAPH_INVALID', '/root/stages/1/max_attempts', 'many.json', 8, 83],
      ['NOE_UNKNOWN_OP', '/root/stages/2/bindings/eval/stages/1/op', 'many.json', 12, 90],
      ['NOE_UNKNOWN_KEY', '/root/stages/2/body/colour', 'many.json', 14, 55],
    ]);
  });

  it('takes its code and place from the first problem and says how many there are', () => {
    const error = rejection(() => parseComposition(fixture('many-problems.json'), 'many.json'));
    expect(error.code).toBe('NOE_GRAPH_INVALID');
    expect(error.place).toStrictEqual({
      file: 'many.json',
      pointer: '/root/stages/1/max_attempts',
      line: 8,
      column: 83,
    });
    expect(error.message).toMatch(/^many\.json:8:83: Retry at \/root\/stages\/1: .*the first of 3 problems/);
  });

  it('keeps checking the siblings of an invalid child', () => {
    const root = { op: 'Branch', predicate: { op: 'Nope' }, if_true: 1, if_false: { op: 'Stage' } };
    expect(problems(rejection(() => parseComposition(doc(root))))).toStrictEqual([
      ['NOE_UNKNOWN_OP', '/root/predicate/op'],
      ['NOE_GRAPH_INVALID', '/root/if_true'],
      ['NOE_GRAPH_INVALID', '/root/if_false'],
    ]);
  });
});

describe('hostile input', () => {
  it('gives a coded error with line:column for JSON syntax errors', () => {
    const error = rejection(() => parseComposition('{\n  "root": [,\n}', 'bad.json'));
    expect([error.code, error.place]).toStrictEqual([
      'NOE_JSON_SYNTAX',
      { file: 'bad.json', line: 2, column: 12 },
    ]);
  });

  it('either parses every prefix of a valid document or gives a coded error', () => {
    // Exhaustive rather than sampled: the fixture has a few thousand prefixes.
    const text = fixture('all-ops.json');
    const outcomes = new Set<string>();
    for (let length = 0; length <= text.length; length++) {
      try {
        parseComposition(text.slice(0, length));
        outcomes.add('parsed');
      } catch (error) {
        expect(error).toBeInstanceOf(NoetherError);
        outcomes.add((error as NoetherError).code);
      }
    }
    expect([...outcomes].sort()).toStrictEqual(['NOE_JSON_SYNTAX', 'parsed']);
  });

  it('either parses a mangled valid document or gives a coded error', () => {
    const text = fixture('all-ops.json');
    const splice = fc.constantFrom(
      '',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '0',
      '-1.5e3',
      'null',
      '"op"',
      '{"op":',
    );
    fc.assert(
      fc.property(fc.nat({ max: text.length }), fc.nat({ max: 40 }), splice, (at, cut, insert) => {
        try {
          parseComposition(text.slice(0, at) + insert + text.slice(at + cut));
        } catch (error) {
          expect(Object.keys(catalogue)).toContain((error as NoetherError).code);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('either parses any JSON value or gives a coded error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseCompositionValue({ description: 'd', version: '1', root: value });
        } catch (error) {
          expect(Object.keys(catalogue)).toContain((error as NoetherError).code);
        }
      }),
    );
  });

  it('refuses a 10,000-level document with a coded error, not a stack overflow', () => {
    const root = `${'{"op":"Map","stage":'.repeat(10_000)}{"op":"Stage","id":"x"}${'}'.repeat(10_000)}`;
    const text = `{"description":"d","version":"1","root":${root}}`;
    expect(rejection(() => parseComposition(text)).code).toBe('NOE_JSON_SYNTAX');
  });

  it('refuses a 10,000-level value with a coded error at the depth limit', () => {
    let root: unknown = stage('x');
    for (let i = 0; i < 10_000; i++) root = { op: 'Map', stage: root };
    const error = rejection(() => parseCompositionValue({ description: 'd', version: '1', root }));
    expect(error.code).toBe('NOE_GRAPH_INVALID');
    expect(error.place.pointer).toBe(`/root${'/stage'.repeat(512)}`);
  });

  it('refuses a value whose graph refers back to an enclosing node', () => {
    const root: Record<string, unknown> = { op: 'Map' };
    root.stage = root;
    expect(
      problems(rejection(() => parseCompositionValue({ description: 'd', version: '1', root }))),
    ).toStrictEqual([['NOE_GRAPH_INVALID', '/root/stage']]);
  });

  it.each([
    ['a function', { a: [1, () => 1] }, '/root/value/a/1'],
    ['NaN', { a: NaN }, '/root/value/a'],
    ['undefined in an array', [undefined], '/root/value/0'],
    ['a Date', { when: new Date(0) }, '/root/value/when'],
  ])("refuses %s inside a Const value of a caller's object, at its pointer", (_name, value, pointer) => {
    const root = { op: 'Const', value };
    expect(
      problems(rejection(() => parseCompositionValue({ description: 'd', version: '1', root }))),
    ).toStrictEqual([['NOE_GRAPH_INVALID', pointer]]);
  });
});
