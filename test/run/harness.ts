// Runs a composition root with the real executor over stages defined in the test. The
// graph is checked only to resolve its Stage nodes: plans are built even when the checker
// rejects the graph, so tests can reach the runtime guards (Branch, Let, Map, config)
// that a checked graph never trips. The input is declared `true` (anything) so that no
// input has to be inferred.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { isNoetherError } from '../../engine/errors.js';
import { compositionId } from '../../engine/graph/canonical.js';
import { checkComposition } from '../../engine/graph/check.js';
import { parseCompositionValue } from '../../engine/graph/parse.js';
import {
  buildPlan,
  executePlan,
  TRACE_FOLDER,
  type ExecuteOptions,
  type Trace,
} from '../../engine/run/index.js';
import { StageRegistry } from '../../engine/stage/index.js';
import type { Stage } from '../../engine/stage/types.js';
import { tempProject } from '../temp-project.js';

export type RunOptions = Partial<Omit<ExecuteOptions, 'compositionId'>>;

export async function run(stages: readonly Stage[], root: unknown, input: unknown, options: RunOptions = {}) {
  const registry = new StageRegistry();
  for (const stage of stages) registry.add(stage);
  const { composition } = parseCompositionValue({ description: 'test', version: '1', input: true, root });
  const { stages: resolved } = checkComposition(composition, registry);
  const traceRoot = options.traceRoot ?? tempProject();
  const result = await executePlan(buildPlan(composition.root, resolved), input, {
    ...options,
    traceRoot,
    compositionId: compositionId(composition.root),
  });
  return { ...result, trace: readTraceFile(traceRoot, result.executionId), traceRoot };
}

/** Runs and expects a failure: the error and the trace of the failed run. */
export async function runFailing(
  stages: readonly Stage[],
  root: unknown,
  input: unknown,
  options: RunOptions = {},
) {
  const traceRoot = options.traceRoot ?? tempProject();
  try {
    await run(stages, root, input, { ...options, traceRoot });
  } catch (error) {
    if (!isNoetherError(error)) throw error;
    const id = error.details?.execution_id as string;
    return { error, trace: readTraceFile(traceRoot, id), traceRoot };
  }
  throw new Error('the run succeeded');
}

export function readTraceFile(root: string, executionId: string): Trace {
  return JSON.parse(readFileSync(join(root, TRACE_FOLDER, `${executionId}.json`), 'utf8')) as Trace;
}

export const stage = (id: string, config?: Record<string, unknown>) =>
  config === undefined ? { op: 'Stage', id } : { op: 'Stage', id, config };
