// save_kickoff_state (CALORON §1, §5 kickoff.json): the sprint's initial state, each task
// with its issue number, written through the one writer of the KV format.
//
// Must never rewind a sprint: kickoff is safe to re-run (github_create_issue finds the
// issues it opened before), so a second run over a sprint already under way keeps the state
// it finds when the tasks are the same, and refuses a different plan under the same id.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { SaveKickoffStateInput, SaveKickoffStateOutput, Task } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { kvDirectory, readTickState, sprintPath, writeTickState } from '../sprint/kv-store.js';

/** The task ids of an existing sprint, or undefined when it was never kicked off. */
function existingTaskIds(kvDir: string, sprintId: string): string[] | undefined {
  try {
    return Object.keys(readTickState(kvDir, sprintId).state.tasks);
  } catch (error) {
    if (error instanceof NoetherError && error.code === 'NOE_SPRINT_NOT_FOUND') return undefined;
    throw error;
  }
}

export const saveKickoffState = defineStage<SaveKickoffStateInput, SaveKickoffStateOutput>({
  name: 'save_kickoff_state',
  description:
    "Persists the sprint's initial state with its issue numbers; keeps a sprint already under way.",
  ...stageSchemas('save_kickoff_state'),
  effects: ['FsRead', 'FsWrite', 'Fallible'],
  run: async ({ sprint_id: sprintId, planned: { dag }, issues }, ctx) => {
    const planned = Object.values(dag.tasks).filter((task): task is Task => task !== undefined);
    if (dag.sprint_id !== sprintId)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `save_kickoff_state: the DAG is sprint "${dag.sprint_id}", not "${sprintId}"`,
        { place: { pointer: '/planned/dag/sprint_id' } },
      );
    if (issues.length !== planned.length)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `save_kickoff_state: ${String(issues.length)} issues for ${String(planned.length)} tasks; kickoff's Map gives one per task`,
        { place: { pointer: '/issues' } },
      );
    const tasks = planned.map((task, index) => ({
      task_id: task.id,
      issue_number: issues[index]?.issue_number ?? 0,
      created: issues[index]?.created ?? false,
    }));
    const kvDir = kvDirectory(ctx.env);
    const existing = existingTaskIds(kvDir, sprintId);
    if (existing !== undefined) {
      const same =
        existing.length === planned.length && planned.every((task, index) => existing[index] === task.id);
      if (!same)
        throw new NoetherError(
          'NOE_SPRINT_EXISTS',
          `sprint "${sprintId}" was kicked off with the tasks ${existing.join(', ')}; this plan has ${planned.map((task) => task.id).join(', ')}`,
          { place: { file: sprintPath(kvDir, sprintId, 'state') } },
        );
      return { sprint_id: sprintId, state_path: sprintPath(kvDir, sprintId, 'state'), resumed: true, tasks };
    }
    const withIssues: Record<string, Task> = {};
    planned.forEach((task, index) => {
      withIssues[task.id] = { ...task, issue_number: tasks[index]?.issue_number ?? null };
    });
    const statePath = await writeTickState(kvDir, sprintId, {
      schema_version: 1,
      state: { ...dag, tasks: withIssues },
      interventions: {},
      since: null,
      seen: [],
    });
    return { sprint_id: sprintId, state_path: statePath, resumed: false, tasks };
  },
});
