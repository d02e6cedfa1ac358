// Pull requests on the forge with real git: branches pushed to the bare repository over
// the file system, PRs opened on them, merged into main by a real merge commit (or
// refused with 405 on a conflict), reviews, and the issue events a merge leaves.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { startLocalForge } from '../../forge/index.js';
import { call as callAt, field, items, testForge, type TestForge } from './forge-harness.js';
import { pushBranch } from './git-work.js';

async function withRepo(): Promise<TestForge & { remote: string }> {
  const forge = await testForge();
  const created = await forge.call('POST', '/user/repos', { name: 'demo' });
  return { ...forge, remote: field<string>(created, 'clone_url') };
}

const show = async (remote: string, ...args: string[]) =>
  (await execa('git', ['--git-dir', remote, 'show', ...args], { reject: false })).stdout;

describe('pull requests', () => {
  it('opens a PR on a pushed branch with head and base refs and shas', async () => {
    const { call, remote } = await withRepo();
    const sha = await pushBranch(remote, 'caloron/s1/a', { 'a.txt': 'A\n' });
    const pr = await call('POST', '/repos/caloron/demo/pulls', {
      title: 'Task A',
      head: 'caloron/s1/a',
      base: 'main',
      body: 'Closes #1',
    });
    expect(pr.status).toBe(201);
    expect(field<{ ref: string; sha: string }>(pr, 'head')).toMatchObject({ ref: 'caloron/s1/a', sha });
    expect(field<{ ref: string }>(pr, 'base').ref).toBe('main');
    expect(field(pr, 'merged')).toBe(false);
    expect(field(pr, 'mergeable')).toBe(true);
    expect(field(pr, 'commits')).toBe(1);
    expect(field(pr, 'additions')).toBe(1);
  });

  it('refuses a PR whose head branch does not exist with 422', async () => {
    const { call } = await withRepo();
    const pr = await call('POST', '/repos/caloron/demo/pulls', { title: 'x', head: 'nope', base: 'main' });
    expect(pr.status).toBe(422);
    expect(field<Array<{ field: string }>>(pr, 'errors')[0]?.field).toBe('head');
  });

  it('refuses a PR whose head brings no commits over the base with 422', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    await call('PUT', '/repos/caloron/demo/pulls/1/merge');
    const again = await call('POST', '/repos/caloron/demo/pulls', {
      title: 'again',
      head: 'a',
      base: 'main',
    });
    expect(again.status).toBe(422);
    expect(field<Array<{ message: string }>>(again, 'errors')[0]?.message).toBe(
      'No commits between main and a',
    );
  });

  it('refuses a second open PR for the same head and base with 422', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'b', { 'b.txt': 'B\n' });
    expect(
      (await call('POST', '/repos/caloron/demo/pulls', { title: '1', head: 'b', base: 'main' })).status,
    ).toBe(201);
    expect(
      (await call('POST', '/repos/caloron/demo/pulls', { title: '2', head: 'b', base: 'main' })).status,
    ).toBe(422);
  });

  it('shares the issue number sequence and appears in the issue list with a pull_request key', async () => {
    const { call, remote } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'task' });
    await pushBranch(remote, 'b', { 'b.txt': 'B\n' });
    expect(
      field(
        await call('POST', '/repos/caloron/demo/pulls', { title: 'pr', head: 'b', base: 'main' }),
        'number',
      ),
    ).toBe(2);
    const listed = items(await call('GET', '/repos/caloron/demo/issues?direction=asc'));
    expect(listed.map((issue) => 'pull_request' in issue)).toEqual([false, true]);
  });

  it('lists PRs by state and follows the head when the branch moves', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'one', { '1.txt': '1\n' });
    await pushBranch(remote, 'two', { '2.txt': '2\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'one', head: 'one', base: 'main' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'two', head: 'two', base: 'main' });
    await call('PATCH', '/repos/caloron/demo/pulls/1', { state: 'closed' });
    const titles = async (query: string) =>
      items(await call('GET', `/repos/caloron/demo/pulls${query}`)).map((p) => p.title);
    expect(await titles('')).toEqual(['two']);
    expect(await titles('?state=closed')).toEqual(['one']);
    expect(await titles('?state=all')).toEqual(['two', 'one']);
    expect(await titles('?state=all&direction=asc')).toEqual(['one', 'two']);
    const moved = await pushBranch(remote, 'two', { '2.txt': '2 again\n' }, 'two');
    expect(field<{ sha: string }>(await call('GET', '/repos/caloron/demo/pulls/2'), 'head').sha).toBe(moved);
  });
});

