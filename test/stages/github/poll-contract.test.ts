// The contract between the poller and the evaluator (reference §12.1): what
// github_poll_events reads from a real forge, through project_poll_to_eval, moves tasks in
// dag_evaluate — real stages all the way.
import { describe, expect, it } from 'vitest';
import type {
  DagEvaluateOutput,
  DagState,
  GithubPollEventsOutput,
  Task,
} from '../../../schemas/generated/types.js';
import { dagEvaluate } from '../../../stages/dag/index.js';
import { githubPollEvents, writeMarker } from '../../../stages/github/index.js';
import { projectPollToEval } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { ENV, type ForgeRepo, forgeRepo } from './local-forge.js';

const task = (id: string, patch: Partial<Task>): Task => ({
  id,
  title: id,
  status: 'Pending',
  depends_on: [],
  agent_id: `dev-${id}`,
  reviewer_id: 'rev-1',
  issue_number: null,
  pr_number: null,
  started_at: null,
  completed_at: null,
  status_changed_at: null,
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 0,
  ...patch,
});

/** One tick's evaluation half: poll, project, evaluate; the new state and cursor. */
async function tick(repo: ForgeRepo, state: DagState, cursor: { since: string | null; seen: string[] }) {
  const poll = (await callStage(
    githubPollEvents,
    { ...repo.config, ...cursor, sprint_id: state.sprint_id },
    { env: ENV },
  )) as GithubPollEventsOutput;
  const evalInput = await callStage(projectPollToEval, {
    state,
    poll,
    supervisor: { escalations: [] },
    now: poll.polled_at,
    max_review_cycles: 3,
  });
  const out = (await callStage(dagEvaluate, evalInput)) as DagEvaluateOutput;
  return { ...out, cursor: { since: poll.since, seen: poll.seen } };
}

describe('poll → project_poll_to_eval → dag_evaluate', () => {
  it('moves a task from its issue through review to Done, and starts the task it unblocks', async () => {
    const repo = await forgeRepo();
    const { client } = repo;
    let state: DagState = {
      sprint_id: 's1',
      tasks: { a: task('a', { status: 'Ready' }), b: task('b', { depends_on: ['a'], issue_number: 99 }) },
      processed_events: [],
    };
    let cursor: { since: string | null; seen: string[] } = { since: null, seen: [] };

    // Kickoff's issue, found by its marker: a records it and starts.
    const issue = await client.createIssue({
      title: 'a',
      body: writeMarker({ kind: 'task', sprint_id: 's1', task_id: 'a' }),
      labels: ['caloron:task'],
    });
    let out = await tick(repo, state, cursor);
    ({ state, cursor } = out);
    expect(state.tasks['a']).toMatchObject({ status: 'InProgress', issue_number: issue.number });
    expect(out.actions.map((a) => a.type)).toEqual(['spawn_agent']);

    // The developer's pull request closes the issue: review requested.
    await repo.push('caloron/s1/a', 'a.txt', 'a');
    const pr = await client.createPull({
      title: 'a',
      body: `Closes #${issue.number}`,
      head: 'caloron/s1/a',
      base: 'main',
    });
    out = await tick(repo, state, cursor);
    ({ state, cursor } = out);
    expect(state.tasks['a']).toMatchObject({ status: 'InReview', pr_number: pr.number });
    expect(out.actions.map((a) => a.type)).toEqual(['request_review']);

    // Changes requested, then a push answering them, seen in one poll: back in review.
    await client.createReview(pr.number, { event: 'REQUEST_CHANGES', body: 'add tests' });
    await repo.push('caloron/s1/a', 'a.test.txt', 'tests');
    out = await tick(repo, state, cursor);
    ({ state, cursor } = out);
    expect(state.tasks['a']).toMatchObject({ status: 'InReview', review_cycles: 1 });
    expect(out.actions.map((a) => a.type)).toEqual(['notify_agent', 'request_review']);

    // Approved: dag_evaluate asks for the merge; the merge then finishes a and starts b.
    await client.createReview(pr.number, { event: 'APPROVE', body: 'ok' });
    out = await tick(repo, state, cursor);
    ({ state, cursor } = out);
    expect(out.actions.map((a) => a.type)).toEqual(['merge_pr']);
    await client.mergePull(pr.number);
    out = await tick(repo, state, cursor);
    ({ state, cursor } = out);
    expect(state.tasks['a']?.status).toBe('Done');
    expect(state.tasks['b']?.status).toBe('InProgress');
    expect(out.actions.map((a) => a.type)).toEqual(['mark_done', 'spawn_agent']);

    // A poll with nothing new changes nothing.
    out = await tick(repo, state, cursor);
    expect(out.actions).toEqual([]);
    expect(out.state).toEqual(state);
  });
});
