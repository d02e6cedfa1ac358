// The transition table of CALORON §2, one function per row group. dag_evaluate is the only
// writer of task status; this file is where every status change is decided.
//
// Rules that fix the Python stages' defects (reference §3.7, §12.4, §12.10):
// - identity, never position: an event finds its task by the task id it carries, the
//   issue or pull request number recorded on the task, or the branch
//   `caloron/<sprint_id>/<task_id>`, and only acts on a task whose status the row names;
// - replay safety by construction: every event id is remembered in
//   state.processed_events, and a remembered event changes nothing and emits nothing;
// - Escalated only leaves on a human's `resolved`/`cancel`; Done and Cancelled never leave.
//
// Order within one call (deterministic for equal input):
// 1. events in created_at order (ties keep list order): a poller lists issues, pulls,
//    reviews and comments one listing after the other, so list order could apply a push
//    before the review that asked for it, and the push would be lost;
// 2. the supervisor's escalations, after the events, so a task merged in this tick is not
//    escalated for a stall the merge just ended;
// 3. Pending → Ready, then Ready (with an issue) → InProgress, both in this call: a task
//    unblocked by a merge, or resolved by a human, starts on the same tick. This also runs
//    before each new event of step 1, so an event is judged against the state it happened
//    in (see evaluateDag).
import type {
  DagEvaluateInput,
  DagEvaluateOutput,
  Escalation,
  Event,
  IssueCommentEvent,
  IssueOpenedEvent,
  PrOpenedEvent,
  PrReviewSubmittedEvent,
  Task,
} from '../../schemas/generated/types.js';
import { NoetherError } from '../../engine/errors.js';
import { Evaluation, issueOf } from './evaluation.js';

const TASK_LABEL = 'caloron:task';
const ESCALATED_LABEL = 'caloron:escalated';
/** Statuses the supervisor watches and may escalate. */
const ACTIVE = new Set<Task['status']>(['Ready', 'InProgress', 'InReview']);

export function evaluateDag(input: DagEvaluateInput): DagEvaluateOutput {
  const { state, now, max_review_cycles } = input;
  const evaluation = new Evaluation(state, now, max_review_cycles);
  const processed = alreadyProcessed(state.processed_events, input.events);
  const newlyProcessed: string[] = [];
  let first = true;
  let graph: Graph | undefined;
  for (const event of chronological(input.events)) {
    if (processed.has(event.id)) continue;
    processed.add(event.id);
    newlyProcessed.push(event.id);
    // What the DAG does by itself (a task whose dependencies are Done starts) happens
    // before any later event. A tick killed after starting a task but before saving leaves
    // it Ready (or Pending behind a merge) on disk while its developer opens a pull
    // request; without this, that pr_opened met a task not yet started, was ignored and
    // remembered, and the task waited in InProgress for good. After the first pass, only
    // the tasks rewritten since, and their dependents, can have become startable (only a
    // task turning Done unblocks another, and a start unblocks none): a whole pass per
    // event took 1.3 s for 1,000 events on 10,000 tasks (bench/dag.ts).
    if (first) advance(evaluation, evaluation.order);
    else {
      const touched = evaluation.takeTouched();
      if (touched.size > 0) {
        graph ??= graphOf(evaluation.order, (id) => evaluation.task(id));
        advance(evaluation, candidates(touched, graph));
      }
    }
    first = false;
    applyEvent(evaluation, event);
  }
  input.escalations.forEach((escalation, index) => applyEscalation(evaluation, escalation, index));
  advance(evaluation, evaluation.order);
  return {
    state: {
      sprint_id: state.sprint_id,
      tasks: evaluation.result(),
      processed_events:
        newlyProcessed.length === 0 ? state.processed_events : state.processed_events.concat(newlyProcessed),
    },
    actions: evaluation.actions,
  };
}

/**
 * The ids among `events` that were processed before. processed_events grows with the
 * sprint while a tick brings a few events, so the long list is scanned against the short
 * one instead of being copied into a set.
 */
function alreadyProcessed(processedEvents: readonly string[], events: readonly Event[]): Set<string> {
  const found = new Set<string>();
  if (events.length === 0) return found;
  const incoming = new Set(events.map((event) => event.id));
  for (const id of processedEvents) if (incoming.has(id)) found.add(id);
  return found;
}

