// Is a sprint complete, and can it still move on its own? Shared by dag_is_complete and
// build_tick_output (stages/sprint/), which reports `complete` and `stuck` for each tick.
//
// complete: at least one task, and every task Done or Cancelled (an empty DAG is not a
// finished sprint). stuck: not complete, and no task can move without a human: nothing is
// active (Ready, InProgress, InReview), and every Pending task waits, directly or through
// other Pending tasks, on a dependency that is Escalated, Blocked, Cancelled, unknown or
// part of a cycle. An empty DAG is stuck: no tick will ever change it.
import type { DagIsCompleteOutput, DagState, Task } from '../../schemas/generated/types.js';

export type SprintCompletion = DagIsCompleteOutput;

export function sprintCompletion(state: DagState): SprintCompletion {
  const counts = { total: 0, done: 0, cancelled: 0, escalated: 0, blocked: 0, active: 0, pending: 0 };
  const pending: string[] = [];
  for (const task of Object.values(state.tasks)) {
    if (task === undefined) continue;
    counts.total += 1;
    switch (task.status) {
      case 'Done':
        counts.done += 1;
        break;
      case 'Cancelled':
        counts.cancelled += 1;
        break;
      case 'Escalated':
        counts.escalated += 1;
        break;
      case 'Blocked':
        counts.blocked += 1;
        break;
      case 'Ready':
      case 'InProgress':
      case 'InReview':
        counts.active += 1;
        break;
      case 'Pending':
        counts.pending += 1;
        pending.push(task.id);
        break;
    }
  }
  const complete = counts.total > 0 && counts.done + counts.cancelled === counts.total;
  const stuck = !complete && counts.active === 0 && !pending.some(canStart(state.tasks));
  return { complete, stuck, ...counts };
}

/**
 * Whether a Pending task can become Ready without a human: every dependency is Done,
 * active, or a Pending task that can itself. Memoised over the call and iterative (a
 * chain of 10,000 tasks must not overflow the stack); a dependency cycle never can.
 */
function canStart(tasks: DagState['tasks']): (id: string) => boolean {
  const memo = new Map<string, boolean>();
  const settled = (task: Task | undefined): boolean | undefined => {
    if (task === undefined) return false;
    switch (task.status) {
      case 'Done':
      case 'Ready':
      case 'InProgress':
      case 'InReview':
        return true;
      case 'Pending':
        return memo.get(task.id);
      case 'Escalated':
      case 'Blocked':
      case 'Cancelled':
        return false;
    }
  };
  return (root) => {
    const path: string[] = [root];
    const next: number[] = [0];
    const onPath = new Set([root]);
    // Set when a dependency fails, so every task on the path up to the root fails with it.
    let failed = false;
    while (path.length > 0) {
      const top = path.length - 1;
      const id = path[top]!;
      const deps = tasks[id]?.depends_on ?? [];
      const index = next[top]!;
      if (failed || index === deps.length) {
        memo.set(id, !failed);
        onPath.delete(id);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = index + 1;
      const dep = deps[index]!;
      const known = onPath.has(dep) ? false : settled(Object.hasOwn(tasks, dep) ? tasks[dep] : undefined);
      if (known === false) failed = true;
      else if (known === undefined) {
        onPath.add(dep);
        path.push(dep);
        next.push(0);
      }
    }
    return memo.get(root) === true;
  };
}
