// Runs ajv (the shared instance of validator.ts) on a located subschema. A subschema
// without refs is compiled on its own; one with refs is reached through its document,
// embedded under a content-derived `$id`, so that the refs resolve exactly as they do in
// the document. Used only to decide finite sets and to verify witnesses: never on the
// hot path of a "yes".
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { contentId } from '../../json/jcs.js';
import { escapeToken, pointerTokens } from '../../json/pointer.js';
import { isSchemaObject, type JsonSchema } from '../types.js';
import { compileSchema } from '../validator.js';
import { containsRef, type Loc } from './loc.js';

const refFree = new WeakMap<object, boolean>();

function hasNoRefs(schema: JsonSchema): boolean {
  if (typeof schema === 'boolean') return true;
  let known = refFree.get(schema);
  if (known === undefined) {
    known = !containsRef(schema);
    refFree.set(schema, known);
  }
  return known;
}

const wrappers = new WeakMap<object, Map<string, JsonSchema>>();

function wrapperFor(doc: JsonSchema, ptr: string): JsonSchema {
  if (!isSchemaObject(doc)) return doc;
  let byPtr = wrappers.get(doc);
  if (byPtr === undefined) {
    byPtr = new Map();
    wrappers.set(doc, byPtr);
  }
  let wrapper = byPtr.get(ptr);
  if (wrapper === undefined) {
    const id = typeof doc.$id === 'string' ? doc.$id : `urn:noether:subschema:${contentId(doc)}`;
    const fragment = pointerTokens(ptr)
      .map((t) => `/${encodeURIComponent(escapeToken(t))}`)
      .join('');
    wrapper = { $defs: { document: { ...doc, $id: id } }, $ref: `${id}#${fragment}` };
    byPtr.set(ptr, wrapper);
  }
  return wrapper;
}

/** ajv's validator for a located schema, or undefined when ajv cannot compile it. */
export function validatorAt(loc: Loc): ValidateFunction | undefined {
  try {
    if (loc.ptr === '') return compileSchema(loc.doc);
    if (hasNoRefs(loc.schema)) return compileSchema(loc.schema);
    return compileSchema(wrapperFor(loc.doc, loc.ptr));
  } catch {
    return undefined;
  }
}

/** Runs a validator, treating a crash (a runaway recursion in the schema) as "cannot tell". */
export function runValidator(validate: ValidateFunction, value: unknown): boolean | undefined {
  try {
    return validate(value);
  } catch {
    return undefined;
  }
}
