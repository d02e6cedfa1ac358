// execute_actions when the forge or the shell misbehaves (CALORON §2): one failure never
// aborts the rest, a failed action is retried on the next call, and rerunning after a crash
// repeats no side effect. The local forge injects faults (forge/faults.ts); the loopback
// shell fails and hangs on demand.
import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../schemas/generated/types.js';
import { executeActions } from '../../../stages/dag/index.js';
import { readMarker } from '../../../stages/github/marker.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from '../github/forge-fixture.js';
import { tempProject } from '../../temp-project.js';
import { startLoopbackShell, type LoopbackShell } from './loopback-shell.js';

let fx: ForgeFixture;
let shell: LoopbackShell;

beforeAll(async () => {
  [fx, shell] = await Promise.all([startForgeFixture(), startLoopbackShell()]);
});
afterAll(async () => {
  await Promise.all([fx.close(), shell.close()]);
});
afterEach(() => {
  fx.forge.setFaults([]);
  shell.release();
});

/** A sprint of its own per test: its own KV directory (journal) and issues. */
async function sprint(issues = 2, sprintId = 's1') {
  const kvDir = tempProject();
  const env = {
    ...fx.env,
    CALORON_SHELL_TOKEN: shell.token,
    CALORON_KV_DIR: kvDir,
    // Short, so failures are quick: one retry after 10 ms, 300 ms per attempt.
    CALORON_FORGE_RETRIES: '1',
    CALORON_FORGE_BACKOFF_MS: '10',
    CALORON_FORGE_TIMEOUT_MS: '300',
    CALORON_SHELL_TIMEOUT_MS: '300',
  };
  const numbers: number[] = [];
  for (let i = 0; i < issues; i += 1)
    numbers.push((await fx.client.createIssue({ title: `Task ${i}` })).number);
  const input = (actions: Action[]) => ({ sprint_id: sprintId, ...fx.config, shell_url: shell.url, actions });
  const execute = (actions: Action[]) =>
    callStage(executeActions, input(actions), { env }) as Promise<{
      actions_taken: string[];
      errors: { key: string; message: string }[];
    }>;
  return { kvDir, env, numbers, input, execute };
}

const markDone = (key: string, issue: number): Action => ({
  key,
  type: 'mark_done',
  task_id: 'a',
  issue_number: issue,
  pr_number: 1,
});
const probe = (key: string, issue: number): Action => ({
  key,
  type: 'probe',
  task_id: 'b',
  agent_id: 'dev-2',
  issue_number: issue,
  message: 'Are you stuck?',
});
const restart = (key: string): Action => ({ key, type: 'restart', task_id: 'b', agent_id: 'dev-2' });
const spawnAgent = (key: string, issue: number): Action => ({
  key,
  type: 'spawn_agent',
  task_id: 'a',
  agent_id: 'dev-1',
  role: 'developer',
  issue_number: issue,
  pr_number: null,
});
const escalate = (key: string, issue: number): Action => ({
  key,
  type: 'escalate',
  task_id: 'a',
  agent_id: 'dev-1',
  issue_number: issue,
  reason: 'stalled',
});

