// github_merge_pr on the local forge, with real git: a merge puts the branch's file on main;
// a conflicting pull request fails clearly and stays open; an already merged one is success.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubMergePr } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from './forge-fixture.js';

let fx: ForgeFixture;
beforeAll(async () => {
  fx = await startForgeFixture();
});
afterAll(() => fx.close());

function merge(pr_number: number) {
  return callStage(githubMergePr, { ...fx.config, pr_number }, { env: fx.env }) as Promise<{
    merged: true;
    sha: string | null;
  }>;
}

async function onMain(file: string): Promise<string> {
  const [owner = '', name = ''] = fx.config.repo.split('/');
  const { stdout } = await execa('git', ['show', `main:${file}`], { cwd: fx.forge.repoPath(owner, name) });
  return stdout;
}

describe('github_merge_pr', () => {
  it('merges the pull request: its file is on main and the merge commit is returned', async () => {
    const pr = await fx.openPull('caloron/s1/a', 'a.txt', 'from a\n');
    const result = await merge(pr);
    expect(result.merged).toBe(true);
    expect(await onMain('a.txt')).toBe('from a');
    const pull = await fx.client.getPull(pr);
    expect(pull.merged).toBe(true);
    expect(result.sha).toBe(pull.merge_commit_sha);
  });

  it('counts a pull request already merged as merged (a retried merge)', async () => {
    const pr = await fx.openPull('caloron/s1/b', 'b.txt', 'from b\n');
    const first = await merge(pr);
    expect(await merge(pr)).toEqual(first);
  });

  it('fails clearly on a conflict, and the pull request stays open', async () => {
    const first = await fx.openPull('caloron/s1/c1', 'same.txt', 'one\n');
    const second = await fx.openPull('caloron/s1/c2', 'same.txt', 'two\n');
    await merge(first);
    const error: unknown = await merge(second).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'NOE_FORGE_FAILED', details: { status: 405, pr_number: second } });
    expect((error as Error).message).toMatch(
      new RegExp(`pull request #${second} .* cannot be merged .* stays open`),
    );
    const pull = await fx.client.getPull(second);
    expect([pull.state, pull.merged]).toEqual(['open', false]);
    expect(await onMain('same.txt')).toBe('one');
  });
});
