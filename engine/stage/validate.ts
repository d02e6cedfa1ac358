// The checks every stage's declared fields go through (ENGINE §1), whether they come from
// defineStage or from a `*.stage.json` spec, so both kinds obey one set of rules and
// report failures the same way: NOE_STAGE_INVALID naming the stage and the field, placed
// at the field's JSON pointer (and line:column when the caller knows the document).
// Implementations and ids differ by kind and are not checked here.
//
// The checks that need ajv (both schemas compile; every example validates) are most of
// what defining a stage costs. They run once per content: a definition whose schemas and
// examples passed them before, in any process, skips them (verdicts.ts).
import { NoetherError, placePrefix, type Place } from '../errors.js';
import { pointerJoin } from '../json/pointer.js';
import { deepFreeze, firstNonJson } from '../json/value.js';
import { compileSchema, schemaProblems, validateValue, type JsonSchema } from '../schema/index.js';
import { nearestSpelling } from '../spelling.js';
import { checkEffects } from './effects.js';
import type { Effect, StageExample } from './types.js';
import { hasVerdict, recordVerdict, verdictId } from './verdicts.js';

const STAGE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** The kind-independent part of a Stage, checked, cloned and deeply frozen. */
export interface StageFields {
  name: string;
  description: string;
  input: JsonSchema;
  output: JsonSchema;
  effects: readonly Effect[];
  timeoutMs: number | undefined;
  examples: readonly StageExample[];
}

/** Maps a JSON pointer inside the stage's definition to a place for diagnostics. */
export type Locate = (pointer: string) => Place;

const COMMON_KEYS = ['name', 'description', 'input', 'output', 'effects', 'timeout_ms', 'examples'];

/** Reports a broken rule: `field` is the top-level field to blame, `pointer` the exact spot. */
export function stageInvalid(
  name: unknown,
  field: string,
  pointer: string,
  problem: string,
  locate: Locate,
): NoetherError {
  const place = locate(pointer);
  const where = placePrefix(place);
  const subject = typeof name === 'string' && name !== '' ? `stage "${name}"` : 'stage';
  return new NoetherError('NOE_STAGE_INVALID', `${where}${subject}: field "${field}": ${problem}`, {
    place,
    details: { stage: typeof name === 'string' ? name : undefined, field },
  });
}

/**
 * Checks the fields shared by every kind of stage. `kindKeys` are the other keys this kind
 * allows (`run`, `implementation`, …); any key outside both lists is a typo and rejected.
 */
export function checkStageFields(
  raw: Record<string, unknown>,
  kindKeys: readonly string[],
  locate: Locate,
): StageFields {
  const { name } = raw;
  const fail: Fail = (field, problem, pointer = `/${field}`) => {
    throw stageInvalid(name, field, pointer, problem, locate);
  };

  const allowed = [...COMMON_KEYS, ...kindKeys];
  for (const key of Object.keys(raw)) {
    if (allowed.includes(key)) continue;
    const guess = nearestSpelling(key, allowed);
    fail(
      key,
      `unknown key; ${guess === undefined ? '' : `did you mean "${guess}"? `}(allowed: ${allowed.join(', ')})`,
      pointerJoin('', key),
    );
  }

  if (typeof name !== 'string' || !STAGE_NAME.test(name))
    fail(
      'name',
      `${String(JSON.stringify(name))} is not a stage name: it must match ${STAGE_NAME.source} (a lowercase letter, then lowercase letters, digits or _, at most 64 characters)`,
    );
  if (typeof raw.description !== 'string' || raw.description.trim() === '')
    fail('description', 'must be a non-empty string (one sentence saying what the stage does)');

  const input = checkSchema(raw.input, 'input', fail);
  const output = checkSchema(raw.output, 'output', fail);

  const effects = checkEffects(raw.effects);
  if (!effects.ok)
    fail(
      'effects',
      effects.problem.message,
      effects.problem.index === undefined ? '/effects' : pointerJoin('/effects', effects.problem.index),
    );

  const timeout = raw.timeout_ms;
  if (timeout !== undefined && !(Number.isSafeInteger(timeout) && (timeout as number) > 0))
    fail('timeout_ms', `${JSON.stringify(timeout)} is not a positive integer number of milliseconds`);

  const examples = checkExamples(raw.examples, fail);
  checkWithAjv(input, output, examples, fail);

  return deepFreeze({
    name,
    description: raw.description,
    input,
    output,
    effects: effects.effects,
    timeoutMs: timeout as number | undefined,
    examples,
  });
}

