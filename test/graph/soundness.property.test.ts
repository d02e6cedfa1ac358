// The checker's promise, tested by property: a composition it accepts never breaks a
// stage's contract at run time, and its output always fits the output schema the checker
// computed. Graphs are generated at random over a small library of pure stages; accepted
// ones are run by the real executor (ENGINE §2 runtime column, boundary validation on)
// on every sampled instance of their declared input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../engine/graph/ast.js';
import { checkComposition } from '../../engine/graph/check.js';
import { parseCompositionValue } from '../../engine/graph/parse.js';
import { isNoetherError } from '../../engine/errors.js';
import { buildPlan, executePlan } from '../../engine/run/index.js';
import { isValid, type JsonSchema } from '../../engine/schema/index.js';
import { defineStage, StageRegistry } from '../../engine/stage/index.js';
import type { Stage } from '../../engine/stage/types.js';

const int = { type: 'integer' };
const obj = (properties: Record<string, JsonSchema>, required = Object.keys(properties), closed = false) => ({
  type: 'object',
  properties,
  required,
  ...(closed ? { additionalProperties: false } : {}),
});

const library: Stage[] = [
  defineStage<{ n: number }, { n: number }>({
    name: 'inc',
    description: 'n + 1',
    input: obj({ n: int }),
    output: obj({ n: int }, ['n'], true),
    effects: ['Pure'],
    run: ({ n }) => ({ n: n + 1 }),
  }),
  defineStage<{ n: number }, { text: string }>({
    name: 'to_text',
    description: 'n as text',
    input: obj({ n: int }, ['n'], true),
    output: obj({ text: { type: 'string' } }, ['text'], true),
    effects: ['Pure'],
    run: ({ n }) => ({ text: String(n) }),
  }),
  defineStage<{ text: string }, { n: number }>({
    name: 'len',
    description: 'length of text',
    input: obj({ text: { type: 'string' } }),
    output: obj({ n: { type: 'integer', minimum: 0 } }, ['n'], true),
    effects: ['Pure'],
    run: ({ text }) => ({ n: text.length }),
  }),
  defineStage<{ n: number; limit?: number }, boolean>({
    name: 'is_big',
    description: 'n > limit',
    input: obj({ n: int, limit: int }, ['n']),
    output: { type: 'boolean' },
    effects: ['Pure'],
    run: ({ n, limit = 3 }) => n > limit,
  }),
  defineStage<{ n: number; text: string }, { text: string }>({
    name: 'repeat',
    description: 'text repeated n times',
    input: obj({ n: { type: 'integer', minimum: 0, maximum: 5 }, text: { type: 'string' } }),
    output: obj({ text: { type: 'string' } }, ['text'], true),
    effects: ['Pure'],
    run: ({ n, text }) => ({ text: text.repeat(n) }),
  }),
  defineStage<number[], number>({
    name: 'sum',
    description: 'sum of a list',
    input: { type: 'array', items: int },
    output: int,
    effects: ['Pure'],
    run: (xs) => xs.reduce((a, b) => a + b, 0),
  }),
  defineStage<{ n: number }, { n: number }[]>({
    name: 'range',
    description: '0..n-1',
    input: obj({ n: { type: 'integer', minimum: 0, maximum: 4 } }),
    output: { type: 'array', items: obj({ n: int }, ['n'], true), maxItems: 4 },
    effects: ['Pure'],
    run: ({ n }) => Array.from({ length: n }, (_, i) => ({ n: i })),
  }),
  defineStage<{ text: string }, { n?: number }>({
    name: 'maybe_n',
    description: 'n when the text is a number',
    input: obj({ text: { type: 'string' } }),
    output: obj({ n: int }, [], true),
    effects: ['Pure'],
    run: ({ text }) => (/^-?\d+$/.test(text) ? { n: Number(text) } : {}),
  }),
  defineStage<unknown, { value: unknown }>({
    name: 'wrap',
    description: 'wraps anything',
    input: true,
    output: obj({ value: true }, ['value'], true),
    effects: ['Pure'],
    run: (value) => ({ value }),
  }),
];
const registry = new StageRegistry();
for (const s of library) registry.add(s);

const NAMES = ['n', 'text', 'value'];
const VALUES: unknown[] = [
  0,
  2,
  7,
  -1,
  'ab',
  '12',
  true,
  { n: 1 },
  { n: 4 },
  { text: 'hi' },
  { n: 2, text: 'x' },
  [1, 2],
  [],
  null,
];

