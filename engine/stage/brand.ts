// How a Stage value comes to be, and how it is recognised later. The brand is a
// registry-wide symbol (Symbol.for), not a class or a module-local symbol: a stage module
// loaded through tsx while the CLI runs from dist/ brings its own copy of this engine,
// and the stages that copy makes must still be recognised by this one.
import { stageIds } from './ids.js';
import type { Stage, StageImplementation } from './types.js';
import type { StageFields } from './validate.js';

const STAGE_BRAND = Symbol.for('noether.stage');

/** True for a Stage made by defineStage or read from a stage spec, by any copy of the engine. */
export function isStage(value: unknown): value is Stage {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, STAGE_BRAND);
}

/** Completes checked fields into a frozen, branded Stage with its content ids. */
export function brandStage(
  fields: StageFields,
  implementation: StageImplementation,
  implementationHash: string,
): Stage {
  const { id, signatureId } = stageIds({ ...fields, implementationHash });
  const stage: Stage = {
    name: fields.name,
    description: fields.description,
    input: fields.input,
    output: fields.output,
    effects: fields.effects,
    implementation: Object.freeze(implementation),
    ...(fields.timeoutMs === undefined ? {} : { timeoutMs: fields.timeoutMs }),
    examples: fields.examples,
    id,
    signatureId,
    implementationHash,
  };
  Object.defineProperty(stage, STAGE_BRAND, { value: true });
  return Object.freeze(stage);
}
