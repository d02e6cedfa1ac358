// dag_evaluate, row by row of CALORON §2's transition table, then every event in every
// status where it must change nothing, then the rules around the table (identity, replay,
// order, errors).
import { describe, expect, it } from 'vitest';
import { dagEvaluate } from '../../../stages/dag/index.js';
import type {
  DagEvaluateInput,
  DagEvaluateOutput,
  Escalation,
  Event,
  Task,
  TaskStatus,
} from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';
import { EARLIER, NOW, evalInput, events, state, task } from './fixtures.js';

const evaluate = async (input: DagEvaluateInput) =>
  (await callStage(dagEvaluate, input)) as DagEvaluateOutput;

interface Row {
  row: string;
  tasks: Task[];
  events?: Event[];
  escalations?: Escalation[];
  /** Expected fields of task `t` after the call. */
  expect: Partial<Task>;
  actions: unknown[];
}

const inProgress = {
  status: 'InProgress',
  issue_number: 1,
  started_at: EARLIER,
  status_changed_at: EARLIER,
} as const;
const inReview = { ...inProgress, status: 'InReview', pr_number: 10 } as const;
const escalated = { ...inReview, status: 'Escalated', escalation_issue_number: 50 } as const;

const rows: Row[] = [
  {
    row: 'Pending, all deps Done → Ready (no issue yet: it waits there)',
    tasks: [task('d', { status: 'Done' }), task('t', { depends_on: ['d'] })],
    expect: { status: 'Ready', status_changed_at: NOW },
    actions: [],
  },
  {
    row: 'Pending with a dependency not Done stays Pending',
    tasks: [
      task('d', { status: 'InReview', issue_number: 3, pr_number: 30 }),
      task('t', { depends_on: ['d'] }),
    ],
    expect: { status: 'Pending', status_changed_at: null },
    actions: [],
  },
  {
    row: 'Pending with an unknown dependency stays Pending',
    tasks: [task('t', { depends_on: ['ghost'], issue_number: 1 })],
    expect: { status: 'Pending' },
    actions: [],
  },
  {
    row: 'Pending, unblocked and with an issue → Ready → InProgress in the same call + spawn_agent',
    tasks: [task('d', { status: 'Done' }), task('t', { depends_on: ['d'], issue_number: 1 })],
    expect: { status: 'InProgress', started_at: NOW, status_changed_at: NOW, action_seq: 1 },
    actions: [
      {
        key: 's1:t:spawn_agent:0',
        type: 'spawn_agent',
        task_id: 't',
        agent_id: 'dev-t',
        role: 'developer',
        issue_number: 1,
        pr_number: null,
      },
    ],
  },
  {
    row: 'Ready with an issue → InProgress (started_at) + spawn_agent with the framework and prompt',
    tasks: [
      task('t', {
        status: 'Ready',
        issue_number: 1,
        framework: 'stub',
        agent_prompt: 'Write it',
        action_seq: 4,
      }),
    ],
    expect: { status: 'InProgress', started_at: NOW, status_changed_at: NOW, action_seq: 5 },
    actions: [
      {
        key: 's1:t:spawn_agent:4',
        type: 'spawn_agent',
        task_id: 't',
        agent_id: 'dev-t',
        role: 'developer',
        issue_number: 1,
        pr_number: null,
        framework: 'stub',
        prompt: 'Write it',
      },
    ],
  },
  {
    row: 'Ready without an issue stays Ready',
    tasks: [task('t', { status: 'Ready' })],
    expect: { status: 'Ready' },
    actions: [],
  },
  {
    row: 'issue_opened caloron:task for the task records its issue, and the Ready task starts',
    tasks: [task('t', { status: 'Ready' })],
    events: [events.issueOpened(7, 't')],
    expect: { status: 'InProgress', issue_number: 7 },
    actions: [expect.objectContaining({ type: 'spawn_agent', issue_number: 7 })],
  },
  {
    row: 'issue_opened caloron:escalated for the task records its escalation issue',
    tasks: [task('t', { ...escalated, escalation_issue_number: null })],
    events: [events.issueOpened(51, 't', 'caloron:escalated')],
    expect: { status: 'Escalated', escalation_issue_number: 51, status_changed_at: EARLIER },
    actions: [],
  },
  {
    row: 'InProgress + pr_opened linked to its issue → InReview (pr_number) + request_review',
    tasks: [task('t', { ...inProgress, framework: 'stub' })],
    events: [events.prOpened(10, { linked_issue: 1 })],
    expect: { status: 'InReview', pr_number: 10, status_changed_at: NOW },
    actions: [
      {
        key: 's1:t:request_review:0',
        type: 'request_review',
        task_id: 't',
        reviewer_id: 'rev-t',
        issue_number: 1,
        pr_number: 10,
        framework: 'stub',
      },
    ],
  },
  {
    row: 'InProgress + pr_opened on its branch caloron/<sprint>/<task> → InReview + request_review',
    tasks: [task('t', inProgress)],
    events: [events.prOpened(10, { head_ref: 'caloron/s1/t' })],
    expect: { status: 'InReview', pr_number: 10 },
    actions: [expect.objectContaining({ type: 'request_review', pr_number: 10 })],
  },
  {
    row: 'InReview + review approved → stays InReview + merge_pr',
    tasks: [task('t', inReview)],
    events: [events.review(10, 'approved')],
    expect: { status: 'InReview', status_changed_at: EARLIER, action_seq: 1 },
    actions: [{ key: 's1:t:merge_pr:0', type: 'merge_pr', task_id: 't', issue_number: 1, pr_number: 10 }],
  },
  {
    row: 'InReview + changes requested → InProgress (review_cycles+1) + notify_agent with the review',
    tasks: [task('t', { ...inReview, review_cycles: 1 })],
    events: [events.review(10, 'changes_requested', 'Rename foo to bar.', 9)],
    expect: { status: 'InProgress', review_cycles: 2, pr_number: 10, started_at: EARLIER },
    actions: [
      {
        key: 's1:t:notify_agent:0',
        type: 'notify_agent',
        task_id: 't',
        agent_id: 'dev-t',
        issue_number: 1,
        pr_number: 10,
        message: 'Changes were requested on pull request #10 (review 9):\n\nRename foo to bar.',
      },
    ],
  },
  {
    row: 'InReview + changes requested with review_cycles > max_review_cycles → Escalated + escalate',
    tasks: [task('t', { ...inReview, review_cycles: 2 })],
    events: [events.review(10, 'changes_requested', 'Still wrong.')],
    expect: { status: 'Escalated', review_cycles: 3, status_changed_at: NOW },
    actions: [
      {
        key: 's1:t:escalate:0',
        type: 'escalate',
        task_id: 't',
        agent_id: 'dev-t',
        issue_number: 1,
        reason: 'Changes were requested 3 times on pull request #10, more than max_review_cycles (2).',
      },
    ],
  },
  {
    row: 'InReview + pr_merged of its PR → Done (completed_at) + mark_done',
    tasks: [task('t', inReview)],
    events: [events.merged(10)],
    expect: { status: 'Done', completed_at: NOW, status_changed_at: NOW },
    actions: [{ key: 's1:t:mark_done:0', type: 'mark_done', task_id: 't', issue_number: 1, pr_number: 10 }],
  },
  {
    row: 'InProgress + pr_merged of its PR → Done + mark_done',
    tasks: [task('t', { ...inProgress, pr_number: 10 })],
    events: [events.merged(10)],
    expect: { status: 'Done', completed_at: NOW },
    actions: [expect.objectContaining({ type: 'mark_done', pr_number: 10 })],
  },
  {
    row: 'InReview + pr_closed → InProgress (pr_number null) + notify_agent',
    tasks: [task('t', inReview)],
    events: [events.closed(10)],
    expect: { status: 'InProgress', pr_number: null },
    actions: [
      {
        key: 's1:t:notify_agent:0',
        type: 'notify_agent',
        task_id: 't',
        agent_id: 'dev-t',
        issue_number: 1,
        pr_number: null,
        message:
          'Pull request #10 was closed without being merged. Rework the task and open a new pull request that closes #1.',
      },
    ],
  },
  ...(['Ready', 'InProgress', 'InReview'] as const).map((status): Row => ({
    row: `${status} + supervisor escalation → Escalated + escalate`,
    tasks: [task('t', { ...inReview, status, pr_number: status === 'InReview' ? 10 : null })],
    escalations: [
      { task_id: 't', agent_id: 'dev-t', reason: 'No heartbeat for 30 minutes after a restart.' },
    ],
    expect: { status: 'Escalated', status_changed_at: NOW },
    actions: [
      {
        key: 's1:t:escalate:0',
        type: 'escalate',
        task_id: 't',
        agent_id: 'dev-t',
        issue_number: 1,
        reason: 'No heartbeat for 30 minutes after a restart.',
      },
    ],
  })),
  {
    row: 'Escalated + `resolved` on its escalation issue → Ready, and it restarts in the same call',
    tasks: [task('t', escalated)],
    events: [events.comment(50, '  Resolved \nI fixed the environment.')],
    expect: { status: 'InProgress', started_at: NOW, pr_number: 10 },
    actions: [expect.objectContaining({ type: 'spawn_agent', issue_number: 1, pr_number: 10 })],
  },
  {
    row: 'Escalated (never given an issue) + `resolved` → Ready',
    tasks: [task('t', { ...escalated, issue_number: null, pr_number: null })],
    events: [events.comment(50, 'resolved')],
    expect: { status: 'Ready', status_changed_at: NOW },
    actions: [],
  },
  {
    row: 'Escalated + `cancel` on its escalation issue → Cancelled',
    tasks: [task('t', escalated)],
    events: [events.comment(50, 'CANCEL')],
    expect: { status: 'Cancelled', status_changed_at: NOW },
    actions: [],
  },
];