describe('merging', () => {
  it('merges a PR with a real merge commit on main and closes the issue it names', async () => {
    const { call, remote } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'Task A' });
    const head = await pushBranch(remote, 'caloron/s1/a', { 'a.txt': 'from A\n' });
    await call('POST', '/repos/caloron/demo/pulls', {
      title: 'A',
      head: 'caloron/s1/a',
      base: 'main',
      body: 'Fixes #1',
    });

    const merged = await call('PUT', '/repos/caloron/demo/pulls/2/merge');
    expect(merged.status).toBe(200);
    expect(field(merged, 'merged')).toBe(true);
    const sha = field<string>(merged, 'sha');
    expect(await show(remote, 'main:a.txt')).toBe('from A');
    expect((await show(remote, '--no-patch', '--format=%P', sha)).split(' ')).toHaveLength(2);
    expect((await show(remote, '--no-patch', '--format=%P', sha)).split(' ')).toContain(head);

    const pr = await call('GET', '/repos/caloron/demo/pulls/2');
    expect(field(pr, 'merged')).toBe(true);
    expect(field(pr, 'state')).toBe('closed');
    expect(field(pr, 'merged_at')).not.toBeNull();
    expect(field(pr, 'merge_commit_sha')).toBe(sha);
    expect(field(await call('GET', '/repos/caloron/demo/issues/1'), 'state')).toBe('closed');
    const prEvents = items(await call('GET', '/repos/caloron/demo/issues/2/events')).map((e) => e.event);
    expect(prEvents).toEqual(['merged', 'closed']);
    const issueEvents = items(await call('GET', '/repos/caloron/demo/issues/1/events'));
    expect(issueEvents.map((e) => [e.event, e.commit_id])).toEqual([['closed', sha]]);
  });

  it('answers 405 on a conflict and leaves the PR open and main unchanged', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'left', { 'same.txt': 'left\n' });
    await pushBranch(remote, 'right', { 'same.txt': 'right\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'left', head: 'left', base: 'main' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'right', head: 'right', base: 'main' });
    expect((await call('PUT', '/repos/caloron/demo/pulls/1/merge')).status).toBe(200);
    const mainBefore = await show(remote, '--no-patch', '--format=%H', 'main');
    expect(field(await call('GET', '/repos/caloron/demo/pulls/2'), 'mergeable')).toBe(false);

    const refused = await call('PUT', '/repos/caloron/demo/pulls/2/merge', {});
    expect(refused.status).toBe(405);
    expect(field(refused, 'message')).toBe('Pull Request is not mergeable');
    expect(field(await call('GET', '/repos/caloron/demo/pulls/2'), 'state')).toBe('open');
    expect(await show(remote, '--no-patch', '--format=%H', 'main')).toBe(mainBefore);
    expect(await show(remote, 'main:same.txt')).toBe('left');
  });

  it('answers 405 when the PR is already merged or closed', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await pushBranch(remote, 'b', { 'b.txt': 'b\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'b', head: 'b', base: 'main' });
    expect((await call('PUT', '/repos/caloron/demo/pulls/1/merge')).status).toBe(200);
    expect((await call('PUT', '/repos/caloron/demo/pulls/1/merge')).status).toBe(405);
    expect((await call('PATCH', '/repos/caloron/demo/issues/1', { state: 'open' })).status).toBe(422);
    expect((await call('PATCH', '/repos/caloron/demo/pulls/1', { state: 'open' })).status).toBe(422);
    await call('PATCH', '/repos/caloron/demo/pulls/2', { state: 'closed' });
    expect((await call('PUT', '/repos/caloron/demo/pulls/2/merge')).status).toBe(405);
  });

  it('answers 409 when the given sha is not the head any more', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    expect((await call('PUT', '/repos/caloron/demo/pulls/1/merge', { sha: '0'.repeat(40) })).status).toBe(
      409,
    );
  });

  it('merges two PRs on different files one after the other, both files on main', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'b', { 'b.txt': 'B\n' });
    await pushBranch(remote, 'c', { 'c.txt': 'C\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'b', head: 'b', base: 'main' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'c', head: 'c', base: 'main' });
    const both = await Promise.all([
      call('PUT', '/repos/caloron/demo/pulls/1/merge'),
      call('PUT', '/repos/caloron/demo/pulls/2/merge'),
    ]);
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await show(remote, 'main:b.txt')).toBe('B');
    expect(await show(remote, 'main:c.txt')).toBe('C');
  });
});

