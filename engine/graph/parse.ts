// Reads a composition file into the AST of ast.ts (ENGINE §2, §3). Structural checking
// is strict, because a typo must not pass silently: every key of every node is known,
// every field has its type and range. It collects every problem of the document before
// throwing one NoetherError listing them all (an invalid child never stops the checking
// of its siblings), each with the JSON pointer of the offending node or field and, for
// a document read from text, its line:column. Pointers name places that exist in the
// document (a missing field is reported on its node), so every one has a position.
// Whether schemas are valid JSON Schema, and whether stage references resolve, is
// checked later by the schema and stage modules: never here.
import {
  type Diagnostic,
  type ErrorCode,
  type Place,
  NoetherError,
  diagnostic,
  placePrefix,
} from '../errors.js';
import { MAX_JSON_DEPTH, type Position, parseJsonDocument } from '../json/parse.js';
import { pointerJoin } from '../json/pointer.js';
import { describeValue, isJsonObject } from '../json/value.js';
import { nearestSpelling } from '../spelling.js';
import {
  type Composition,
  type MapNode,
  type Node,
  type Op,
  type RemoteStageNode,
  type RetryNode,
  type StageNode,
  OPS,
  assertNever,
} from './ast.js';
import {
  Fields,
  HTTP_URL,
  JSON_OBJECT,
  JSON_VALUE,
  NUMBER_AT_LEAST_1,
  type NodeReader,
  PINNING,
  SCHEMA,
  STAGE_REFERENCE,
  STRING,
  integerAtLeast,
} from './fields.js';

export interface ParsedComposition {
  composition: Composition;
  file?: string;
  /** Position in the source text of the value at each JSON pointer; empty for a value. */
  positions: Map<string, Position>;
}

/** Parses composition text; throws NOE_JSON_SYNTAX, or one error listing every structural problem. */
export function parseComposition(text: string, file?: string): ParsedComposition {
  const { value, positions } = parseJsonDocument(text, file);
  return readComposition(value, file, positions);
}

/** Checks an already-parsed value (a library caller's object); diagnostics carry no line:column. */
export function parseCompositionValue(value: unknown, file?: string): ParsedComposition {
  return readComposition(value, file, new Map());
}

function readComposition(
  value: unknown,
  file: string | undefined,
  positions: Map<string, Position>,
): ParsedComposition {
  const reader = new Reader(file, positions);
  const composition = reader.composition(value);
  const failure = reader.failure();
  if (failure) throw failure;
  if (composition === undefined)
    throw new NoetherError('NOE_INTERNAL', 'the composition parser rejected a document without saying why');
  return file === undefined ? { composition, positions } : { composition, file, positions };
}

type FieldsOf<K extends Op> = Exclude<keyof Extract<Node, { op: K }>, 'op'>;

/** The keys each op accepts besides "op" and "$comment", in the order they are checked. */
const FIELDS: { readonly [K in Op]: readonly FieldsOf<K>[] } = {
  Stage: ['id', 'config', 'pinning'],
  Const: ['value'],
  Sequential: ['stages'],
  Parallel: ['branches'],
  Branch: ['predicate', 'if_true', 'if_false'],
  Fanout: ['source', 'targets'],
  Merge: ['sources', 'target'],
  Retry: ['stage', 'max_attempts', 'delay_ms', 'backoff'],
  Let: ['bindings', 'body'],
  Map: ['stage', 'concurrency'],
  RemoteStage: ['url', 'input', 'output', 'timeout_ms'],
};
const COMPOSITION_KEYS: readonly (keyof Composition)[] = [
  'description',
  'version',
  'input',
  'output',
  'root',
];

class Reader implements NodeReader {
  private readonly problems: Array<{ place: Place; diagnostic: Diagnostic }> = [];
  /** Node objects being read: a caller's value may be cyclic, a parsed document never is. */
  private readonly onPath = new Set<object>();

  constructor(
    private readonly file: string | undefined,
    private readonly positions: Map<string, Position>,
  ) {}

  report(code: ErrorCode, pointer: string, message: string, details: Record<string, unknown>): void {
    const place: Place = { pointer };
    if (this.file !== undefined) place.file = this.file;
    const position = this.positions.get(pointer);
    if (position) {
      place.line = position.line;
      place.column = position.column;
    }
    this.problems.push({ place, diagnostic: diagnostic(code, message, place, { details }) });
  }

  /** One error carrying every problem, headed by the first; undefined when there is none. */
  failure(): NoetherError | undefined {
    const [first] = this.problems;
    if (first === undefined) return undefined;
    const { place, diagnostic: head } = first;
    const where = placePrefix(place);
    const count =
      this.problems.length === 1
        ? ''
        : ` (the first of ${this.problems.length} problems, all in the diagnostics)`;
    return new NoetherError(head.code, `${where}${head.message}${count}`, {
      place,
      ...(head.details === undefined ? {} : { details: head.details }),
      diagnostics: this.problems.map((p) => p.diagnostic),
    });
  }

  composition(value: unknown): Composition | undefined {
    if (!isJsonObject(value)) {
      this.report(
        'NOE_GRAPH_INVALID',
        '',
        `composition: make the document a JSON object {"description", "version", "root", …} (found ${describeValue(value)})`,
        {},
      );
      return undefined;
    }
    const fields = new Fields(this, value, '', 'composition', COMPOSITION_KEYS, 0);
    const description = fields.value('description', STRING);
    const version = fields.value('version', STRING);
    const input = fields.optional('input', SCHEMA);
    const output = fields.optional('output', SCHEMA);
    const root = fields.child('root');
    if (description === undefined || version === undefined || root === undefined) return undefined;
    const composition: Composition = { description, version, root };
    if (input !== undefined) composition.input = input;
    if (output !== undefined) composition.output = output;
    return composition;
  }