describe('dag_evaluate: the transition table', () => {
  it.each(rows)('$row', async (row) => {
    const out = await evaluate(evalInput(state(row.tasks), row.events ?? [], row.escalations ?? []));
    expect(out.state.tasks.t).toMatchObject(row.expect);
    expect(out.actions).toEqual(row.actions);
  });
});

// Each event (or escalation) paired with the statuses in which it does something; in every
// other status it must change nothing: the result equals the result without it, apart
// from the event's id being remembered.
const STATUSES: TaskStatus[] = [
  'Pending',
  'Ready',
  'InProgress',
  'InReview',
  'Done',
  'Blocked',
  'Escalated',
  'Cancelled',
];
const cases: { name: string; event?: Event; escalation?: Escalation; applies: TaskStatus[] }[] = [
  // A Ready task with an issue starts before an event is judged (it would have been started
  // by the tick before the event happened), so what applies to InProgress applies to it.
  {
    name: 'pr_opened linked to its issue',
    event: events.prOpened(11, { linked_issue: 1 }),
    applies: ['Ready', 'InProgress'],
  },
  {
    name: 'pr_opened on its branch',
    event: events.prOpened(11, { head_ref: 'caloron/s1/t' }),
    applies: ['Ready', 'InProgress'],
  },
  { name: 'review approved', event: events.review(10, 'approved'), applies: ['InReview'] },
  { name: 'review changes_requested', event: events.review(10, 'changes_requested'), applies: ['InReview'] },
  { name: 'review commented', event: events.review(10, 'commented'), applies: [] },
  { name: 'pr_merged', event: events.merged(10), applies: ['Ready', 'InReview', 'InProgress'] },
  { name: 'pr_closed', event: events.closed(10), applies: ['InReview'] },
  {
    name: 'comment resolved on the escalation issue',
    event: events.comment(50, 'resolved'),
    applies: ['Escalated'],
  },
  {
    name: 'comment cancel on the escalation issue',
    event: events.comment(50, 'cancel'),
    applies: ['Escalated'],
  },
  { name: 'comment resolved on the task issue', event: events.comment(1, 'resolved'), applies: [] },
  { name: 'comment that is no command', event: events.comment(50, 'Is this resolved?'), applies: [] },
  { name: 'issue_opened for a task with an issue', event: events.issueOpened(8, 't'), applies: [] },
  {
    name: 'issue_opened without a task id',
    event: { ...events.issueOpened(8, 't'), task_id: undefined } as Event,
    applies: [],
  },
  { name: 'label_added', event: events.labelAdded(1, 'caloron:done'), applies: [] },
  {
    name: 'supervisor escalation',
    escalation: { task_id: 't', agent_id: 'dev-t', reason: 'stalled' },
    applies: ['Ready', 'InProgress', 'InReview'],
  },
];
const matrix = cases.flatMap((c) =>
  STATUSES.filter((status) => !c.applies.includes(status)).map((status) => ({ ...c, status })),
);

