// project_all_to_execute (CALORON §5): the tick's scope → execute_actions' input: the
// forge and shell to act on, dag_evaluate's actions, then the supervisor's.
//
// The supervisor judged the state loaded at the start of the tick; dag_evaluate may have
// moved a task since (merged → Done, escalated, or handed from developer to reviewer).
// A probe or restart is kept only if its task still waits on the same agent in the
// evaluated state: restarting a developer whose pull request was just merged would
// re-open finished work. A dropped action's ladder step still counts; the ladder parks
// or resets on the next tick.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type {
  Action,
  DagState,
  ProjectAllToExecuteInput,
  ProjectAllToExecuteOutput,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { activeAgent } from '../supervisor/active-agent.js';
import { EXAMPLE_STATE } from '../supervisor/example-state.js';

function stillApplies(action: Action, index: number, state: DagState): boolean {
  if (action.type !== 'probe' && action.type !== 'restart')
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `project_all_to_execute: /supervisor/actions/${index} is a ${action.type} action; the supervisor only probes and restarts`,
      { place: { pointer: `/supervisor/actions/${index}/type` } },
    );
  const task = state.tasks[action.task_id];
  return task !== undefined && activeAgent(task)?.agent_id === action.agent_id;
}

export const projectAllToExecute = defineStage<ProjectAllToExecuteInput, ProjectAllToExecuteOutput>({
  name: 'project_all_to_execute',
  description:
    "Gathers the tick's DAG and supervisor actions, with the forge and shell, into execute_actions' input.",
  ...stageSchemas('project_all_to_execute'),
  effects: ['Pure', 'Fallible'],
  run: (input) => ({
    sprint_id: input.sprint_id,
    repo: input.repo,
    host: input.host,
    token_env: input.token_env,
    shell_url: input.shell_url,
    actions: [
      ...input.eval.actions,
      ...input.supervisor.actions.filter((action, index) => stillApplies(action, index, input.eval.state)),
    ],
  }),
  examples: [
    {
      input: {
        eval: {
          state: EXAMPLE_STATE,
          actions: [],
        },
        supervisor: {
          actions: [
            { key: 's1:a:restart:1', type: 'restart', task_id: 'a', agent_id: 'dev-1' },
            { key: 's1:b:restart:0', type: 'restart', task_id: 'b', agent_id: 'dev-2' },
          ],
        },
        sprint_id: 's1',
        repo: 'acme/shop',
        host: '',
        token_env: 'GITHUB_TOKEN',
        shell_url: 'http://127.0.0.1:7710',
      },
      output: {
        sprint_id: 's1',
        repo: 'acme/shop',
        host: '',
        token_env: 'GITHUB_TOKEN',
        shell_url: 'http://127.0.0.1:7710',
        actions: [{ key: 's1:a:restart:1', type: 'restart', task_id: 'a', agent_id: 'dev-1' }],
      },
    },
  ],
});
