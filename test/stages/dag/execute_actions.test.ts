// execute_actions on the local forge (real HTTP, real git) and a loopback shell: every action
// kind does what CALORON §2 and §6 say, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../schemas/generated/types.js';
import { executeActions } from '../../../stages/dag/index.js';
import { readMarker } from '../../../stages/github/marker.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from '../github/forge-fixture.js';
import { tempProject } from '../../temp-project.js';
import { startLoopbackShell, type LoopbackShell } from './loopback-shell.js';

let fx: ForgeFixture;
let shell: LoopbackShell;
let env: Record<string, string>;
let issue: number;
let pr: number;

beforeAll(async () => {
  [fx, shell] = await Promise.all([startForgeFixture(), startLoopbackShell()]);
  env = { ...fx.env, CALORON_SHELL_TOKEN: shell.token, CALORON_KV_DIR: tempProject() };
  issue = (await fx.client.createIssue({ title: 'Task a', labels: ['caloron:task'] })).number;
  pr = await fx.openPull('caloron/s1/a', 'a.txt', 'a\n', `Closes #${issue}`);
});
afterAll(async () => {
  await Promise.all([fx.close(), shell.close()]);
});

function execute(actions: Action[]) {
  return callStage(
    executeActions,
    { sprint_id: 's1', ...fx.config, shell_url: shell.url, actions },
    { env },
  ) as Promise<{ actions_taken: string[]; errors: { key: string; message: string }[] }>;
}

const ALL: () => Action[] = () => [
  {
    key: 's1:a:spawn_agent:0',
    type: 'spawn_agent',
    task_id: 'a',
    agent_id: 'dev-1',
    role: 'developer',
    issue_number: issue,
    pr_number: null,
    framework: 'stub',
  },
  {
    key: 's1:a:request_review:1',
    type: 'request_review',
    task_id: 'a',
    reviewer_id: 'rev-1',
    issue_number: issue,
    pr_number: pr,
  },
  {
    key: 's1:a:notify_agent:2',
    type: 'notify_agent',
    task_id: 'a',
    agent_id: 'dev-1',
    issue_number: issue,
    pr_number: pr,
    message: 'The review asks for changes: add tests.',
  },
  {
    key: 's1:a:probe:3',
    type: 'probe',
    task_id: 'a',
    agent_id: 'dev-1',
    issue_number: issue,
    message: 'Still there?',
  },
  { key: 's1:a:restart:4', type: 'restart', task_id: 'a', agent_id: 'dev-1' },
  {
    key: 's1:a:escalate:5',
    type: 'escalate',
    task_id: 'a',
    agent_id: 'dev-1',
    issue_number: issue,
    reason: 'stalled 3 times',
  },
  { key: 's1:a:merge_pr:6', type: 'merge_pr', task_id: 'a', issue_number: issue, pr_number: pr },
  { key: 's1:a:mark_done:7', type: 'mark_done', task_id: 'a', issue_number: issue, pr_number: pr },
];

describe('execute_actions', () => {
  it('performs every action kind in order and lists their keys', async () => {
    const result = await execute(ALL());
    expect(result).toEqual({ actions_taken: ALL().map((action) => action.key), errors: [] });
  });

  it('spawn_agent: assigns the agent in a comment, labels the issue caloron:assigned, spawns it', async () => {
    const comments = await fx.client.listIssueComments(issue);
    expect(comments[0]?.body).toMatch(/^@caloron-agent-dev-1 has been assigned this task \(developer\)\./);
    expect((await fx.client.getIssue(issue)).labels).toContain('caloron:assigned');
    expect(shell.requests[0]).toEqual({
      route: '/spawn',
      token: shell.token,
      body: {
        sprint_id: 's1',
        task_id: 'a',
        agent_id: 'dev-1',
        role: 'developer',
        framework: 'stub',
        repo: fx.config.repo,
        issue_number: issue,
      },
    });
  });

  it('request_review: labels the pull request caloron:review-pending and spawns the reviewer on it', async () => {
    expect((await fx.client.getPull(pr)).labels).toContain('caloron:review-pending');
    expect(shell.requests[1]?.body).toEqual({
      sprint_id: 's1',
      task_id: 'a',
      agent_id: 'rev-1',
      role: 'reviewer',
      repo: fx.config.repo,
      issue_number: issue,
      pr_number: pr,
    });
  });

  it('notify_agent: comments the message and re-spawns the developer with it as the prompt', async () => {
    const comments = await fx.client.listIssueComments(issue);
    expect(comments[1]?.body).toMatch(/^The review asks for changes: add tests\./);
    expect(shell.requests[2]?.body).toMatchObject({
      agent_id: 'dev-1',
      role: 'developer',
      pr_number: pr,
      prompt: 'The review asks for changes: add tests.',
    });
  });

  it('probe: comments on the issue; restart: asks the shell to restart the agent', async () => {
    expect((await fx.client.listIssueComments(issue))[2]?.body).toMatch(/^Still there\?/);
    expect(shell.requests[3]).toEqual({
      route: '/restart',
      token: shell.token,
      body: { sprint_id: 's1', agent_id: 'dev-1' },
    });
  });

  it('escalate: opens an escalation issue with its marker, label and the human’s instructions', async () => {
    const escalations = await fx.client.listIssues({ state: 'all', labels: ['caloron:escalated'] });
    expect(escalations).toHaveLength(1);
    const [escalation] = escalations;
    expect(readMarker(escalation?.body)).toEqual({ kind: 'escalation', sprint_id: 's1', task_id: 'a' });
    expect(escalation?.body).toContain('stalled 3 times');
    expect(escalation?.body).toContain('`resolved`');
    expect(escalation?.body).toContain('`cancel`');
  });

  it('merge_pr merges the pull request; mark_done labels the issue caloron:done', async () => {
    expect((await fx.client.getPull(pr)).merged).toBe(true);
    expect((await fx.client.getIssue(issue)).labels).toContain('caloron:done');
  });

  it('run again with the same actions, does nothing: no comment, issue, label or spawn twice', async () => {
    const comments = (await fx.client.listIssueComments(issue)).length;
    const issues = (await fx.client.listIssues({ state: 'all' })).length;
    const requests = shell.requests.length;
    expect(await execute(ALL())).toEqual({ actions_taken: [], errors: [] });
    expect((await fx.client.listIssueComments(issue)).length).toBe(comments);
    expect((await fx.client.listIssues({ state: 'all' })).length).toBe(issues);
    expect(shell.requests.length).toBe(requests);
  });

  it('escalated again later, reopens the task’s one escalation issue and comments the new reason', async () => {
    const [escalation] = await fx.client.listIssues({ state: 'all', labels: ['caloron:escalated'] });
    if (escalation === undefined) throw new Error('no escalation issue');
    await fx.client.updateIssue(escalation.number, { state: 'closed' });
    const result = await execute([
      {
        key: 's1:a:escalate:9',
        type: 'escalate',
        task_id: 'a',
        agent_id: 'dev-1',
        issue_number: issue,
        reason: 'again',
      },
    ]);
    expect(result).toEqual({ actions_taken: ['s1:a:escalate:9'], errors: [] });
    expect(await fx.client.listIssues({ state: 'all', labels: ['caloron:escalated'] })).toHaveLength(1);
    expect((await fx.client.getIssue(escalation.number)).state).toBe('open');
    const comments = await fx.client.listIssueComments(escalation.number);
    expect(comments.map((comment) => comment.body.split('\n')[0])).toEqual([
      'Escalated again (agent `dev-1`): again',
    ]);
  });
});
