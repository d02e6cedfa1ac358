// The kickoff stages (CALORON §3): from a brief or a plan to the sprint's initial DAG.
export { generateSprintDag } from './generate_sprint_dag.js';
export { planToDag } from './plan_to_dag.js';
