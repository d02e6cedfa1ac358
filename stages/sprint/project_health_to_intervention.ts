// project_health_to_intervention (CALORON §5): the tick's scope → decide_intervention's
// input: this tick's health verdicts with the persisted ladders and the state both were
// judged against (the one loaded at the start of the tick).
import { defineStage } from '../../engine/stage/index.js';
import type {
  ProjectHealthToInterventionInput,
  ProjectHealthToInterventionOutput,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

export const projectHealthToIntervention = defineStage<
  ProjectHealthToInterventionInput,
  ProjectHealthToInterventionOutput
>({
  name: 'project_health_to_intervention',
  description: "Shapes the tick's health verdicts, ladders and state into decide_intervention's input.",
  ...stageSchemas('project_health_to_intervention'),
  effects: ['Pure'],
  run: (input) => ({
    results: input.health.results,
    interventions: input.interventions,
    state: input.state,
    now: input.now,
    sprint_id: input.sprint_id,
  }),
  examples: [
    {
      input: {
        health: { results: [] },
        interventions: {},
        state: { sprint_id: 's1', tasks: {}, processed_events: [] },
        now: '2026-01-01T10:01:00Z',
        sprint_id: 's1',
      },
      output: {
        results: [],
        interventions: {},
        state: { sprint_id: 's1', tasks: {}, processed_events: [] },
        now: '2026-01-01T10:01:00Z',
        sprint_id: 's1',
      },
    },
  ],
});
