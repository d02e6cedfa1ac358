// Whether a sprint is complete or stuck (CALORON §2, `dag_is_complete`). STAND-IN: the
// owner of this rule is stages/dag/completion.ts (`sprintCompletion`, branch `dag`);
// once it lands, build_tick_output imports that one and this file is deleted. Same name
// and same {complete, stuck} fields, so the swap is one import line.
//
// complete: total > 0 and every task Done or Cancelled.
// stuck: not complete and no task can move without a human — no task is Ready,
// InProgress or InReview, and no Pending task has every dependency able to reach Done
// on its own (a dependency that is Cancelled, Escalated, Blocked, unknown, or on a cycle
// can never get there without someone acting). An empty DAG is stuck: nothing will ever
// happen in it.
import type { DagState, Task } from '../../schemas/generated/types.js';

export interface SprintCompletion {
  complete: boolean;
  stuck: boolean;
}

export function sprintCompletion(state: DagState): SprintCompletion {
  const tasks = Object.values(state.tasks).filter((task): task is Task => task !== undefined);
  const complete =
    tasks.length > 0 && tasks.every((task) => task.status === 'Done' || task.status === 'Cancelled');
  if (complete) return { complete, stuck: false };
  const canFinish = new Map<string, boolean>();
  const reachesDone = (id: string): boolean => {
    const known = canFinish.get(id);
    if (known !== undefined) return known;
    const task = state.tasks[id];
    if (task === undefined) return false;
    canFinish.set(id, false); // a cycle back to this task cannot finish it
    const result = movable(task) || task.status === 'Done';
    canFinish.set(id, result);
    return result;
  };
  const movable = (task: Task): boolean =>
    task.status === 'Ready' ||
    task.status === 'InProgress' ||
    task.status === 'InReview' ||
    (task.status === 'Pending' && task.depends_on.every(reachesDone));
  return { complete, stuck: !tasks.some(movable) };
}