type Fail = (field: string, problem: string, pointer?: string) => never;

function checkSchema(value: unknown, field: 'input' | 'output', fail: Fail): JsonSchema {
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value)))
    fail(field, 'must be a JSON Schema (draft 2020-12): an object or a boolean');
  const schema = jsonClone(value, field, fail) as JsonSchema;
  // The checks compositions get too: a `$ref` that resolves to nothing, or a cycle of them
  // that never reaches a value (`{"$ref": "#"}`), which ajv compiles but would make every
  // validation of the stage's values recurse until the stack overflows.
  // Whether ajv compiles it is checked by checkWithAjv.
  const [problem] = schemaProblems(schema, `/${field}`, { compile: false });
  if (problem !== undefined)
    fail(field, `is not a valid JSON Schema (draft 2020-12): ${problem.message}`, problem.pointer);
  return schema;
}

function checkExamples(value: unknown, fail: Fail): StageExample[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('examples', 'must be an array of {input, output} pairs');
  return (value as unknown[]).map((example, index) => {
    const at = `/examples/${index}`;
    if (typeof example !== 'object' || example === null || Array.isArray(example))
      fail('examples', `example ${index} must be an object {input, output}`, at);
    const pair = example as Record<string, unknown>;
    for (const key of Object.keys(pair))
      if (key !== 'input' && key !== 'output')
        fail(
          'examples',
          `example ${index} has the unknown key "${key}" (allowed: input, output)`,
          `${at}/${key}`,
        );
    for (const side of ['input', 'output'] as const)
      if (!Object.hasOwn(pair, side) || pair[side] === undefined)
        fail('examples', `example ${index} has no ${side}`, at);
    return {
      input: jsonClone(pair.input, 'examples', fail, `${at}/input`),
      output: jsonClone(pair.output, 'examples', fail, `${at}/output`),
    };
  });
}

/**
 * The checks that need ajv: both schemas compile, and every example validates against
 * them. Skipped when this very content passed them before; recorded when it passes now.
 * Changing what is checked here means changing CHECKS in verdicts.ts.
 */
function checkWithAjv(
  input: JsonSchema,
  output: JsonSchema,
  examples: readonly StageExample[],
  fail: Fail,
): void {
  const verdict = verdictId(input, output, examples);
  if (hasVerdict(verdict)) return;
  for (const [field, schema] of [
    ['input', input],
    ['output', output],
  ] as const) {
    try {
      compileSchema(schema);
    } catch (error) {
      fail(
        field,
        `is not a valid JSON Schema (draft 2020-12): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  examples.forEach((example, index) => {
    for (const side of ['input', 'output'] as const) {
      const [violation] = validateValue(side === 'input' ? input : output, example[side]);
      if (violation)
        fail(
          'examples',
          `example ${index} ${side} does not match the ${side} schema at ${violation.valuePointer === '' ? 'the top level' : `"${violation.valuePointer}"`}: ${violation.message} (schema rule ${violation.schemaPointer})`,
          `/examples/${index}/${side}${violation.valuePointer}`,
        );
    }
  });
  recordVerdict(verdict);
}

/** A private JSON copy, so that freezing it never freezes the author's objects. */
function jsonClone(value: unknown, field: string, fail: Fail, pointer = `/${field}`): unknown {
  const stray = firstNonJson(value);
  if (stray !== undefined)
    fail(field, `is not a JSON value: it holds ${stray.found}`, pointerJoin(pointer, ...stray.tokens));
  return structuredClone(value);
}
