// End to end: the GitHub adapter against the embedded local forge (forge/), over real
// HTTP with a token, real git branches pushed to the forge's bare repository, and lists
// long enough to need a second page.
import { beforeAll, describe, expect, it } from 'vitest';
import { openForgeClient, type ForgeClient } from '../../../../stages/github/client/index.js';
import { testForge, type TestForge } from '../../../forge/forge-harness.js';
import { pushBranch } from '../../../forge/git-work.js';

const TOKEN = 'local-forge-token';

describe('GitHub adapter against the embedded forge', () => {
  let forge: TestForge;
  let client: ForgeClient;
  beforeAll(async () => {
    forge = await testForge({ token: TOKEN });
    const created = await forge.call(
      'POST',
      '/user/repos',
      { name: 'demo' },
      { authorization: `token ${TOKEN}` },
    );
    expect(created.status).toBe(201);
    client = openForgeClient(
      { repo: 'caloron/demo', host: forge.forge.url, token_env: 'FORGE_TOKEN' },
      { env: { FORGE_TOKEN: TOKEN } },
    );
  });

  it('reads the repository, its commits and languages', async () => {
    const repo = await client.getRepo();
    expect(repo).toMatchObject({ full_name: 'caloron/demo', default_branch: 'main' });
    const commits = await client.listCommits();
    expect(commits[0]?.message).toBe('Initial commit');
    expect(commits[0]?.date).toBeInstanceOf(Date);
    expect(typeof (await client.getLanguages())).toBe('object');
  });

  it('is refused without the token', async () => {
    const anonymous = openForgeClient(
      { repo: 'caloron/demo', host: forge.forge.url, token_env: 'UNSET' },
      { env: {} },
    );
    await expect(anonymous.getRepo()).rejects.toMatchObject({
      code: 'NOE_FORGE_FAILED',
      details: { status: 401 },
    });
  });

  it('creates an issue with labels it creates on demand, labels it again, and comments on it', async () => {
    const issue = await client.createIssue({
      title: 'Task t1',
      body: '<!-- caloron:task sprint=s1 task=t1 -->',
      labels: ['caloron:task'],
    });
    expect(issue).toMatchObject({ title: 'Task t1', state: 'open', labels: ['caloron:task'] });
    expect(issue.created_at).toBeInstanceOf(Date);
    expect(await client.addLabels(issue.number, ['caloron:in-progress'])).toEqual([
      'caloron:task',
      'caloron:in-progress',
    ]);
    const labels = await forge.call('GET', '/repos/caloron/demo/labels', undefined, {
      authorization: `token ${TOKEN}`,
    });
    expect((labels.body as Array<{ name: string; color: string }>).map((l) => [l.name, l.color])).toEqual([
      ['caloron:task', 'ededed'],
      ['caloron:in-progress', 'ededed'],
    ]);
    const comment = await client.createComment(issue.number, 'starting');
    expect(comment).toMatchObject({ issue_number: issue.number, body: 'starting', user: 'caloron' });
    expect((await client.listIssueComments(issue.number)).map((c) => c.id)).toEqual([comment.id]);
    const events = await client.listIssueEvents(issue.number);
    expect(events.filter((e) => e.event === 'labeled').map((e) => e.label)).toContain('caloron:in-progress');
    const closed = await client.updateIssue(issue.number, { state: 'closed' });
    expect(closed.closed_at).toBeInstanceOf(Date);
  });

  it('lists every page of issues and repository comments', async () => {
    const before = await client.listIssues({ state: 'all' });
    for (let i = 0; i < 101; i += 1)
      await client.createIssue({ title: `bulk ${i}`, labels: i % 2 === 0 ? ['bulk'] : [] });
    const all = await client.listIssues({ state: 'all' });
    expect(all).toHaveLength(before.length + 101);
    expect(new Set(all.map((issue) => issue.number)).size).toBe(all.length);
    expect(await client.listIssues({ state: 'open', labels: ['bulk'] })).toHaveLength(51);
    const target = all[all.length - 1]?.number ?? 0;
    for (let i = 0; i < 101; i += 1) await client.createComment(target, `c${i}`);
    expect((await client.listRepoComments()).filter((c) => c.issue_number === target)).toHaveLength(101);
  });

  it('opens, reviews and merges a pull request pushed with git, and refuses a conflicting one with 405', async () => {
    const remote = forge.forge.repoPath('caloron', 'demo');
    const head = await pushBranch(remote, 'caloron/s1/t1', { 'a.txt': 'one\n' });
    const pull = await client.createPull({
      title: 'Task t1',
      body: 'Closes #1',
      head: 'caloron/s1/t1',
      base: 'main',
    });
    expect(pull).toMatchObject({
      state: 'open',
      merged: false,
      head: { ref: 'caloron/s1/t1', sha: head },
      base: { ref: 'main' },
    });
    expect(pull.labels).toEqual([]);
    const review = await client.createReview(pull.number, { event: 'APPROVE', body: 'ok' });
    expect(review).toMatchObject({ state: 'APPROVED', body: 'ok' });
    expect((await client.listReviews(pull.number)).map((r) => r.id)).toEqual([review.id]);
    const merge = await client.mergePull(pull.number);
    expect(merge.sha).toMatch(/^[0-9a-f]{40}$/);
    const merged = await client.getPull(pull.number);
    expect(merged).toMatchObject({ state: 'closed', merged: true });
    expect(merged.merged_at).toBeInstanceOf(Date);

    await pushBranch(remote, 'left', { 'c.txt': 'left\n' });
    await pushBranch(remote, 'right', { 'c.txt': 'right\n' });
    const left = await client.createPull({ title: 'left', head: 'left', base: 'main' });
    const right = await client.createPull({ title: 'right', head: 'right', base: 'main' });
    await client.mergePull(left.number);
    await expect(client.mergePull(right.number)).rejects.toMatchObject({
      code: 'NOE_FORGE_FAILED',
      details: { status: 405 },
    });
    const listed = await client.listPulls({ state: 'all' });
    expect(listed.map((p) => p.number).sort((a, b) => a - b)).toEqual([
      pull.number,
      left.number,
      right.number,
    ]);
    expect(listed.find((p) => p.number === right.number)?.merged).toBe(false);
  });
});
