// The one ajv instance and its validator cache. Validators are compiled once per schema
// (by object identity, then by canonical JSON) and reused: hot paths do lookups only.
//
// One per process, not per copy of this module: a stage library imported through tsx
// brings its own copy of the engine (see stage/load.ts), and without sharing each copy
// compiled the 2020-12 meta-schema again, and the CLI's copy compiled again every stage
// schema the library's copy had compiled when it checked the stage's examples. Shared
// through a registry-wide symbol, keyed by ajv's class, so that copies of the engine that
// bring a different ajv keep their own instance.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { createRequire } from 'node:module';
import { canonicalJson } from '../json/jcs.js';
import type { JsonSchema } from './types.js';

// ajv-formats is CommonJS: under NodeNext its plugin function is the module's default export.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv2020) => Ajv2020;

interface ValidatorCache {
  ajv: Ajv2020;
  byIdentity: WeakMap<object, ValidateFunction>;
  byText: Map<string, ValidateFunction>;
}

/** The options are part of the key: a copy of the engine configured otherwise never shares. */
const OPTIONS = {
  // logger: false — an unknown format is ignored by validation (ajv's default) without console noise;
  // the subschema checker says `unknown` for formats it cannot decide.
  logger: false,
  strict: false,
  allErrors: false,
  validateFormats: true,
  allowUnionTypes: true,
} as const;
const SHARED = Symbol.for(`noether.schema.validators ${JSON.stringify(OPTIONS)}`);

function sharedCache(): ValidatorCache {
  const holder = globalThis as { [SHARED]?: WeakMap<typeof Ajv2020, ValidatorCache> };
  const byAjv = (holder[SHARED] ??= new WeakMap());
  let cache = byAjv.get(Ajv2020);
  if (cache === undefined) {
    const ajv = new Ajv2020(OPTIONS);
    addFormats(ajv);
    cache = { ajv, byIdentity: new WeakMap(), byText: new Map() };
    byAjv.set(Ajv2020, cache);
  }
  return cache;
}

const { ajv, byIdentity, byText } = sharedCache();

/**
 * Everything besides a schema that decides what ajv makes of it: its version, its
 * formats' version, its options, and Node (whose RegExp compiles the patterns). A verdict
 * recorded under another fingerprint says nothing about this validator.
 */
export function validatorFingerprint(): string {
  const packageVersion = (name: string): unknown =>
    (createRequire(import.meta.url)(`${name}/package.json`) as { version?: unknown }).version;
  fingerprint ??= JSON.stringify({
    ajv: packageVersion('ajv'),
    ajvFormats: packageVersion('ajv-formats'),
    node: process.version,
    options: OPTIONS,
  });
  return fingerprint;
}
let fingerprint: string | undefined;

/** Compiles (or finds) the validator of a schema; throws ajv's error when the schema is invalid. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  if (typeof schema === 'object') {
    const hit = byIdentity.get(schema);
    if (hit) return hit;
  }
  const text = canonicalJson(schema);
  let validate = byText.get(text);
  if (!validate) {
    validate = ajv.compile(typeof schema === 'object' ? structuredClone(schema) : schema);
    byText.set(text, validate);
  }
  if (typeof schema === 'object') byIdentity.set(schema, validate);
  return validate;
}

export interface SchemaViolation {
  /** JSON pointer inside the value. */
  valuePointer: string;
  /** JSON pointer of the schema rule broken. */
  schemaPointer: string;
  keyword: string;
  message: string;
}

export function validateValue(schema: JsonSchema, value: unknown): SchemaViolation[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(toViolation);
}

/** Where a schema breaks the 2020-12 meta-schema: `valuePointer` is the place inside the schema. */
export function metaSchemaViolations(schema: JsonSchema): SchemaViolation[] {
  if (ajv.validateSchema(schema) === true) return [];
  return (ajv.errors ?? []).map(toViolation);
}

export function isValid(schema: JsonSchema, value: unknown): boolean {
  return compileSchema(schema)(value);
}

function toViolation(error: ErrorObject): SchemaViolation {
  return {
    valuePointer: error.instancePath,
    schemaPointer: error.schemaPath.replace(/^#/, ''),
    keyword: error.keyword,
    message: error.message ?? error.keyword,
  };
}