describe('execute_actions under faults', () => {
  it('records a 500 on one action, performs the rest, and retries it on the next call', async () => {
    const { numbers, execute } = await sprint();
    const [first = 0, second = 0] = numbers;
    fx.forge.setFaults([{ method: 'POST', path: `/repos/*/*/issues/${first}/labels`, status: 500 }]);
    const actions = [
      markDone('s1:a:mark_done:0', first),
      probe('s1:b:probe:0', second),
      restart('s1:b:restart:1'),
    ];
    const failed = await execute(actions);
    expect(failed.actions_taken).toEqual(['s1:b:probe:0', 's1:b:restart:1']);
    expect(failed.errors).toEqual([
      {
        key: 's1:a:mark_done:0',
        message: expect.stringMatching(/^mark_done label: NOE_FORGE_FAILED: .*500/) as string,
      },
    ]);
    expect((await fx.client.getIssue(first)).labels).toEqual([]);

    fx.forge.setFaults([]);
    expect(await execute(actions)).toEqual({ actions_taken: ['s1:a:mark_done:0'], errors: [] });
    expect((await fx.client.getIssue(first)).labels).toEqual(['caloron:done']);
    expect(await fx.client.listIssueComments(second)).toHaveLength(1);
  });

  it('retries only the failed step of a multi-step action: no second comment after a failed spawn', async () => {
    const { numbers, execute } = await sprint(1);
    const [issue = 0] = numbers;
    const action = spawnAgent('s1:a:spawn_agent:0', issue);
    const before = shell.requests.length;
    shell.failNext('/spawn', 503);
    const failed = await execute([action]);
    expect(failed.errors).toEqual([
      {
        key: action.key,
        message: expect.stringMatching(/^spawn_agent spawn: NOE_SHELL_FAILED: .*HTTP 503/) as string,
      },
    ]);
    expect(await execute([action])).toEqual({ actions_taken: [action.key], errors: [] });
    expect(await fx.client.listIssueComments(issue)).toHaveLength(1);
    expect(shell.requests.length - before).toBe(1);
  });

  it('waits as a 429 with Retry-After asks, and then performs the action in the same call', async () => {
    const { numbers, execute } = await sprint(1);
    const [issue = 0] = numbers;
    fx.forge.setFaults([
      { method: 'POST', path: `/repos/*/*/issues/${issue}/comments`, status: 429, retry_after: 1, times: 1 },
    ]);
    expect(await execute([probe('s1:b:probe:0', issue)])).toEqual({
      actions_taken: ['s1:b:probe:0'],
      errors: [],
    });
    expect(fx.forge.faults()).toEqual([]);
    expect(await fx.client.listIssueComments(issue)).toHaveLength(1);
  });

  it('records a forge that does not answer in time, and goes on', async () => {
    const { numbers, execute } = await sprint();
    const [first = 0, second = 0] = numbers;
    fx.forge.setFaults([{ method: 'POST', path: `/repos/*/*/issues/${first}/labels`, delay_ms: 2_000 }]);
    const result = await execute([markDone('s1:a:mark_done:0', first), probe('s1:b:probe:0', second)]);
    expect(result.actions_taken).toEqual(['s1:b:probe:0']);
    expect(result.errors).toEqual([
      {
        key: 's1:a:mark_done:0',
        message: expect.stringMatching(/^mark_done label: NOE_TIMEOUT: .*no answer within 300 ms/) as string,
      },
    ]);
  });

  it('records a shell that does not answer in time, and goes on', async () => {
    const { numbers, execute } = await sprint(1);
    const [issue = 0] = numbers;
    shell.hang('/restart');
    const result = await execute([restart('s1:b:restart:0'), probe('s1:b:probe:1', issue)]);
    expect(result.actions_taken).toEqual(['s1:b:probe:1']);
    expect(result.errors).toEqual([
      {
        key: 's1:b:restart:0',
        message: expect.stringMatching(
          /^restart restart: NOE_TIMEOUT: .*did not answer within 300 ms/,
        ) as string,
      },
    ]);
  });

  it('records a merge conflict: the pull request stays open, the next action is still done', async () => {
    const { numbers, execute } = await sprint(1, 'conflict');
    const [issue = 0] = numbers;
    const first = await fx.openPull('caloron/conflict/x', 'conflict.txt', 'x\n');
    const second = await fx.openPull('caloron/conflict/y', 'conflict.txt', 'y\n');
    const merge = (key: string, pr: number): Action => ({
      key,
      type: 'merge_pr',
      task_id: 'x',
      issue_number: issue,
      pr_number: pr,
    });
    const result = await execute([
      merge('conflict:x:merge_pr:0', first),
      merge('conflict:y:merge_pr:0', second),
      markDone('conflict:x:mark_done:1', issue),
    ]);
    expect(result.actions_taken).toEqual(['conflict:x:merge_pr:0', 'conflict:x:mark_done:1']);
    expect(result.errors).toEqual([
      {
        key: 'conflict:y:merge_pr:0',
        message: expect.stringMatching(
          new RegExp(
            `^merge_pr merge: NOE_FORGE_FAILED: pull request #${second} .*cannot be merged.* stays open`,
          ),
        ) as string,
      },
    ]);
    const pull = await fx.client.getPull(second);
    expect([pull.state, pull.merged]).toEqual(['open', false]);
  });

  it('stops when the run is cancelled: NOE_CANCELLED, the action in flight not journaled, the rest not done', async () => {
    const { kvDir, env, numbers, input } = await sprint(1, 'cancel');
    const [issue = 0] = numbers;
    shell.hang('/restart');
    const controller = new AbortController();
    const run = callStage(
      executeActions,
      input([restart('cancel:b:restart:0'), probe('cancel:b:probe:1', issue)]),
      { env: { ...env, CALORON_SHELL_TIMEOUT_MS: '60000' }, signal: controller.signal },
    );
    await sleep(200);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'NOE_CANCELLED' });
    expect(readJournal(join(kvDir, 'cancel.journal.jsonl'))).toBe('');
    expect(await fx.client.listIssueComments(issue)).toEqual([]);
  });

  it('a lost journal repeats no comment and no escalation issue (found by their markers)', async () => {
    const { kvDir, numbers, execute } = await sprint(1, 'lost');
    const [issue = 0] = numbers;
    const actions = [probe('lost:b:probe:0', issue), escalate('lost:a:escalate:0', issue)];
    const escalations = async () =>
      (await fx.client.listIssues({ state: 'all', labels: ['caloron:escalated'] })).filter(
        (found) => readMarker(found.body)?.sprint_id === 'lost',
      );
    await execute(actions);
    rmSync(join(kvDir, 'lost.journal.jsonl'));
    expect(await execute(actions)).toEqual({
      actions_taken: actions.map((action) => action.key),
      errors: [],
    });
    expect(await fx.client.listIssueComments(issue)).toHaveLength(1);
    expect(await escalations()).toHaveLength(1);
  });

  it('rerun after the process was killed between two actions, repeats nothing it had done', async () => {
    const { kvDir, env, numbers, input, execute } = await sprint(2, 'crash');
    const [first = 0, second = 0] = numbers;
    const actions = [
      spawnAgent('crash:a:spawn_agent:0', first),
      escalate('crash:a:escalate:1', first),
      restart('crash:b:restart:0'),
      markDone('crash:b:mark_done:0', second),
    ];
    const before = shell.requests.length;
    shell.hang('/restart');
    const child = execa(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'execute-actions-child.ts'),
        JSON.stringify(input(actions)),
      ],
      { env: { ...env, CALORON_SHELL_TIMEOUT_MS: '60000' }, extendEnv: false, reject: false },
    );
    const journal = join(kvDir, 'crash.journal.jsonl');
    // The child is inside the third action (the shell hangs) once the second one is journaled.
    for (let waited = 0; !readJournal(journal).includes('crash:a:escalate:1'); waited += 50) {
      if (waited > 20_000) throw new Error('the child never got past the second action');
      await sleep(50);
    }
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    shell.release();

    expect(await execute(actions)).toEqual({
      actions_taken: ['crash:b:restart:0', 'crash:b:mark_done:0'],
      errors: [],
    });
    expect(await fx.client.listIssueComments(first)).toHaveLength(1);
    expect(shell.requests.slice(before).map((request) => request.route)).toEqual(['/spawn', '/restart']);
    const escalations = await fx.client.listIssues({ state: 'all', labels: ['caloron:escalated'] });
    expect(escalations.filter((found) => readMarker(found.body)?.sprint_id === 'crash')).toHaveLength(1);
  }, 30_000);
});

function readJournal(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
