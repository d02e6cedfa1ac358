// The forge reads branch heads from the bare repository's ref files (forge/git.ts
// branchShas) instead of running git per pull request: it must agree with git on loose
// refs, packed refs, a loose ref that overrides a stale packed one, and missing branches.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { branchSha, branchShas, initBareRepository } from '../../forge/git.js';
import { tempProject } from '../temp-project.js';

async function repoWithBranches(): Promise<{ repo: string; commit: (ref: string) => Promise<string> }> {
  const repo = join(tempProject({}, 'forge-refs-'), 'r.git');
  await initBareRepository(repo, 'main', 'hello\n');
  const git = async (args: string[], input?: string) =>
    (
      await execa('git', ['--git-dir', repo, ...args], {
        ...(input === undefined ? {} : { input }),
        env: {
          GIT_AUTHOR_NAME: 'T',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 'T',
          GIT_COMMITTER_EMAIL: 't@e',
        },
      })
    ).stdout.trim();
  const commit = async (ref: string) => {
    const tree = await git(
      ['mktree'],
      `100644 blob ${await git(['hash-object', '-w', '--stdin'], ref)}\tf\n`,
    );
    const sha = await git(['commit-tree', tree, '-m', ref]);
    await git(['update-ref', `refs/heads/${ref}`, sha]);
    return sha;
  };
  return { repo, commit };
}

describe('branchShas', () => {
  it('agrees with git on loose, packed, re-pointed and missing branches', async () => {
    const { repo, commit } = await repoWithBranches();
    await commit('caloron/s1/a');
    await commit('caloron/s1/b');
    await execa('git', ['--git-dir', repo, 'pack-refs', '--all']);
    // Moved after packing: the loose file is newer than the packed line, and wins.
    await commit('caloron/s1/b');
    await commit('caloron/s1/c');
    const names = ['main', 'caloron/s1/a', 'caloron/s1/b', 'caloron/s1/c', 'caloron/s1/gone', '../../HEAD'];
    const shas = await branchShas(repo, names);
    for (const name of names) expect([name, shas.get(name)]).toEqual([name, await branchSha(repo, name)]);
    expect(shas.get('caloron/s1/gone')).toBeNull();
    expect(shas.get('caloron/s1/c')).toMatch(/^[0-9a-f]{40}$/);
  });
});
