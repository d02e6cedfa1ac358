// RFC 8785 JSON Canonicalization Scheme and the content hashes built on it (stage ids,
// composition ids, cache keys). Object keys are sorted by UTF-16 code units, no
// whitespace, numbers in ECMAScript form (which is exactly what JSON.stringify prints).
import { createHash } from 'node:crypto';

/**
 * The JCS text of a value. With `memo`, the text of every frozen object or array is kept
 * there by identity and reused: a frozen value cannot change, and the executor passes
 * the same deep-frozen subtrees through many stages.
 */
export function canonicalJson(value: unknown, memo?: WeakMap<object, string>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JCS cannot encode the number ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`JCS cannot encode a value of type ${typeof value}`);
  if (memo === undefined || !Object.isFrozen(value)) return composite(value, memo);
  let text = memo.get(value);
  if (text === undefined) {
    text = composite(value, memo);
    memo.set(value, text);
  }
  return text;
}

function composite(value: object, memo: WeakMap<object, string> | undefined): string {
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => canonicalJson(v === undefined ? null : v, memo)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k], memo)}`);
  return `{${entries.join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Lowercase hex SHA-256 of the JCS form of a value. */
export function contentId(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
