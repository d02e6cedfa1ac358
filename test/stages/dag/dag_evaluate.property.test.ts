// dag_evaluate's invariants over generated DAG states and event lists (fast-check): no task
// lost or invented, statuses move only along the table's edges, replays change nothing,
// equal input gives equal output, every action key unique and well-formed. Every call goes
// through callStage, which validates both sides against the schemas and freezes the input
// (so a mutation throws).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dagEvaluate } from '../../../stages/dag/index.js';
import type {
  DagEvaluateInput,
  DagEvaluateOutput,
  DagState,
  Escalation,
  Event,
  TaskStatus,
} from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';
import { NOW, evalInput, state, task } from './fixtures.js';

const evaluate = async (input: DagEvaluateInput) =>
  (await callStage(dagEvaluate, input)) as DagEvaluateOutput;

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
const IDS = ['t0', 't1', 't2', 't3', 't4', 't5'];

/** CALORON §2's edges: the only status changes one event or escalation may cause. */
const EDGES = new Set([
  'Pending→Ready',
  'Ready→InProgress',
  'InProgress→InReview',
  'InReview→InProgress',
  'InReview→Escalated',
  'InReview→Done',
  'InProgress→Done',
  'Ready→Escalated',
  'InProgress→Escalated',
  'Escalated→Ready',
  'Escalated→Cancelled',
]);

/** After the events, a call advances: Pending → Ready → InProgress (each step optional). */
function advanced(status: TaskStatus): TaskStatus[] {
  if (status === 'Pending') return ['Pending', 'Ready', 'InProgress'];
  if (status === 'Ready') return ['Ready', 'InProgress'];
  return [status];
}

/**
 * Whether one call with at most one event or escalation may take a task from `from` to
 * `to`: the automatic moves (Pending → Ready → InProgress), the event's one move, then the
 * automatic moves again (an event is judged against the state after the automatic moves).
 */
function oneCallMove(from: TaskStatus, to: TaskStatus): boolean {
  const beforeEvent = advanced(from);
  const afterEvent = STATUSES.filter((mid) =>
    beforeEvent.some((start) => mid === start || EDGES.has(`${start}→${mid}`)),
  );
  return afterEvent.some((mid) => advanced(mid).includes(to));
}

function reachable(from: TaskStatus, to: TaskStatus): boolean {
  const seen = new Set([from]);
  const queue = [from];
  for (let next = queue.shift(); next !== undefined; next = queue.shift())
    for (const status of STATUSES)
      if (EDGES.has(`${next}→${status}`) && !seen.has(status)) {
        seen.add(status);
        queue.push(status);
      }
  return seen.has(to);
}

const arbState: fc.Arbitrary<DagState> = fc.integer({ min: 1, max: IDS.length }).chain((n) =>
  fc
    .tuple(
      ...IDS.slice(0, n).map((id, i) =>
        fc
          .record({
            // Every status, the ones events act on more often.
            status: fc.constantFrom(...STATUSES, 'InProgress', 'InReview', 'InReview', 'Escalated'),
            deps: fc.subarray([...IDS.slice(0, i), 'ghost'], { maxLength: Math.min(3, i + 1) }),
            issue: fc.boolean(),
            pr: fc.boolean(),
            escalation: fc.boolean(),
            review_cycles: fc.integer({ min: 0, max: 3 }),
            action_seq: fc.integer({ min: 0, max: 3 }),
          })
          .map((t) => {
            // What the table guarantees of real states: a task past Ready has its issue, one
            // in review its pull request.
            const started = t.status === 'InProgress' || t.status === 'InReview';
            return task(id, {
              status: t.status,
              depends_on: t.deps,
              issue_number: t.issue || started ? i + 1 : null,
              pr_number: t.pr || t.status === 'InReview' ? 100 + i : null,
              escalation_issue_number: t.escalation || t.status === 'Escalated' ? 200 + i : null,
              review_cycles: t.review_cycles,
              action_seq: t.action_seq,
            });
          }),
      ),
    )
    .map((tasks) => state(tasks)),
);

const at = fc.constantFrom('2026-11-22T09:00:00Z', '2026-11-22T09:30:00Z', '2026-11-22T09:59:00+01:00');
// Numbers mostly those of the generated tasks (1–6, 100–105, 200–205), sometimes a stranger's.
const issue = fc.integer({ min: 1, max: 7 });
const pr = fc.integer({ min: 100, max: 106 });
/** Events whose id is derived from their content, so equal ids mean equal events (as on a forge). */
type EventBody = Event extends infer E ? (E extends unknown ? Omit<E, 'id'> : never) : never;
const withId = (body: EventBody): Event => ({ id: JSON.stringify(body), ...body });
const arbEvent: fc.Arbitrary<Event> = fc.oneof(
  fc
    .record({
      issue,
      task: fc.constantFrom(...IDS),
      label: fc.constantFrom('caloron:task', 'caloron:escalated', 'bug'),
      at,
    })
    .map((e) =>
      withId({
        type: 'issue_opened',
        created_at: e.at,
        issue_number: e.issue,
        labels: [e.label],
        task_id: e.task,
      }),
    ),
  fc
    .record({
      pr,
      linked: fc.option(issue),
      branch: fc.constantFrom(...IDS, 'none'),
      sha: fc.constantFrom('a', 'b'),
      at,
    })
    .map((e) =>
      withId({
        type: 'pr_opened',
        created_at: e.at,
        pr_number: e.pr,
        linked_issue: e.linked,
        head_ref: `caloron/s1/${e.branch}`,
        head_sha: e.sha,
      }),
    ),
  fc
    .record({
      pr,
      review: fc.integer({ min: 1, max: 4 }),
      verdict: fc.constantFrom('approved', 'changes_requested', 'commented' as const),
      at,
    })
    .map((e) =>
      withId({
        type: 'pr_review_submitted',
        created_at: e.at,
        pr_number: e.pr,
        review_id: e.review,
        review_state: e.verdict,
        body: 'please fix',
      }),
    ),
  fc.record({ pr, at }).map((e) => withId({ type: 'pr_merged', created_at: e.at, pr_number: e.pr })),
  fc.record({ pr, at }).map((e) => withId({ type: 'pr_closed', created_at: e.at, pr_number: e.pr })),
  fc
    .record({
      issue: fc.oneof(issue, fc.integer({ min: 200, max: 206 })),
      body: fc.constantFrom('resolved', 'cancel', ' Resolved\nthanks', 'hello'),
      at,
    })
    .map((e) =>
      withId({
        type: 'issue_comment',
        created_at: e.at,
        issue_number: e.issue,
        comment_id: 1,
        body: e.body,
        actor: 'h',
      }),
    ),
  fc
    .record({ issue, at })
    .map((e) =>
      withId({ type: 'label_added', created_at: e.at, issue_number: e.issue, label: 'x', actor: 'h' }),
    ),
);

