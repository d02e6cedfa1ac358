// RFC 8785 JSON Canonicalization Scheme and the content hashes built on it (stage ids,
// composition ids; run/digest.ts builds the hash of stage values on it). Object keys are sorted by UTF-16 code units, no
// whitespace, numbers in ECMAScript form (which is exactly what JSON.stringify prints).
import { createHash } from 'node:crypto';

/** The JCS text of a value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JCS cannot encode the number ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`JCS cannot encode a value of type ${typeof value}`);
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${entries.join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Lowercase hex SHA-256 of the JCS form of a value. */
export function contentId(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
