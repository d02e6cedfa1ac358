// The planning phases (CALORON §3 phases/, §5 full_cycle.json and sprint_plan.json):
// design → architect → dev → review → phases_to_sprint_tasks. architect_po and dev_po ask
// the LLM provider configured by CALORON_LLM_COMMAND (see llm-provider.ts) and fall back
// to deterministic templates; the others are pure.
export { designPo } from './design_po.js';
export { architectPo } from './architect_po.js';
export { devPo } from './dev_po.js';
export { reviewPo } from './review_po.js';
export { phasesToSprintTasks } from './phases_to_sprint_tasks.js';
export { LLM_COMMAND_ENV, LLM_TIMEOUT_ENV } from './llm-provider.js';