describe('dag_evaluate: events that do not apply', () => {
  it.each(matrix)('$name changes nothing on a $status task', async ({ event, escalation, status }) => {
    // Pending on a task that cannot finish here, so that it stays Pending.
    const blocker = task('u', { status: 'InProgress', issue_number: 2, started_at: EARLIER });
    const dag = state([
      blocker,
      task('t', {
        status,
        issue_number: 1,
        pr_number: 10,
        escalation_issue_number: 50,
        started_at: EARLIER,
        ...(status === 'Pending' ? { depends_on: ['u'] } : {}),
      }),
    ]);
    const baseline = await evaluate(evalInput(dag));
    const out = await evaluate(
      evalInput(
        dag,
        event === undefined ? [] : [JSON.parse(JSON.stringify(event)) as Event],
        escalation === undefined ? [] : [escalation],
      ),
    );
    expect(out.actions).toEqual(baseline.actions);
    expect(out.state.tasks).toEqual(baseline.state.tasks);
    expect(out.state.processed_events).toEqual(event === undefined ? [] : [event.id]);
  });
});

// A tick killed after it started a task (spawn performed and journaled) but before it saved
// leaves the task Ready (or still Pending behind a merge it processed) on disk, while the
// developer goes on and opens its pull request. The next tick meets the merge, if any, and
// that pull request together: each event must be judged against the state it happened in.
describe('dag_evaluate: events after a start the state on disk does not show yet', () => {
  it('starts a Ready task before judging its pull request', async () => {
    const dag = state([task('b', { status: 'Ready', issue_number: 2 })]);
    const out = await evaluate(evalInput(dag, [events.prOpened(11, { linked_issue: 2 })]));
    expect(out.state.tasks.b).toMatchObject({ status: 'InReview', pr_number: 11, started_at: NOW });
    expect(out.actions.map((action) => action.key)).toEqual(['s1:b:spawn_agent:0', 's1:b:request_review:1']);
  });

  it('starts a task unblocked by an earlier merge before judging its later pull request', async () => {
    const dag = state([
      task('a', { status: 'InReview', issue_number: 1, pr_number: 10, started_at: EARLIER }),
      task('b', { status: 'Pending', depends_on: ['a'], issue_number: 2 }),
    ]);
    const merged = { ...events.merged(10), created_at: '2026-11-22T09:58:00Z' };
    const opened = { ...events.prOpened(11, { linked_issue: 2 }), created_at: '2026-11-22T09:59:00Z' };
    // Delivered out of order: they are judged in the order they happened.
    const out = await evaluate(evalInput(dag, [opened, merged]));
    expect(out.state.tasks.a?.status).toBe('Done');
    expect(out.state.tasks.b).toMatchObject({ status: 'InReview', pr_number: 11 });
    expect(out.state.processed_events).toEqual([merged.id, opened.id]);
  });
});
