// One call of dag_evaluate as a value: the tasks being rewritten, the indexes that find a
// task by what an event names (issue, pull request, escalation issue), and the actions
// emitted so far. It exists so the transition rules (transitions.ts) read as the table of
// CALORON §2 and never touch bookkeeping.
//
// Never mutates the state it was built from (a stage's input is frozen): a rewritten task
// is a new object kept beside the input's map (copy on write), and the resulting map is
// built once at the end, holding the input's own objects for every untouched task.
// Indexes are built once per call, so matching an event is a lookup.
import { NoetherError } from '../../engine/errors.js';
import type { Action, DagState, Task, TaskStatus } from '../../schemas/generated/types.js';

/** An action as a transition states it; the evaluation adds the idempotency key. */
export type ActionBody = Action extends infer A ? (A extends unknown ? Omit<A, 'key'> : never) : never;

export class Evaluation {
  readonly sprintId: string;
  /** Task ids in insertion order (the order of the state's map, which is semantic). */
  readonly order: readonly string[];
  readonly actions: Action[] = [];
  private readonly input: DagState['tasks'];
  /** Tasks rewritten in this call; every other task is still the input's object. */
  private readonly changed = new Map<string, Task>();
  private readonly byIssue = new Map<number, string>();
  private readonly byPr = new Map<number, string>();
  private readonly byEscalationIssue = new Map<number, string>();
  /** Ids of the tasks rewritten since takeTouched was last called. */
  private touched = new Set<string>();

  constructor(
    state: DagState,
    readonly now: string,
    readonly maxReviewCycles: number,
  ) {
    this.sprintId = state.sprint_id;
    this.input = state.tasks;
    this.order = Object.keys(state.tasks);
    for (const id of this.order) {
      const task = state.tasks[id];
      if (task?.id !== id)
        throw new NoetherError(
          'NOE_STAGE_INPUT_VIOLATION',
          `state.tasks["${id}"] has id "${task?.id}": a task's id must be its key in the map`,
          { place: { pointer: `/state/tasks/${id}/id` } },
        );
      // First task wins a number: numbers are unique on a forge, so a clash means a corrupt
      // state, and first-wins keeps the outcome deterministic.
      if (task.issue_number !== null && !this.byIssue.has(task.issue_number))
        this.byIssue.set(task.issue_number, id);
      if (task.pr_number !== null && !this.byPr.has(task.pr_number)) this.byPr.set(task.pr_number, id);
      const escalation = task.escalation_issue_number;
      if (escalation !== undefined && escalation !== null && !this.byEscalationIssue.has(escalation))
        this.byEscalationIssue.set(escalation, id);
    }
  }

  task(id: string): Task | undefined {
    return this.changed.get(id) ?? (Object.hasOwn(this.input, id) ? this.input[id] : undefined);
  }

  /** The task whose issue is `issue` (kickoff's issue, or one recorded from issue_opened). */
  taskOfIssue(issue: number | null): Task | undefined {
    return issue === null ? undefined : this.lookup(this.byIssue.get(issue));
  }

  taskOfPr(pr: number): Task | undefined {
    return this.lookup(this.byPr.get(pr));
  }

  taskOfEscalationIssue(issue: number): Task | undefined {
    return this.lookup(this.byEscalationIssue.get(issue));
  }

  /** The task a branch `caloron/<sprint_id>/<task_id>` names, if it is this sprint's. */
  taskOfBranch(ref: string): Task | undefined {
    const prefix = `caloron/${this.sprintId}/`;
    return ref.startsWith(prefix) ? this.task(ref.slice(prefix.length)) : undefined;
  }

  /** Rewrites fields of a task (not its status: see move), keeping the indexes in step. */
  update(task: Task, patch: Partial<Omit<Task, 'id' | 'status'>>): Task {
    const next: Task = { ...task, ...patch };
    this.changed.set(task.id, next);
    this.touched.add(task.id);
    reindex(this.byIssue, task.id, task.issue_number, next.issue_number);
    reindex(this.byPr, task.id, task.pr_number, next.pr_number);
    reindex(
      this.byEscalationIssue,
      task.id,
      task.escalation_issue_number ?? null,
      next.escalation_issue_number ?? null,
    );
    return next;
  }

  /** A status change: always stamps status_changed_at with the call's `now`. */
  move(task: Task, status: TaskStatus, patch: Partial<Omit<Task, 'id' | 'status'>> = {}): Task {
    const next = this.update(task, { ...patch, status_changed_at: this.now });
    const moved: Task = { ...next, status };
    this.changed.set(task.id, moved);
    this.touched.add(task.id);
    return moved;
  }

  /** Emits an action for a task, keyed `<sprint>:<task>:<type>:<action_seq>`, and counts it. */
  emit(task: Task, body: ActionBody): Task {
    const current = this.task(task.id) ?? task;
    this.actions.push({
      key: `${this.sprintId}:${task.id}:${body.type}:${current.action_seq}`,
      ...body,
    });
    return this.update(current, { action_seq: current.action_seq + 1 });
  }

  /** The ids of the tasks rewritten since the last call (or since the start), and a fresh start. */
  takeTouched(): ReadonlySet<string> {
    const touched = this.touched;
    this.touched = new Set();
    return touched;
  }

  /** The resulting tasks, in the input's order: the input's map itself when none changed. */
  result(): DagState['tasks'] {
    if (this.changed.size === 0) return this.input;
    const tasks: DagState['tasks'] = {};
    for (const id of this.order) tasks[id] = this.changed.get(id) ?? this.input[id];
    return tasks;
  }

  private lookup(id: string | undefined): Task | undefined {
    return id === undefined ? undefined : this.task(id);
  }
}

function reindex(index: Map<number, string>, id: string, before: number | null, after: number | null): void {
  if (before === after) return;
  if (before !== null && index.get(before) === id) index.delete(before);
  if (after !== null && !index.has(after)) index.set(after, id);
}

/** The task's issue, which every task past Ready has (Ready→InProgress needs one). */
export function issueOf(task: Task): number {
  if (task.issue_number === null)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `task "${task.id}" is ${task.status} but has no issue_number: only a task with an issue can start`,
      { place: { pointer: `/state/tasks/${task.id}/issue_number` } },
    );
  return task.issue_number;
}
