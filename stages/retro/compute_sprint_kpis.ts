// compute_sprint_kpis: a sprint's figures from its final state (reference §3.16). Pure: the
// sprint's start and end come in as timestamps, nothing reads a clock.
//
// Fixed defects: Escalated and Blocked are counted apart (the reference added Blocked into
// "escalated"), cancelled tasks and review cycles are counted, rounding is explicit (see
// rounding.ts; the reference relied on Python's banker's rounding), an unreadable or
// reversed time span is an error rather than a silent 0, and tasks_per_day is null, not 0,
// when the sprint lasted no time. Interventions per task are the larger of the task's own
// intervention_count and its supervisor ladder's total: they count the same interventions,
// and the ladder of a task no longer active is dropped by decide_intervention.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type {
  ComputeSprintKpisInput,
  ComputeSprintKpisOutput,
  Interventions,
  Task,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { roundHalfAwayFromZero } from './rounding.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function computeKpis({
  state,
  interventions = {},
  started_at,
  ended_at,
}: ComputeSprintKpisInput): ComputeSprintKpisOutput {
  const tasks = Object.values(state.tasks).filter((task): task is Task => task !== undefined);
  const count = (status: Task['status']) => tasks.filter((task) => task.status === status).length;
  const total = tasks.length;
  const completed = count('Done');
  const reviewCycles = sum(tasks.map((task) => task.review_cycles));
  const interventionCount = sum(tasks.map((task) => interventionsOf(task, interventions)));
  const durationMs = instant(ended_at, '/ended_at') - instant(started_at, '/started_at');
  if (durationMs < 0)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `compute_sprint_kpis: ended_at (${ended_at}) is before started_at (${started_at}); give the sprint's real start and end`,
      { place: { pointer: '/ended_at' } },
    );
  const days = durationMs / DAY_MS;
  return {
    total_tasks: total,
    completed_tasks: completed,
    cancelled_tasks: count('Cancelled'),
    escalated_tasks: count('Escalated'),
    blocked_tasks: count('Blocked'),
    completion_rate: ratio(completed, total, 3),
    total_review_cycles: reviewCycles,
    avg_review_cycles: ratio(reviewCycles, total, 2),
    total_interventions: interventionCount,
    avg_interventions: ratio(interventionCount, total, 2),
    sprint_hours: roundHalfAwayFromZero(durationMs / HOUR_MS, 2),
    sprint_days: roundHalfAwayFromZero(days, 2),
    tasks_per_day: durationMs === 0 ? null : roundHalfAwayFromZero(completed / days, 2),
  };
}

function interventionsOf(task: Task, interventions: Interventions): number {
  return Math.max(task.intervention_count, interventions[task.id]?.total ?? 0);
}

function sum(values: readonly number[]): number {
  return values.reduce((acc, value) => acc + value, 0);
}

/** part / whole rounded, 0 for an empty sprint. */
function ratio(part: number, whole: number, places: number): number {
  return whole === 0 ? 0 : roundHalfAwayFromZero(part / whole, places);
}

/** Milliseconds since the epoch; the schema's date-time format admits forms Date cannot read (lowercase t/z, leap seconds). */
function instant(timestamp: string, pointer: string): number {
  const ms = Date.parse(timestamp.toUpperCase());
  if (Number.isNaN(ms))
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `compute_sprint_kpis: ${pointer.slice(1)} "${timestamp}" is not an instant this stage can read; write it as RFC 3339 like 2026-01-31T12:00:00Z`,
      { place: { pointer } },
    );
  return ms;
}

const TASK = {
  depends_on: [],
  agent_id: 'dev-a',
  reviewer_id: 'reviewer-1',
  issue_number: 1,
  pr_number: 2,
  escalation_issue_number: null,
  started_at: '2026-03-02T09:00:00Z',
  completed_at: null,
  status_changed_at: '2026-03-02T12:00:00Z',
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 3,
} satisfies Partial<Task>;

/** The KPIs of the first example below; write_retro_report's example reports them. */
export const EXAMPLE_KPIS: ComputeSprintKpisOutput = {
  total_tasks: 2,
  completed_tasks: 1,
  cancelled_tasks: 0,
  escalated_tasks: 0,
  blocked_tasks: 1,
  completion_rate: 0.5,
  total_review_cycles: 1,
  avg_review_cycles: 0.5,
  total_interventions: 3,
  avg_interventions: 1.5,
  sprint_hours: 4,
  sprint_days: 0.17,
  tasks_per_day: 6,
};

export const computeSprintKpis = defineStage<ComputeSprintKpisInput, ComputeSprintKpisOutput>({
  name: 'compute_sprint_kpis',
  description:
    "Computes a sprint's KPIs (counts by outcome, completion rate, review cycles, interventions, duration, velocity) from its final state.",
  ...stageSchemas('compute_sprint_kpis'),
  effects: ['Pure', 'Fallible'],
  run: computeKpis,
  examples: [
    {
      // The reference's observed case: 1 Done with 2 interventions, 1 Blocked, over 4 hours.
      input: {
        state: {
          sprint_id: 's1',
          tasks: {
            a: {
              ...TASK,
              id: 'a',
              title: 'A',
              status: 'Done',
              completed_at: '2026-03-02T12:00:00Z',
              review_cycles: 1,
              intervention_count: 2,
            },
            b: {
              ...TASK,
              id: 'b',
              title: 'B',
              status: 'Blocked',
              depends_on: ['a'],
              issue_number: 3,
              pr_number: null,
            },
          },
          processed_events: [],
        },
        interventions: { b: { agent_id: 'dev-b', step: 1, total: 1, last_at: '2026-03-02T11:00:00Z' } },
        started_at: '2026-03-02T09:00:00Z',
        ended_at: '2026-03-02T13:00:00Z',
      },
      output: EXAMPLE_KPIS,
    },
    {
      input: {
        state: { sprint_id: 'empty', tasks: {}, processed_events: [] },
        started_at: '2026-03-02T09:00:00Z',
        ended_at: '2026-03-02T09:00:00Z',
      },
      output: {
        total_tasks: 0,
        completed_tasks: 0,
        cancelled_tasks: 0,
        escalated_tasks: 0,
        blocked_tasks: 0,
        completion_rate: 0,
        total_review_cycles: 0,
        avg_review_cycles: 0,
        total_interventions: 0,
        avg_interventions: 0,
        sprint_hours: 0,
        sprint_days: 0,
        tasks_per_day: null,
      },
    },
  ],
});
