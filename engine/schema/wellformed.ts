// Well-formedness of a schema, for the graph checker to report as NOE_SCHEMA_INVALID:
// local `$ref`s that resolve to nothing, `$ref` cycles that never reach a value (`{"$ref":
// "#"}`, or a → b → a), which would make any validator recurse forever, and whatever
// ajv refuses to compile. It reports; it never throws and never follows a cycle.
import { pointerJoin } from '../json/pointer.js';
import { normalizeSchema } from './normalize.js';
import { GiveUp } from './subschema/context.js';
import { childLoc, resolveRef, rootLoc, type Loc } from './subschema/loc.js';
import { isSchemaObject, type JsonSchema } from './types.js';
import { compileSchema, metaSchemaViolations } from './validator.js';
import { directSubschemas } from './vocabulary.js';

export interface SchemaProblem {
  /** JSON pointer of the offending place: `pointer` (where the schema sits) + the path inside it. */
  pointer: string;
  message: string;
}

/** Keywords that apply their schemas to the same value: a cycle through them alone never ends. */
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'];
const IN_PLACE_LIST = ['allOf', 'anyOf', 'oneOf'];

/**
 * `compile: false` leaves out the last check, ajv's compilation, the one that costs: for a
 * caller that compiles the schema itself later and reports ajv's refusal then (stages).
 */
export function schemaProblems(
  schema: JsonSchema,
  pointer = '',
  { compile = true }: { compile?: boolean } = {},
): SchemaProblem[] {
  try {
    return problemsOf(normalizeSchema(schema), pointer, compile);
  } catch (e) {
    if (e instanceof RangeError) return [{ pointer, message: 'the schema nests too deeply to check' }];
    throw e;
  }
}

function problemsOf(doc: JsonSchema, pointer: string, compile: boolean): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const at = (ptr: string) => pointer + ptr;
  const locs = subschemas(doc);
  for (const loc of locs) {
    const ref = isSchemaObject(loc.schema) ? loc.schema.$ref : undefined;
    if (typeof ref !== 'string' || (!ref.startsWith('#/') && ref !== '#')) continue;
    try {
      resolveRef(loc, ref);
    } catch (e) {
      if (!(e instanceof GiveUp)) throw e;
      problems.push({ pointer: at(pointerJoin(loc.ptr, '$ref')), message: e.reason });
    }
  }
  if (problems.length === 0) {
    for (const cycle of refCycles(locs)) {
      const route = cycle.path.map((p) => p || '/').join(' → ');
      const message = `$ref ${JSON.stringify(cycle.ref)} is part of a cycle that never reaches a value (${route})`;
      problems.push({ pointer: at(pointerJoin(cycle.at, '$ref')), message });
    }
  }
  if (problems.length === 0) {
    // ajv lists every failed branch of a meta-schema anyOf; the first one at a place says it best.
    const seen = new Set<string>();
    for (const v of metaSchemaViolations(doc)) {
      if (seen.has(v.valuePointer)) continue;
      seen.add(v.valuePointer);
      problems.push({
        pointer: at(v.valuePointer),
        message: `${v.message} (meta-schema rule ${v.schemaPointer})`,
      });
    }
  }
  if (problems.length === 0 && compile) {
    try {
      compileSchema(doc);
    } catch (e) {
      problems.push({ pointer: at(''), message: e instanceof Error ? e.message : String(e) });
    }
  }
  return problems;
}

/** Every subschema of a document, located. */
function subschemas(doc: JsonSchema): Loc[] {
  const out: Loc[] = [];
  const visit = (loc: Loc) => {
    out.push(loc);
    const s = loc.schema;
    if (!isSchemaObject(s)) return;
    for (const { steps, schema } of directSubschemas(s)) visit(childLoc(loc, schema, ...steps));
  };
  visit(rootLoc(doc));
  return out;
}

interface Cycle {
  /** Pointer of the schema whose `$ref` closes the cycle. */
  at: string;
  ref: string;
  path: string[];
}

/** Cycles of `$ref` and in-place applicators (allOf, not, …) that never descend into a value. */
function refCycles(locs: readonly Loc[]): Cycle[] {
  const byPtr = new Map(locs.map((l) => [l.ptr, l]));
  const edges = (loc: Loc): { to: string; ref?: string }[] => {
    const s = loc.schema;
    if (!isSchemaObject(s)) return [];
    const out: { to: string; ref?: string }[] = [];
    if (typeof s.$ref === 'string') {
      try {
        const target = resolveRef(loc, s.$ref);
        if (!byPtr.has(target.ptr)) byPtr.set(target.ptr, target);
        out.push({ to: target.ptr, ref: s.$ref });
      } catch {
        // Unresolvable refs are reported on their own.
      }
    }
    for (const k of IN_PLACE_ONE) if (s[k] !== undefined) out.push({ to: pointerJoin(loc.ptr, k) });
    for (const k of IN_PLACE_LIST) {
      if (Array.isArray(s[k]))
        (s[k] as unknown[]).forEach((_, i) => out.push({ to: pointerJoin(loc.ptr, k, i) }));
    }
    return out;
  };
  const cycles: Cycle[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (ptr: string) => {
    state.set(ptr, 'open');
    stack.push(ptr);
    const loc = byPtr.get(ptr);
    for (const edge of loc === undefined ? [] : edges(loc)) {
      const seen = state.get(edge.to);
      if (seen === 'open') {
        const path = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        if (edge.ref !== undefined) cycles.push({ at: ptr, ref: edge.ref, path });
        else {
          // The cycle closes through an applicator; name the last $ref on it instead.
          const closing = [...path].reverse().find((p) => typeof refOf(byPtr.get(p)) === 'string');
          if (closing !== undefined) cycles.push({ at: closing, ref: refOf(byPtr.get(closing)) ?? '', path });
        }
      } else if (seen === undefined) visit(edge.to);
    }
    stack.pop();
    state.set(ptr, 'done');
  };
  for (const loc of locs) if (!state.has(loc.ptr)) visit(loc.ptr);
  return cycles;
}

function refOf(loc: Loc | undefined): string | undefined {
  const s = loc?.schema;
  return isSchemaObject(s) && typeof s.$ref === 'string' ? s.$ref : undefined;
}
