// Boundary validation that does not repeat itself (ENGINE §5). A sprint tick carries one
// large state through a dozen stage boundaries, each wrapping it in a new object: checking
// every boundary from scratch validated the same 10,000 tasks a dozen times per tick.
//
// A schema is split, once, into a tree of nodes along the objects and arrays that can hold
// large shared subtrees: an object node checks the object's own keywords (a "shell":
// required, additionalProperties: false, propertyNames…) and hands each property to its
// child node; a leaf is the plain compiled validator. When a node accepts a deep-frozen
// object, the object is marked proven for that node's schema. A mark is keyed by the
// node's canonical schema text, self-contained (the $defs it reaches included), so it is
// honoured only by a node whose schema is the very same schema, whichever composition or
// stage it came from; a frozen object cannot change, so the proof stays true. Anything not
// proven is validated; unfrozen values are never marked.
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { canonicalJson } from '../json/jcs.js';
import { isDeepFrozen } from '../json/value.js';
import { compileSchema, type JsonSchema } from '../schema/index.js';

type Schema = Record<string, unknown>;

export type ProofNode =
  /** `record`: an object schema with properties (a task, say): worth a mark of its own. */
  | { kind: 'leaf'; key: string; validate: ValidateFunction; record: boolean }
  | {
      kind: 'object';
      key: string;
      shell: ValidateFunction;
      properties: ReadonlyMap<string, ProofNode>;
      additional: ProofNode | undefined;
    }
  | { kind: 'array'; key: string; shell: ValidateFunction; items: ProofNode };

/** Keywords an object or array node can split on; anything else keeps the schema whole. */
const OBJECT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
]);
const ARRAY_KEYWORDS = new Set(['type', 'items', 'minItems', 'maxItems']);
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'examples', 'default', 'deprecated']);

/** Every frozen object proven, with the keys of the schemas it was proven against. */
const proven = new WeakMap<object, Set<string>>();
/** Nodes by key: a schema met again in another contract is split once. */
const nodes = new Map<string, ProofNode>();
/** Keys being split: a recursive schema meets itself again, and stays whole there. */
const building = new Set<string>();

/** Trees by root schema object: a plan or a run input hands the same schema again and again. */
const roots = new WeakMap<object, ProofNode>();

/** The node tree of a root schema (one holding its own $defs). */
export function proofOf(root: JsonSchema): ProofNode {
  if (!isSchema(root)) return nodeOf(root, {});
  let node = roots.get(root);
  if (node === undefined) roots.set(root, (node = nodeOf(root, root)));
  return node;
}

/** Whether `value` satisfies the node's schema; proven objects are not looked into again. */
export function checkProven(node: ProofNode, value: unknown): boolean {
  const object = typeof value === 'object' && value !== null ? value : undefined;
  if (object !== undefined && proven.get(object)?.has(node.key) === true) return true;
  switch (node.kind) {
    case 'leaf':
      if (!node.validate(value)) return false;
      if (object !== undefined && isDeepFrozen(object)) mark(object, node.key);
      return true;
    case 'object': {
      if (!node.shell(value) || object === undefined) return false;
      let sealed = Object.isFrozen(object);
      for (const [key, child] of Object.entries(object)) {
        const schema = node.properties.get(key) ?? node.additional;
        if (schema !== undefined && !checkProven(schema, child)) return false;
        if (sealed && !settled(child, schema)) sealed = false;
      }
      if (sealed) mark(object, node.key);
      return true;
    }
    case 'array': {
      if (!node.shell(value) || !Array.isArray(value)) return false;
      const items: readonly unknown[] = value;
      let sealed = Object.isFrozen(items);
      for (const item of items) {
        if (!checkProven(node.items, item)) return false;
        if (sealed && !settled(item, node.items)) sealed = false;
      }
      if (sealed) mark(items, node.key);
      return true;
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}

function mark(object: object, key: string): void {
  let keys = proven.get(object);
  if (keys === undefined) proven.set(object, (keys = new Set()));
  keys.add(key);
}

/** A child cannot change any more: a primitive, proven by its node just now, or deeply frozen. */
function settled(child: unknown, node: ProofNode | undefined): boolean {
  if (typeof child !== 'object' || child === null) return true;
  if (node !== undefined && proven.get(child)?.has(node.key) === true) return true;
  return isDeepFrozen(child);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{$ref: "#/$defs/x"}` (annotations aside) → the definition, followed until it is not a bare ref. */
function resolve(schema: unknown, root: Schema, seen: Set<string>): unknown {
  let current = schema;
  while (isSchema(current) && typeof current.$ref === 'string') {
    // $defs beside a $ref asserts nothing (a bundled root is `{$ref, $defs}`); `#/$defs/…`
    // always names the root's.
    const others = Object.keys(current).filter((k) => k !== '$ref' && k !== '$defs' && !ANNOTATIONS.has(k));
    const match = /^#\/\$defs\/([^/~]+)$/.exec(current.$ref);
    const defs = root.$defs;
    if (others.length > 0 || match === null || !isSchema(defs) || seen.has(match[1]!)) return current;
    seen.add(match[1]!);
    current = defs[match[1]!];
  }
  return current;
}

/** The schema as a self-contained value: itself plus every definition it reaches. */
function selfContained(schema: unknown, root: Schema): unknown {
  const defs = root.$defs;
  if (!isSchema(schema) || !isSchema(defs)) return schema;
  const reached: Record<string, unknown> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isSchema(value))
      for (const [k, v] of Object.entries(value)) {
        const name = k === '$ref' && typeof v === 'string' ? /^#\/\$defs\/([^/~]+)$/.exec(v)?.[1] : undefined;
        if (name !== undefined && !Object.hasOwn(reached, name) && Object.hasOwn(defs, name)) {
          reached[name] = defs[name];
          visit(defs[name]);
        } else if (k !== '$defs') visit(v);
      }
  };
  visit(schema);
  const { $defs: _own, ...body } = schema;
  return Object.keys(reached).length === 0 ? body : { ...body, $defs: reached };
}

