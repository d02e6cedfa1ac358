// `caloron shell`: the Caloron shell (shell/index.ts) as a process. Settings come from flags,
// else from CALORON_* variables; the listening URL is the first line of stdout. On SIGINT or
// SIGTERM it kills the agents it started (recorded "killed": nothing works on unsupervised)
// and exits 0.
import { parseArgs } from 'node:util';
import { NoetherError } from '../../engine/errors.js';
import { kvDirectory } from '../../stages/sprint/kv-store.js';
import { startShell } from '../../shell/index.js';

export const SHELL_USAGE = `usage: caloron shell [options]

Serves the Caloron shell: spawns agent harnesses in git worktrees and records heartbeats.
  --port PORT            port (CALORON_SHELL_PORT, default 7710; 0 picks a free one)
  --token TOKEN          shared x-caloron-token secret (CALORON_SHELL_TOKEN; prefer the variable)
  --insecure-no-token    serve without a token (local experiments only)
  --bind ADDR            address to bind (default 127.0.0.1)
  --kv-dir DIR           sprint state folder (CALORON_KV_DIR, default ~/.caloron/kv)
  --worktree-root DIR    where worktrees go (CALORON_WORKTREE_ROOT, default ~/.caloron/worktrees)
  --host URL             the forge API base (CALORON_FORGE_HOST; empty = GitHub)
  --token-env NAME       variable holding the forge token (CALORON_FORGE_TOKEN_ENV, default GITHUB_TOKEN)
The first line printed is the shell's URL. SIGINT/SIGTERM kill the agents it started, then exit.
`;

export async function shellCommand(args: string[], env = process.env): Promise<void> {
  const { values } = parse(args);
  if (values.help === true) {
    process.stdout.write(SHELL_USAGE);
    return;
  }
  const portText = values.port ?? env.CALORON_SHELL_PORT ?? '7710';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new NoetherError(
      'NOE_USAGE',
      `port ${JSON.stringify(portText)} is not between 0 and 65535\n${SHELL_USAGE}`,
    );
  const home = env.HOME ?? '';
  const worktreeRoot =
    values['worktree-root'] ?? env.CALORON_WORKTREE_ROOT ?? (home === '' ? '' : `${home}/.caloron/worktrees`);
  if (worktreeRoot === '')
    throw new NoetherError('NOE_USAGE', 'set CALORON_WORKTREE_ROOT (or --worktree-root, or HOME)');
  const shell = await startShell({
    port,
    bind: values.bind ?? '127.0.0.1',
    token: values.token ?? env.CALORON_SHELL_TOKEN,
    insecureNoToken: values['insecure-no-token'] === true,
    kvDir: kvDirectory(values['kv-dir'] === undefined ? env : { ...env, CALORON_KV_DIR: values['kv-dir'] }),
    worktreeRoot,
    forge: {
      host: values.host ?? env.CALORON_FORGE_HOST ?? '',
      token_env: values['token-env'] ?? env.CALORON_FORGE_TOKEN_ENV ?? 'GITHUB_TOKEN',
    },
    env,
  });
  process.stdout.write(`${shell.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await shell.close();
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        port: { type: 'string' },
        token: { type: 'string' },
        'insecure-no-token': { type: 'boolean' },
        bind: { type: 'string' },
        'kv-dir': { type: 'string' },
        'worktree-root': { type: 'string' },
        host: { type: 'string' },
        'token-env': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    throw new NoetherError(
      'NOE_USAGE',
      `${error instanceof Error ? error.message : String(error)}\n${SHELL_USAGE}`,
    );
  }
}