  /** Reads the node at `pointer`, found in `owner`'s field `label` (for the messages). */
  node(value: unknown, pointer: string, owner: string, label: string, depth: number): Node | undefined {
    if (!isJsonObject(value)) {
      this.report(
        'NOE_GRAPH_INVALID',
        pointer,
        `${owner}: set ${label} to a node, a JSON object with "op" (found ${describeValue(value)})`,
        { expected: 'node' },
      );
      return undefined;
    }
    if (this.onPath.has(value) || depth > MAX_JSON_DEPTH) {
      const why = this.onPath.has(value)
        ? 'refers back to a node that encloses it'
        : `is nested more than ${MAX_JSON_DEPTH} nodes deep`;
      this.report(
        'NOE_GRAPH_INVALID',
        pointer,
        `${owner}: ${label} ${why}; make the graph a finite tree`,
        {},
      );
      return undefined;
    }
    this.onPath.add(value);
    try {
      return this.opNode(value, pointer, depth);
    } finally {
      this.onPath.delete(value);
    }
  }

  private opNode(raw: Record<string, unknown>, pointer: string, depth: number): Node | undefined {
    const op = Object.hasOwn(raw, 'op') ? raw.op : undefined;
    const ops = OPS.join(', ');
    if (op === undefined) {
      this.report('NOE_GRAPH_INVALID', pointer, `node at ${pointer}: missing op; add "op": one of ${ops}`, {
        field: 'op',
      });
      return undefined;
    }
    if (typeof op !== 'string') {
      this.report(
        'NOE_GRAPH_INVALID',
        pointerJoin(pointer, 'op'),
        `node at ${pointer}: set "op" to one of ${ops} (found ${describeValue(op)})`,
        { field: 'op' },
      );
      return undefined;
    }
    if (!isOp(op)) {
      const suggestion = nearestSpelling(op, OPS);
      const fix =
        suggestion === undefined
          ? `use one of ${ops}`
          : `did you mean "${suggestion}"? (ops are case-sensitive)`;
      this.report(
        'NOE_UNKNOWN_OP',
        pointerJoin(pointer, 'op'),
        `node at ${pointer}: unknown op "${op}"; ${fix}`,
        {
          op,
          ...(suggestion === undefined ? {} : { suggestion }),
        },
      );
      return undefined;
    }
    const f = new Fields(this, raw, pointer, `${op} at ${pointer}`, ['op', ...FIELDS[op]], depth);
    switch (op) {
      case 'Stage': {
        const id = f.value('id', STAGE_REFERENCE);
        const config = f.optional('config', JSON_OBJECT);
        const pinning = f.optional('pinning', PINNING);
        if (id === undefined) return undefined;
        const node: StageNode = { op, id };
        if (config !== undefined) node.config = config;
        if (pinning !== undefined) node.pinning = pinning;
        return node;
      }
      case 'Const': {
        const value = f.value('value', JSON_VALUE);
        return value === undefined ? undefined : { op, value };
      }
      case 'Sequential': {
        const stages = f.children('stages');
        return stages === undefined ? undefined : { op, stages };
      }
      case 'Parallel': {
        const branches = f.namedChildren('branches');
        return branches === undefined ? undefined : { op, branches };
      }
      case 'Branch': {
        const predicate = f.child('predicate');
        const ifTrue = f.child('if_true');
        const ifFalse = f.child('if_false');
        if (predicate === undefined || ifTrue === undefined || ifFalse === undefined) return undefined;
        return { op, predicate, if_true: ifTrue, if_false: ifFalse };
      }
      case 'Fanout': {
        const source = f.child('source');
        const targets = f.children('targets');
        return source === undefined || targets === undefined ? undefined : { op, source, targets };
      }
      case 'Merge': {
        const sources = f.children('sources');
        const target = f.child('target');
        return sources === undefined || target === undefined ? undefined : { op, sources, target };
      }
      case 'Retry': {
        const stage = f.child('stage');
        const maxAttempts = f.value('max_attempts', integerAtLeast(1));
        const delayMs = f.optional('delay_ms', integerAtLeast(0));
        const backoff = f.optional('backoff', NUMBER_AT_LEAST_1);
        if (stage === undefined || maxAttempts === undefined) return undefined;
        const node: RetryNode = { op, stage, max_attempts: maxAttempts };
        if (delayMs !== undefined) node.delay_ms = delayMs;
        if (backoff !== undefined) node.backoff = backoff;
        return node;
      }
      case 'Let': {
        const bindings = f.namedChildren('bindings');
        const body = f.child('body');
        return bindings === undefined || body === undefined ? undefined : { op, bindings, body };
      }
      case 'Map': {
        const stage = f.child('stage');
        const concurrency = f.optional('concurrency', integerAtLeast(1));
        if (stage === undefined) return undefined;
        const node: MapNode = { op, stage };
        if (concurrency !== undefined) node.concurrency = concurrency;
        return node;
      }
      case 'RemoteStage': {
        const url = f.value('url', HTTP_URL);
        const input = f.value('input', SCHEMA);
        const output = f.value('output', SCHEMA);
        const timeoutMs = f.optional('timeout_ms', integerAtLeast(1));
        if (url === undefined || input === undefined || output === undefined) return undefined;
        const node: RemoteStageNode = { op, url, input, output };
        if (timeoutMs !== undefined) node.timeout_ms = timeoutMs;
        return node;
      }
      default:
        return assertNever(op);
    }
  }
}

function isOp(value: string): value is Op {
  return (OPS as readonly string[]).includes(value);
}
