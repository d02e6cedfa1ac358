// The public face of engine/schema: the subschema checker (ENGINE §4), dialect reading,
// well-formedness, the batch entry point, the shared ajv validator, and the schema
// operations the graph checker builds on. Everything else in this folder is private.
export { isSubschema, type SubschemaOptions, type SubschemaResult, type Verdict } from './subschema/index.js';
export { normalizeSchema } from './normalize.js';
export { schemaProblems, type SchemaProblem } from './wellformed.js';
export { runSubschemaBatch } from './batch.js';
export { isSchemaObject, type Dialect, type JsonSchema, type JsonSchemaObject } from './types.js';
export {
  compileSchema,
  isValid,
  validateValue,
  validatorFingerprint,
  type SchemaViolation,
} from './validator.js';
export {
  allOfSchemas,
  anyOfSchemas,
  arrayOf,
  hasProperty,
  itemsOf,
  objectOf,
  propertyOf,
  relaxProperties,
  replaceProperties,
  tupleOf,
  withoutProperty,
} from './algebra.js';
export { bodyOf, defsOf, importSchema, withDefs } from './bundle.js';
export { shortForm } from './short-form.js';
