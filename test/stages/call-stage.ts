// Calls one stage the way the executor does at its boundary, without a graph: the input
// is checked against the stage's input schema and deep-frozen (a stage never mutates its
// input, ENGINE §1), and the output is checked against the output schema. Stage tests of
// every area use this instead of calling `run` bare.
import { deepFreeze } from '../../engine/json/value.js';
import { validateValue } from '../../engine/schema/index.js';
import type { Stage, StageContext } from '../../engine/stage/index.js';

export interface CallOptions {
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Run-end hooks the stage registered are collected here; the caller runs them. */
  runEndHooks?: (() => void | Promise<void>)[];
  log?: (message: string, data?: unknown) => void;
}

export async function callStage(stage: Stage, input: unknown, options: CallOptions = {}): Promise<unknown> {
  if (stage.implementation.kind !== 'builtin') throw new Error(`${stage.name} is not a built-in stage`);
  const inputViolations = validateValue(stage.input, input);
  if (inputViolations.length > 0)
    throw new Error(`input of ${stage.name} breaks its schema: ${JSON.stringify(inputViolations)}`);
  const context: StageContext = {
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? (() => {}),
    onRunEnd: (fn) => options.runEndHooks?.push(fn),
    env: options.env ?? {},
  };
  const output = await stage.implementation.run(deepFreeze(structuredClone(input)), context);
  const outputViolations = validateValue(stage.output, output);
  if (outputViolations.length > 0)
    throw new Error(`output of ${stage.name} breaks its schema: ${JSON.stringify(outputViolations)}`);
  return output;
}
