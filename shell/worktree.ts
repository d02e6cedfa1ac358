// Git worktrees for agents (CALORON §6): one clone per repository under
// `<root>/.repos/<owner>/<repo>`, and one worktree per task and role under
// `<root>/<sprint_id>/<task_id>/<role>`. The developer works on `caloron/<sprint>/<task>`
// (from the remote branch when it exists, else from the default branch); the reviewer gets
// the same branch's fetched head, detached.
//
// Must never: build a path from an unchecked name, follow a symlink out of the root, put a
// token in a URL or in argv (credentialEnv's helper reads it from the environment by name),
// or run two git commands against one clone at once.
import { execa } from 'execa';
import { existsSync, lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { NoetherError } from '../engine/errors.js';
import { ID_PATTERN } from '../schemas/index.js';
import { taskBranch } from '../stages/github/links.js';
import { credentialEnv } from './harness/index.js';

const REPO_PART = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export interface WorktreeRequest {
  sprint_id: string;
  task_id: string;
  role: 'developer' | 'reviewer';
  repo: string;
  clone_url: string;
  default_branch: string;
}

export interface Worktree {
  path: string;
  branch: string;
  base_branch: string;
}

export interface WorktreeOptions {
  root: string;
  /** The variable that holds the forge token, for https clones. */
  tokenEnv: string;
  env: Readonly<Record<string, string | undefined>>;
}

export class Worktrees {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: WorktreeOptions) {}

  /** Creates (or refreshes) the worktree of a task and role and returns where it is. */
  prepare(request: WorktreeRequest): Promise<Worktree> {
    for (const field of ['sprint_id', 'task_id'] as const)
      if (!ID_PATTERN.test(request[field]))
        throw pathRefused(`${field} ${JSON.stringify(request[field])} breaks the id rule`);
    const [owner, name, ...more] = request.repo.split('/');
    if (owner === undefined || name === undefined || more.length > 0 || ![owner, name].every(safeRepoPart))
      throw pathRefused(`repo ${JSON.stringify(request.repo)} is not owner/name`);
    const clone = this.confined(['.repos', owner, name]);
    return this.serialised(clone, () => this.prepareLocked(request, clone));
  }

  /** `<root>/.runs/<sprint_id>/<agent_id>`, created, confined like the worktrees: harness.json and harness.log. */
  runFolder(sprintId: string, agentId: string): string {
    for (const [field, value] of [
      ['sprint_id', sprintId],
      ['agent_id', agentId],
    ] as const)
      if (!ID_PATTERN.test(value)) throw pathRefused(`${field} ${JSON.stringify(value)} breaks the id rule`);
    const path = this.confined(['.runs', sprintId, agentId], { leafMayExist: true });
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  }

  private async prepareLocked(request: WorktreeRequest, clone: string): Promise<Worktree> {
    const git = (cwd: string, ...args: string[]) => this.git(cwd, args, request.clone_url);
    if (!existsSync(join(clone, '.git'))) {
      await git(this.options.root, 'clone', '--quiet', '--no-checkout', request.clone_url, clone);
    }
    await git(clone, 'fetch', '--quiet', '--prune', 'origin');
    // A worktree folder removed by hand stays registered until pruned, and blocks a new add.
    await git(clone, 'worktree', 'prune');
    const branch = taskBranch(request.sprint_id, request.task_id);
    const path = this.confined([request.sprint_id, request.task_id, request.role], { leafMayExist: true });
    const remoteBranch = await this.remoteHas(clone, branch);
    const base = `origin/${request.default_branch}`;
    const registered = existsSync(join(path, '.git'));
    if (request.role === 'developer') {
      if (!registered) {
        const from = remoteBranch ? `origin/${branch}` : base;
        await git(clone, 'worktree', 'add', '--quiet', '-B', branch, path, from);
      }
      // An existing developer worktree is kept as it is: it may hold work not yet pushed.
    } else {
      if (!remoteBranch)
        throw new NoetherError(
          'NOE_SHELL_FAILED',
          `the reviewer of ${request.task_id} has no branch ${branch} to review on ${request.repo}`,
        );
      if (registered) await git(path, 'checkout', '--quiet', '--force', '--detach', `origin/${branch}`);
      else await git(clone, 'worktree', 'add', '--quiet', '--detach', path, `origin/${branch}`);
    }
    return { path, branch, base_branch: request.default_branch };
  }

  private async remoteHas(clone: string, branch: string): Promise<boolean> {
    const result = await execa('git', ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`], {
      cwd: clone,
      reject: false,
      env: this.gitEnv(),
      extendEnv: false,
    });
    return result.exitCode === 0;
  }

  /** Runs git with the token helper for `remote` (an https clone URL) in its environment. */
  private async git(cwd: string, args: string[], remote: string): Promise<void> {
    const { tokenEnv, env } = this.options;
    const result = await execa('git', args, {
      cwd,
      reject: false,
      env: { ...this.gitEnv(), ...credentialEnv(remote, tokenEnv, env) },
      extendEnv: false,
      stdin: 'ignore',
    });
    if (result.exitCode !== 0)
      throw new NoetherError(
        'NOE_SHELL_FAILED',
        `git ${args.join(' ')} failed (exit ${String(result.exitCode)}): ${result.stderr.trim().slice(0, 2000)}`,
      );
  }

  private gitEnv(): Record<string, string> {
    const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
    for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', this.options.tokenEnv]) {
      const value = this.options.env[name];
      if (value !== undefined) env[name] = value;
    }
    return env;
  }

  /**
   * `<root>/<parts…>`, creating the folders that lead to it one by one, and refusing any that
   * is a symlink or resolves outside the root (the leaf itself is left for git to create).
   */
  private confined(parts: string[], opts: { leafMayExist?: boolean } = {}): string {
    const root = realpathSync(this.options.root);
    let path = root;
    parts.forEach((part, index) => {
      if (part === '' || part === '.' || part === '..' || part.includes(sep))
        throw pathRefused(`"${part}" is not a plain name`);
      path = join(path, part);
      const leaf = index === parts.length - 1;
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        if (!leaf) mkdirSync(path, { mode: 0o700 });
        return;
      }
      if (stat.isSymbolicLink()) throw pathRefused(`${path} is a symlink`);
      if (leaf && !opts.leafMayExist && !stat.isDirectory()) throw pathRefused(`${path} is not a folder`);
      const real = realpathSync(path);
      const rel = relative(root, real);
      if (rel.startsWith('..') || rel === '') throw pathRefused(`${path} resolves outside ${root}`);
    });
    return path;
  }

  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.locks.set(key, next);
    void next
      .finally(() => {
        if (this.locks.get(key) === next) this.locks.delete(key);
      })
      .catch(() => undefined);
    return next;
  }
}

function safeRepoPart(part: string): boolean {
  return REPO_PART.test(part) && part !== '.' && part !== '..' && !part.includes('..');
}

function pathRefused(message: string): NoetherError {
  return new NoetherError('NOE_STAGE_INPUT_VIOLATION', `worktree path refused: ${message}`);
}
