// dag_validate's last check: no agent may be needed by two tasks at once. The shell runs one
// harness per agent id (CALORON §6), so spawning agent X for task C stops X's harness for
// task B; if B and C can be active together (neither depends on the other, directly or
// transitively) the sprint hangs with B's work or review silently stopped. A task is
// active from its start, once all its dependencies are Done, until it is Done itself, and
// both its developer and its reviewer are finished with it by then.
//
// The tasks naming an agent are free of conflict exactly when they form a chain under
// "depends on, transitively". Rather than comparing all pairs (a transitive closure is
// quadratic in memory), each agent's tasks are sorted in one topological order and only
// consecutive ones are checked: if each depends on the one before, all are ordered; if one
// does not, that pair can be active together. Each check is a search from the later task
// back through its dependencies, cut to the tasks that can lie between the two (see
// `Levels`); two tasks at the same depth are concurrent without a search.
//
// The graph must be acyclic, every dependency known: dag_validate only calls this on a DAG
// with no structural error.
import type { DagValidationError } from '../../schemas/generated/types.js';

type Role = 'developer' | 'reviewer';

export interface StaffedTask {
  id: string;
  /** JSON pointer of the task in the draft. */
  path: string;
  /** Known dependencies, each once, never the task itself. */
  deps: readonly string[];
  /** Valid agent ids only: a missing or malformed one is reported elsewhere. */
  developer?: string;
  reviewer?: string;
}

/**
 * One error per agent whose tasks can be active at the same time, agents in the order the
 * tasks first name them (a task's developer before its reviewer). The pair reported is the
 * agent's first consecutive pair, in the order of `Levels.byRank`, where the later task does
 * not depend on the earlier.
 */
export function agentOverlaps(tasks: readonly StaffedTask[]): DagValidationError[] {
  const graph = new Levels(tasks);
  const byAgent = new Map<string, number[]>();
  for (const { developer, reviewer } of tasks)
    for (const agent of [developer, reviewer])
      if (agent !== undefined && !byAgent.has(agent)) byAgent.set(agent, []);
  for (const task of graph.byRank) {
    const { developer, reviewer } = tasks[task]!;
    if (developer !== undefined) byAgent.get(developer)!.push(task);
    if (reviewer !== undefined && reviewer !== developer) byAgent.get(reviewer)!.push(task);
  }
  const errors: DagValidationError[] = [];
  for (const [agent, staffed] of byAgent)
    for (let at = 1; at < staffed.length; at++) {
      const earlier = staffed[at - 1]!;
      const later = staffed[at]!;
      if (graph.dependsOn(later, earlier)) continue;
      errors.push(overlap(agent, tasks[earlier]!, tasks[later]!));
      break;
    }
  return errors;
}

function overlap(agent: string, earlier: StaffedTask, later: StaffedTask): DagValidationError {
  const rolesIn = (task: StaffedTask): Role[] => {
    const roles: Role[] = [];
    if (task.developer === agent) roles.push('developer');
    if (task.reviewer === agent) roles.push('reviewer');
    return roles;
  };
  const as = (task: StaffedTask) => `${rolesIn(task).join(' and ')} of "${task.id}"`;
  return {
    code: 'agent_overlap',
    task_id: later.id,
    message: `agent "${agent}" is the ${as(earlier)} and the ${as(later)}, which can be active at the same time (neither depends on the other); the shell runs one harness per agent, so starting one would stop the other: give one of them another agent, or make one depend on the other`,
    path: `${later.path}/${later.developer === agent ? 'agent_id' : 'reviewer_id'}`,
    agent_id: agent,
    task_ids: [earlier.id, later.id],
  };
}

/**
 * The tasks as numbers, with two levels each: depth, the longest chain of dependencies
 * below a task, and height, the longest chain of dependents above it. If B depends on A,
 * every task on the way is deeper than A and lower than A; a search from B for A skips the
 * rest. `rank` orders the tasks by depth, then draft order: a topological order.
 */
