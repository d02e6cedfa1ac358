// What the executor costs per stage call (ENGINE §5), on generated graphs of 10,000
// stage calls: engine overhead = (run time − the time of the stage functions called
// directly) / calls. Measured with and without boundary validation, with and without
// deep-freezing, on cache hits, and through engine.run (check memoised, trace written).
// Target: ≤ 20 µs per stage call. Prints figures; asserts nothing. Times are this
// process's CPU time (user + system), which other load on a shared machine disturbs far
// less than wall-clock time; the wall-clock time is printed beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEngine } from '../engine/engine.js';
import { checkComposition } from '../engine/graph/check.js';
import { parseCompositionValue } from '../engine/graph/parse.js';
import { buildPlan, executePlan, StageCache, type ExecuteOptions } from '../engine/run/index.js';
import { defineStage, StageRegistry } from '../engine/stage/index.js';

const CALLS = 10_000;
const counter = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
const inc = defineStage<{ n: number }, { n: number }>({
  name: 'inc',
  description: 'Adds one.',
  input: counter,
  output: counter,
  effects: ['Pure'],
  run: ({ n }) => ({ n: n + 1 }),
});

// A realistic value: a sprint state of 30 tasks, carried through every call.
const task = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9_-]+$' },
    status: { enum: ['Pending', 'Ready', 'InProgress', 'Done'] },
    depends_on: { type: 'array', items: { type: 'string' } },
    review_cycles: { type: 'integer', minimum: 0 },
  },
  required: ['id', 'status', 'depends_on', 'review_cycles'],
};
const state = {
  type: 'object',
  properties: { n: { type: 'integer' }, tasks: { type: 'array', items: task } },
  required: ['n', 'tasks'],
};
const tick = defineStage<{ n: number; tasks: unknown[] }, { n: number; tasks: unknown[] }>({
  name: 'tick',
  description: 'Counts a tick of a sprint state.',
  input: state,
  output: state,
  effects: ['Pure'],
  run: ({ n, tasks }) => ({ n: n + 1, tasks }),
});
const sprint = {
  n: 0,
  tasks: Array.from({ length: 30 }, (_, i) => ({
    id: `t${i}`,
    status: 'Ready',
    depends_on: i === 0 ? [] : [`t${i - 1}`],
    review_cycles: 0,
  })),
};

const registry = new StageRegistry();
registry.add(inc);
registry.add(tick);

/** 10,000 stage calls: a Sequential of Let blocks (binding + body), the shape of real compositions. */
function graph(stage: string) {
  const blocks = Array.from({ length: CALLS / 2 }, () => ({
    op: 'Let',
    bindings: { probe: { op: 'Stage', id: stage } },
    body: { op: 'Stage', id: stage },
  }));
  return { description: 'bench', version: '1', root: { op: 'Sequential', stages: blocks } };
}

function planOf(stage: string) {
  const { composition } = parseCompositionValue(graph(stage));
  const checked = checkComposition(composition, registry);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors[0]));
  return buildPlan(composition.root, checked.stages);
}

/** Median CPU and wall-clock milliseconds of `runs` runs after a warm-up. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  await fn(); // warm-up
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    await fn();
    const { user, system } = process.cpuUsage(used);
    cpu.push((user + system) / 1000);
    wall.push(performance.now() - start);
  }
  const middle = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  return { cpu: middle(cpu), wall: middle(wall) };
}

/** The stage functions alone, called directly CALLS times: the floor no executor goes under. */
function direct(run: (x: unknown) => unknown, input: unknown): number {
  const used = process.cpuUsage();
  for (let round = 0; round < 5; round++) {
    let value = input;
    for (let i = 0; i < CALLS; i++) value = run(value);
  }
  const { user, system } = process.cpuUsage(used);
  return (user + system) / 1000 / 5;
}

const traceRoot = mkdtempSync(join(tmpdir(), 'noether-bench-'));
const perCall = (ms: number, floor: number) => `${(((ms - floor) * 1000) / CALLS).toFixed(2)} µs/call`;

for (const [stage, input, label] of [
  [inc, { n: 0 }, 'small values ({n})'],
  [tick, sprint, 'sprint state (30 tasks)'],
] as const) {
  const plan = planOf(stage.name);
  const impl = stage.implementation;
  if (impl.kind !== 'builtin') throw new Error('built-ins only');
  const floor = direct((x) => impl.run(x, undefined as never), input);
  console.log(`\n${label}: ${CALLS} stage calls; the stage functions alone take ${floor.toFixed(1)} ms`);
  const measure = async (name: string, options: Omit<ExecuteOptions, 'compositionId'>) => {
    // A fresh copy each run: a run with freezing on must not hand a frozen input to the next.
    const { cpu, wall } = await median(7, () =>
      executePlan(plan, structuredClone(input), { compositionId: 'bench', ...options }),
    );
    console.log(
      `  ${name.padEnd(44)} ${perCall(cpu, floor).padStart(15)}  (cpu ${cpu.toFixed(0)} ms, wall ${wall.toFixed(0)} ms)`,
    );
  };
  await measure('validate + freeze (the default), no trace file', {});
  await measure('validate, no freeze', { freeze: false });
  await measure('no validation (--no-validate)', { validate: false });
  await measure('no validation, no freeze', { validate: false, freeze: false });
  await measure('validate + freeze + trace file written', { traceRoot });
  const cache = new StageCache({ maxEntries: 100_000, maxBytes: 512 * 1024 * 1024 });
  await executePlan(plan, input, { compositionId: 'bench', cache }); // fills the cache
  await measure('every call a cache hit', { cache });
}

// Through the library API, as the CLI and the scheduler call it.
const engine = await loadEngine({ cwd: traceRoot });
engine.registry.add(inc);
const big = graph('inc');
const first = process.cpuUsage();
await engine.run(big, { n: 0 }, { cache: false });
const firstCpu = process.cpuUsage(first);
const again = await median(5, () => engine.run(big, { n: 0 }, { cache: false }));
console.log(
  `\nengine.run, ${CALLS}-call graph: first run ${((firstCpu.user + firstCpu.system) / 1000).toFixed(0)} ms cpu ` +
    `(parse + check + plan + run + trace file), then ${again.cpu.toFixed(0)} ms cpu per run ` +
    `(${perCall(again.cpu, 0)} all included: check memoised; parse, id, run, trace file)`,
);
rmSync(traceRoot, { recursive: true, force: true });