const INPUTS: JsonSchema[] = [
  obj({ n: int }, ['n'], true),
  obj({ n: int }),
  obj({ text: { type: 'string' } }, ['text'], true),
  obj({ n: { type: 'integer', minimum: 0, maximum: 4 }, text: { type: 'string' } }, ['n', 'text'], true),
  obj({ n: int, text: { type: 'string' } }, ['n']),
  { type: 'array', items: int },
  { type: 'array', items: obj({ n: int }, ['n'], true) },
  obj({ value: obj({ n: int }, ['n'], true), n: int }, ['value', 'n'], true),
  int,
  true,
];

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => {
  const child = tie('node');
  const stage = fc
    .tuple(
      fc.constantFrom(...library.map((s) => s.name)),
      fc.option(fc.constantFrom({ limit: 1 }, { n: 2 }, { text: 'k' }), { nil: undefined }),
    )
    .map(([id, config]): Node => (config === undefined ? { op: 'Stage', id } : { op: 'Stage', id, config }));
  return {
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: stage },
      { weight: 1, arbitrary: fc.constantFrom(...VALUES).map((value): Node => ({ op: 'Const', value })) },
      {
        weight: 4,
        arbitrary: fc
          .array(child, { minLength: 1, maxLength: 3 })
          .map((stages): Node => ({ op: 'Sequential', stages })),
      },
      {
        weight: 1,
        arbitrary: fc
          .dictionary(fc.constantFrom(...NAMES), child, { minKeys: 1, maxKeys: 2 })
          .map((branches): Node => ({ op: 'Parallel', branches })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(child, child, child)
          .map(([predicate, t, f]): Node => ({ op: 'Branch', predicate, if_true: t, if_false: f })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(child, fc.array(child, { minLength: 1, maxLength: 2 }))
          .map(([source, targets]): Node => ({ op: 'Fanout', source, targets })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.array(child, { minLength: 1, maxLength: 2 }), child)
          .map(([sources, target]): Node => ({ op: 'Merge', sources, target })),
      },
      { weight: 1, arbitrary: child.map((s): Node => ({ op: 'Retry', stage: s, max_attempts: 2 })) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.dictionary(fc.constantFrom(...NAMES), child, { minKeys: 1, maxKeys: 2 }), child)
          .map(([bindings, body]): Node => ({ op: 'Let', bindings, body })),
      },
      { weight: 1, arbitrary: child.map((s): Node => ({ op: 'Map', stage: s })) },
    ),
  };
}).node;

const INSTANCES: unknown[] = [
  ...VALUES,
  { n: 3 },
  { n: 0, text: '' },
  { n: 1, text: 'yo', extra: null },
  { n: 5, value: 1 },
  { value: { n: 2 }, n: 1 },
  [{ n: 1 }, { n: 2 }],
  [3],
  { text: '42' },
  { n: -2, text: 'zz' },
];

describe('checker soundness', () => {
  it('a graph it accepts never breaks a contract at run time, and its output fits the computed schema', async () => {
    const tally = { accepted: 0, rejected: 0, runs: 0 };
    await fc.assert(
      fc.asyncProperty(node, fc.constantFrom(...INPUTS), async (root, input) => {
        const composition = parseCompositionValue({
          description: 'p',
          version: '1',
          input,
          root,
        }).composition;
        const result = checkComposition(composition, registry, { strict: true });
        if (!result.ok) {
          tally.rejected++;
          return;
        }
        tally.accepted++;
        const plan = buildPlan(composition.root, result.stages);
        for (const value of INSTANCES.filter((v) => isValid(input, v))) {
          let output: unknown;
          try {
            ({ output } = await executePlan(plan, value, { compositionId: 'soundness' }));
          } catch (error) {
            // Every stage here is total: any failure is a broken contract (or a runtime type error).
            const code = isNoetherError(error) ? error.code : 'not a NoetherError';
            throw new Error(`${code} running ${JSON.stringify(root)} on ${JSON.stringify(value)}`, {
              cause: error,
            });
          }
          tally.runs++;
          expect(isValid(result.output!, output)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    console.log(`checker soundness: ${JSON.stringify(tally)}`);
    // Not vacuous: a fair share of graphs is accepted and run.
    expect(tally.accepted).toBeGreaterThan(300);
    expect(tally.runs).toBeGreaterThan(1000);
  });
});
