// The write side of a tick, real stages end to end: dag_evaluate's actions, through
// project_all_to_execute, performed by execute_actions on the local forge (real git) and the
// loopback shell. Two tasks, b after a: a is spawned, opens a pull request, is reviewed,
// merged and marked done, and b starts, every step visible on the forge and at the shell.
// Events are written by hand here (the poller's own contract test covers poll → evaluate).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagState, Event, ExecuteActionsOutput, Task } from '../../../schemas/generated/types.js';
import { dagEvaluate, executeActions } from '../../../stages/dag/index.js';
import { projectAllToExecute } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from '../github/forge-fixture.js';
import { tempProject } from '../../temp-project.js';
import { startLoopbackShell, type LoopbackShell } from './loopback-shell.js';

let fx: ForgeFixture;
let shell: LoopbackShell;
let env: Record<string, string>;
let state: DagState;
let issues: { a: number; b: number };

const task = (id: string, issue: number, depends_on: string[]): Task => ({
  id,
  title: `Task ${id}`,
  status: depends_on.length === 0 ? 'Ready' : 'Pending',
  depends_on,
  agent_id: `dev-${id}`,
  reviewer_id: 'rev-1',
  issue_number: issue,
  pr_number: null,
  started_at: null,
  completed_at: null,
  status_changed_at: null,
  review_cycles: 0,
  intervention_count: 0,
  action_seq: 0,
});

beforeAll(async () => {
  [fx, shell] = await Promise.all([startForgeFixture(), startLoopbackShell()]);
  env = { ...fx.env, CALORON_SHELL_TOKEN: shell.token, CALORON_KV_DIR: tempProject() };
  const a = await fx.client.createIssue({ title: 'Task a', labels: ['caloron:task'] });
  const b = await fx.client.createIssue({ title: 'Task b', labels: ['caloron:task'] });
  issues = { a: a.number, b: b.number };
  state = {
    sprint_id: 's1',
    tasks: { a: task('a', a.number, []), b: task('b', b.number, ['a']) },
    processed_events: [],
  };
});
afterAll(async () => {
  await Promise.all([fx.close(), shell.close()]);
});

/** One tick's evaluation and execution; the new state is kept for the next. */
async function tick(events: Event[], now: string): Promise<ExecuteActionsOutput> {
  const evaluated = (await callStage(dagEvaluate, {
    state,
    events,
    escalations: [],
    now,
    max_review_cycles: 2,
  })) as { state: DagState; actions: unknown[] };
  state = evaluated.state;
  const request = await callStage(projectAllToExecute, {
    eval: evaluated,
    supervisor: { actions: [] },
    sprint_id: 's1',
    ...fx.config,
    shell_url: shell.url,
  });
  return (await callStage(executeActions, request, { env })) as ExecuteActionsOutput;
}

describe('dag_evaluate → project_all_to_execute → execute_actions', () => {
  it('takes task a from spawn to done and starts b, each action performed once', async () => {
    expect(await tick([], '2026-11-22T10:00:00Z')).toEqual({
      actions_taken: ['s1:a:spawn_agent:0'],
      errors: [],
    });
    expect(shell.requests.map((request) => [request.route, request.body.agent_id])).toEqual([
      ['/spawn', 'dev-a'],
    ]);
    expect((await fx.client.getIssue(issues.a)).labels.sort()).toEqual(['caloron:assigned', 'caloron:task']);

    const pr = await fx.openPull('caloron/s1/a', 'a.txt', 'a\n', `Closes #${issues.a}`);
    const head = (await fx.client.getPull(pr)).head;
    const opened: Event = {
      id: `pr_opened:${pr}:${head.sha}`,
      type: 'pr_opened',
      created_at: '2026-11-22T10:05:00Z',
      pr_number: pr,
      linked_issue: issues.a,
      head_ref: head.ref,
      head_sha: head.sha,
    };
    expect((await tick([opened], '2026-11-22T10:06:00Z')).errors).toEqual([]);
    expect(shell.requests.at(-1)?.body).toMatchObject({ agent_id: 'rev-1', role: 'reviewer', pr_number: pr });
    expect((await fx.client.getPull(pr)).labels).toContain('caloron:review-pending');

    const approved: Event = {
      id: 'review:1',
      type: 'pr_review_submitted',
      created_at: '2026-11-22T10:10:00Z',
      pr_number: pr,
      review_id: 1,
      review_state: 'approved',
      body: 'LGTM',
    };
    const merging = await tick([opened, approved], '2026-11-22T10:11:00Z');
    expect(merging.errors).toEqual([]);
    expect(merging.actions_taken).toEqual([expect.stringMatching(/^s1:a:merge_pr:/) as string]);
    expect((await fx.client.getPull(pr)).merged).toBe(true);

    const merged: Event = {
      id: `pr_merged:${pr}`,
      type: 'pr_merged',
      created_at: '2026-11-22T10:12:00Z',
      pr_number: pr,
    };
    const done = await tick([merged], '2026-11-22T10:13:00Z');
    expect(done.errors).toEqual([]);
    expect(done.actions_taken.map((key) => key.split(':').slice(1, 3).join(':'))).toEqual([
      'a:mark_done',
      'b:spawn_agent',
    ]);
    expect((await fx.client.getIssue(issues.a)).labels).toContain('caloron:done');
    expect(shell.requests.at(-1)?.body).toMatchObject({ agent_id: 'dev-b', task_id: 'b', role: 'developer' });
    expect(state.tasks.a?.status).toBe('Done');
    expect(state.tasks.b?.status).toBe('InProgress');

    // The same events again (a poller's overlap): nothing new is evaluated or performed.
    const requests = shell.requests.length;
    expect(await tick([opened, approved, merged], '2026-11-22T10:14:00Z')).toEqual({
      actions_taken: [],
      errors: [],
    });
    expect(shell.requests.length).toBe(requests);
  });
});
