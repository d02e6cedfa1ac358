// The retro stages (CALORON §3, §5 retro.json): a finished sprint's KPIs, the analysis of
// its agents' feedback, and the report with the learnings kept for the next plan.
export { analyzeSprintFeedback } from './analyze_sprint_feedback.js';
export { computeSprintKpis } from './compute_sprint_kpis.js';
export { writeRetroReport } from './write_retro_report.js';
export { loadSprintOutcome } from './load_sprint_outcome.js';
export { projectFeedbackToReport } from './project_feedback_to_report.js';
export { saveRetroReport } from './save_retro_report.js';
