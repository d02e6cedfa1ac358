// The direct children of a node, for tests that walk whole graphs (every op visited,
// no nested Sequential left). The engine itself walks graphs op by op, each walk with
// its own meaning, so this lives with the tests that need a generic one.
import { type Node, assertNever } from '../../engine/graph/ast.js';

export interface ChildNode {
  /** Pointer tokens from the parent node to this child, e.g. ['stages', 1]. */
  tokens: (string | number)[];
  node: Node;
}

/**
 * The direct children of a node, in a fixed order: the op's fields in the order of
 * ENGINE §2 (Branch: predicate, if_true, if_false; Fanout: source, targets; Merge:
 * sources, target; Let: bindings, body), array elements by index and map entries
 * (Parallel branches, Let bindings) in the order they were written.
 */
export function childNodes(node: Node): ChildNode[] {
  switch (node.op) {
    case 'Stage':
    case 'Const':
    case 'RemoteStage':
      return [];
    case 'Sequential':
      return node.stages.map((child, i) => ({ tokens: ['stages', i], node: child }));
    case 'Parallel':
      return Object.entries(node.branches).map(([name, child]) => ({
        tokens: ['branches', name],
        node: child,
      }));
    case 'Branch':
      return [
        { tokens: ['predicate'], node: node.predicate },
        { tokens: ['if_true'], node: node.if_true },
        { tokens: ['if_false'], node: node.if_false },
      ];
    case 'Fanout':
      return [
        { tokens: ['source'], node: node.source },
        ...node.targets.map((child, i) => ({ tokens: ['targets', i], node: child })),
      ];
    case 'Merge':
      return [
        ...node.sources.map((child, i) => ({ tokens: ['sources', i], node: child })),
        { tokens: ['target'], node: node.target },
      ];
    case 'Retry':
    case 'Map':
      return [{ tokens: ['stage'], node: node.stage }];
    case 'Let':
      return [
        ...Object.entries(node.bindings).map(([name, child]) => ({
          tokens: ['bindings', name],
          node: child,
        })),
        { tokens: ['body'], node: node.body },
      ];
    default:
      return assertNever(node);
  }
}
