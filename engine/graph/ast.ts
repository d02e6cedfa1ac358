// The composition AST: a discriminated union tagged by `op` (ENGINE §2). Every walk over
// it switches on `op` and ends with `assertNever`, so a new op fails to compile wherever
// it is not handled yet.
import type { JsonSchema } from '../schema/types.js';

export type Pinning = 'signature' | 'both';

export interface StageNode {
  op: 'Stage';
  id: string;
  config?: Record<string, unknown>;
  pinning?: Pinning;
}
export interface ConstNode {
  op: 'Const';
  value: unknown;
}
export interface SequentialNode {
  op: 'Sequential';
  stages: Node[];
}
export interface ParallelNode {
  op: 'Parallel';
  branches: Record<string, Node>;
}
export interface BranchNode {
  op: 'Branch';
  predicate: Node;
  if_true: Node;
  if_false: Node;
}
export interface FanoutNode {
  op: 'Fanout';
  source: Node;
  targets: Node[];
}
export interface MergeNode {
  op: 'Merge';
  sources: Node[];
  target: Node;
}
export interface RetryNode {
  op: 'Retry';
  stage: Node;
  max_attempts: number;
  delay_ms?: number;
  backoff?: number;
}
export interface LetNode {
  op: 'Let';
  bindings: Record<string, Node>;
  body: Node;
}
export interface MapNode {
  op: 'Map';
  stage: Node;
  concurrency?: number;
}
export interface RemoteStageNode {
  op: 'RemoteStage';
  url: string;
  input: JsonSchema;
  output: JsonSchema;
  timeout_ms?: number;
}

export type Node =
  | StageNode
  | ConstNode
  | SequentialNode
  | ParallelNode
  | BranchNode
  | FanoutNode
  | MergeNode
  | RetryNode
  | LetNode
  | MapNode
  | RemoteStageNode;

export type Op = Node['op'];

export const OPS: readonly Op[] = [
  'Stage',
  'Const',
  'Sequential',
  'Parallel',
  'Branch',
  'Fanout',
  'Merge',
  'Retry',
  'Let',
  'Map',
  'RemoteStage',
];

/** A composition file (ENGINE §2). `input`/`output` declare the graph's contract. */
export interface Composition {
  description: string;
  version: string;
  input?: JsonSchema;
  output?: JsonSchema;
  root: Node;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
