// An agent's side of the forge, for tests: clone a repository's bare folder, commit files
// on a branch and push it back, as the harness does over the file system.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { tempProject } from '../temp-project.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Agent',
  GIT_AUTHOR_EMAIL: 'agent@example.test',
  GIT_COMMITTER_NAME: 'Agent',
  GIT_COMMITTER_EMAIL: 'agent@example.test',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: IDENTITY })).stdout;
}

/** Clones `remote`, commits `files` on a new `branch` from `from`, and pushes the branch. */
export async function pushBranch(
  remote: string,
  branch: string,
  files: Record<string, string>,
  from = 'main',
): Promise<string> {
  const work = join(tempProject({}, 'forge-clone-'), 'work');
  await execa('git', ['clone', '--quiet', remote, work]);
  await git(work, 'checkout', '--quiet', '-b', branch, `origin/${from}`);
  for (const [path, text] of Object.entries(files)) await writeFile(join(work, path), text);
  await git(work, 'add', '.');
  await git(work, 'commit', '--quiet', '-m', `work on ${branch}`);
  await git(work, 'push', '--quiet', 'origin', branch);
  return git(work, 'rev-parse', 'HEAD');
}
