// The plan `caloron demo --plan FILE` runs: a JSON list of tasks {id, title, depends_on[],
// agent_prompt?, …} (schemas/domain/plan-task.schema.json). Read here so that a bad file
// fails before anything starts, naming the file, the line and the JSON pointer. Whether
// the tasks form a DAG (unknown dependencies, duplicates, cycles) is kickoff.json's
// dag_validate's call, not repeated here.
import { NoetherError, placePrefix, type Place } from '../../engine/errors.js';
import { parseJsonDocument, positionNear } from '../../engine/json/parse.js';
import { readJsonText } from '../../engine/json/text.js';
import { bodyOf, defsOf, validateValue, withDefs } from '../../engine/schema/index.js';
import type { PlanTask } from '../../schemas/generated/types.js';
import { domainSchema } from '../../schemas/index.js';

const PLAN_TASK = domainSchema('plan-task');
/** A non-empty list of plan tasks; the task schema's definitions lifted to the top, where its refs point. */
const PLAN_SCHEMA = withDefs({ type: 'array', minItems: 1, items: bodyOf(PLAN_TASK) }, defsOf(PLAN_TASK));

/** The tasks of a plan file; NOE_FILE_READ, NOE_JSON_SYNTAX or NOE_DAG_INVALID (with the place) otherwise. */
export function readPlan(file: string): PlanTask[] {
  const text = readJsonText(file, 'plan');
  const { value, positions } = parseJsonDocument(text, file);
  const [first, ...more] = validateValue(PLAN_SCHEMA, value);
  if (first === undefined) return value as PlanTask[];
  const position = positionNear(positions, first.valuePointer);
  const place: Place = {
    file,
    pointer: first.valuePointer,
    ...(position && { line: position.line, column: position.column }),
  };
  const also = more.length === 0 ? '' : ` (and ${String(more.length)} more problem(s))`;
  throw new NoetherError(
    'NOE_DAG_INVALID',
    `${placePrefix(place)}the plan at ${first.valuePointer || '/'} ${first.message}${also}; a plan is a JSON list of tasks {"id", "title", "depends_on": [ids], "agent_prompt"?}`,
    { place },
  );
}
