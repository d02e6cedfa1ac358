// The property test's own ajv (2020-12, ajv-formats, the same validation options as the
// engine's): the oracle verdicts are judged by, kept apart from the checker's instance so
// that a witness is confirmed independently. Code optimisation is off: it only makes
// compilation slower, and the test compiles thousands of schemas.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { JsonSchema } from '../../engine/schema/index.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({
  strict: false,
  allErrors: false,
  validateFormats: true,
  allowUnionTypes: true,
  code: { optimize: false },
});
addFormats(ajv);

const byIdentity = new WeakMap<object, ValidateFunction>();
const TRUE = ajv.compile(true);
const FALSE = ajv.compile(false);

export function accepts(schema: JsonSchema, value: unknown): boolean {
  if (typeof schema === 'boolean') return (schema ? TRUE : FALSE)(value);
  let validate = byIdentity.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(structuredClone(schema));
    byIdentity.set(schema, validate);
  }
  return validate(value);
}
