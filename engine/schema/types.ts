// The JSON Schema values the engine passes around: draft 2020-12, booleans included.

export type JsonSchemaObject = { [keyword: string]: unknown };
export type JsonSchema = boolean | JsonSchemaObject;

export type Dialect = '2020-12' | 'draft-04';

export function isSchemaObject(schema: unknown): schema is JsonSchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}
