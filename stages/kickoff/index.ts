// The kickoff stages (CALORON §3, §5 kickoff.json): from a brief or a plan to the sprint's
// initial DAG, checked, one issue per task, persisted.
export { generateSprintDag } from './generate_sprint_dag.js';
export { planToDag } from './plan_to_dag.js';
export { requireValidDag } from './require_valid_dag.js';
export { saveKickoffState } from './save_kickoff_state.js';
export { taskIssueRequests } from './task_issue_requests.js';
