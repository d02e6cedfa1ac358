// Property names that every JavaScript object inherits (`__proto__`, `constructor`,
// `toString`, …). ajv tests presence as `data[name] !== undefined` and drops `__proto__`
// from `properties`, so for these names `required` always holds, a `properties` schema
// is applied to the inherited function, and `dependentRequired` fires on every object.
// The checker's rules assume JSON semantics, so a schema that names one of them is
// not compared at all: that would risk a "yes" ajv contradicts (`required: ["__proto__"]`
// accepts `{}`).
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from '../types.js';
import { directSubschemas } from '../vocabulary.js';

function isInherited(name: unknown): name is string {
  return typeof name === 'string' && name in Object.prototype;
}

/** The first inherited name a schema object lists as a property name. */
function ownInheritedName(s: JsonSchemaObject): string | undefined {
  if (isSchemaObject(s.properties)) {
    const found = Object.keys(s.properties).find(isInherited);
    if (found !== undefined) return found;
  }
  if (Array.isArray(s.required)) {
    const found = (s.required as unknown[]).find(isInherited);
    if (found !== undefined) return found;
  }
  for (const keyword of ['dependentRequired', 'dependencies']) {
    const map = s[keyword];
    if (!isSchemaObject(map)) continue;
    for (const [key, deps] of Object.entries(map)) {
      if (isInherited(key)) return key;
      const found = Array.isArray(deps) ? (deps as unknown[]).find(isInherited) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const known = new WeakMap<object, string | null>();

/** The first inherited name a schema uses as a property name anywhere (iterative: any depth). */
export function inheritedName(schema: JsonSchema): string | undefined {
  if (!isSchemaObject(schema)) return undefined;
  const cached = known.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  let found: string | undefined;
  const pending: JsonSchemaObject[] = [schema];
  for (let s = pending.pop(); s !== undefined && found === undefined; s = pending.pop()) {
    found = ownInheritedName(s);
    for (const { schema: child } of directSubschemas(s)) if (isSchemaObject(child)) pending.push(child);
  }
  known.set(schema, found ?? null);
  return found;
}
