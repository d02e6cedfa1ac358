// The rules a list of planned tasks must keep beyond its schema, shared by the phases
// that produce tasks (dev_po checks an LLM's answer with them) and those that consume
// them (review_po, phases_to_sprint_tasks reject bad input with them): ids unique, every
// dependency an existing task, no cycle. The Python phases checked none of this, so a
// duplicated id silently overwrote a task further down the line.

export interface PlannedTask {
  id: string;
  depends_on: readonly string[];
}

/** One broken rule: where (a JSON pointer under `at`) and what. */
export interface PlanProblem {
  pointer: string;
  message: string;
}

/** Every broken rule in `tasks` (found at JSON pointer `at`), in task order; [] when sound. */
export function planProblems(tasks: readonly PlannedTask[], at: string): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const firstIndex = new Map<string, number>();
  tasks.forEach((task, index) => {
    const first = firstIndex.get(task.id);
    if (first === undefined) firstIndex.set(task.id, index);
    else
      problems.push({
        pointer: `${at}/${index}/id`,
        message: `duplicate task id "${task.id}" (also at ${at}/${first}/id)`,
      });
  });
  tasks.forEach((task, index) =>
    task.depends_on.forEach((dep, depIndex) => {
      const pointer = `${at}/${index}/depends_on/${depIndex}`;
      if (dep === task.id) problems.push({ pointer, message: `task "${task.id}" depends on itself` });
      else if (!firstIndex.has(dep))
        problems.push({ pointer, message: `task "${task.id}" depends on "${dep}", which is not a task` });
    }),
  );
  const cycle = findCycle(tasks);
  if (cycle !== undefined)
    problems.push({ pointer: at, message: `the dependencies form a cycle: ${cycle.join(' → ')}` });
  return problems;
}

/** A dependency cycle as a path that ends where it starts (self-loops left to the caller), or undefined. */
function findCycle(tasks: readonly PlannedTask[]): string[] | undefined {
  const deps = new Map(tasks.map((task) => [task.id, task.depends_on.filter((dep) => dep !== task.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.id);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** What a plan must be, said after its problems in an error. */
export const PLAN_RULES =
  'every task and review check needs its own id, and may depend only on tasks of the plan, without a cycle';

/** The problems as one message, for an error or a log line. */
export function describeProblems(problems: readonly PlanProblem[]): string {
  return problems.map((problem) => `${problem.pointer}: ${problem.message}`).join('; ');
}
