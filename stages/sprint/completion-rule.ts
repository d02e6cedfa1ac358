// Whether a sprint is complete or stuck (CALORON §2, `dag_is_complete`). STAND-IN: the
// owner of this rule is stages/dag/completion.ts (`sprintCompletion`, branch `dag`);
// once it lands, build_tick_output imports that one and this file is deleted. Same name
// and the same {complete, stuck} (the dag one adds counts, which build_tick_output does
// not pass on), so the swap is one import line. Both follow the rule below.
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

const ACTIVE = new Set<Task['status']>(['Ready', 'InProgress', 'InReview']);

export function sprintCompletion(state: DagState): SprintCompletion {
  const tasks = Object.values(state.tasks).filter((task): task is Task => task !== undefined);
  const complete =
    tasks.length > 0 && tasks.every((task) => task.status === 'Done' || task.status === 'Cancelled');
  if (complete) return { complete, stuck: false };
  const finishes = canFinish(state.tasks);
  const movable = (task: Task) =>
    ACTIVE.has(task.status) || (task.status === 'Pending' && finishes.get(task.id));
  return { complete, stuck: !tasks.some(movable) };
}

/**
 * For every task reachable from the DAG, whether it can reach Done without a human: Done
 * and active tasks can; Pending ones can when every dependency can. Iterative depth-first
 * (a chain of 10,000 Pending tasks must not overflow the stack); a dependency still being
 * visited is on a cycle, and a cycle never finishes.
 */
function canFinish(tasks: DagState['tasks']): Map<string, boolean> {
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();
  for (const root of Object.keys(tasks)) {
    const stack = [root];
    while (stack.length > 0) {
      const id = stack[stack.length - 1] ?? '';
      const task = tasks[id];
      if (memo.has(id)) stack.pop();
      else if (task === undefined || task.status !== 'Pending') {
        memo.set(id, task !== undefined && (task.status === 'Done' || ACTIVE.has(task.status)));
        stack.pop();
      } else if (!visiting.has(id)) {
        visiting.add(id);
        for (const dep of task.depends_on) if (!memo.has(dep) && !visiting.has(dep)) stack.push(dep);
      } else {
        // Every dependency is settled by now, except those on a cycle through this task.
        memo.set(
          id,
          task.depends_on.every((dep) => memo.get(dep) === true),
        );
        visiting.delete(id);
        stack.pop();
      }
    }
  }
  return memo;
}
