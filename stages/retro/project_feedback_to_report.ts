// project_feedback_to_report (CALORON §5 retro.json): the retro's scope → the flat record
// analyze_sprint_feedback and write_retro_report read (the feedback items come out of the
// `collected` binding; the KPIs, sprint and span pass through).
import { defineStage } from '../../engine/stage/index.js';
import type {
  ProjectFeedbackToReportInput,
  ProjectFeedbackToReportOutput,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { EXAMPLE_KPIS } from './compute_sprint_kpis.js';

export const projectFeedbackToReport = defineStage<
  ProjectFeedbackToReportInput,
  ProjectFeedbackToReportOutput
>({
  name: 'project_feedback_to_report',
  description: "Shapes the retro's KPIs, collected feedback and span into the report stages' input.",
  ...stageSchemas('project_feedback_to_report'),
  effects: ['Pure'],
  run: (input) => ({
    sprint_id: input.sprint_id,
    kpis: input.kpis,
    feedback_items: input.collected.feedback_items,
    started_at: input.started_at,
    ended_at: input.ended_at,
  }),
  examples: [
    {
      input: {
        sprint_id: 's1',
        kpis: EXAMPLE_KPIS,
        collected: { feedback_items: [] },
        started_at: '2026-01-01T10:00:00Z',
        ended_at: '2026-01-01T12:00:00Z',
      },
      output: {
        sprint_id: 's1',
        kpis: EXAMPLE_KPIS,
        feedback_items: [],
        started_at: '2026-01-01T10:00:00Z',
        ended_at: '2026-01-01T12:00:00Z',
      },
    },
  ],
});
