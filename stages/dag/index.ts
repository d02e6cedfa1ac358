// The DAG stages of Caloron (CALORON §2–§3). sprintCompletion is shared with
// build_tick_output (stages/sprint/).
export { dagEvaluate } from './dag_evaluate.js';
export { dagIsComplete } from './dag_is_complete.js';
export { dagValidate } from './dag_validate.js';
export { unblockedTasks } from './unblocked_tasks.js';
export { sprintCompletion, type SprintCompletion } from './completion.js';
export { executeActions } from './execute_actions.js';
export { shellSpawnAgent } from './shell_spawn_agent.js';
