// Split boundary validation (engine/run/proof.ts): it must accept exactly what the whole
// schema accepts, and a proof must only ever be reused for the same schema on a value
// that cannot have changed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../engine/json/value.js';
import { checkProven, proofOf } from '../../engine/run/proof.js';
import { compileSchema, type JsonSchema } from '../../engine/schema/index.js';

const defs = {
  id: { type: 'string', pattern: '^[a-z][a-z0-9]*$' },
  task: {
    type: 'object',
    properties: {
      id: { $ref: '#/$defs/id' },
      status: { enum: ['Ready', 'Done'] },
      depends_on: { type: 'array', items: { $ref: '#/$defs/id' } },
    },
    required: ['id', 'status', 'depends_on'],
    additionalProperties: false,
  },
  state: {
    type: 'object',
    properties: {
      tasks: {
        type: 'object',
        propertyNames: { $ref: '#/$defs/id' },
        additionalProperties: { $ref: '#/$defs/task' },
      },
      done: { type: 'array', items: { type: 'string' } },
    },
    required: ['tasks', 'done'],
    additionalProperties: false,
  },
};
const wrapper: JsonSchema = {
  type: 'object',
  properties: {
    state: { $ref: '#/$defs/state' },
    now: { type: 'string' },
    list: { type: 'array', items: { $ref: '#/$defs/task' } },
  },
  required: ['state', 'now'],
  additionalProperties: false,
  $defs: defs,
};

const task = (id: string, status = 'Ready') => ({ id, status, depends_on: [] as string[] });
const state = () => ({ tasks: { a: task('a'), b: task('b', 'Done') }, done: ['x'] });

describe('checkProven', () => {
  it('accepts exactly what the whole schema accepts, frozen or not, proven parts or not', () => {
    const whole = compileSchema(wrapper);
    const proof = proofOf(wrapper);
    const id = fc.constantFrom('a', 'b', 'B', '1', 'c2');
    const taskArb = fc.record({
      id,
      status: fc.constantFrom('Ready', 'Done', 'Lost'),
      depends_on: fc.array(id, { maxLength: 2 }),
    });
    const value = fc.record(
      {
        state: fc.record({
          tasks: fc.dictionary(id, taskArb, { maxKeys: 3 }),
          done: fc.array(fc.string(), { maxLength: 2 }),
        }),
        now: fc.oneof(fc.string(), fc.integer()),
        list: fc.array(taskArb, { maxLength: 2 }),
      },
      { requiredKeys: ['state'] },
    );
    fc.assert(
      fc.property(value, fc.boolean(), fc.boolean(), (v, freeze, proveState) => {
        if (freeze) deepFreeze(v);
        // A part proven first, then wrapped: the wrapper's verdict must not change.
        if (proveState) checkProven(proofOf({ $ref: '#/$defs/state', $defs: defs }), v.state);
        expect(checkProven(proof, v)).toBe(whole(v));
      }),
      { numRuns: 300 },
    );
  });

  it('does not look into a deep-frozen object proven before, inside a new wrapper', () => {
    let reads = 0;
    const done = ['x'];
    const counted = Object.defineProperty({ tasks: { a: task('a') } }, 'done', {
      enumerable: true,
      get: () => (reads++, done),
    });
    const proven = deepFreeze(counted);
    const proof = proofOf(wrapper);
    expect(checkProven(proof, deepFreeze({ state: proven, now: 'n' }))).toBe(true);
    const first = reads;
    expect(first).toBeGreaterThan(0);
    expect(checkProven(proof, deepFreeze({ state: proven, now: 'm' }))).toBe(true);
    expect(reads).toBe(first);
  });

  it('validates again an object that was not frozen: it may have changed since', () => {
    const proof = proofOf(wrapper);
    const value = { state: state(), now: 'n' };
    expect(checkProven(proof, value)).toBe(true);
    value.state.tasks.a.status = 'Lost';
    expect(checkProven(proof, value)).toBe(false);
  });

  it('does not take a proof for one schema as a proof for another', () => {
    const proven = deepFreeze(state());
    expect(checkProven(proofOf(wrapper), { state: proven, now: 'n' })).toBe(true);
    const stricter: JsonSchema = {
      ...wrapper,
      $defs: {
        ...defs,
        task: { ...defs.task, properties: { ...defs.task.properties, status: { const: 'Ready' } } },
      },
    };
    expect(checkProven(proofOf(stricter), { state: proven, now: 'n' })).toBe(false);
  });

  it('reuses a proof across contracts whose schemas are the same once their $defs are resolved', () => {
    const proven = deepFreeze(state());
    const elsewhere: JsonSchema = {
      type: 'object',
      properties: { s: { $ref: '#/$defs/dag' } },
      required: ['s'],
      $defs: { dag: defs.state, id: defs.id, task: defs.task, unused: { type: 'null' } },
    };
    const here = proofOf(wrapper);
    const there = proofOf(elsewhere);
    expect(here.kind === 'object' && there.kind === 'object').toBe(true);
    if (here.kind !== 'object' || there.kind !== 'object') return;
    expect(here.properties.get('state')?.key).toBe(there.properties.get('s')?.key);
    expect(checkProven(there, { s: proven })).toBe(true);
  });

  it('splits a bundled root, `{$ref, $defs}`, as it splits the definition it names', () => {
    // A stage output declared as one domain schema is bundled this way (build_tick_output's
    // TickResult): kept whole, the sprint state inside it was validated again at every tick.
    const bundled = proofOf({ $ref: '#/$defs/state', $defs: defs });
    expect(bundled.kind).toBe('object');
    const proven = deepFreeze(state());
    expect(checkProven(proofOf(wrapper), { state: proven, now: 'n' })).toBe(true);
    if (bundled.kind === 'object') expect(bundled.properties.get('tasks')?.kind).toBe('object');
    expect(checkProven(bundled, proven)).toBe(true);
    expect(checkProven(bundled, deepFreeze({ ...state(), done: [1] }))).toBe(false);
  });

  it('keeps a recursive schema whole where it meets itself, and still checks it', () => {
    const tree: JsonSchema = {
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
          required: ['name'],
        },
      },
    };
    const proof = proofOf(tree);
    expect(checkProven(proof, { name: 'a', children: [{ name: 'b', children: [] }] })).toBe(true);
    expect(checkProven(proof, { name: 'a', children: [{ children: [] }] })).toBe(false);
  });
});
