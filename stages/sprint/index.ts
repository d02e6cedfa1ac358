// The sprint area (CALORON §3): the tick's KV state and its reshape stages.
export { buildTickOutput } from './build_tick_output.js';
export { busyTickOutput } from './busy_tick_output.js';
export { isTickBusy } from './is_tick_busy.js';
export { loadTickState } from './load_tick_state.js';
export { projectAllToExecute } from './project_all_to_execute.js';
export { projectHealthToIntervention } from './project_health_to_intervention.js';
export { projectPollToEval } from './project_poll_to_eval.js';
export { saveTickState } from './save_tick_state.js';