function nodeOf(schema: unknown, root: Schema): ProofNode {
  const resolved = resolve(schema, root, new Set());
  const whole = selfContained(resolved, root);
  const key = canonicalJson(whole);
  const known = nodes.get(key);
  if (known !== undefined) return known;
  const leaf: ProofNode = {
    kind: 'leaf',
    key,
    validate: compileSchema(whole as JsonSchema),
    record:
      isSchema(resolved) &&
      resolved.type === 'object' &&
      (isSchema(resolved.properties) || isSchema(resolved.additionalProperties)),
  };
  if (building.has(key)) return leaf;
  building.add(key);
  try {
    const node = split(resolved, root, key) ?? leaf;
    nodes.set(key, node);
    return node;
  } finally {
    building.delete(key);
  }
}

/** An object or array node when the schema splits and some child can hold a large subtree. */
function split(resolved: unknown, root: Schema, key: string): ProofNode | undefined {
  if (!isSchema(resolved)) return undefined;
  const keys = Object.keys(resolved).filter((k) => !ANNOTATIONS.has(k) && k !== '$defs');
  const own = Object.fromEntries(keys.map((k) => [k, resolved[k]]));
  if (resolved.type === 'object' && keys.every((k) => OBJECT_KEYWORDS.has(k))) {
    const props = isSchema(resolved.properties) ? resolved.properties : {};
    const extra = isSchema(resolved.additionalProperties) ? resolved.additionalProperties : undefined;
    const properties = new Map(Object.entries(props).map(([k, s]) => [k, nodeOf(s, root)] as const));
    const additional = extra === undefined ? undefined : nodeOf(extra, root);
    const children = [...properties.values(), ...(additional === undefined ? [] : [additional])];
    if (!children.some(holdsSubtrees)) return undefined;
    const shell = {
      ...own,
      properties: Object.fromEntries(Object.keys(props).map((k) => [k, true])),
      ...(extra === undefined ? {} : { additionalProperties: true }),
    };
    const validate = compileSchema(selfContained(shell, root) as JsonSchema);
    return { kind: 'object', key, shell: validate, properties, additional };
  }
  if (resolved.type === 'array' && isSchema(resolved.items) && keys.every((k) => ARRAY_KEYWORDS.has(k))) {
    const items = nodeOf(resolved.items, root);
    if (!holdsSubtrees(items)) return undefined;
    return { kind: 'array', key, shell: compileSchema({ ...own, items: true }), items };
  }
  return undefined;
}

function holdsSubtrees(node: ProofNode): boolean {
  return node.kind !== 'leaf' || node.record;
}
