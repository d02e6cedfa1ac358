// The canonical form of a graph and the composition id built on it (ENGINE §2). Two
// graphs that differ only in how Sequentials are nested or in the order map keys were
// written get the same id; every other difference is kept on purpose: the id is
// computed on the graph as written (a stage named by name or by id gives two ids), and
// unlike the Rust engine there is no Retry folding, no empty-Let removal and no Const
// folding, so the id never depends on a rewrite a reader cannot see in the file.
// Never mutates its input; leaf values (Const values, config, schemas) are shared, not
// copied: JCS sorts their keys when hashing.
import { contentId } from '../json/jcs.js';
import {
  type MapNode,
  type Node,
  type RemoteStageNode,
  type RetryNode,
  type StageNode,
  assertNever,
} from './ast.js';

/**
 * Flattens nested Sequentials (an inner Sequential's stages are spliced in place),
 * unwraps a singleton Sequential, sorts Parallel branches and Let bindings by key, and
 * keeps only the fields of the AST (so `$comment` or any stray property is dropped).
 * An empty Sequential (which the parser rejects) is left as is. Idempotent.
 */
export function canonicalise(node: Node): Node {
  switch (node.op) {
    case 'Stage': {
      const out: StageNode = { op: 'Stage', id: node.id };
      if (node.config !== undefined) out.config = node.config;
      if (node.pinning !== undefined) out.pinning = node.pinning;
      return out;
    }
    case 'Const':
      return { op: 'Const', value: node.value };
    case 'Sequential': {
      const stages = node.stages
        .map(canonicalise)
        .flatMap((child) => (child.op === 'Sequential' ? child.stages : [child]));
      return stages.length === 1 ? stages[0]! : { op: 'Sequential', stages };
    }
    case 'Parallel':
      return { op: 'Parallel', branches: sortedNodeMap(node.branches) };
    case 'Branch':
      return {
        op: 'Branch',
        predicate: canonicalise(node.predicate),
        if_true: canonicalise(node.if_true),
        if_false: canonicalise(node.if_false),
      };
    case 'Fanout':
      return { op: 'Fanout', source: canonicalise(node.source), targets: node.targets.map(canonicalise) };
    case 'Merge':
      return { op: 'Merge', sources: node.sources.map(canonicalise), target: canonicalise(node.target) };
    case 'Retry': {
      const out: RetryNode = {
        op: 'Retry',
        stage: canonicalise(node.stage),
        max_attempts: node.max_attempts,
      };
      if (node.delay_ms !== undefined) out.delay_ms = node.delay_ms;
      if (node.backoff !== undefined) out.backoff = node.backoff;
      return out;
    }
    case 'Let':
      return { op: 'Let', bindings: sortedNodeMap(node.bindings), body: canonicalise(node.body) };
    case 'Map': {
      const out: MapNode = { op: 'Map', stage: canonicalise(node.stage) };
      if (node.concurrency !== undefined) out.concurrency = node.concurrency;
      return out;
    }
    case 'RemoteStage': {
      const out: RemoteStageNode = {
        op: 'RemoteStage',
        url: node.url,
        input: node.input,
        output: node.output,
      };
      if (node.timeout_ms !== undefined) out.timeout_ms = node.timeout_ms;
      return out;
    }
    default:
      return assertNever(node);
  }
}

/** Lowercase hex SHA-256 of the JCS of the canonicalised root. */
export function compositionId(root: Node): string {
  return contentId(canonicalise(root));
}

// Sorted like JCS sorts (UTF-16 code units), although JavaScript always enumerates
// integer-like keys ("2", "10") first: only the hash is order-free, not the object.
// Object.fromEntries keeps a "__proto__" binding an own key instead of the prototype.
function sortedNodeMap(map: Record<string, Node>): Record<string, Node> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((key) => [key, canonicalise(map[key]!)]),
  );
}
