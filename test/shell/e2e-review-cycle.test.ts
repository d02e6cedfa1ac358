// A review cycle through the shell (CALORON §6, §7): the stub reviewer told to request
// changes once does so; the developer spawned again for the same task continues the
// existing remote branch and updates the same PR; the reviewer spawned again approves.
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../schemas/generated/types.js';
import { ENV, type ForgeRepo, forgeRepo } from '../stages/github/local-forge.js';
import { type ShellUnderTest, shellUnderTest } from './e2e-harness.js';

const SPRINT = 's2';
const TASK = 'parser';
const BRANCH = `caloron/${SPRINT}/${TASK}`;

let forge: ForgeRepo;
let shell: ShellUnderTest;
let issue: number;

beforeAll(async () => {
  forge = await forgeRepo('cycle');
  issue = (await forge.client.createIssue({ title: 'Write the parser', body: 'Parse it.' })).number;
  shell = await shellUnderTest({ forge: forge.config, env: ENV, stub: { request_changes_once: true } });
});

/** Spawns an agent and waits for its process to have ended, the exit code recorded. */
async function run(agentId: string, role: 'developer' | 'reviewer', prNumber?: number): Promise<AgentRecord> {
  const before = shell.agents(SPRINT)?.agents[agentId]?.started_at;
  const spawned = await shell.call('POST', '/spawn', {
    sprint_id: SPRINT,
    task_id: TASK,
    agent_id: agentId,
    role,
    framework: 'stub',
    repo: forge.config.repo,
    issue_number: issue,
    ...(prNumber === undefined ? {} : { pr_number: prNumber }),
  });
  expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
  return shell.record(
    SPRINT,
    agentId,
    (record) => record.started_at !== before && record.exit_code !== null && record.status !== 'running',
  );
}

const remoteHead = async () =>
  (
    await execa('git', ['ls-remote', forge.forge.repoPath('caloron', 'cycle'), `refs/heads/${BRANCH}`])
  ).stdout.split('\t')[0];

describe('a review that requests changes once', () => {
  let pull = 0;
  let firstHead: string | undefined;

  beforeAll(async () => {
    expect(await run('dev-1', 'developer')).toMatchObject({ status: 'done', exit_code: 0 });
    firstHead = await remoteHead();
    pull =
      (await forge.client.listPulls({ state: 'all' })).find((candidate) => candidate.head.ref === BRANCH)
        ?.number ?? 0;
  }, 90_000);

  it('is a changes-requested review from the first reviewer run', async () => {
    expect(await run('rev-1', 'reviewer', pull)).toMatchObject({ status: 'done', exit_code: 0 });
    const reviews = await forge.client.listReviews(pull);
    expect(reviews.map((review) => review.state)).toEqual(['CHANGES_REQUESTED']);
  }, 90_000);

  it('sends the developer back to the same branch and PR, one commit further', async () => {
    expect(await run('dev-1', 'developer')).toMatchObject({ status: 'done', exit_code: 0 });
    const head = await remoteHead();
    expect(head).not.toBe(firstHead);
    const ancestry = await execa('git', ['merge-base', '--is-ancestor', firstHead ?? '', head ?? ''], {
      cwd: forge.forge.repoPath('caloron', 'cycle'),
      reject: false,
    });
    expect(ancestry.exitCode).toBe(0);
    const pulls = (await forge.client.listPulls({ state: 'all' })).filter(
      (candidate) => candidate.head.ref === BRANCH,
    );
    expect(pulls.map((candidate) => [candidate.number, candidate.head.sha])).toEqual([[pull, head]]);
  }, 90_000);

  it('ends with an approval from the second reviewer run', async () => {
    expect(await run('rev-1', 'reviewer', pull)).toMatchObject({ status: 'done', exit_code: 0 });
    const reviews = await forge.client.listReviews(pull);
    expect(reviews.map((review) => review.state)).toEqual(['CHANGES_REQUESTED', 'APPROVED']);
  }, 90_000);
});
