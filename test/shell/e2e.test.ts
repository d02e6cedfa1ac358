// The shell end to end (CALORON §6): the real shell spawns the real `caloron harness` with
// the stub framework against the local forge, in real git worktrees. A developer beats,
// pushes its branch and opens a PR that closes its issue; a reviewer reviews that PR; the
// shell records it all in <sprint>.agents.json, which load_tick_state then reads.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateValue } from '../../engine/schema/index.js';
import { domainSchema } from '../../schemas/index.js';
import type { AgentRecord, LoadTickStateOutput } from '../../schemas/generated/types.js';
import { loadTickState } from '../../stages/sprint/index.js';
import { kickedOffState, tickInput } from '../fixtures/kv/tick-input.js';
import { callStage } from '../stages/call-stage.js';
import { ENV, type ForgeRepo, forgeRepo } from '../stages/github/local-forge.js';
import { type ShellUnderTest, shellUnderTest } from './e2e-harness.js';

const SPRINT = 's1';
const TASK = 't1';
const END = new Set(['done', 'failed', 'exited', 'killed']);
// The final heartbeat comes before the process exits; the record is complete once the shell
// has also seen the exit and filled in its code.
const ended = (record: AgentRecord) => END.has(record.status) && record.exit_code !== null;

let forge: ForgeRepo;
let shell: ShellUnderTest;
let issue: number;

beforeAll(async () => {
  forge = await forgeRepo('widgets');
  issue = (await forge.client.createIssue({ title: 'Write the parser', body: 'Parse it.' })).number;
  shell = await shellUnderTest({ forge: forge.config, env: ENV });
});

/** Every status agent `agentId` has had while `until` runs, polled as fast as the file changes. */
async function statusesWhile(agentId: string, until: Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const status = shell.agents(SPRINT)?.agents[agentId]?.status;
    if (status !== undefined && seen.at(-1) !== status) seen.push(status);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const last = shell.agents(SPRINT)?.agents[agentId]?.status;
  if (last !== undefined && seen.at(-1) !== last) seen.push(last);
  return seen;
}

describe('the shell with the stub developer', () => {
  let developer: AgentRecord;
  let statuses: string[] = [];

  beforeAll(async () => {
    const spawned = await shell.call('POST', '/spawn', {
      sprint_id: SPRINT,
      task_id: TASK,
      agent_id: 'dev-1',
      role: 'developer',
      framework: 'stub',
      repo: forge.config.repo,
      issue_number: issue,
      prompt: 'Write the parser.',
    });
    expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
    const finished = shell.record(SPRINT, 'dev-1', ended);
    statuses = await statusesWhile('dev-1', finished);
    developer = await finished;
  }, 90_000);

  it('records the heartbeats in <sprint>.agents.json: running, then done with exit code 0', () => {
    expect(statuses[0]).toBe('running');
    expect(statuses.at(-1)).toBe('done');
    expect(developer).toMatchObject({ task_id: TASK, role: 'developer', status: 'done', exit_code: 0 });
    expect(developer.last_beat_at).not.toBeNull();
    expect(developer.ended_at).not.toBeNull();
  });

  it('writes an agents file that keeps to the AgentsFile schema', () => {
    expect(validateValue(domainSchema('agents-file'), shell.agents(SPRINT))).toEqual([]);
  });

  it('writes an agents file that load_tick_state reads', async () => {
    writeFileSync(join(shell.kvDir, `${SPRINT}.json`), JSON.stringify(kickedOffState(SPRINT)));
    const hooks: (() => void | Promise<void>)[] = [];
    const loaded = (await callStage(loadTickState, tickInput(SPRINT), {
      env: { CALORON_KV_DIR: shell.kvDir },
      runEndHooks: hooks,
    })) as LoadTickStateOutput;
    for (const hook of hooks) await hook();
    expect(loaded.agents['dev-1']).toEqual(developer);
  });

  it("pushes the task's branch to the forge", async () => {
    const heads = await execa('git', ['ls-remote', '--heads', forge.forge.repoPath('caloron', 'widgets')]);
    expect(heads.stdout).toContain(`refs/heads/caloron/${SPRINT}/${TASK}`);
  });

  it('opens a PR from that branch that closes the issue', async () => {
    const pulls = await forge.client.listPulls({ state: 'all' });
    const pull = pulls.find((candidate) => candidate.head.ref === `caloron/${SPRINT}/${TASK}`);
    expect(pull?.base.ref).toBe('main');
    expect(pull?.body).toMatch(new RegExp(`Closes #${issue}\\b`));
  });

  it("works in <root>/<sprint>/<task>/developer, on the task's branch", async () => {
    const worktree = join(shell.worktreeRoot, SPRINT, TASK, 'developer');
    const head = await execa('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: worktree });
    expect(head.stdout).toBe(`caloron/${SPRINT}/${TASK}`);
  });

  it('posts its caloron_feedback comment on the issue', async () => {
    const comments = await forge.client.listIssueComments(issue);
    expect(comments.map((comment) => comment.body).join('\n')).toMatch(/caloron_feedback:\n\s+task_id: t1/);
  });

  it('reports a finished agent in /status as not alive, with its exit code', async () => {
    const status = await shell.call('GET', `/status?sprint_id=${SPRINT}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      ok: true,
      agents: expect.arrayContaining([
        expect.objectContaining({ agent_id: 'dev-1', alive: false, exit_code: 0, status: 'done' }),
      ]) as unknown,
    });
  });

  describe('then the stub reviewer on its PR', () => {
    let reviewer: AgentRecord;
    let pullNumber: number;

    beforeAll(async () => {
      const pulls = await forge.client.listPulls({ state: 'all' });
      pullNumber = pulls.find((pull) => pull.head.ref === `caloron/${SPRINT}/${TASK}`)?.number ?? 0;
      const spawned = await shell.call('POST', '/spawn', {
        sprint_id: SPRINT,
        task_id: TASK,
        agent_id: 'rev-1',
        role: 'reviewer',
        framework: 'stub',
        repo: forge.config.repo,
        issue_number: issue,
        pr_number: pullNumber,
      });
      expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
      reviewer = await shell.record(SPRINT, 'rev-1', ended);
    }, 90_000);

    it('ends done and leaves its review on the forge', async () => {
      expect(reviewer).toMatchObject({ role: 'reviewer', status: 'done', exit_code: 0 });
      const reviews = await forge.client.listReviews(pullNumber);
      expect(reviews.map((review) => review.state)).toContain('APPROVED');
    });

    it("works in <root>/<sprint>/<task>/reviewer, detached at the PR's head", async () => {
      const worktree = join(shell.worktreeRoot, SPRINT, TASK, 'reviewer');
      const pull = await forge.client.getPull(pullNumber);
      expect((await execa('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: worktree })).stdout).toBe(
        'HEAD',
      );
      expect((await execa('git', ['rev-parse', 'HEAD'], { cwd: worktree })).stdout).toBe(pull.head.sha);
    });

    it('keeps the developer record beside its own in the same file', () => {
      expect(Object.keys(shell.agents(SPRINT)?.agents ?? {}).sort()).toEqual(['dev-1', 'rev-1']);
    });
  });
});
