// The content hash of the values crossing stage boundaries (trace hashes, cache keys).
//
// It is a Merkle hash over the JSON tree. A node's text is its JCS text, except that a
// nested object or array is written as `#` and that member's own hash, unless it holds
// only scalars and its JCS text is at most INLINE_LIMIT characters long (a record of
// scalars, a short list of ids): such a member is written inline. A node's hash is the
// SHA-256 of its text, so a value of scalars, or of small records of scalars, hashes to
// exactly the SHA-256 of its JCS text. `#` cannot begin a JSON value, so a node's text
// still determines the node, and two values share a hash only if SHA-256 collides.
//
// Why not SHA-256 over the whole JCS text (ENGINE §5's wording for the cache key): every
// stage of a sprint tick takes a new small object wrapping the same large state, and a
// flat hash reads the whole state again at every boundary (~7 ms of SHA-256 and ~90 ms
// of serialisation per fresh state at 10,000 tasks). Here the hash of a subtree frozen
// all the way down is kept by identity, so a boundary costs only the nodes that are new;
// the executor deep-freezes every value it passes on. Small scalar-only members are
// inline because hashing thousands of small records one by one costs more than reading
// them once in their parent; large ones are hashed on their own so that a new parent
// (a state whose processed_events did not change) does not read them again.
import { canonicalJson, sha256Hex } from '../json/jcs.js';

export interface Digest {
  /** Lowercase hex SHA-256 (see above). */
  hash: string;
  /** The length of the value's JCS text, in UTF-16 code units (what the cache's byte bound counts). */
  size: number;
}

/** Scalar-only members up to this JCS length are written inline in their parent. */
const INLINE_LIMIT = 1024;

/**
 * What is kept, by identity, of each node frozen all the way down that is not written
 * inline. Every Node has the same shape, and a kept one is handed back as it is: a state
 * of 10,000 tasks meets 10,000 of them per new map.
 */
const known = new WeakMap<object, Node>();

/** Throws a TypeError for a value JSON cannot carry (undefined, NaN, a function). */
export function digest(value: unknown): Digest {
  if (typeof value !== 'object' || value === null) {
    const text = canonicalJson(value);
    return { hash: sha256Hex(text), size: text.length };
  }
  const { hash, inline, size } = node(value);
  return { hash: hash ?? sha256Hex(inline!), size };
}

/** The content hash of a JSON value, as traces record it and cache keys use it. */
export function valueHash(value: unknown): string {
  return digest(value).hash;
}

interface Node {
  size: number;
  /** The JCS text of a member written inline; undefined for the others. */
  inline: string | undefined;
  /** The hash of a member not written inline. */
  hash: string | undefined;
  /** Frozen all the way down: what is known of it may be kept, and its parent's too. */
  settled: boolean;
}

function node(value: object): Node {
  const remembered = known.get(value);
  if (remembered !== undefined) return remembered;
  const settled = Object.isFrozen(value);
  const scalars = scalarText(value);
  if (scalars !== undefined && scalars.length <= INLINE_LIMIT)
    return { size: scalars.length, inline: scalars, hash: undefined, settled };
  const composite =
    scalars === undefined ? compositeText(value) : { text: scalars, size: scalars.length, settled };
  const result: Node = {
    size: composite.size,
    inline: undefined,
    hash: sha256Hex(composite.text),
    settled: settled && composite.settled,
  };
  if (result.settled) known.set(value, result);
  return result;
}

/** A node's text, its members written inline or as hashes; and whether they are all settled. */
function compositeText(value: object): { text: string; size: number; settled: boolean } {
  let settled = true;
  let size = 2;
  const parts: string[] = [];
  const member = (item: unknown): string => {
    if (typeof item !== 'object' || item === null) {
      const text = canonicalJson(item);
      size += text.length;
      return text;
    }
    const child = node(item);
    if (!child.settled) settled = false;
    size += child.size;
    return child.inline ?? `#${child.hash!}`;
  };
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    for (const item of items) parts.push(member(item === undefined ? null : item));
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      const name = JSON.stringify(key);
      size += name.length + 1;
      parts.push(`${name}:${member(item)}`);
    }
  }
  size += Math.max(0, parts.length - 1);
  const text = Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
  return { text, size, settled };
}

/**
 * The JCS text of a node of scalars, printed by JSON.stringify with the keys in JCS order
 * (as its replacer list), which then gives exactly that text; undefined for any other
 * node (one holding an object, an array, or what JSON cannot carry), which takes the
 * general path.
 */
function scalarText(value: object): string | undefined {
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    return items.every(isScalar) ? JSON.stringify(items) : undefined;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) if (!isScalar(record[key])) return undefined;
  return JSON.stringify(record, keys.sort());
}

function isScalar(item: unknown): boolean {
  return (
    typeof item === 'string' ||
    typeof item === 'boolean' ||
    item === null ||
    (typeof item === 'number' && Number.isFinite(item))
  );
}
