// The forge's git side: bare repositories that agents clone and push to over the file
// system, read and merged with plumbing only (no work tree, no index), so a merge never
// touches a checkout and two repositories never share state. A merge is GitHub's default
// "merge commit": `git merge-tree --write-tree` (git ≥ 2.38) computes the merged tree or
// reports a conflict, `commit-tree` makes the two-parent commit, and `update-ref` moves
// the base branch only if it still points where the merge started (compare and swap).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { execa } from 'execa';

/** The forge commits as itself; agents' commits keep their own authors. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Caloron Forge',
  GIT_AUTHOR_EMAIL: 'forge@caloron.local',
  GIT_COMMITTER_NAME: 'Caloron Forge',
  GIT_COMMITTER_EMAIL: 'forge@caloron.local',
};

async function git(repo: string, args: string[], input?: string): Promise<string> {
  const result = await execa('git', ['--git-dir', repo, ...args], {
    env: IDENTITY,
    ...(input === undefined ? {} : { input }),
    stripFinalNewline: true,
  });
  return result.stdout;
}

/**
 * A bare repository whose `branch` holds one commit with a README (GitHub's auto_init).
 * A repository already at that path with that branch (a forge.json lost beside its git
 * folder) is adopted as it is: its history is never overwritten.
 */
export async function initBareRepository(repo: string, branch: string, readme: string): Promise<void> {
  await mkdir(dirname(repo), { recursive: true });
  await execa('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, repo]);
  if ((await branchSha(repo, branch)) !== null) return;
  const blob = await git(repo, ['hash-object', '-w', '--stdin'], readme);
  const tree = await git(repo, ['mktree'], `100644 blob ${blob}\tREADME.md\n`);
  const commit = await git(repo, ['commit-tree', tree, '-m', 'Initial commit']);
  // The empty old value makes update-ref refuse if the branch appeared meanwhile.
  await git(repo, ['update-ref', `refs/heads/${branch}`, commit, '']);
}

/** The commit a branch points at, or null when the branch does not exist. */
export async function branchSha(repo: string, branch: string): Promise<string | null> {
  const result = await execa(
    'git',
    ['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
    {
      reject: false,
    },
  );
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/**
 * The commit of each of `branches` (null: no such branch), read from the repository's ref
 * files: a loose `refs/heads/<branch>` file, else its line in `packed-refs`, which is
 * where git itself looks. A listing of pull requests needs the heads of a whole page, and
 * a git process per pull request (or even one per page) cost more than the rest of the
 * request. Anything this reader does not handle (a symbolic ref, the reftable format, a
 * name that is not a plain branch path) is asked of git.
 */
export async function branchShas(
  repo: string,
  branches: readonly string[],
): Promise<Map<string, string | null>> {
  const shas = new Map<string, string | null>();
  let packed: Promise<Map<string, string>> | undefined;
  const reftable = await stat(join(repo, 'reftable')).then(
    () => true,
    () => false,
  );
  await Promise.all(
    [...new Set(branches)].map(async (branch) => {
      if (reftable || !PLAIN_BRANCH.test(branch) || branch.split('/').includes('..')) {
        shas.set(branch, await branchSha(repo, branch));
        return;
      }
      const loose = await readFile(join(repo, 'refs', 'heads', branch), 'utf8').catch(() => undefined);
      if (loose !== undefined && SHA.test(loose.trim())) {
        shas.set(branch, loose.trim());
        return;
      }
      if (loose !== undefined) {
        shas.set(branch, await branchSha(repo, branch));
        return;
      }
      packed ??= packedRefs(repo);
      shas.set(branch, (await packed).get(`refs/heads/${branch}`) ?? null);
    }),
  );
  return shas;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const PLAIN_BRANCH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

async function packedRefs(repo: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const text = await readFile(join(repo, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const [sha, name] = line.split(' ');
    if (sha !== undefined && name !== undefined && SHA.test(sha)) refs.set(name, sha);
  }
  return refs;
}

export type MergeOutcome = { merged: true; sha: string } | { merged: false; conflict: true };

/** Merges `head` into `base` with a merge commit; a conflict changes nothing. */
export async function mergeBranches(
  repo: string,
  base: string,
  headSha: string,
  message: string,
): Promise<MergeOutcome> {
  const baseSha = await branchSha(repo, base);
  if (baseSha === null) return { merged: false, conflict: true };
  const tree = await execa(
    'git',
    ['--git-dir', repo, 'merge-tree', '--write-tree', '--no-messages', baseSha, headSha],
    {
      reject: false,
    },
  );
  if (tree.exitCode !== 0) return { merged: false, conflict: true };
  const treeId = tree.stdout.split('\n')[0] ?? '';
  const sha = await git(repo, ['commit-tree', treeId, '-p', baseSha, '-p', headSha, '-m', message]);
  await git(repo, ['update-ref', `refs/heads/${base}`, sha, baseSha]);
  return { merged: true, sha };
}

/** Whether `head` merges cleanly into `base` (GitHub's `mergeable`). */
export async function canMerge(repo: string, base: string, headSha: string): Promise<boolean> {
  const baseSha = await branchSha(repo, base);
  if (baseSha === null) return false;
  const tree = await execa(
    'git',
    ['--git-dir', repo, 'merge-tree', '--write-tree', '--no-messages', baseSha, headSha],
    {
      reject: false,
    },
  );
  return tree.exitCode === 0;
}

export interface DiffStats {
  commits: number;
  additions: number;
  deletions: number;
  changed_files: number;
}

/** What a PR brings: commits and line counts from the merge base to the head. */
export async function diffStats(repo: string, baseRef: string, headSha: string): Promise<DiffStats> {
  const baseSha = await branchSha(repo, baseRef);
  if (baseSha === null) return { commits: 0, additions: 0, deletions: 0, changed_files: 0 };
  const count = await git(repo, ['rev-list', '--count', `${baseSha}..${headSha}`]);
  const numstat = await git(repo, ['diff', '--numstat', `${baseSha}...${headSha}`]);
  const stats = { commits: Number(count), additions: 0, deletions: 0, changed_files: 0 };
  for (const line of numstat.split('\n').filter(Boolean)) {
    const [added, deleted] = line.split('\t');
    stats.changed_files += 1;
    stats.additions += Number(added) || 0; // binary files show "-"
    stats.deletions += Number(deleted) || 0;
  }
  return stats;
}

export interface CommitFacts {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

const FIELD = '%x1f';
const RECORD = '%x1e';

/** The commits reachable from a branch, newest first (`git log` order). */
export async function listCommits(repo: string, branch: string): Promise<CommitFacts[]> {
  if ((await branchSha(repo, branch)) === null) return [];
  const format = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join(FIELD) + RECORD;
  const out = await git(repo, ['log', `--format=${format}`, `refs/heads/${branch}`]);
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [
        sha = '',
        tree = '',
        parents = '',
        an = '',
        ae = '',
        ad = '',
        cn = '',
        ce = '',
        cd = '',
        message = '',
      ] = record.split('\x1f');
      return {
        sha,
        tree,
        parents: parents.split(' ').filter(Boolean),
        author: { name: an, email: ae, date: utc(ad) },
        committer: { name: cn, email: ce, date: utc(cd) },
        message: message.trimEnd(),
      };
    });
}

const LANGUAGES: Record<string, string> = {
  '.ts': 'TypeScript',
  '.tsx': 'TypeScript',
  '.js': 'JavaScript',
  '.mjs': 'JavaScript',
  '.cjs': 'JavaScript',
  '.py': 'Python',
  '.rs': 'Rust',
  '.go': 'Go',
  '.java': 'Java',
  '.rb': 'Ruby',
  '.c': 'C',
  '.h': 'C',
  '.cpp': 'C++',
  '.cs': 'C#',
  '.sh': 'Shell',
  '.html': 'HTML',
  '.css': 'CSS',
};

/** Bytes per language on a branch, by file extension (a small cousin of linguist). */
export async function languageBytes(repo: string, branch: string): Promise<Record<string, number>> {
  if ((await branchSha(repo, branch)) === null) return {};
  const out = await git(repo, ['ls-tree', '-r', '-l', `refs/heads/${branch}`]);
  const bytes: Record<string, number> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [meta = '', path = ''] = line.split('\t');
    const language = LANGUAGES[extname(path).toLowerCase()];
    const size = Number(meta.trim().split(/\s+/)[3]);
    if (language !== undefined && Number.isFinite(size)) bytes[language] = (bytes[language] ?? 0) + size;
  }
  return bytes;
}

function utc(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
