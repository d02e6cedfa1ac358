// The sprint area (CALORON §3): the tick's reshape stages and its KV state.
export { buildTickOutput } from './build_tick_output.js';
export { projectAllToExecute } from './project_all_to_execute.js';
export { projectHealthToIntervention } from './project_health_to_intervention.js';
export { projectPollToEval } from './project_poll_to_eval.js';
