// How long dag_evaluate takes on a sprint of 10,000 tasks with 1,000 events in one tick,
// and dag_is_complete / dag_validate on the same DAG (dag_validate staffed three ways).
// Target for dag_evaluate: ≤ 20 ms.
// The input is deep-frozen, as the engine hands it to a stage. Prints figures; asserts
// nothing.
import { performance } from 'node:perf_hooks';
import { deepFreeze } from '../engine/json/value.js';
import { validateValue } from '../engine/schema/index.js';
import type { DagEvaluateInput, DagState, Event, Task, TaskStatus } from '../schemas/generated/types.js';
import { sprintCompletion } from '../stages/dag/completion.js';
import { dagEvaluate } from '../stages/dag/dag_evaluate.js';
import { validateDag } from '../stages/dag/dag_validate.js';
import { evaluateDag } from '../stages/dag/transitions.js';

const TASKS = 10_000;
const LAYER = 1_000;
const EVENTS = 1_000;
const NOW = '2026-11-22T10:00:00Z';

/** Ten layers of 1,000 tasks, each depending on up to three of the layer before. */
function sprint(): DagState {
  const tasks: Record<string, Task> = {};
  for (let i = 0; i < TASKS; i++) {
    const layer = Math.floor(i / LAYER);
    const status: TaskStatus =
      layer < 4
        ? 'Done'
        : layer === 4
          ? (['InProgress', 'InReview', 'Ready', 'Escalated'] as const)[i % 4]!
          : 'Pending';
    const started = status !== 'Pending';
    const depends_on =
      layer === 0
        ? []
        : [...new Set([i - LAYER, i - LAYER + ((i * 7) % LAYER) - (i % LAYER), i - 1 - (i % 3)])];
    tasks[`t${i}`] = {
      id: `t${i}`,
      title: `Task ${i}`,
      status,
      depends_on: depends_on.filter((d) => d >= 0 && Math.floor(d / LAYER) === layer - 1).map((d) => `t${d}`),
      agent_id: `dev-${i % 50}`,
      reviewer_id: `rev-${i % 20}`,
      framework: 'stub',
      issue_number: i + 1,
      pr_number: started && status !== 'Ready' ? 100_000 + i : null,
      escalation_issue_number: status === 'Escalated' ? 200_000 + i : null,
      started_at: started ? '2026-11-22T09:00:00Z' : null,
      completed_at: status === 'Done' ? '2026-11-22T09:30:00Z' : null,
      status_changed_at: started ? '2026-11-22T09:00:00Z' : null,
      review_cycles: 0,
      intervention_count: 0,
      action_seq: started ? 2 : 0,
    };
  }
  const processed_events = Array.from({ length: 20_000 }, (_, i) => `old-${i}`);
  return { sprint_id: 'bench', tasks, processed_events };
}

/** Events on the active layer (reviews, merges, pushes, closes, human answers) and noise. */
function events(): Event[] {
  const at = (i: number) => new Date(Date.parse('2026-11-22T09:00:00Z') + i * 1000).toISOString();
  return Array.from({ length: EVENTS }, (_, i): Event => {
    const task = 4 * LAYER + ((i * 37) % LAYER);
    const pr = 100_000 + task;
    const base = { id: `e${i}`, created_at: at(i) };
    switch (i % 8) {
      case 0:
        return {
          ...base,
          type: 'pr_review_submitted',
          pr_number: pr,
          review_id: i + 1,
          review_state: 'approved',
          body: '',
        };
      case 1:
        return { ...base, type: 'pr_merged', pr_number: pr };
      case 2:
        return {
          ...base,
          type: 'pr_opened',
          pr_number: pr,
          linked_issue: task + 1,
          head_ref: `caloron/bench/t${task}`,
          head_sha: `sha${i}`,
        };
      case 3:
        return {
          ...base,
          type: 'pr_review_submitted',
          pr_number: pr,
          review_id: i + 1,
          review_state: 'changes_requested',
          body: 'Please add tests.',
        };
      case 4:
        return { ...base, type: 'pr_closed', pr_number: pr };
      case 5:
        return {
          ...base,
          type: 'issue_comment',
          issue_number: 200_000 + task,
          comment_id: i + 1,
          body: 'resolved',
          actor: 'alice',
        };
      case 6:
        return {
          ...base,
          type: 'label_added',
          issue_number: task + 1,
          label: 'caloron:assigned',
          actor: 'bot',
        };
      default:
        return { ...base, type: 'pr_merged', pr_number: 999_999 };
    }
  });
}

