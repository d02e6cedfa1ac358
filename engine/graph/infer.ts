// Inference of a graph's required input when the composition declares none (ENGINE §3):
// the meet of what the graph's first consumers need, minus what Lets provide. It is a
// proposal, not a proof: the checker then walks the graph forward from it and checks
// every edge, so any imprecision here shows up as a diagnostic, never as a wrong "ok".
// Parallel and Merge children are assumed to read their own property (`{branch: …}`,
// `{source_0: …}`): that is the form of input that works for every child.
import { pointerJoin } from '../json/pointer.js';
import {
  allOfSchemas,
  arrayOf,
  bodyOf,
  defsOf,
  importSchema,
  relaxProperties,
  withDefs,
  type JsonSchema,
} from '../schema/index.js';
import type { Stage } from '../stage/types.js';
import { assertNever, type Node, type StageNode } from './ast.js';

export function requiredInput(node: Node, resolve: (node: StageNode) => Stage | undefined): JsonSchema {
  return new Inference(resolve).of(node, '/root');
}

class Inference {
  constructor(private readonly resolve: (node: StageNode) => Stage | undefined) {}

  of(node: Node, ptr: string): JsonSchema {
    switch (node.op) {
      case 'Stage': {
        const stage = this.resolve(node);
        if (stage === undefined) return true;
        const input = importSchema(stage.input);
        if (node.config === undefined) return input;
        return allOfSchemas([{ type: 'object' }, relaxed(input, Object.keys(node.config))]);
      }
      case 'Const':
        return true;
      case 'Sequential':
        return this.of(node.stages[0]!, pointerJoin(ptr, 'stages', 0));
      case 'Parallel':
        return this.keyed(
          Object.entries(node.branches).map(([name, child]) => [
            name,
            child,
            pointerJoin(ptr, 'branches', name),
          ]),
        );
      case 'Merge':
        return this.keyed(
          node.sources.map((child, i) => [`source_${i}`, child, pointerJoin(ptr, 'sources', i)]),
        );
      case 'Branch':
        return allOfSchemas([
          this.of(node.predicate, pointerJoin(ptr, 'predicate')),
          this.of(node.if_true, pointerJoin(ptr, 'if_true')),
          this.of(node.if_false, pointerJoin(ptr, 'if_false')),
        ]);
      case 'Fanout':
        return this.of(node.source, pointerJoin(ptr, 'source'));
      case 'Retry':
        return this.of(node.stage, pointerJoin(ptr, 'stage'));
      case 'Map':
        return arrayOf(this.of(node.stage, pointerJoin(ptr, 'stage')));
      case 'RemoteStage':
        return importSchema(node.input);
      case 'Let': {
        const bindings = Object.entries(node.bindings).map(([name, child]) =>
          this.of(child, pointerJoin(ptr, 'bindings', name)),
        );
        const body = relaxed(this.of(node.body, pointerJoin(ptr, 'body')), Object.keys(node.bindings));
        return allOfSchemas([{ type: 'object' }, ...bindings, body]);
      }
      default:
        return assertNever(node);
    }
  }

  private keyed(children: [string, Node, string][]): JsonSchema {
    const properties = children.map(([name, child, ptr]) => [name, this.of(child, ptr)] as const);
    return allOfSchemas([
      { type: 'object', required: properties.map(([name]) => name) },
      ...properties.map(([name, schema]) =>
        withDefs({ type: 'object', properties: { [name]: bodyOf(schema) } }, defsOf(schema)),
      ),
    ]);
  }
}

function relaxed(schema: JsonSchema, keys: string[]): JsonSchema {
  return withDefs(relaxProperties(bodyOf(schema), keys), defsOf(schema));
}
