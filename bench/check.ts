// How long `graph check` takes on a generated composition of 10,000 nodes built from
// stages with realistic schemas (objects of ~10 properties, arrays of objects, enums,
// formats, $defs). Target: < 1 s. Prints figures; asserts nothing.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEngine } from '../engine/engine.js';
import { checkComposition } from '../engine/graph/check.js';
import { parseComposition } from '../engine/graph/parse.js';
import { defineStage, StageRegistry } from '../engine/stage/index.js';

const task = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    title: { type: 'string', minLength: 1 },
    status: {
      enum: ['Pending', 'Ready', 'InProgress', 'InReview', 'Done', 'Blocked', 'Escalated', 'Cancelled'],
    },
    depends_on: { type: 'array', items: { type: 'string' } },
    agent_id: { type: ['string', 'null'] },
    issue_number: { type: ['integer', 'null'], minimum: 1 },
    pr_number: { type: ['integer', 'null'], minimum: 1 },
    started_at: { type: ['string', 'null'], format: 'date-time' },
    review_cycles: { type: 'integer', minimum: 0 },
    intervention_count: { type: 'integer', minimum: 0 },
  },
  required: ['id', 'title', 'status', 'depends_on', 'review_cycles'],
};
const state = {
  type: 'object',
  properties: {
    sprint_id: { type: 'string' },
    tasks: { type: 'object', additionalProperties: { $ref: '#/$defs/task' } },
  },
  required: ['sprint_id', 'tasks'],
};
const withState = (extra: Record<string, unknown>) => ({
  $defs: { task },
  type: 'object',
  properties: { state: state, now: { type: 'string', format: 'date-time' }, ...extra },
  required: ['state', 'now'],
});

const registry = new StageRegistry();
registry.add(
  defineStage({
    name: 'advance',
    description: 'Advances a state.',
    input: withState({}),
    output: withState({ events: { type: 'array', items: { type: 'object' } } }),
    effects: ['Pure'],
    run: (x) => x,
  }),
);
registry.add(
  defineStage({
    name: 'summarise',
    description: 'Summarises a state.',
    input: withState({}),
    output: {
      type: 'object',
      properties: { done: { type: 'integer' }, total: { type: 'integer' } },
      required: ['done', 'total'],
    },
    effects: ['Pure'],
    run: (x) => x,
  }),
);

/** A Sequential of blocks; each block is Let{summary: summarise} → advance: 4 nodes. */
function generate(nodes: number): string {
  const blocks = Array.from({ length: Math.floor(nodes / 4) }, () => ({
    op: 'Sequential',
    stages: [
      {
        op: 'Let',
        bindings: { summary: { op: 'Stage', id: 'summarise' } },
        body: { op: 'Stage', id: 'advance' },
      },
    ],
  }));
  return JSON.stringify({
    description: 'bench',
    version: '1',
    input: withState({}),
    root: { op: 'Sequential', stages: blocks },
  });
}

function measure(label: string, fn: () => void, runs = 5): void {
  fn(); // warm-up: ajv compilation and memo tables
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: median ${times[Math.floor(runs / 2)]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[runs - 1]!.toFixed(1)})`,
  );
}

const text = generate(10_000);
const cold = performance.now();
const first = checkComposition(parseComposition(text).composition, registry);
console.log(
  `graph check, 10,000 nodes, first run in a fresh process: ${(performance.now() - cold).toFixed(1)} ms (ok=${first.ok})`,
);
measure('graph check, 10,000 nodes (parse + check)', () => {
  const result = checkComposition(parseComposition(text).composition, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.errors[0]));
});

// The repository's own compositions, checked in-process as `graph check` does (target:
// far below 100 ms). Loading the stage libraries is not part of the check.
const repo = new URL('../', import.meta.url).pathname;
const engine = await loadEngine({ root: repo });
const files = ['compositions', 'examples/compositions'].flatMap((dir) =>
  existsSync(join(repo, dir))
    ? readdirSync(join(repo, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(repo, dir, f))
    : [],
);
const coldStart = performance.now();
for (const file of files) await engine.check(file);
console.log(
  `graph check of the repository's ${files.length} compositions, first time: ${(performance.now() - coldStart).toFixed(1)} ms`,
);
const warmStart = performance.now();
for (const file of files) await engine.check(file);
console.log(
  `graph check of the repository's ${files.length} compositions, again: ${(performance.now() - warmStart).toFixed(1)} ms`,
);
