// dag_evaluate around the table: identity instead of position, replay safety, the order
// events are read in, escalations once, bad input, and the stage's examples.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isNoetherError } from '../../../engine/errors.js';
import { dagEvaluate } from '../../../stages/dag/index.js';
import type { DagEvaluateInput, DagEvaluateOutput } from '../../../schemas/generated/types.js';
import { callStage } from '../call-stage.js';
import { EARLIER, evalInput, events, state, task } from './fixtures.js';

const evaluate = async (input: DagEvaluateInput) =>
  (await callStage(dagEvaluate, input)) as DagEvaluateOutput;
const inReview = { status: 'InReview', issue_number: 1, pr_number: 10, started_at: EARLIER } as const;

describe('dag_evaluate: identity, never position', () => {
  it('gives an opened issue to the task its marker names, not to the first Ready task', async () => {
    const out = await evaluate(
      evalInput(state([task('a', { status: 'Ready' }), task('b', { status: 'Ready' })]), [
        events.issueOpened(7, 'b'),
      ]),
    );
    expect(out.state.tasks.a).toMatchObject({ status: 'Ready', issue_number: null });
    expect(out.state.tasks.b).toMatchObject({ status: 'InProgress', issue_number: 7 });
  });

  it('never overwrites an issue number already recorded', async () => {
    const out = await evaluate(
      evalInput(state([task('a', { issue_number: 3 })]), [events.issueOpened(7, 'a')]),
    );
    expect(out.state.tasks.a?.issue_number).toBe(3);
  });

  it('ignores an issue_opened without the caloron:task or caloron:escalated label', async () => {
    const out = await evaluate(
      evalInput(state([task('a', { status: 'Ready' })]), [events.issueOpened(7, 'a', 'bug')]),
    );
    expect(out.state.tasks.a).toMatchObject({ status: 'Ready', issue_number: null });
  });

  it("ignores a branch of another sprint's task of the same id", async () => {
    const out = await evaluate(
      evalInput(state([task('a', { status: 'InProgress', issue_number: 1 })]), [
        events.prOpened(10, { head_ref: 'caloron/other-sprint/a' }),
      ]),
    );
    expect(out.state.tasks.a?.status).toBe('InProgress');
  });

  it('matches a review to the task whose pull request it is, among several in review', async () => {
    const out = await evaluate(
      evalInput(state([task('a', inReview), task('b', { ...inReview, issue_number: 2, pr_number: 20 })]), [
        events.review(20, 'approved'),
      ]),
    );
    expect(out.actions).toEqual([expect.objectContaining({ type: 'merge_pr', task_id: 'b', pr_number: 20 })]);
  });

  it('follows a pull request number through a close and a new pull request', async () => {
    const out = await evaluate(
      evalInput(state([task('a', inReview)]), [
        { ...events.closed(10), created_at: '2026-11-22T09:10:00Z' },
        { ...events.prOpened(11, { linked_issue: 1 }), created_at: '2026-11-22T09:20:00Z' },
        { ...events.merged(10), created_at: '2026-11-22T09:30:00Z' },
        { ...events.merged(11), created_at: '2026-11-22T09:40:00Z' },
      ]),
    );
    expect(out.actions.map((action) => action.type)).toEqual(['notify_agent', 'request_review', 'mark_done']);
    expect(out.state.tasks.a).toMatchObject({ status: 'Done', pr_number: 11 });
  });
});

describe('dag_evaluate: replay safety', () => {
  it('changes nothing and emits nothing for an event it has processed before', async () => {
    const first = await evaluate(evalInput(state([task('a', inReview)]), [events.merged(10)]));
    const again = await evaluate(evalInput(first.state, [events.merged(10)]));
    expect(again.actions).toEqual([]);
    expect(again.state).toEqual(first.state);
  });

  it('remembers every event it processed, whether or not it did anything', async () => {
    const out = await evaluate(
      evalInput(state([task('a')], ['old']), [events.labelAdded(1, 'x'), events.review(99, 'approved')]),
    );
    expect(out.state.processed_events).toEqual(['old', 'label-1-x', 'review-1']);
  });

  it('processes an event listed twice in one call once', async () => {
    const out = await evaluate(
      evalInput(state([task('a', inReview)]), [events.review(10, 'approved'), events.review(10, 'approved')]),
    );
    expect(out.actions).toHaveLength(1);
    expect(out.state.processed_events).toEqual(['review-1']);
  });

  it('keeps a Done task Done whatever arrives', async () => {
    const done = task('a', { ...inReview, status: 'Done', completed_at: EARLIER });
    const out = await evaluate(
      evalInput(
        state([done]),
        [events.merged(10), events.closed(10), events.prOpened(11, { linked_issue: 1 })],
        [{ task_id: 'a', agent_id: 'dev-a', reason: 'stalled' }],
      ),
    );
    expect(out.state.tasks.a).toEqual(done);
    expect(out.actions).toEqual([]);
  });

  it('treats a push after changes were requested as a new event (its id has the head sha)', async () => {
    const first = await evaluate(
      evalInput(state([task('a', { status: 'InProgress', issue_number: 1 })]), [
        events.prOpened(10, { linked_issue: 1 }),
      ]),
    );
    const changes = await evaluate(evalInput(first.state, [events.review(10, 'changes_requested')]));
    const pushed = await evaluate(
      evalInput(changes.state, [
        events.prOpened(10, { linked_issue: 1 }),
        events.prOpened(10, { linked_issue: 1, head_sha: 'sha2' }),
      ]),
    );
    expect(pushed.state.tasks.a?.status).toBe('InReview');
    expect(pushed.actions).toEqual([
      expect.objectContaining({ type: 'request_review', key: 's1:a:request_review:2' }),
    ]);
  });
});

