// Dependency graphs of a sprint's tasks, as plain ids: what dag_validate needs to report
// cycles with their path. Iterative depth-first search, so a chain of 10,000 tasks does
// not overflow the stack.

/**
 * The dependency cycles of a graph, each as the ids along it with the first repeated at the
 * end (`[a, b, c, a]`: a depends on b, b on c, c on a). Deterministic: nodes are visited in
 * `order`, dependencies in the order `depsOf` gives. One cycle is reported per back edge
 * whose cycle has a node no earlier cycle had, so a tangle of cycles is not reported once
 * per path through it. `depsOf` must only return ids of `order`, without the node itself.
 */
export function findCycles(order: readonly string[], depsOf: (id: string) => readonly string[]): string[][] {
  const done = new Set<string>();
  const reported = new Set<string>();
  const cycles: string[][] = [];
  for (const root of order) {
    if (done.has(root)) continue;
    // The current path: ids, the position of each on it, and how far each has got in its deps.
    const path: string[] = [root];
    const onPath = new Map<string, number>([[root, 0]]);
    const next: number[] = [0];
    while (path.length > 0) {
      const top = path.length - 1;
      const id = path[top]!;
      const deps = depsOf(id);
      const index = next[top]!;
      if (index === deps.length) {
        path.pop();
        next.pop();
        onPath.delete(id);
        done.add(id);
        continue;
      }
      next[top] = index + 1;
      const dep = deps[index]!;
      const at = onPath.get(dep);
      if (at !== undefined) {
        const cycle = path.slice(at);
        if (cycle.some((member) => !reported.has(member))) {
          for (const member of cycle) reported.add(member);
          cycles.push([...cycle, dep]);
        }
      } else if (!done.has(dep)) {
        onPath.set(dep, path.length);
        path.push(dep);
        next.push(0);
      }
    }
  }
  return cycles;
}