describe('reviews', () => {
  it('records APPROVE, REQUEST_CHANGES and COMMENT as GitHub’s review states, in order', async () => {
    const { call, remote } = await withRepo();
    const head = await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    const changes = await call('POST', '/repos/caloron/demo/pulls/1/reviews', {
      event: 'REQUEST_CHANGES',
      body: 'fix it',
    });
    expect(changes.status).toBe(200);
    expect(field(changes, 'state')).toBe('CHANGES_REQUESTED');
    expect(field(changes, 'commit_id')).toBe(head);
    await call('POST', '/repos/caloron/demo/pulls/1/reviews', { event: 'COMMENT', body: 'hmm' });
    await call('POST', '/repos/caloron/demo/pulls/1/reviews', { event: 'APPROVE' });
    const states = items(await call('GET', '/repos/caloron/demo/pulls/1/reviews')).map((r) => r.state);
    expect(states).toEqual(['CHANGES_REQUESTED', 'COMMENTED', 'APPROVED']);
  });

  it('refuses an unknown review event, and REQUEST_CHANGES without a body, with 422', async () => {
    const { call, remote } = await withRepo();
    await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    expect((await call('POST', '/repos/caloron/demo/pulls/1/reviews', { event: 'LGTM' })).status).toBe(422);
    expect(
      (await call('POST', '/repos/caloron/demo/pulls/1/reviews', { event: 'REQUEST_CHANGES' })).status,
    ).toBe(422);
  });

  it('answers 404 for reviews of an issue that is not a PR', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'plain' });
    expect((await call('GET', '/repos/caloron/demo/pulls/1/reviews')).status).toBe(404);
  });
});

describe('pull requests across a restart', () => {
  it('keeps merged PRs, reviews and the merged file after the forge restarts on its folder', async () => {
    const { call, remote, forge } = await withRepo();
    await pushBranch(remote, 'a', { 'a.txt': 'a\n' });
    await call('POST', '/repos/caloron/demo/pulls', { title: 'a', head: 'a', base: 'main' });
    await call('POST', '/repos/caloron/demo/pulls/1/reviews', { event: 'APPROVE' });
    await call('PUT', '/repos/caloron/demo/pulls/1/merge');
    await forge.close();
    const again = await startLocalForge({ dir: forge.dir });
    try {
      const pr = await callAt(again.url, 'GET', '/repos/caloron/demo/pulls/1');
      expect(field(pr, 'merged')).toBe(true);
      expect(items(await callAt(again.url, 'GET', '/repos/caloron/demo/pulls/1/reviews'))).toHaveLength(1);
      expect(await show(remote, 'main:a.txt')).toBe('a');
    } finally {
      await again.close();
    }
  });
});
