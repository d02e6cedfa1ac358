// require_valid_dag (CALORON §5 kickoff.json): the gate between dag_validate and the forge.
// A valid DAG passes through; an invalid one stops the kickoff before a single issue is
// opened, with every validation error in the message and in details.errors, so the user
// fixes the plan in one go.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { RequireValidDagInput, RequireValidDagOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

export const requireValidDag = defineStage<RequireValidDagInput, RequireValidDagOutput>({
  name: 'require_valid_dag',
  description: "Passes a DAG dag_validate found valid; stops the graph with dag_validate's errors otherwise.",
  ...stageSchemas('require_valid_dag'),
  effects: ['Pure', 'Fallible'],
  run: ({ dag, validation }) => {
    if (validation.valid && validation.errors.length === 0) return { dag };
    const lines = validation.errors.map(
      (error) =>
        `  ${error.code}${error.path === undefined ? '' : ` at /dag${error.path}`}: ${error.message}`,
    );
    throw new NoetherError(
      'NOE_DAG_INVALID',
      `the sprint plan is not a valid DAG (${String(validation.errors.length)} error${validation.errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { details: { errors: validation.errors } },
    );
  },
  examples: [
    {
      input: {
        dag: { sprint_id: 's1', tasks: {}, processed_events: [] },
        validation: { valid: true, errors: [] },
      },
      output: { dag: { sprint_id: 's1', tasks: {}, processed_events: [] } },
    },
  ],
});
