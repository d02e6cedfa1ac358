// The git a developer agent needs: was anything changed, commit as the agent, push the task
// branch. Pushes go to the repository's clone URL: a path for the embedded forge, an https
// URL for GitHub — then the token reaches git through a credential helper that reads it
// from the environment variable token_env names, so it is never in argv, a URL or a file.
import { execa } from 'execa';
import { NoetherError } from '../../engine/errors.js';

export interface GitContext {
  worktree: string;
  signal: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
}

async function git(
  context: GitContext,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const result = await execa('git', args, {
    cwd: context.worktree,
    env: { ...context.env, GIT_TERMINAL_PROMPT: '0', ...extraEnv },
    extendEnv: false,
    stdin: 'ignore',
    cancelSignal: context.signal,
    reject: false,
  });
  if (result.failed)
    throw new NoetherError(
      'NOE_COMMAND_FAILED',
      `git ${args[0] ?? ''} failed: ${(result.stderr.trim() || (result.shortMessage ?? 'no output')).slice(-500)}`,
      {
        details: { args: args.slice(0, 1), exitCode: result.exitCode },
      },
    );
  return result.stdout.trim();
}

export const head = (context: GitContext): Promise<string> => git(context, ['rev-parse', 'HEAD']);

/** True when the worktree has uncommitted changes (new files included). */
export async function isDirty(context: GitContext): Promise<boolean> {
  return (await git(context, ['status', '--porcelain'])) !== '';
}

/** Commits everything as caloron-agent-<agent_id>; the new head. */
export async function commitAll(context: GitContext, agentId: string, message: string): Promise<string> {
  const name = `caloron-agent-${agentId}`;
  await git(context, ['add', '-A']);
  await git(context, [
    '-c',
    `user.name=${name}`,
    '-c',
    `user.email=${name}@users.noreply.caloron.local`,
    'commit',
    '-q',
    '-m',
    message,
  ]);
  return head(context);
}

/**
 * The environment that hands git the forge token for an https remote: an inline credential
 * helper (via GIT_CONFIG_*, not argv) that prints the value of $<tokenEnv>. Empty for a
 * path remote or when there is no token.
 */
export function credentialEnv(
  remote: string,
  tokenEnv: string,
  env: GitContext['env'],
): Record<string, string> {
  const token = env[tokenEnv];
  if (!/^https?:\/\//.test(remote) || token === undefined || token === '') return {};
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv))
    throw new NoetherError(
      'NOE_FORGE_CONFIG',
      `token_env ${JSON.stringify(tokenEnv)} is no environment variable name`,
    );
  return {
    GIT_CONFIG_COUNT: '2',
    // The empty helper first clears any helper the user configured, so ours is the only one asked.
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: 'credential.helper',
    GIT_CONFIG_VALUE_1: `!f() { test "$1" = get || return 0; echo username=x-access-token; printf 'password=%s\\n' "$${tokenEnv}"; }; f`,
  };
}

/** Pushes HEAD to refs/heads/<branch> of `remote` (no force: a rejected push fails the run). */
export async function pushBranch(
  context: GitContext,
  remote: string,
  branch: string,
  tokenEnv: string,
): Promise<void> {
  await git(
    context,
    ['push', '-q', remote, `HEAD:refs/heads/${branch}`],
    credentialEnv(remote, tokenEnv, context.env),
  );
}
