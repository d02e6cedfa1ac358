// compute_sprint_kpis (reference §3.16, defects fixed): a sprint's figures from its final
// state, rounded half away from zero, with no clock read.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import type {
  ComputeSprintKpisInput,
  Interventions,
  SprintKpis,
  Task,
  TaskStatus,
} from '../../../schemas/generated/types.js';
import { computeSprintKpis } from '../../../stages/retro/index.js';
import { callStage } from '../call-stage.js';

const START = '2026-03-02T00:00:00Z';

function task(id: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return {
    id,
    title: id.toUpperCase(),
    status,
    depends_on: [],
    agent_id: `dev-${id}`,
    reviewer_id: 'reviewer-1',
    issue_number: null,
    pr_number: null,
    started_at: null,
    completed_at: null,
    status_changed_at: null,
    review_cycles: 0,
    intervention_count: 0,
    action_seq: 0,
    ...extra,
  };
}

async function kpisOf(
  tasks: Task[],
  {
    ended_at = '2026-03-03T00:00:00Z',
    interventions,
  }: { ended_at?: string; interventions?: Interventions } = {},
): Promise<SprintKpis> {
  const input: ComputeSprintKpisInput = {
    state: { sprint_id: 's', tasks: Object.fromEntries(tasks.map((t) => [t.id, t])), processed_events: [] },
    started_at: START,
    ended_at,
    ...(interventions === undefined ? {} : { interventions }),
  };
  return (await callStage(computeSprintKpis, input)) as SprintKpis;
}

function done(count: number): Task[] {
  return Array.from({ length: count }, (_, index) => task(`d${index}`, 'Done'));
}

function pending(count: number): Task[] {
  return Array.from({ length: count }, (_, index) => task(`p${index}`, 'Pending'));
}

describe('compute_sprint_kpis', () => {
  it.each(computeSprintKpis.examples.map((example, index) => [index, example]))(
    'holds example %i',
    async (_index, example) => {
      expect(await callStage(computeSprintKpis, example.input)).toEqual(example.output);
    },
  );

  it('counts each outcome apart: Escalated and Blocked are not added together', async () => {
    const kpis = await kpisOf([
      task('a', 'Done'),
      task('b', 'Cancelled'),
      task('c', 'Escalated'),
      task('d', 'Blocked'),
      task('e', 'InProgress'),
    ]);
    expect(kpis).toMatchObject({
      total_tasks: 5,
      completed_tasks: 1,
      cancelled_tasks: 1,
      escalated_tasks: 1,
      blocked_tasks: 1,
      completion_rate: 0.2,
    });
  });

  it('totals and averages review cycles per task', async () => {
    const kpis = await kpisOf([
      task('a', 'Done', { review_cycles: 2 }),
      task('b', 'Done', { review_cycles: 1 }),
      task('c', 'Done'),
    ]);
    expect(kpis).toMatchObject({ total_review_cycles: 3, avg_review_cycles: 1 });
  });

  it('counts a task’s interventions once: the larger of its counter and its ladder’s total', async () => {
    const kpis = await kpisOf([task('a', 'Done', { intervention_count: 2 }), task('b', 'InProgress')], {
      interventions: {
        a: { agent_id: 'dev-a', step: 0, total: 1, last_at: null },
        b: { agent_id: 'dev-b', step: 2, total: 2, last_at: START },
        gone: { agent_id: 'dev-gone', step: 1, total: 5, last_at: START },
      },
    });
    expect(kpis).toMatchObject({ total_interventions: 4, avg_interventions: 2 });
  });

  it('rounds the completion rate half away from zero to 3 places (1/8 → 0.125, 1/16 → 0.063)', async () => {
    expect((await kpisOf([...done(1), ...pending(7)])).completion_rate).toBe(0.125);
    expect((await kpisOf([...done(1), ...pending(15)])).completion_rate).toBe(0.063);
    expect((await kpisOf([...done(5), ...pending(11)])).completion_rate).toBe(0.313);
  });

  it('rounds averages half away from zero to 2 places (x.x25 and x.x75 go up)', async () => {
    const cycles = (n: number[]) =>
      n.map((cyclesOfTask, index) => task(`t${index}`, 'Done', { review_cycles: cyclesOfTask }));
    // 1/8 = 0.125 → 0.13 (banker's rounding would give 0.12); 3/8 = 0.375 → 0.38.
    expect((await kpisOf(cycles([1, 0, 0, 0, 0, 0, 0, 0]))).avg_review_cycles).toBe(0.13);
    expect((await kpisOf(cycles([3, 0, 0, 0, 0, 0, 0, 0]))).avg_review_cycles).toBe(0.38);
    // 5/8 = 0.625 → 0.63 (banker's: 0.62).
    expect((await kpisOf(cycles([5, 0, 0, 0, 0, 0, 0, 0]))).avg_review_cycles).toBe(0.63);
  });

  it('rounds durations half away from zero to 2 places', async () => {
    // 7.5 min = 0.125 h → 0.13 (banker's: 0.12).
    expect((await kpisOf(done(1), { ended_at: '2026-03-02T00:07:30Z' })).sprint_hours).toBe(0.13);
    // 3 h = 0.125 days → 0.13; 1.5 h = 0.0625 days → 0.06.
    expect((await kpisOf(done(1), { ended_at: '2026-03-02T03:00:00Z' })).sprint_days).toBe(0.13);
    expect((await kpisOf(done(1), { ended_at: '2026-03-02T01:30:00Z' })).sprint_days).toBe(0.06);
  });

  it('accepts the lowercase t and z that RFC 3339 allows', async () => {
    expect((await kpisOf(done(1), { ended_at: '2026-03-02t06:00:00z' })).sprint_hours).toBe(6);
  });

  it('measures velocity on the exact duration, not the rounded one', async () => {
    // 4 h = 0.1666… days: 1 task → 6 per day (the rounded 0.17 days would give 5.88).
    const kpis = await kpisOf(done(1), { ended_at: '2026-03-02T04:00:00Z' });
    expect(kpis).toMatchObject({ sprint_days: 0.17, tasks_per_day: 6 });
  });

  it('reports tasks_per_day as null when the sprint lasted no time', async () => {
    expect((await kpisOf(done(2), { ended_at: START })).tasks_per_day).toBeNull();
  });

  it('accepts timestamps with offsets and fractions', async () => {
    const kpis = await kpisOf(done(1), { ended_at: '2026-03-02T03:00:00.000+01:00' });
    expect(kpis.sprint_hours).toBe(2);
  });

  it('refuses a sprint that ends before it starts, naming ended_at', async () => {
    const error = await kpisOf(done(1), { ended_at: '2026-03-01T00:00:00Z' }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/ended_at' } });
  });

  it('refuses a timestamp the schema admits but no Date can read (a leap second)', async () => {
    const error = await kpisOf(done(1), { ended_at: '2016-12-31T23:59:60Z' }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/ended_at' } });
  });
});