/**
 * Median wall time after warm-up, and the median CPU time of this process (user + system)
 * beside it: on a shared machine the wall time also counts the time the process waited for
 * a core, the CPU time only what the stage itself cost.
 */
function measure(label: string, fn: () => unknown, runs = 25): void {
  for (let i = 0; i < 10; i++) fn(); // warm-up: let V8 optimise the hot paths
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(runs / 2)]!.toFixed(1);
  console.log(
    `${label}: median ${median(wall)} ms wall (min ${wall[0]!.toFixed(1)}), median ${median(cpu)} ms CPU`,
  );
}

const state = sprint();
const input: DagEvaluateInput = deepFreeze({
  state,
  events: events(),
  escalations: Array.from({ length: 50 }, (_, i) => ({
    task_id: `t${4 * LAYER + i * 4}`,
    agent_id: 'dev-1',
    reason: 'stalled',
  })),
  now: NOW,
  max_review_cycles: 2,
});
const out = evaluateDag(input);
console.log(
  `dag_evaluate input: ${TASKS} tasks, ${EVENTS} events, ${input.escalations.length} escalations, ${state.processed_events.length} processed ids; output: ${out.actions.length} actions`,
);
measure(`dag_evaluate, ${TASKS} tasks, ${EVENTS} events`, () => evaluateDag(input));
measure(`dag_evaluate, ${TASKS} tasks, the same events replayed`, () =>
  evaluateDag({ ...input, state: out.state, escalations: [] }),
);
// Not the stage's cost but what a run adds around it: the executor checks the value going
// in and the value coming out against the stage's schemas.
measure(`dag_evaluate's input and output schema checks, ${TASKS} tasks`, () => {
  if (validateValue(dagEvaluate.input, input).length > 0 || validateValue(dagEvaluate.output, out).length > 0)
    throw new Error('the bench input or output breaks the schemas');
});
measure(`dag_is_complete (sprintCompletion), ${TASKS} tasks`, () => sprintCompletion(out.state));
// dag_validate on three staffings of the same graph. The bench's own (dev-<i % 50>,
// rev-<i % 20>) puts agents on concurrent tasks: 70 agent_overlap errors. By column, each
// agent works a chain of ten tasks, one a layer, each the direct dependency of the next.
// Far apart, a reviewer reviews one task of the first layer and one of the last: each
// check searches back through eight layers.
const staffed = (agents: (i: number) => { agent_id: string; reviewer_id: string }) => ({
  tasks: Object.values(state.tasks).map((task, i) => ({ ...task, ...agents(i) })) as unknown as Record<
    string,
    unknown
  >,
});
const drafts = {
  'shared across concurrent tasks': {
    tasks: Object.values(state.tasks) as unknown as Record<string, unknown>,
  },
  'one agent a column': staffed((i) => ({ agent_id: `dev-${i % LAYER}`, reviewer_id: `rev-${i % LAYER}` })),
  'reviewers shared by the first and last layers': staffed((i) => ({
    agent_id: `dev-${i}`,
    reviewer_id: i < LAYER || i >= TASKS - LAYER ? `lead-${i % LAYER}` : `rev-${i}`,
  })),
};
for (const [staffing, draft] of Object.entries(drafts)) {
  const found = validateDag(draft).errors;
  if (found.some((error) => error.code !== 'agent_overlap'))
    throw new Error(`the ${staffing} draft is malformed`);
  measure(`dag_validate, ${TASKS} tasks, ${staffing} (${found.length} overlaps)`, () => validateDag(draft));
}
