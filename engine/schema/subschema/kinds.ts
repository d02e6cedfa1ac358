// The six kinds of JSON value the checker splits every schema by. A keyword constrains
// only its own kind (`minLength` says nothing about numbers), so the checker compares
// two schemas kind by kind. `integer` is not a kind: it is a number constraint.
import type { JsonSchemaObject } from '../types.js';

export const KINDS = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
export type Kind = (typeof KINDS)[number];

export function kindOf(value: unknown): Kind | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'boolean' || t === 'number' || t === 'string' || t === 'object' ? t : undefined;
}

/** What a schema's `type` (and OpenAPI `nullable`, which ajv honours) lets through. */
export interface TypeSpec {
  readonly kinds: ReadonlySet<Kind>;
  /** Numbers must be integers: `integer` is listed and `number` is not. */
  readonly integerOnly: boolean;
  /** The keyword is malformed (ajv would refuse the schema); it was read as no restriction. */
  readonly malformed: boolean;
}

const TYPE_NAMES: ReadonlyMap<string, Kind | 'integer'> = new Map([
  ['null', 'null'],
  ['boolean', 'boolean'],
  ['number', 'number'],
  ['integer', 'integer'],
  ['string', 'string'],
  ['array', 'array'],
  ['object', 'object'],
]);

const MALFORMED: TypeSpec = { kinds: new Set(KINDS), integerOnly: false, malformed: true };

function typeSpec(names: readonly unknown[], nullable: boolean): TypeSpec {
  const kinds = new Set<Kind>();
  let integer = false;
  let number = false;
  for (const name of names) {
    const kind = typeof name === 'string' ? TYPE_NAMES.get(name) : undefined;
    if (kind === undefined) return MALFORMED;
    if (kind === 'integer') integer = true;
    else kinds.add(kind);
    if (kind === 'number') number = true;
  }
  if (integer) kinds.add('number');
  if (nullable) kinds.add('null');
  return { kinds, integerOnly: integer && !number, malformed: false };
}

/** The specs of a single type name, shared: `type` is read on every comparison. */
const SINGLE: ReadonlyMap<string, TypeSpec> = new Map(
  [...TYPE_NAMES.keys()].map((n) => [n, typeSpec([n], false)]),
);

/** Reads `type`; undefined when the schema has no type restriction. */
export function readType(schema: JsonSchemaObject): TypeSpec | undefined {
  const raw = schema.type;
  if (raw === undefined) return undefined;
  const nullable = schema.nullable === true;
  if (typeof raw === 'string') return (nullable ? undefined : SINGLE.get(raw)) ?? typeSpec([raw], nullable);
  return Array.isArray(raw) && raw.length > 0 ? typeSpec(raw, nullable) : MALFORMED;
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
