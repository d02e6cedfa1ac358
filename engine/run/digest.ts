// The JCS text and SHA-256 of the values crossing stage boundaries (trace hashes, cache
// keys). Values the executor passes on are deep-frozen, so their text and hash are kept
// by identity: a stage's output hashed once serves as the next stage's input hash, and
// subtrees passed through unchanged (a sprint state carried by every stage) are
// serialised once per run instead of once per call. Unfrozen values are computed afresh.
import { canonicalJson, sha256Hex } from '../json/jcs.js';

const texts = new WeakMap<object, string>();
const hashes = new WeakMap<object, string>();

export interface Digest {
  jcs: string;
  hash: string;
}

/** Throws a TypeError for a value JSON cannot carry (undefined, NaN, a function). */
export function digest(value: unknown): Digest {
  const jcs = canonicalJson(value, texts);
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value))
    return { jcs, hash: sha256Hex(jcs) };
  let hash = hashes.get(value);
  if (hash === undefined) {
    hash = sha256Hex(jcs);
    hashes.set(value, hash);
  }
  return { jcs, hash };
}