describe('dag_evaluate: order within a call', () => {
  it('reads events by created_at, so a push listed before the review that asked for it still counts', async () => {
    const push = {
      ...events.prOpened(10, { linked_issue: 1, head_sha: 'sha2' }),
      created_at: '2026-11-22T09:50:00Z',
    };
    const review = { ...events.review(10, 'changes_requested'), created_at: '2026-11-22T09:40:00Z' };
    const out = await evaluate(evalInput(state([task('a', inReview)]), [push, review]));
    expect(out.state.tasks.a).toMatchObject({ status: 'InReview', review_cycles: 1 });
    expect(out.actions.map((action) => action.type)).toEqual(['notify_agent', 'request_review']);
  });

  it('applies escalations after events, so a task merged in this tick is not escalated', async () => {
    const out = await evaluate(
      evalInput(
        state([task('a', inReview)]),
        [events.merged(10)],
        [{ task_id: 'a', agent_id: 'dev-a', reason: 'stalled' }],
      ),
    );
    expect(out.state.tasks.a?.status).toBe('Done');
    expect(out.actions.map((action) => action.type)).toEqual(['mark_done']);
  });

  it('escalates a task once however many escalations name it', async () => {
    const escalation = { task_id: 'a', agent_id: 'dev-a', reason: 'stalled' };
    const out = await evaluate(evalInput(state([task('a', inReview)]), [], [escalation, escalation]));
    expect(out.actions).toHaveLength(1);
    const again = await evaluate(evalInput(out.state, [], [escalation]));
    expect(again.actions).toEqual([]);
  });

  it('starts a task unblocked by a merge in the same call, in task order', async () => {
    const out = await evaluate(
      evalInput(
        state([
          task('a', inReview),
          task('b', { depends_on: ['a'], issue_number: 2 }),
          task('c', { depends_on: ['a'], issue_number: 3 }),
          task('d', { depends_on: ['b', 'c'], issue_number: 4 }),
        ]),
        [events.merged(10)],
      ),
    );
    expect(out.actions.map((action) => action.key)).toEqual([
      's1:a:mark_done:0',
      's1:b:spawn_agent:0',
      's1:c:spawn_agent:0',
    ]);
    expect(out.state.tasks.d?.status).toBe('Pending');
  });

  it('returns the same output for the same input', async () => {
    const input = evalInput(state([task('a', inReview), task('b', { depends_on: ['a'], issue_number: 2 })]), [
      events.review(10, 'approved'),
      events.merged(10),
    ]);
    expect(await evaluate(input)).toEqual(await evaluate(structuredClone(input)));
  });
});

describe('dag_evaluate: bad input', () => {
  const rejection = async (input: DagEvaluateInput) => {
    try {
      await evaluate(input);
    } catch (error) {
      return error;
    }
    throw new Error('dag_evaluate accepted the input');
  };

  it('rejects an escalation for a task the state does not have, naming the field', async () => {
    const error = await rejection(
      evalInput(state([task('a')]), [], [{ task_id: 'b', agent_id: 'dev-b', reason: 'x' }]),
    );
    expect(isNoetherError(error) && error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(isNoetherError(error) && error.place.pointer).toBe('/escalations/0/task_id');
  });

  it('rejects a task stored under a key other than its id', async () => {
    const error = await rejection(
      evalInput({ sprint_id: 's1', tasks: { a: task('b') }, processed_events: [] }),
    );
    expect(isNoetherError(error) && error.place.pointer).toBe('/state/tasks/a/id');
  });
});

describe('dag_evaluate: examples', () => {
  it.each(dagEvaluate.examples.map((example, index) => ({ index, ...example })))(
    'example $index gives its stated output',
    async ({ input, output }) => {
      expect(isDeepStrictEqual(await callStage(dagEvaluate, input), output)).toBe(true);
    },
  );
});
