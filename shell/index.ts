// The Caloron shell (CALORON §6): an HTTP server that spawns agent harnesses in git
// worktrees, records their heartbeats and process facts in `<kv>/<sprint_id>.agents.json`,
// and restarts or kills them. `startShell` is the one public face; `caloron shell` wraps it.
//
// Must never: start without a token unless told `insecureNoToken`, or leave the agents it
// started running after close() (they would work on unsupervised; close() kills them and
// records them killed).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoetherError } from '../engine/errors.js';
import { AgentsStore } from './agents-store.js';
import { buildServer } from './server.js';
import { Spawner } from './spawner.js';
import { Worktrees } from './worktree.js';

export type { SpawnContext, Heartbeat } from './spawner.js';
export { isAlive, processStart } from '../engine/run/process-facts.js';

export interface ShellOptions {
  /** 0 picks a free port. Default 7710. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  bind?: string;
  /** The shared secret of x-caloron-token. Required unless insecureNoToken. */
  token?: string;
  insecureNoToken?: boolean;
  kvDir: string;
  worktreeRoot: string;
  /** The forge the agents work on: its API base ('' for GitHub) and the token's variable. */
  forge: { host: string; token_env: string };
  /** argv that starts the harness (`--config <file>` is appended); default `caloron harness`. */
  harnessCommand?: string[];
  /** The environment agents inherit from (filtered); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  heartbeatIntervalMs?: number;
  /** SIGTERM → SIGKILL grace when stopping an agent; default 5000 ms. */
  killGraceMs?: number;
  /** Passed to stub agents in harness.json. */
  stub?: { request_changes_once?: boolean };
}

export interface RunningShell {
  url: string;
  close(): Promise<void>;
}

export async function startShell(options: ShellOptions): Promise<RunningShell> {
  const token = options.token === '' ? undefined : options.token;
  if (token === undefined && options.insecureNoToken !== true)
    throw new NoetherError(
      'NOE_USAGE',
      'the shell refuses to start without a token: set CALORON_SHELL_TOKEN (or --token), or pass --insecure-no-token',
    );
  // Absolute from here on: harness.json and the worktrees are used from other working folders.
  const worktreeRoot = resolve(options.worktreeRoot);
  const kvDir = resolve(options.kvDir);
  mkdirSync(worktreeRoot, { recursive: true, mode: 0o700 });
  mkdirSync(kvDir, { recursive: true, mode: 0o700 });
  const env = options.env ?? process.env;
  const store = new AgentsStore(kvDir);
  let url = '';
  const spawner = new Spawner({
    store,
    worktrees: new Worktrees({ root: worktreeRoot, tokenEnv: options.forge.token_env, env }),
    harnessCommand: options.harnessCommand ?? defaultHarnessCommand(),
    forge: options.forge,
    shellUrl: () => url,
    shellToken: token,
    env,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    killGraceMs: options.killGraceMs ?? 5_000,
    ...(options.stub === undefined ? {} : { stub: options.stub }),
  });
  const app = buildServer({ token, spawner, store });
  const host = options.bind ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 7710, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
  return {
    url,
    close: async () => {
      await spawner.stopAll();
      await app.close();
    },
  };
}

/** The running caloron CLI's `harness` command, with the same node and loader flags. */
function defaultHarnessCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  const main = fileURLToPath(
    new URL(`../caloron/cli/main${self.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
  );
  return [process.execPath, ...process.execArgv.map(absoluteImport), main, 'harness'];
}

/**
 * `--import tsx` names a package, which node resolves from the current directory: from an
 * agent's worktree it would not be found. Resolved here, from this module, it is absolute.
 */
function absoluteImport(arg: string, index: number, argv: readonly string[]): string {
  const flag = arg.startsWith('--import=') ? '--import=' : argv[index - 1] === '--import' ? '' : undefined;
  if (flag === undefined) return arg;
  const specifier = arg.slice(flag.length);
  if (/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return arg;
  return `${flag}${import.meta.resolve(specifier)}`;
}
