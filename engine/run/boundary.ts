// The runtime contract at every stage boundary (ENGINE §5): a value entering or leaving a
// stage is validated with the stage's compiled validator. A violation names the stage,
// the node pointer, the JSON pointer inside the value and the rule broken (keyword and
// schema pointer), so the user sees which side broke which promise.
import { NoetherError } from '../errors.js';
import { describeValue } from '../json/value.js';
import { validateValue } from '../schema/index.js';
import type { Contract } from './plan.js';
import { checkProven } from './proof.js';

export type Side = 'input' | 'output';

/**
 * Throws NOE_STAGE_INPUT_VIOLATION / NOE_STAGE_OUTPUT_VIOLATION when `value` breaks the
 * contract. `frozen`: the run deep-freezes its values, so proofs (proof.ts) may be kept
 * and used; otherwise every value is validated whole.
 */
export function enforce(
  contract: Contract,
  value: unknown,
  side: Side,
  label: string,
  pointer: string,
  frozen: boolean,
): void {
  if (frozen ? checkProven(contract.proof, value) : contract.validate(value)) return;
  // The failure path only: ask again for the violations in the validator cache's form.
  const violation = validateValue(contract.schema, value)[0];
  const code = side === 'input' ? 'NOE_STAGE_INPUT_VIOLATION' : 'NOE_STAGE_OUTPUT_VIOLATION';
  const valuePointer = violation?.valuePointer ?? '';
  const rule =
    violation === undefined ? 'the schema' : `rule "${violation.keyword}" at #${violation.schemaPointer}`;
  const whose = side === 'input' ? `the input of ${label}` : `the output of ${label}`;
  throw new NoetherError(
    code,
    `${whose} at ${pointer} breaks its schema at value pointer "${valuePointer}": ${violation?.message ?? 'invalid'} (${rule})`,
    {
      place: { pointer },
      details: {
        stage: label,
        node: pointer,
        value_pointer: valuePointer,
        keyword: violation?.keyword,
        schema_pointer: violation?.schemaPointer,
      },
    },
  );
}

/** The error of an op that received a value of the wrong shape (NOE_RUNTIME_TYPE). */
export function runtimeType(pointer: string, what: string, value: unknown): NoetherError {
  return new NoetherError('NOE_RUNTIME_TYPE', `${what} at ${pointer}, found ${describeValue(value)}`, {
    place: { pointer },
    details: { node: pointer, found: describeValue(value) },
  });
}