/** Events sorted by created_at, stably (ties and equal instants keep their list order). */
function chronological(events: readonly Event[]): Event[] {
  const keyed = events.map((event, index) => ({ event, index, at: Date.parse(event.created_at) }));
  keyed.sort((a, b) => a.at - b.at || a.index - b.index);
  return keyed.map((entry) => entry.event);
}

function applyEvent(evaluation: Evaluation, event: Event): void {
  switch (event.type) {
    case 'issue_opened':
      return onIssueOpened(evaluation, event);
    case 'pr_opened':
      return onPrOpened(evaluation, event);
    case 'pr_review_submitted':
      return onReview(evaluation, event);
    case 'pr_merged': {
      const task = evaluation.taskOfPr(event.pr_number);
      if (task === undefined || (task.status !== 'InReview' && task.status !== 'InProgress')) return;
      const done = evaluation.move(task, 'Done', { completed_at: evaluation.now });
      evaluation.emit(done, {
        type: 'mark_done',
        task_id: task.id,
        issue_number: issueOf(task),
        pr_number: event.pr_number,
      });
      return;
    }
    case 'pr_closed': {
      const task = evaluation.taskOfPr(event.pr_number);
      if (task === undefined || task.status !== 'InReview') return;
      const back = evaluation.move(task, 'InProgress', { pr_number: null });
      evaluation.emit(back, {
        type: 'notify_agent',
        task_id: task.id,
        agent_id: task.agent_id,
        issue_number: issueOf(task),
        pr_number: null,
        message: `Pull request #${event.pr_number} was closed without being merged. Rework the task and open a new pull request that closes #${issueOf(task)}.`,
        ...framework(task),
      });
      return;
    }
    case 'issue_comment':
      return onComment(evaluation, event);
    case 'label_added':
      return;
  }
}

/**
 * Records the issue kickoff (or the escalation step) opened for a task, found by the task
 * id in the issue's marker. Never overwrites a recorded number, never changes a status:
 * a Ready task with its issue now recorded starts in advance().
 */
function onIssueOpened(evaluation: Evaluation, event: IssueOpenedEvent): void {
  if (event.task_id === undefined) return;
  const task = evaluation.task(event.task_id);
  if (task === undefined) return;
  if (event.labels.includes(ESCALATED_LABEL)) {
    if ((task.escalation_issue_number ?? null) === null)
      evaluation.update(task, { escalation_issue_number: event.issue_number });
  } else if (event.labels.includes(TASK_LABEL) && task.issue_number === null) {
    evaluation.update(task, { issue_number: event.issue_number });
  }
}

/**
 * InProgress + a pull request ready for review → InReview. The link is the closing keyword's
 * issue, else the branch. The poller should date a push by the push (not by the opening of
 * the pull request), since events are read in created_at order.
 */
function onPrOpened(evaluation: Evaluation, event: PrOpenedEvent): void {
  const task = evaluation.taskOfIssue(event.linked_issue) ?? evaluation.taskOfBranch(event.head_ref);
  if (task === undefined || task.status !== 'InProgress') return;
  const inReview = evaluation.move(task, 'InReview', { pr_number: event.pr_number });
  evaluation.emit(inReview, {
    type: 'request_review',
    task_id: task.id,
    reviewer_id: task.reviewer_id,
    issue_number: issueOf(task),
    pr_number: event.pr_number,
    ...framework(task),
  });
}

function onReview(evaluation: Evaluation, event: PrReviewSubmittedEvent): void {
  const task = evaluation.taskOfPr(event.pr_number);
  if (task === undefined || task.status !== 'InReview') return;
  const issue = issueOf(task);
  switch (event.review_state) {
    case 'approved':
      evaluation.emit(task, {
        type: 'merge_pr',
        task_id: task.id,
        issue_number: issue,
        pr_number: event.pr_number,
      });
      return;
    case 'changes_requested': {
      const cycles = task.review_cycles + 1;
      if (cycles > evaluation.maxReviewCycles) {
        const escalated = evaluation.move(task, 'Escalated', { review_cycles: cycles });
        evaluation.emit(escalated, {
          type: 'escalate',
          task_id: task.id,
          agent_id: task.agent_id,
          issue_number: issue,
          reason: `Changes were requested ${cycles} times on pull request #${event.pr_number}, more than max_review_cycles (${evaluation.maxReviewCycles}).`,
        });
        return;
      }
      const back = evaluation.move(task, 'InProgress', { review_cycles: cycles });
      evaluation.emit(back, {
        type: 'notify_agent',
        task_id: task.id,
        agent_id: task.agent_id,
        issue_number: issue,
        pr_number: event.pr_number,
        message: `Changes were requested on pull request #${event.pr_number} (review ${event.review_id}):\n\n${event.body}`,
        ...framework(task),
      });
      return;
    }
    case 'commented':
      return;
  }
}

