// Subschema checks per second on realistic stage schemas: objects of ~10 properties,
// nested arrays of objects, enums, formats, nullable fields, and a recursive schema.
// Cold: every check gets freshly built schema objects (no memo hit, every comparison
// done from scratch); warm: the same objects again (memoised). Prints; asserts nothing.
import { performance } from 'node:perf_hooks';
import { isSubschema, type JsonSchema } from '../engine/schema/index.js';

const check = () => ({
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    status: { enum: ['queued', 'running', 'passed', 'failed'] },
    duration_ms: { type: 'integer', minimum: 0 },
  },
  required: ['name', 'status'],
});

/** A stage output: what upstream produces. */
const pullRequest = (): JsonSchema => ({
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    number: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    state: { enum: ['open', 'closed', 'merged'] },
    draft: { type: 'boolean' },
    labels: { type: 'array', items: { type: 'string', pattern: '^[a-z-]+$' }, uniqueItems: true },
    assignee: {
      anyOf: [
        { type: 'null' },
        { type: 'object', properties: { login: { type: 'string' } }, required: ['login'] },
      ],
    },
    created_at: { type: 'string', format: 'date-time' },
    checks: { type: 'array', items: check(), maxItems: 50 },
    url: { type: 'string', format: 'uri' },
  },
  required: ['id', 'number', 'title', 'state', 'draft', 'labels', 'created_at', 'checks', 'url'],
  additionalProperties: false,
});

/** A stage input: what downstream accepts (looser). */
const reviewInput = (): JsonSchema => ({
  type: 'object',
  properties: {
    id: { type: 'string' },
    number: { type: 'number' },
    title: { type: 'string' },
    state: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    assignee: { type: ['object', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          status: { enum: ['queued', 'running', 'passed', 'failed', 'skipped'] },
        },
        required: ['name'],
      },
    },
  },
  required: ['id', 'number', 'title', 'checks'],
});

/** A stricter input that the output does not fit (a "no" with a witness). */
const strictInput = (): JsonSchema => ({
  type: 'object',
  properties: { number: { type: 'integer', maximum: 1000 }, assignee: { type: 'object' } },
  required: ['number', 'assignee'],
});

const tree = (valueType: string): JsonSchema => ({
  $defs: {
    node: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        value: { type: valueType },
        children: { type: 'array', items: { $ref: '#/$defs/node' } },
      },
      required: ['id'],
    },
  },
  $ref: '#/$defs/node',
});

const cases: [string, () => JsonSchema, () => JsonSchema][] = [
  ['object of 10 properties -> looser input (yes)', pullRequest, reviewInput],
  ['object of 10 properties -> stricter input (no)', pullRequest, strictInput],
  ['recursive tree -> looser tree (yes)', () => tree('integer'), () => tree('number')],
  ['recursive tree -> stricter tree (no)', () => tree('number'), () => tree('integer')],
];

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')} checks/s`;
}

for (const [name, sub, sup] of cases) {
  const verdict = isSubschema(sub(), sup()).verdict;
  const n = verdict === 'yes' ? 5000 : 500;
  const pairs = Array.from({ length: n }, () => [sub(), sup()] as const);
  let t = performance.now();
  for (const [a, b] of pairs) isSubschema(a, b);
  const cold = performance.now() - t;
  const [a, b] = pairs[0] ?? [sub(), sup()];
  t = performance.now();
  for (let i = 0; i < 100_000; i++) isSubschema(a, b);
  const warm = performance.now() - t;
  console.log(`${name}: ${verdict}; cold ${rate(n, cold)}, warm ${rate(100_000, warm)}`);
}
