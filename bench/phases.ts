// The planning phases (stages/phases): the whole template cycle per goal, one
// architect_po call through a fake LLM provider process (the seam's own cost: spawn,
// stdin, stdout, parse, validate), and the answer extraction on a worst-case 1 MB answer.
// Prints figures; asserts nothing.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Stage, StageContext } from '../engine/stage/index.js';
import { architectPo, designPo, devPo, phasesToSprintTasks, reviewPo } from '../stages/phases/index.js';
import { firstJsonObject } from '../stages/phases/llm-answer.js';
import { MAX_ANSWER_CHARS } from '../stages/phases/llm-provider.js';

function context(env: Record<string, string>): StageContext {
  return { signal: new AbortController().signal, log: () => {}, onRunEnd: () => {}, env };
}

async function call(stage: Stage, input: unknown, ctx: StageContext): Promise<unknown> {
  if (stage.implementation.kind !== 'builtin') throw new Error(`${stage.name} is not built in`);
  return await stage.implementation.run(input, ctx);
}

const cycle = [designPo, architectPo, devPo, reviewPo, phasesToSprintTasks];
const goals = Array.from(
  { length: 1000 },
  (_, i) => `Build the NoteStore${i}, a NoteApi and an AdminPanel; add auth for the Mobile client ${i}.`,
);
const noProvider = context({});
let started = performance.now();
for (const goal of goals) {
  let value: unknown = { goal };
  for (const stage of cycle) value = await call(stage, value, noProvider);
}
let elapsed = performance.now() - started;
console.log(
  `template cycle (5 phases, 4 components → 16 plan tasks): ${((elapsed * 1000) / goals.length).toFixed(0)} µs per goal over ${goals.length} goals`,
);

const fake = fileURLToPath(new URL('../test/fixtures/llm/prose-wrapped.mjs', import.meta.url));
const withProvider = context({
  PATH: process.env.PATH ?? '',
  CALORON_LLM_COMMAND: JSON.stringify([process.execPath, fake]),
});
const calls = 20;
started = performance.now();
for (let i = 0; i < calls; i += 1) await call(architectPo, { goal: goals[i] }, withProvider);
elapsed = performance.now() - started;
console.log(
  `architect_po through a fake provider (node process): ${(elapsed / calls).toFixed(1)} ms per call over ${calls} calls`,
);

const worst = `${'{'.repeat(64)}${'x'.repeat(MAX_ANSWER_CHARS - 64)}`;
started = performance.now();
firstJsonObject(worst);
elapsed = performance.now() - started;
console.log(
  `answer extraction, worst case (${MAX_ANSWER_CHARS} chars, 64 unclosed braces): ${elapsed.toFixed(1)} ms`,
);