class Levels {
  /** The tasks by depth, then draft order: a topological order. */
  readonly byRank: Int32Array;
  /** Task t's dependencies are depList[depStart[t]] up to depList[depStart[t + 1]]. */
  private readonly depStart: Int32Array;
  private readonly depList: Int32Array;
  private readonly depth: Int32Array;
  private readonly height: Int32Array;
  /** Which search last visited a task, so no search clears a visited set. */
  private readonly seen: Int32Array;
  private searches = 0;

  constructor(tasks: readonly StaffedTask[]) {
    const count = tasks.length;
    const index = new Map<string, number>();
    tasks.forEach((task, at) => index.set(task.id, at));
    // Flat arrays rather than an array per task: plans have thousands of tasks.
    this.depStart = new Int32Array(count + 1);
    tasks.forEach((task, at) => (this.depStart[at + 1] = this.depStart[at]! + task.deps.length));
    this.depList = new Int32Array(this.depStart[count]!);
    const dependentCount = new Int32Array(count);
    tasks.forEach((task, at) =>
      task.deps.forEach((dep, k) => {
        const target = index.get(dep)!;
        this.depList[this.depStart[at]! + k] = target;
        dependentCount[target]!++;
      }),
    );
    const dependentStart = new Int32Array(count + 1);
    for (let task = 0; task < count; task++)
      dependentStart[task + 1] = dependentStart[task]! + dependentCount[task]!;
    const dependents = new Int32Array(this.depList.length);
    const filled = dependentStart.slice(0, count);
    const waiting = new Int32Array(count);
    for (let task = 0; task < count; task++) {
      waiting[task] = this.depStart[task + 1]! - this.depStart[task]!;
      for (let at = this.depStart[task]!; at < this.depStart[task + 1]!; at++)
        dependents[filled[this.depList[at]!]!++] = task;
    }
    // Kahn's algorithm: `order` grows as tasks lose their last unfinished dependency.
    const order = new Int32Array(count);
    let size = 0;
    for (let task = 0; task < count; task++) if (waiting[task] === 0) order[size++] = task;
    this.depth = new Int32Array(count);
    for (let next = 0; next < size; next++) {
      const task = order[next]!;
      for (let at = dependentStart[task]!; at < dependentStart[task + 1]!; at++) {
        const dependent = dependents[at]!;
        this.depth[dependent] = Math.max(this.depth[dependent]!, this.depth[task]! + 1);
        if (--waiting[dependent]! === 0) order[size++] = dependent;
      }
    }
    this.height = new Int32Array(count);
    for (let next = size - 1; next >= 0; next--) {
      const task = order[next]!;
      for (let at = this.depStart[task]!; at < this.depStart[task + 1]!; at++) {
        const dep = this.depList[at]!;
        this.height[dep] = Math.max(this.height[dep]!, this.height[task]! + 1);
      }
    }
    // A counting sort by depth, stable, so draft order breaks ties.
    const atDepth = new Int32Array(count + 1);
    for (let task = 0; task < count; task++) atDepth[this.depth[task]! + 1]!++;
    for (let depth = 1; depth <= count; depth++) atDepth[depth]! += atDepth[depth - 1]!;
    this.byRank = new Int32Array(count);
    for (let task = 0; task < count; task++) this.byRank[atDepth[this.depth[task]!]!++] = task;
    this.seen = new Int32Array(count);
  }

  /** Whether `later` depends on `earlier`, directly or transitively. */
  dependsOn(later: number, earlier: number): boolean {
    const depth = this.depth[earlier]!;
    const height = this.height[earlier]!;
    if (this.depth[later]! <= depth) return false;
    const search = ++this.searches;
    const stack = [later];
    while (stack.length > 0) {
      const task = stack.pop()!;
      for (let at = this.depStart[task]!; at < this.depStart[task + 1]!; at++) {
        const dep = this.depList[at]!;
        if (dep === earlier) return true;
        if (this.seen[dep] === search || this.depth[dep]! <= depth || this.height[dep]! >= height) continue;
        this.seen[dep] = search;
        stack.push(dep);
      }
    }
    return false;
  }
}
