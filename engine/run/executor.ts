// The interpreter of ENGINE §2's runtime column: walks a plan asynchronously, one
// AbortSignal per concurrent scope, so that a failing branch cancels its running
// siblings and the run reports the first real failure. Values are never mutated: ops
// that combine values build new objects around the (shared) values they combine.
import { isNoetherError } from '../errors.js';
import { assertNever } from '../graph/ast.js';
import { isJsonObject } from '../json/value.js';
import { runtimeType } from './boundary.js';
import { callRemote, callStage, type RunState, type Site } from './call.js';
import type { PlanNode } from './plan.js';
import { allOrAbort, sleep } from './scope.js';

/** Retry's jitter: up to this fraction of the delay is added at random, so retries spread out. */
const JITTER = 0.1;
/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function execute(
  state: RunState,
  node: PlanNode,
  input: unknown,
  signal: AbortSignal,
  site: Site,
): Promise<unknown> {
  switch (node.op) {
    case 'Stage':
      return callStage(state, node, input, signal, site);
    case 'RemoteStage':
      return callRemote(state, node, input, signal, site);
    case 'Const':
      return Promise.resolve(node.value);
    case 'Sequential':
      return sequential(state, node.stages, input, signal, site);
    case 'Parallel':
      return allOrAbort(node.branches.length, signal, (i, s) =>
        execute(state, node.branches[i]!, own(input, node.keys[i]!), s, site),
      ).then((outputs) => zip(node.keys, outputs));
    case 'Branch':
      return execute(state, node.predicate, input, signal, site).then((chosen) => {
        if (chosen !== true && chosen !== false)
          throw runtimeType(node.pointer, 'the Branch predicate must output true or false', chosen);
        return execute(state, chosen ? node.ifTrue : node.ifFalse, input, signal, site);
      });
    case 'Fanout':
      return execute(state, node.source, input, signal, site).then((source) =>
        allOrAbort(node.targets.length, signal, (i, s) => execute(state, node.targets[i]!, source, s, site)),
      );
    case 'Merge': {
      const keys = node.sources.map((_, i) => `source_${i}`);
      return allOrAbort(node.sources.length, signal, (i, s) =>
        execute(state, node.sources[i]!, own(input, keys[i]!), s, site),
      ).then((outputs) => execute(state, node.target, zip(keys, outputs), signal, site));
    }
    case 'Retry':
      return retry(state, node, input, signal, site);
    case 'Let': {
      if (!isJsonObject(input))
        return Promise.reject(runtimeType(node.pointer, 'Let needs an object input', input));
      return allOrAbort(node.bindings.length, signal, (i, s) =>
        execute(state, node.bindings[i]!, input, s, site),
      ).then((outputs) => execute(state, node.body, { ...input, ...zip(node.keys, outputs) }, signal, site));
    }
    case 'Map': {
      if (!Array.isArray(input))
        return Promise.reject(runtimeType(node.pointer, 'Map needs an array input', input));
      const items: readonly unknown[] = input;
      const outer = site.item ?? [];
      return allOrAbort(
        items.length,
        signal,
        (i, s) => execute(state, node.stage, items[i], s, { item: [...outer, i], attempt: site.attempt }),
        node.concurrency,
      );
    }
    default:
      return assertNever(node);
  }
}

async function sequential(
  state: RunState,
  stages: readonly PlanNode[],
  input: unknown,
  signal: AbortSignal,
  site: Site,
): Promise<unknown> {
  let value = input;
  for (const stage of stages) value = await execute(state, stage, value, signal, site);
  return value;
}

async function retry(
  state: RunState,
  node: Extract<PlanNode, { op: 'Retry' }>,
  input: unknown,
  signal: AbortSignal,
  site: Site,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await execute(state, node.stage, input, signal, { item: site.item, attempt });
    } catch (error) {
      if (signal.aborted || attempt >= node.maxAttempts || !retryable(error)) throw error;
      await sleep(retryDelay(node.delayMs, node.backoff, attempt - 1), signal);
    }
  }
}

/** An input-contract violation fails the same way every time; a cancellation is not a failure of the child. */
function retryable(error: unknown): boolean {
  return !(
    isNoetherError(error) &&
    (error.code === 'NOE_STAGE_INPUT_VIOLATION' || error.code === 'NOE_CANCELLED')
  );
}

/** The wait before retry number `n + 1` (n from 0): delay × backoff^n, plus up to 10 % jitter. */
export function retryDelay(
  delayMs: number,
  backoff: number,
  n: number,
  random: () => number = Math.random,
): number {
  const base = delayMs * backoff ** n;
  return Math.min(MAX_DELAY_MS, base + base * JITTER * random());
}

/** Parallel branch k (Merge source i) gets input[k] when the input is an object with own key k, else all of it. */
function own(input: unknown, key: string): unknown {
  return isJsonObject(input) && Object.hasOwn(input, key) ? input[key] : input;
}

/** Object.fromEntries keeps a key such as "__proto__" an own property, as JSON.parse does. */
function zip(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}
