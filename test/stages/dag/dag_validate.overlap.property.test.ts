// agent_overlap against a brute-force reference on small random DAGs (fast-check): the
// reference computes every task's ancestors and compares every pair of tasks naming an
// agent, which the stage must never do on a real plan. The stage must report exactly the
// agents the reference finds, each once, in the order the draft first names them, with a
// pair of tasks that both name the agent and can be active at the same time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dagValidate } from '../../../stages/dag/index.js';
import type { DagValidateOutput } from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';

const AGENTS = ['ann', 'bob', 'cy', 'dee'];

interface Draft {
  id: string;
  depends_on: string[];
  agent_id: string;
  reviewer_id?: string;
}

/**
 * Up to nine tasks; task i may depend on any task numbered below it (so no cycle), listed
 * in a shuffled draft order so that draft order and dependency order differ.
 */
const dags = fc
  .integer({ min: 1, max: 9 })
  .chain((count) =>
    fc.tuple(
      fc.tuple(
        ...Array.from({ length: count }, (_, i) =>
          fc.record({
            deps: fc.subarray(Array.from({ length: i }, (_, dep) => dep)),
            agent: fc.constantFrom(...AGENTS),
            reviewer: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
          }),
        ),
      ),
      fc.shuffledSubarray(
        Array.from({ length: count }, (_, i) => i),
        { minLength: count },
      ),
    ),
  )
  .map(([tasks, order]): Draft[] =>
    order.map((i) => {
      const { deps, agent, reviewer } = tasks[i]!;
      return {
        id: `t${i}`,
        depends_on: deps.map((dep) => `t${dep}`),
        agent_id: agent,
        ...(reviewer === undefined ? {} : { reviewer_id: reviewer }),
      };
    }),
  );

/** Every task's ancestors, by repeated passes until nothing changes. */
function ancestors(drafts: readonly Draft[]): Map<string, Set<string>> {
  const above = new Map(drafts.map((d) => [d.id, new Set(d.depends_on)]));
  for (let changed = true; changed;) {
    changed = false;
    for (const set of above.values())
      for (const dep of [...set])
        for (const further of above.get(dep)!)
          if (!set.has(further)) {
            set.add(further);
            changed = true;
          }
  }
  return above;
}

/** The agents two concurrent tasks both name, in the order the draft first names them. */
function referenceOverlaps(drafts: readonly Draft[]): {
  agents: string[];
  concurrent: (a: string, b: string) => boolean;
} {
  const above = ancestors(drafts);
  const concurrent = (a: string, b: string) => a !== b && !above.get(a)!.has(b) && !above.get(b)!.has(a);
  const named = (agent: string) =>
    drafts.filter((d) => d.agent_id === agent || d.reviewer_id === agent).map((d) => d.id);
  const mentioned = [
    ...new Set(drafts.flatMap((d) => [d.agent_id, ...(d.reviewer_id === undefined ? [] : [d.reviewer_id])])),
  ];
  const agents = mentioned.filter((agent) => {
    const tasks = named(agent);
    return tasks.some((a) => tasks.some((b) => concurrent(a, b)));
  });
  return { agents, concurrent };
}

describe('dag_validate agent_overlap, against a pairwise reference', () => {
  it('reports exactly the agents of concurrent tasks, once each, with a concurrent pair', async () => {
    await fc.assert(
      fc.asyncProperty(dags, async (drafts) => {
        const out = (await callStage(dagValidate, { dag: { tasks: drafts } })) as DagValidateOutput;
        const reference = referenceOverlaps(drafts);
        expect(out.errors.every((e) => e.code === 'agent_overlap')).toBe(true);
        expect(out.errors.map((e) => e.agent_id)).toEqual(reference.agents);
        expect(out.valid).toBe(reference.agents.length === 0);
        for (const error of out.errors) {
          const [first, second] = error.task_ids!;
          expect(reference.concurrent(first, second)).toBe(true);
          for (const id of [first, second]) {
            const task = drafts.find((d) => d.id === id)!;
            expect([task.agent_id, task.reviewer_id]).toContain(error.agent_id);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
