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

export type Role = 'developer' | 'reviewer';

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

interface Staffing {
  task: number;
  roles: Role[];
}

/**
 * One error per agent whose tasks can be active at the same time, agents in the order the
 * tasks first name them (a task's developer before its reviewer). The pair reported is the
 * agent's first consecutive pair, in the order of `Levels.rank`, where the later task does
 * not depend on the earlier.
 */
export function agentOverlaps(tasks: readonly StaffedTask[]): DagValidationError[] {
  const graph = new Levels(tasks);
  const errors: DagValidationError[] = [];
  for (const [agent, staffed] of staffingByAgent(tasks)) {
    staffed.sort((a, b) => graph.rank[a.task]! - graph.rank[b.task]!);
    for (let at = 1; at < staffed.length; at++) {
      const earlier = staffed[at - 1]!;
      const later = staffed[at]!;
      if (graph.dependsOn(later.task, earlier.task)) continue;
      errors.push(overlap(agent, tasks[earlier.task]!, earlier.roles, tasks[later.task]!, later.roles));
      break;
    }
  }
  return errors;
}

/** Each agent's tasks with the roles it has in them, agents in order of first mention. */
function staffingByAgent(tasks: readonly StaffedTask[]): Map<string, Staffing[]> {
  const byAgent = new Map<string, Staffing[]>();
  tasks.forEach((task, index) => {
    const roles: [Role, string | undefined][] = [
      ['developer', task.developer],
      ['reviewer', task.reviewer],
    ];
    for (const [role, agent] of roles) {
      if (agent === undefined) continue;
      const staffed = byAgent.get(agent) ?? [];
      const last = staffed.at(-1);
      if (last?.task === index) last.roles.push(role);
      else staffed.push({ task: index, roles: [role] });
      byAgent.set(agent, staffed);
    }
  });
  return byAgent;
}

function overlap(
  agent: string,
  earlier: StaffedTask,
  earlierRoles: readonly Role[],
  later: StaffedTask,
  laterRoles: readonly Role[],
): DagValidationError {
  const as = (roles: readonly Role[], task: StaffedTask) => `${roles.join(' and ')} of "${task.id}"`;
  return {
    code: 'agent_overlap',
    task_id: later.id,
    message: `agent "${agent}" is the ${as(earlierRoles, earlier)} and the ${as(laterRoles, later)}, which can be active at the same time (neither depends on the other); the shell runs one harness per agent, so starting one would stop the other: give one of them another agent, or make one depend on the other`,
    path: `${later.path}/${laterRoles[0] === 'developer' ? 'agent_id' : 'reviewer_id'}`,
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
  readonly rank: Int32Array;
  private readonly deps: number[][];
  private readonly depth: Int32Array;
  private readonly height: Int32Array;
  /** Which search last visited a task, so no search clears a visited set. */
  private readonly seen: Int32Array;
  private searches = 0;

  constructor(tasks: readonly StaffedTask[]) {
    const index = new Map(tasks.map((task, at) => [task.id, at]));
    this.deps = tasks.map((task) => task.deps.map((dep) => index.get(dep)!));
    const count = tasks.length;
    const dependents: number[][] = Array.from({ length: count }, () => []);
    const waiting = new Int32Array(count);
    this.deps.forEach((deps, task) => {
      waiting[task] = deps.length;
      for (const dep of deps) dependents[dep]!.push(task);
    });
    // Kahn's algorithm: `order` grows as tasks lose their last unfinished dependency.
    const order: number[] = [];
    for (let task = 0; task < count; task++) if (waiting[task] === 0) order.push(task);
    this.depth = new Int32Array(count);
    for (let next = 0; next < order.length; next++) {
      const task = order[next]!;
      for (const dependent of dependents[task]!) {
        this.depth[dependent] = Math.max(this.depth[dependent]!, this.depth[task]! + 1);
        if (--waiting[dependent]! === 0) order.push(dependent);
      }
    }
    this.height = new Int32Array(count);
    for (let next = order.length - 1; next >= 0; next--) {
      const task = order[next]!;
      for (const dep of this.deps[task]!)
        this.height[dep] = Math.max(this.height[dep]!, this.height[task]! + 1);
    }
    const byRank = Array.from({ length: count }, (_, task) => task).sort(
      (a, b) => this.depth[a]! - this.depth[b]! || a - b,
    );
    this.rank = new Int32Array(count);
    byRank.forEach((task, rank) => (this.rank[task] = rank));
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
      for (const dep of this.deps[stack.pop()!]!) {
        if (dep === earlier) return true;
        if (this.seen[dep] === search || this.depth[dep]! <= depth || this.height[dep]! >= height) continue;
        this.seen[dep] = search;
        stack.push(dep);
      }
    }
    return false;
  }
}
