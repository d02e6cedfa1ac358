// The forge as octokit sees it (the GitHub adapter is octokit): `baseUrl` is the forge's
// URL, `paginate` follows the Link headers to the end, a merge through octokit lands on
// main, and the retry plugin rides out injected 5xx answers.
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { testForge } from './forge-harness.js';
import { pushBranch } from './git-work.js';

const RetryingOctokit = Octokit.plugin(retry);
// Octokit logs every failed request; the failures here are the point of the tests.
const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('octokit against the forge', () => {
  it('creates, paginates to the end, and merges through octokit', async () => {
    const { forge } = await testForge({ token: 'tok' });
    const octokit = new Octokit({ baseUrl: forge.url, auth: 'tok', log });
    const { data: repo } = await octokit.rest.repos.createForAuthenticatedUser({ name: 'demo' });
    for (let n = 1; n <= 7; n += 1) {
      await octokit.rest.issues.create({
        owner: 'caloron',
        repo: 'demo',
        title: `t${n}`,
        labels: ['caloron:task'],
      });
    }
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'caloron',
      repo: 'demo',
      state: 'all',
      per_page: 3,
    });
    expect(all.map((issue) => issue.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    await pushBranch(repo.clone_url, 'caloron/s/t1', { 't1.txt': 'one\n' });
    const { data: pr } = await octokit.rest.pulls.create({
      owner: 'caloron',
      repo: 'demo',
      title: 'T1',
      head: 'caloron/s/t1',
      base: 'main',
      body: 'Closes #1',
    });
    await octokit.rest.pulls.createReview({
      owner: 'caloron',
      repo: 'demo',
      pull_number: pr.number,
      event: 'APPROVE',
    });
    const { data: merge } = await octokit.rest.pulls.merge({
      owner: 'caloron',
      repo: 'demo',
      pull_number: pr.number,
    });
    expect(merge.merged).toBe(true);
    const { data: issue } = await octokit.rest.issues.get({
      owner: 'caloron',
      repo: 'demo',
      issue_number: 1,
    });
    expect(issue.state).toBe('closed');
  });

  it('surfaces a conflict as a 405 RequestError', async () => {
    const { forge } = await testForge();
    const octokit = new Octokit({ baseUrl: forge.url, log });
    const { data: repo } = await octokit.rest.repos.createForAuthenticatedUser({ name: 'demo' });
    await pushBranch(repo.clone_url, 'a', { 'README.md': 'a\n' });
    await pushBranch(repo.clone_url, 'b', { 'README.md': 'b\n' });
    await octokit.rest.pulls.create({ owner: 'caloron', repo: 'demo', title: 'a', head: 'a', base: 'main' });
    await octokit.rest.pulls.create({ owner: 'caloron', repo: 'demo', title: 'b', head: 'b', base: 'main' });
    await octokit.rest.pulls.merge({ owner: 'caloron', repo: 'demo', pull_number: 1 });
    await expect(
      octokit.rest.pulls.merge({ owner: 'caloron', repo: 'demo', pull_number: 2 }),
    ).rejects.toMatchObject({
      status: 405,
    });
  });

  it('retries through injected 5xx answers with the retry plugin', async () => {
    const { forge } = await testForge();
    const octokit = new RetryingOctokit({ baseUrl: forge.url, log, retry: { retryAfterBaseValue: 1 } });
    await octokit.rest.repos.createForAuthenticatedUser({ name: 'demo' });
    forge.setFaults([{ method: 'GET', path: '/repos/caloron/demo', status: 502, times: 2 }]);
    const { data } = await octokit.rest.repos.get({ owner: 'caloron', repo: 'demo' });
    expect(data.full_name).toBe('caloron/demo');
    expect(forge.faults()).toEqual([]);
  });
});
