// Small builders for the supervisor's and the tick's stage tests: a task, a DAG state and
// a shell record as the real producers write them, with only what a test cares about
// overridden.
import type { AgentRecord, DagState, Task } from '../../../schemas/generated/types.js';

export const T0 = '2026-01-01T10:00:00Z';

/** `minutes` after T0 as an RFC 3339 UTC timestamp (negative: before). */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + Math.round(minutes * 60_000)).toISOString();
}

export function task(id: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    title: `Task ${id.toUpperCase()}`,
    status: 'InProgress',
    depends_on: [],
    agent_id: `dev-${id}`,
    reviewer_id: `rev-${id}`,
    issue_number: 1,
    pr_number: null,
    started_at: T0,
    completed_at: null,
    status_changed_at: T0,
    review_cycles: 0,
    intervention_count: 0,
    action_seq: 1,
    ...overrides,
  };
}

export function dag(...tasks: Task[]): DagState {
  return { sprint_id: 's1', tasks: Object.fromEntries(tasks.map((t) => [t.id, t])), processed_events: [] };
}

export function record(forTask: Task, overrides: Partial<AgentRecord> = {}): AgentRecord {
  const role = overrides.role ?? (forTask.status === 'InReview' ? 'reviewer' : 'developer');
  return {
    agent_id: role === 'reviewer' ? forTask.reviewer_id : forTask.agent_id,
    sprint_id: 's1',
    task_id: forTask.id,
    role,
    pid: 4242,
    process_start: '123456',
    started_at: at(0.1),
    last_beat_at: null,
    status: 'running',
    exit_code: null,
    ended_at: null,
    ...overrides,
  };
}