const arbCase = arbState.chain((dag) =>
  fc.record({
    dag: fc.constant(dag),
    events: fc.array(arbEvent, { maxLength: 16 }),
    escalations: fc
      .subarray(Object.keys(dag.tasks), { maxLength: 1 })
      .map((ids): Escalation[] =>
        ids.map((id) => ({ task_id: id, agent_id: `dev-${id}`, reason: 'stalled' })),
      ),
    prefix: fc.nat(),
  }),
);

const KEY = /^s1:([a-z0-9][a-z0-9_-]*):([a-z_]+):([0-9]+)$/;
const RUNS = { numRuns: 100 };

describe('dag_evaluate: properties', () => {
  it('neither loses nor invents a task, and keeps their order', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations }) => {
        const out = await evaluate(evalInput(dag, events, escalations));
        expect(Object.keys(out.state.tasks)).toEqual(Object.keys(dag.tasks));
        for (const [id, t] of Object.entries(out.state.tasks)) expect(t?.id).toBe(id);
      }),
      RUNS,
    );
  });

  it('moves statuses only along the edges of the table, one event at a time', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations }) => {
        let current = dag;
        const keys = new Set<string>();
        const steps: [Event[], Escalation[]][] = [
          ...events.map((e): [Event[], Escalation[]] => [[e], []]),
          [[], escalations],
        ];
        for (const [stepEvents, stepEscalations] of steps) {
          const out = await evaluate(evalInput(current, stepEvents, stepEscalations));
          for (const [id, before] of Object.entries(current.tasks)) {
            const after = out.state.tasks[id]!;
            expect(
              oneCallMove(before!.status, after.status),
              `${id}: ${before!.status} → ${after.status}`,
            ).toBe(true);
            if (after.status !== before!.status) expect(after.status_changed_at).toBe(NOW);
            if (after.status === 'Done' && before!.status !== 'Done') expect(after.completed_at).toBe(NOW);
          }
          for (const action of out.actions) {
            expect(keys.has(action.key), `key ${action.key} emitted twice`).toBe(false);
            keys.add(action.key);
          }
          current = out.state;
        }
        for (const [id, before] of Object.entries(dag.tasks))
          expect(reachable(before!.status, current.tasks[id]!.status)).toBe(true);
      }),
      RUNS,
    );
  });

  it('changes nothing and emits nothing when any prefix of the events is replayed', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations, prefix }) => {
        const out = await evaluate(evalInput(dag, events, escalations));
        const replay = await evaluate(evalInput(out.state, events.slice(0, prefix % (events.length + 1))));
        expect(replay.actions).toEqual([]);
        expect(replay.state).toEqual(out.state);
      }),
      RUNS,
    );
  });

  it('remembers every event id once', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations }) => {
        const out = await evaluate(evalInput(dag, events, escalations));
        const processed = out.state.processed_events;
        expect(new Set(processed).size).toBe(processed.length);
        expect(new Set(processed)).toEqual(new Set(events.map((e) => e.id)));
      }),
      RUNS,
    );
  });

  it('gives equal output for equal input', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations }) => {
        const input = evalInput(dag, events, escalations);
        expect(await evaluate(input)).toEqual(await evaluate(structuredClone(input)));
      }),
      RUNS,
    );
  });

  it('emits unique, well-formed keys: <sprint>:<task>:<type>:<n>, n counting the task’s actions', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ dag, events, escalations }) => {
        const out = await evaluate(evalInput(dag, events, escalations));
        expect(new Set(out.actions.map((a) => a.key)).size).toBe(out.actions.length);
        const emitted = new Map<string, number>();
        for (const action of out.actions) {
          const [, taskId, type, n] = KEY.exec(action.key) ?? [];
          expect([taskId, type]).toEqual([action.task_id, action.type]);
          const seq = dag.tasks[action.task_id]!.action_seq + (emitted.get(action.task_id) ?? 0);
          expect(Number(n)).toBe(seq);
          emitted.set(action.task_id, (emitted.get(action.task_id) ?? 0) + 1);
        }
        for (const [id, t] of Object.entries(out.state.tasks))
          expect(t!.action_seq).toBe(dag.tasks[id]!.action_seq + (emitted.get(id) ?? 0));
      }),
      RUNS,
    );
  });
});
