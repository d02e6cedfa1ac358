// The harness against the real embedded forge and a real heartbeat receiver, with the stub
// agent: what a developer and a reviewer leave on the forge, and the beats the shell gets.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHarness, resolveHarnessConfig } from '../../shell/harness/index.js';
import { feedbackItemOf } from '../../stages/github/feedback-block.js';
import { readMarker } from '../../stages/github/marker.js';
import { linkedIssueOf } from '../../stages/github/links.js';
import type { HarnessConfig } from '../../schemas/generated/types.js';
import { ENV, harnessWorld, SHELL_TOKEN, type World } from './harness-world.js';

const log = (): void => undefined;

function run(config: HarnessConfig) {
  return runHarness(resolveHarnessConfig(config), { env: ENV, signal: new AbortController().signal, log });
}

async function develop(world: World, extra: Partial<HarnessConfig> = {}) {
  return run(world.config('developer', await world.worktree('developer'), extra));
}

async function review(world: World, extra: Partial<HarnessConfig> = {}) {
  return run(world.config('reviewer', await world.worktree('reviewer'), extra));
}

describe('the harness, developer with the stub', () => {
  it('beats at start and ends with a final done beat carrying the shell token', async () => {
    const world = await harnessWorld();
    const outcome = await develop(world);
    expect(outcome.status).toBe('done');
    const statuses = world.beats.map((beat) => beat.body.status);
    expect(statuses[0]).toBe('running');
    expect(statuses.at(-1)).toBe('done');
    expect(statuses.filter((status) => status !== 'running')).toEqual(['done']);
    expect(world.beats.every((beat) => beat.token === SHELL_TOKEN)).toBe(true);
    expect(world.beats.at(-1)?.body).toMatchObject({ sprint_id: 's1', agent_id: 't1-dev', task_id: 't1' });
    expect(world.beats.at(-1)?.body.detail).toMatch(/PR #\d+ opened/);
  });

  it('pushes the task branch to the bare repository with a commit by caloron-agent-<agent_id>', async () => {
    const world = await harnessWorld();
    await develop(world);
    expect(await world.remoteRefs()).toMatch(/refs\/heads\/caloron\/s1\/t1$/m);
    const bare = world.forge.repoPath('caloron', 'demo');
    const { stdout } = await execa('git', [
      '--git-dir',
      bare,
      'log',
      '-1',
      '--format=%an|%s',
      'caloron/s1/t1',
    ]);
    expect(stdout).toBe(`caloron-agent-t1-dev|Add a greeting (#${world.issue})`);
  });

  it('opens a PR from the branch to main whose body closes the issue and carries the task marker', async () => {
    const world = await harnessWorld();
    await develop(world);
    const pulls = await world.client.listPulls({ state: 'open' });
    expect(pulls).toHaveLength(1);
    const [pull] = pulls;
    expect(pull?.base.ref).toBe('main');
    expect(linkedIssueOf(pull?.body)).toBe(world.issue);
    expect(readMarker(pull?.body)).toEqual({ kind: 'task', sprint_id: 's1', task_id: 't1' });
  });

  it('posts a caloron_feedback comment on the issue that the feedback reader parses', async () => {
    const world = await harnessWorld();
    await develop(world);
    const comments = await world.client.listIssueComments(world.issue);
    const items = comments
      .map((comment) => feedbackItemOf(world.issue, comment))
      .filter((item) => item !== null);
    expect(items).toHaveLength(1);
    expect(items[0]?.parsed).toMatchObject({
      task_id: 't1',
      agent_role: 'developer',
      self_assessment: 'completed',
      tools_used: ['stub'],
    });
  });

  it('writes caloron/<task_id>.md with the task title and prompt', async () => {
    const world = await harnessWorld();
    const worktree = await world.worktree('developer');
    await run(world.config('developer', worktree));
    const text = readFileSync(join(worktree, 'caloron/t1.md'), 'utf8');
    expect(text).toContain('# Add a greeting');
    expect(text).toContain('Write the greeting.');
  });

  it('after a changes-requested review, a second run updates the same PR and keeps its body', async () => {
    const world = await harnessWorld();
    await develop(world);
    const [first] = await world.client.listPulls({ state: 'open' });
    expect((await review(world, { stub: { request_changes_once: true } })).detail).toMatch(
      /requested changes/,
    );
    const again = await develop(world);
    expect(again).toMatchObject({ status: 'done' });
    expect(again.detail).toMatch(new RegExp(`PR #${first?.number} updated`));
    const pulls = await world.client.listPulls({ state: 'all' });
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.head.sha).not.toBe(first?.head.sha);
    expect(pulls[0]?.body).toBe(first?.body);
  });

  it('gives the framework the review text on the next cycle', async () => {
    const world = await harnessWorld();
    await develop(world);
    await review(world, { stub: { request_changes_once: true } });
    await develop(world);
    const bare = world.forge.repoPath('caloron', 'demo');
    const file = await execa('git', ['--git-dir', bare, 'show', 'caloron/s1/t1:caloron/t1.md']);
    expect(file.stdout).toMatch(/## Revision 1[\s\S]*Review feedback to address[\s\S]*please add a revision/);
  });
});

describe('the harness, reviewer with the stub', () => {
  it('approves the PR with a review', async () => {
    const world = await harnessWorld();
    await develop(world);
    const outcome = await review(world);
    expect(outcome).toMatchObject({ status: 'done' });
    const [pull] = await world.client.listPulls({ state: 'open' });
    const reviews = await world.client.listReviews(pull?.number ?? 0);
    expect(reviews.map((r) => r.state)).toEqual(['APPROVED']);
    expect(world.beats.at(-1)?.body).toMatchObject({ status: 'done', agent_id: 't1-rev' });
  });

  it('with request_changes_once requests changes the first time and approves the second', async () => {
    const world = await harnessWorld();
    await develop(world);
    await review(world, { stub: { request_changes_once: true } });
    await develop(world);
    await review(world, { stub: { request_changes_once: true } });
    const [pull] = await world.client.listPulls({ state: 'open' });
    const reviews = await world.client.listReviews(pull?.number ?? 0);
    expect(reviews.map((r) => r.state)).toEqual(['CHANGES_REQUESTED', 'APPROVED']);
    expect(reviews[0]?.body.trim()).not.toBe('');
  });

  it('fails when there is no pull request to review', async () => {
    const world = await harnessWorld();
    await develop(world); // pushes the branch so the reviewer's worktree can check it out
    const [pull] = await world.client.listPulls({ state: 'open' });
    await world.client.updatePull(pull?.number ?? 0, { state: 'closed' });
    const outcome = await review(world);
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/no open pull request for caloron\/s1\/t1/);
    expect(world.beats.at(-1)?.body).toMatchObject({ status: 'failed' });
  });

  it('finds the issue from the PR it reviews when harness.json gives none', async () => {
    const world = await harnessWorld();
    await develop(world);
    const [pull] = await world.client.listPulls({ state: 'open' });
    const outcome = await review(world, { issue_number: null, pr_number: pull?.number ?? 0 });
    expect(outcome).toEqual({ status: 'done', detail: `approved PR #${pull?.number}` });
  });
});

describe('the harness, developer without an issue', () => {
  it('fails, saying a developer needs its issue_number', async () => {
    const world = await harnessWorld();
    const outcome = await develop(world, { issue_number: null });
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/a developer needs the issue_number/);
    expect(await world.remoteRefs()).not.toContain('caloron/s1/t1');
  });
});
