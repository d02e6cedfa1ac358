// The executable form of a checked composition: the AST with every Stage node resolved,
// every node's JSON pointer computed and every boundary validator compiled, once per
// graph. Runs then walk this plan and do lookups only (compile once, run many).
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { NoetherError } from '../errors.js';
import { assertNever, type Node, type RemoteStageNode } from '../graph/ast.js';
import { pointerJoin } from '../json/pointer.js';
import { deepFreeze } from '../json/value.js';
import { compileSchema, type JsonSchema } from '../schema/index.js';
import type { Stage } from '../stage/types.js';
import { proofOf, type ProofNode } from './proof.js';

/** A schema and its compiled validator, kept together for violation reports. */
export interface Contract {
  schema: JsonSchema;
  validate: ValidateFunction;
  /** The same check, split so that deep-frozen values proven before are not looked into again. */
  proof: ProofNode;
}

export interface StagePlan {
  op: 'Stage';
  pointer: string;
  stage: Stage;
  config: Readonly<Record<string, unknown>> | undefined;
  input: Contract;
  output: Contract;
  /** Pure (or Pure + Fallible): its successes may be cached. */
  cacheable: boolean;
}

export interface RemotePlan {
  op: 'RemoteStage';
  pointer: string;
  node: RemoteStageNode;
  input: Contract;
  output: Contract;
}

export type PlanNode =
  | StagePlan
  | RemotePlan
  | { op: 'Const'; pointer: string; value: unknown }
  | { op: 'Sequential'; pointer: string; stages: PlanNode[] }
  | { op: 'Parallel'; pointer: string; keys: string[]; branches: PlanNode[] }
  | { op: 'Branch'; pointer: string; predicate: PlanNode; ifTrue: PlanNode; ifFalse: PlanNode }
  | { op: 'Fanout'; pointer: string; source: PlanNode; targets: PlanNode[] }
  | { op: 'Merge'; pointer: string; sources: PlanNode[]; target: PlanNode }
  | { op: 'Retry'; pointer: string; stage: PlanNode; maxAttempts: number; delayMs: number; backoff: number }
  | { op: 'Let'; pointer: string; keys: string[]; bindings: PlanNode[]; body: PlanNode }
  | { op: 'Map'; pointer: string; stage: PlanNode; concurrency: number };

/** How many elements a Map works on at once when the node does not say. */
export const DEFAULT_MAP_CONCURRENCY = 16;
/** Retry's delay multiplier per attempt when the node does not say. */
export const DEFAULT_BACKOFF = 2;

const CACHEABLE_EFFECTS = new Set(['Pure', 'Fallible']);

/**
 * Builds the plan of `root`. `stages` maps each Stage node's pointer to the stage the
 * checker resolved it to; a checked graph has one for every Stage node.
 */
export function buildPlan(root: Node, stages: ReadonlyMap<string, Stage>, pointer = '/root'): PlanNode {
  const child = (node: Node, ...tokens: (string | number)[]) =>
    buildPlan(node, stages, pointerJoin(pointer, ...tokens));
  switch (root.op) {
    case 'Stage': {
      const stage = stages.get(pointer);
      if (stage === undefined)
        throw new NoetherError('NOE_INTERNAL', `no resolved stage for the Stage node at ${pointer}`);
      return {
        op: 'Stage',
        pointer,
        stage,
        // A copy, frozen: merged into stage inputs, it must never be changed by a stage.
        config: root.config === undefined ? undefined : deepFreeze(structuredClone(root.config)),
        input: contract(stage.input),
        output: contract(stage.output),
        cacheable: stage.effects.includes('Pure') && stage.effects.every((e) => CACHEABLE_EFFECTS.has(e)),
      };
    }
    case 'RemoteStage':
      return {
        op: 'RemoteStage',
        pointer,
        node: root,
        input: contract(root.input),
        output: contract(root.output),
      };
    case 'Const':
      return { op: 'Const', pointer, value: deepFreeze(structuredClone(root.value)) };
    case 'Sequential':
      return { op: 'Sequential', pointer, stages: root.stages.map((s, i) => child(s, 'stages', i)) };
    case 'Parallel': {
      const keys = Object.keys(root.branches);
      return {
        op: 'Parallel',
        pointer,
        keys,
        branches: keys.map((k) => child(root.branches[k]!, 'branches', k)),
      };
    }
    case 'Branch':
      return {
        op: 'Branch',
        pointer,
        predicate: child(root.predicate, 'predicate'),
        ifTrue: child(root.if_true, 'if_true'),
        ifFalse: child(root.if_false, 'if_false'),
      };
    case 'Fanout':
      return {
        op: 'Fanout',
        pointer,
        source: child(root.source, 'source'),
        targets: root.targets.map((t, i) => child(t, 'targets', i)),
      };
    case 'Merge':
      return {
        op: 'Merge',
        pointer,
        sources: root.sources.map((s, i) => child(s, 'sources', i)),
        target: child(root.target, 'target'),
      };
    case 'Retry':
      return {
        op: 'Retry',
        pointer,
        stage: child(root.stage, 'stage'),
        maxAttempts: root.max_attempts,
        delayMs: root.delay_ms ?? 0,
        backoff: root.backoff ?? DEFAULT_BACKOFF,
      };
    case 'Let': {
      const keys = Object.keys(root.bindings);
      return {
        op: 'Let',
        pointer,
        keys,
        bindings: keys.map((k) => child(root.bindings[k]!, 'bindings', k)),
        body: child(root.body, 'body'),
      };
    }
    case 'Map':
      return {
        op: 'Map',
        pointer,
        stage: child(root.stage, 'stage'),
        concurrency: root.concurrency ?? DEFAULT_MAP_CONCURRENCY,
      };
    default:
      return assertNever(root);
  }
}

function contract(schema: JsonSchema): Contract {
  return { schema, validate: compileSchema(schema), proof: proofOf(schema) };
}
