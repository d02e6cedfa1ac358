// The six kinds of JSON value the checker splits every schema by. A keyword constrains
// only its own kind (`minLength` says nothing about numbers), so the checker compares
// two schemas kind by kind. `integer` is not a kind: it is a number constraint.
import type { JsonSchemaObject } from '../types.js';

export const KINDS = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
export type Kind = (typeof KINDS)[number];

export function kindOf(value: unknown): Kind | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'object':
      return 'object';
    default:
      return undefined;
  }
}

/** What a schema's `type` (and OpenAPI `nullable`, which ajv honours) lets through. */
export interface TypeSpec {
  readonly kinds: ReadonlySet<Kind>;
  /** Numbers must be integers: `integer` is listed and `number` is not. */
  readonly integerOnly: boolean;
  /** The keyword is malformed (ajv would refuse the schema); it was read as no restriction. */
  readonly malformed: boolean;
}

const TYPE_NAMES: Record<string, Kind | 'integer'> = {
  null: 'null',
  boolean: 'boolean',
  number: 'number',
  integer: 'integer',
  string: 'string',
  array: 'array',
  object: 'object',
};

/** Reads `type`; undefined when the schema has no type restriction. */
export function readType(schema: JsonSchemaObject): TypeSpec | undefined {
  const raw = schema.type;
  if (raw === undefined) return undefined;
  const names = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
  if (
    names === undefined ||
    names.length === 0 ||
    !names.every((n) => typeof n === 'string' && n in TYPE_NAMES)
  ) {
    return { kinds: new Set(KINDS), integerOnly: false, malformed: true };
  }
  const kinds = new Set<Kind>();
  let integer = false;
  let number = false;
  for (const name of names as string[]) {
    const kind = TYPE_NAMES[name];
    if (kind === 'integer') integer = true;
    else if (kind !== undefined) kinds.add(kind);
    if (kind === 'number') number = true;
  }
  if (integer) kinds.add('number');
  if (schema.nullable === true) kinds.add('null');
  return { kinds, integerOnly: integer && !number, malformed: false };
}

/** "a string", "an integer": how reasons name a kind. */
export function describeKind(kind: Kind, integerOnly = false): string {
  switch (kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return integerOnly ? 'an integer' : 'a number';
    case 'string':
      return 'a string';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** "a number or null" for a list of kinds. */
export function describeKinds(kinds: readonly Kind[], integerOnly = false): string {
  const names = kinds.map((k) => describeKind(k, integerOnly));
  if (names.length <= 1) return names[0] ?? 'nothing';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}
