// Builders for the DAG stage tests: a task as kickoff writes it, a state, and one of each
// event, with only what a test cares about spelled out.
import type {
  DagEvaluateInput,
  DagState,
  Escalation,
  Event,
  IssueCommentEvent,
  PrOpenedEvent,
  PrReviewSubmittedEvent,
  Task,
} from '../../../schemas/generated/types.js';

export const SPRINT = 's1';
export const NOW = '2026-11-22T10:00:00Z';
export const EARLIER = '2026-11-22T09:00:00Z';

export function task(id: string, fields: Partial<Task> = {}): Task {
  return {
    id,
    title: `Task ${id}`,
    status: 'Pending',
    depends_on: [],
    agent_id: `dev-${id}`,
    reviewer_id: `rev-${id}`,
    issue_number: null,
    pr_number: null,
    started_at: null,
    completed_at: null,
    status_changed_at: null,
    review_cycles: 0,
    intervention_count: 0,
    action_seq: 0,
    ...fields,
  };
}

export function state(tasks: Task[], processed: string[] = []): DagState {
  return {
    sprint_id: SPRINT,
    tasks: Object.fromEntries(tasks.map((t) => [t.id, t])),
    processed_events: processed,
  };
}

export function evalInput(
  dag: DagState,
  events: Event[] = [],
  escalations: Escalation[] = [],
  maxReviewCycles = 2,
): DagEvaluateInput {
  return { state: dag, events, escalations, now: NOW, max_review_cycles: maxReviewCycles };
}

const at = '2026-11-22T09:59:00Z';

export const events = {
  issueOpened: (issue: number, taskId: string, label = 'caloron:task'): Event => ({
    id: `issue-${issue}-opened`,
    type: 'issue_opened',
    created_at: at,
    issue_number: issue,
    labels: [label],
    task_id: taskId,
  }),
  prOpened: (pr: number, fields: Partial<PrOpenedEvent> = {}): PrOpenedEvent => ({
    id: `pr-${pr}-ready-${fields.head_sha ?? 'sha1'}`,
    type: 'pr_opened',
    created_at: at,
    pr_number: pr,
    linked_issue: null,
    head_ref: 'feature',
    head_sha: 'sha1',
    ...fields,
  }),
  review: (
    pr: number,
    review_state: PrReviewSubmittedEvent['review_state'],
    body = '',
    review_id = 1,
  ): PrReviewSubmittedEvent => ({
    id: `review-${review_id}`,
    type: 'pr_review_submitted',
    created_at: at,
    pr_number: pr,
    review_id,
    review_state,
    body,
  }),
  merged: (pr: number): Event => ({
    id: `pr-${pr}-merged`,
    type: 'pr_merged',
    created_at: at,
    pr_number: pr,
  }),
  closed: (pr: number): Event => ({
    id: `pr-${pr}-closed`,
    type: 'pr_closed',
    created_at: at,
    pr_number: pr,
  }),
  comment: (issue: number, body: string, comment_id = 1): IssueCommentEvent => ({
    id: `comment-${comment_id}`,
    type: 'issue_comment',
    created_at: at,
    issue_number: issue,
    comment_id,
    body,
    actor: 'alice',
  }),
  labelAdded: (issue: number, label: string): Event => ({
    id: `label-${issue}-${label}`,
    type: 'label_added',
    created_at: at,
    issue_number: issue,
    label,
    actor: 'alice',
  }),
};
