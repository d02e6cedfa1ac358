// Strict reading of one JSON object of a composition (a node or the top level): its
// unknown keys, and each field's presence, type and range, reported to the composition
// reader as diagnostics instead of thrown, so that one pass finds every problem. A read
// that fails returns undefined; the caller then gives up on that node only.
// Leaf values kept as they are in the AST (Const values, config, schemas) are checked to
// be plain JSON all the way down, because a library caller may hand over any object and
// hashing and validation must never meet a function, a NaN or a cycle later.
import type { ErrorCode } from '../errors.js';
import { describeValue, firstNonJson, isJsonObject } from '../json/value.js';
import { nearestSpelling } from '../spelling.js';
import { pointerJoin } from '../json/pointer.js';
import type { JsonSchema } from '../schema/types.js';
import type { Node, Pinning } from './ast.js';

/** What Fields needs from the composition reader: where to report, and how to read a child node. */
export interface NodeReader {
  report(code: ErrorCode, pointer: string, message: string, details: Record<string, unknown>): void;
  /** Reads the node at `pointer`, held by `owner` in its field `label` (for the messages). */
  node(value: unknown, pointer: string, owner: string, label: string, depth: number): Node | undefined;
}

/** What a leaf field must hold, phrased to complete "set it to …". */
export interface Kind<T> {
  expected: string;
  accepts(value: unknown): value is T;
}

export const STRING: Kind<string> = { expected: 'a string', accepts: (v) => typeof v === 'string' };
export const STAGE_REFERENCE: Kind<string> = {
  expected: 'a stage reference: a name, name@<hash> or a hex id',
  accepts: (v): v is string => typeof v === 'string' && v.length > 0,
};
export const JSON_VALUE: Kind<unknown> = {
  expected: 'a JSON value',
  accepts: (v): v is unknown => v !== undefined,
};
export const JSON_OBJECT: Kind<Record<string, unknown>> = {
  expected: 'a JSON object',
  accepts: isJsonObject,
};
export const SCHEMA: Kind<JsonSchema> = {
  expected: 'a JSON Schema (an object or a boolean)',
  accepts: (v): v is JsonSchema => typeof v === 'boolean' || isJsonObject(v),
};
export const PINNING: Kind<Pinning> = {
  expected: '"signature" or "both"',
  accepts: (v): v is Pinning => v === 'signature' || v === 'both',
};
export const HTTP_URL: Kind<string> = { expected: 'an http: or https: URL', accepts: isHttpUrl };
export const NUMBER_AT_LEAST_1: Kind<number> = {
  expected: 'a number ≥ 1',
  accepts: (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 1,
};
export function integerAtLeast(min: number): Kind<number> {
  return {
    expected: `an integer ≥ ${min}`,
    accepts: (v): v is number => Number.isSafeInteger(v) && (v as number) >= min,
  };
}
/** Kinds whose values are kept as they are in the AST, so they must be plain JSON throughout. */
const LEAF_JSON = new Set<Kind<unknown>>([JSON_VALUE, JSON_OBJECT, SCHEMA]);

/**
 * The fields of one JSON object (a node or the top level): reports its unknown keys on
 * creation, then each read reports what is missing or malformed and returns undefined
 * for it. A key whose value is `undefined` (possible only in a caller's value) counts
 * as absent, as it would once serialised.
 */
export class Fields {
  constructor(
    private readonly reader: NodeReader,
    private readonly raw: Record<string, unknown>,
    private readonly pointer: string,
    private readonly owner: string,
    allowed: readonly string[],
    private readonly depth: number,
  ) {
    for (const key of Object.keys(raw)) {
      if (raw[key] === undefined || key === '$comment' || allowed.includes(key)) continue;
      const suggestion = nearestSpelling(key, allowed);
      const guess = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      reader.report(
        'NOE_UNKNOWN_KEY',
        pointerJoin(pointer, key),
        `${owner}: unknown key "${key}"${guess}; remove it or use one of: ${[...allowed, '$comment'].join(', ')}`,
        { key, allowed: [...allowed, '$comment'] },
      );
    }
  }

  value<T>(field: string, kind: Kind<T>): T | undefined {
    if (this.get(field) === undefined) return this.missing(field, kind.expected);
    return this.optional(field, kind);
  }

  optional<T>(field: string, kind: Kind<T>): T | undefined {
    const value = this.get(field);
    if (value === undefined) return undefined;
    if (!kind.accepts(value)) return this.wrong(field, kind.expected, value);
    const stray = LEAF_JSON.has(kind) ? firstNonJson(value) : undefined;
    if (stray === undefined) return value;
    const where = pointerJoin(this.pointer, field, ...stray.tokens);
    this.reader.report(
      'NOE_GRAPH_INVALID',
      where,
      `${this.owner}: make "${field}" plain JSON (found ${stray.found} at ${where})`,
      { field },
    );
    return undefined;
  }

  child(field: string): Node | undefined {
    const value = this.get(field);
    if (value === undefined) return this.missing(field, 'a node');
    return this.reader.node(
      value,
      pointerJoin(this.pointer, field),
      this.owner,
      `"${field}"`,
      this.depth + 1,
    );
  }

  children(field: string): Node[] | undefined {
    const value = this.get(field);
    const expected = 'a non-empty array of nodes';
    if (value === undefined) return this.missing(field, expected);
    if (!Array.isArray(value)) return this.wrong(field, expected, value);
    if (value.length === 0) return this.empty(field);
    const at = pointerJoin(this.pointer, field);
    // Array.from visits the holes of a sparse array, which map would skip.
    const nodes = Array.from(value, (element: unknown, i) =>
      this.reader.node(element, pointerJoin(at, i), this.owner, `"${field}"[${i}]`, this.depth + 1),
    );
    return nodes.every((node): node is Node => node !== undefined) ? nodes : undefined;
  }

  namedChildren(field: string): Record<string, Node> | undefined {
    const value = this.get(field);
    const expected = 'a non-empty object of named nodes';
    if (value === undefined) return this.missing(field, expected);
    if (!isJsonObject(value)) return this.wrong(field, expected, value);
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return this.empty(field);
    const at = pointerJoin(this.pointer, field);
    const nodes = entries.map(
      ([name, v]) =>
        [
          name,
          this.reader.node(
            v,
            pointerJoin(at, name),
            this.owner,
            `"${field}" entry ${JSON.stringify(name)}`,
            this.depth + 1,
          ),
        ] as const,
    );
    if (!nodes.every((entry): entry is readonly [string, Node] => entry[1] !== undefined)) return undefined;
    // fromEntries defines own properties: a binding named "__proto__" stays a binding.
    return Object.fromEntries(nodes);
  }

  private get(field: string): unknown {
    return Object.hasOwn(this.raw, field) ? this.raw[field] : undefined;
  }

  private missing(field: string, expected: string): undefined {
    this.reader.report(
      'NOE_GRAPH_INVALID',
      this.pointer,
      `${this.owner}: missing field "${field}"; add "${field}": ${expected}`,
      { field },
    );
    return undefined;
  }

  private wrong(field: string, expected: string, value: unknown): undefined {
    this.reader.report(
      'NOE_GRAPH_INVALID',
      pointerJoin(this.pointer, field),
      `${this.owner}: set "${field}" to ${expected} (found ${describeValue(value)})`,
      { field, expected, found: describeValue(value) },
    );
    return undefined;
  }

  private empty(field: string): undefined {
    this.reader.report(
      'NOE_GRAPH_INVALID',
      pointerJoin(this.pointer, field),
      `${this.owner}: "${field}" is empty; add at least one node`,
      { field },
    );
    return undefined;
  }
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