/**
 * A human's answer on an escalation issue. The command is the comment's first line,
 * trimmed and compared case-insensitively: `resolved` sends the task back to Ready (it
 * restarts in this call when it has an issue), `cancel` cancels it. Anything else is
 * conversation and changes nothing. review_cycles is kept (it is a count, not a budget):
 * a resolved task that is sent back for changes again escalates again.
 */
function onComment(evaluation: Evaluation, event: IssueCommentEvent): void {
  const task = evaluation.taskOfEscalationIssue(event.issue_number);
  if (task === undefined || task.status !== 'Escalated') return;
  const command = commentCommand(event.body);
  if (command === 'resolved') evaluation.move(task, 'Ready');
  else if (command === 'cancel') evaluation.move(task, 'Cancelled');
}

function commentCommand(body: string): string {
  return (body.split(/\r?\n/, 1)[0] ?? '').trim().toLowerCase();
}

/** The supervisor gave up on an active task: Escalated + escalate, once (Escalated is not active). */
function applyEscalation(evaluation: Evaluation, escalation: Escalation, index: number): void {
  const task = evaluation.task(escalation.task_id);
  if (task === undefined)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `escalations[${index}] names task "${escalation.task_id}", which is not in the sprint's state`,
      { place: { pointer: `/escalations/${index}/task_id` } },
    );
  if (!ACTIVE.has(task.status)) return;
  const escalated = evaluation.move(task, 'Escalated');
  evaluation.emit(escalated, {
    type: 'escalate',
    task_id: task.id,
    agent_id: escalation.agent_id,
    issue_number: task.issue_number,
    reason: escalation.reason,
  });
}

/**
 * Pending → Ready when every dependency is Done (an unknown dependency never is), then
 * Ready with an issue → InProgress + spawn_agent. One pass suffices: Done only comes from
 * events, which were all applied before.
 */
/** Where each task stands in the state's order, and which tasks depend on each. */
interface Graph {
  position: Map<string, number>;
  dependents: Map<string, string[]>;
}

function graphOf(order: readonly string[], task: (id: string) => Task | undefined): Graph {
  const position = new Map(order.map((id, index) => [id, index] as const));
  const dependents = new Map<string, string[]>();
  for (const id of order)
    for (const dep of task(id)?.depends_on ?? []) {
      const list = dependents.get(dep);
      if (list === undefined) dependents.set(dep, [id]);
      else list.push(id);
    }
  return { position, dependents };
}

/** The touched tasks and their dependents, in the state's order (as a whole pass would meet them). */
function candidates(touched: ReadonlySet<string>, graph: Graph): string[] {
  const wanted = new Set(touched);
  for (const id of touched) for (const dependent of graph.dependents.get(id) ?? []) wanted.add(dependent);
  const at = (id: string) => graph.position.get(id) ?? -1;
  return [...wanted].sort((a, b) => at(a) - at(b));
}

function advance(evaluation: Evaluation, ids: readonly string[]): void {
  for (const id of ids) {
    let task = evaluation.task(id);
    if (task === undefined) continue;
    if (task.status === 'Pending' && task.depends_on.every((dep) => evaluation.task(dep)?.status === 'Done'))
      task = evaluation.move(task, 'Ready');
    if (task.status !== 'Ready' || task.issue_number === null) continue;
    const started = evaluation.move(task, 'InProgress', { started_at: evaluation.now });
    evaluation.emit(started, {
      type: 'spawn_agent',
      task_id: id,
      agent_id: task.agent_id,
      role: 'developer',
      issue_number: task.issue_number,
      pr_number: task.pr_number,
      ...framework(task),
      ...(task.agent_prompt === undefined ? {} : { prompt: task.agent_prompt }),
    });
  }
}

function framework(task: Task): { framework?: string } {
  return task.framework === undefined ? {} : { framework: task.framework };
}
