// The world a harness runs in, all real: the embedded forge (with a token) holding a
// repository made with auto_init and one task issue, a worktree cloned from its clone_url
// on the task branch, and a loopback heartbeat receiver standing in for the shell (which is
// written in parallel) that records each beat and checks its token.
import { execa } from 'execa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { startLocalForge, type LocalForge } from '../../forge/index.js';
import { openForgeClient, type ForgeClient } from '../../stages/github/client/index.js';
import { taskBranch } from '../../stages/github/links.js';
import type { HarnessConfig } from '../../schemas/generated/types.js';
import { repo as repoRoot } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';

export const FORGE_TOKEN = 'forge-secret-token';
export const SHELL_TOKEN = 'shell-secret-token';
export const ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  FORGE_TOKEN,
  CALORON_SHELL_TOKEN: SHELL_TOKEN,
};

export interface Beat {
  token: string | undefined;
  body: { sprint_id: string; agent_id: string; task_id: string; status: string; detail?: string };
}

export interface World {
  forge: LocalForge;
  client: ForgeClient;
  issue: number;
  beats: Beat[];
  /** The most heartbeat requests the receiver had open at once. */
  receiver: { maxConcurrent: number };
  shellUrl: string;
  /** A fresh clone of the repository checked out on the task branch (from the remote when it exists). */
  worktree(role: 'developer' | 'reviewer'): Promise<string>;
  config(role: 'developer' | 'reviewer', worktree: string, extra?: Partial<HarnessConfig>): HarnessConfig;
  /** The bare repository's refs (git ls-remote). */
  remoteRefs(): Promise<string>;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function heartbeatReceiver(
  beats: Beat[],
  shell: ShellOptions,
  seen: { maxConcurrent: number },
): Promise<Server> {
  let concurrent = 0;
  const server = createServer((request, response) => {
    concurrent += 1;
    seen.maxConcurrent = Math.max(seen.maxConcurrent, concurrent);
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const token = request.headers['x-caloron-token'];
      beats.push({
        token: typeof token === 'string' ? token : undefined,
        body: JSON.parse(text) as Beat['body'],
      });
      const ok = request.url === '/heartbeat' && token === SHELL_TOKEN;
      setTimeout(() => {
        concurrent -= 1;
        response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ok }));
      }, shell.answerDelayMs ?? 0);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface ShellOptions {
  /** How long the heartbeat receiver takes to answer (a slow shell). */
  answerDelayMs?: number;
}

export async function harnessWorld(sprint = 's1', task = 't1', shell: ShellOptions = {}): Promise<World> {
  const forge = await startLocalForge({
    dir: tempProject({}, 'harness-forge-'),
    port: 0,
    token: FORGE_TOKEN,
  });
  const beats: Beat[] = [];
  const receiver = { maxConcurrent: 0 };
  const server = await heartbeatReceiver(beats, shell, receiver);
  closers.push(
    () => forge.close(),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  const created = await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `token ${FORGE_TOKEN}` },
    body: JSON.stringify({ name: 'demo', auto_init: true }),
  });
  if (created.status !== 201) throw new Error(`creating the repository: ${created.status}`);
  const forgeConfig = { repo: 'caloron/demo', host: forge.url, token_env: 'FORGE_TOKEN' };
  const client = openForgeClient(forgeConfig, { env: ENV });
  const issue = await client.createIssue({ title: 'Add a greeting', body: 'Say hello in the README.' });
  const branch = taskBranch(sprint, task);
  const shellUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clone = forge.repoPath('caloron', 'demo');
  return {
    forge,
    client,
    issue: issue.number,
    beats,
    receiver,
    shellUrl,
    async worktree(role) {
      const dir = join(tempProject({}, 'harness-wt-'), role);
      await execa('git', ['clone', '-q', clone, dir]);
      const remote = (
        await execa('git', ['ls-remote', '--heads', 'origin', branch], { cwd: dir })
      ).stdout.trim();
      if (role === 'reviewer')
        await execa('git', ['checkout', '-q', '--detach', `origin/${branch}`], { cwd: dir });
      else
        await execa(
          'git',
          ['checkout', '-q', '-b', branch, remote === '' ? 'origin/main' : `origin/${branch}`],
          { cwd: dir },
        );
      return dir;
    },
    config(role, worktree, extra = {}) {
      return {
        sprint_id: sprint,
        task_id: task,
        agent_id: `${task}-${role === 'developer' ? 'dev' : 'rev'}`,
        role,
        framework: 'stub',
        ...forgeConfig,
        issue_number: issue.number,
        pr_number: null,
        prompt: 'Write the greeting.',
        worktree,
        branch,
        base_branch: 'main',
        shell_url: shellUrl,
        heartbeat_interval_ms: 50,
        ...extra,
      };
    },
    async remoteRefs() {
      return (await execa('git', ['ls-remote', clone])).stdout;
    },
  };
}

const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

/** `caloron harness --config FILE` as a real process, the way the shell starts it. */
export function caloronHarness(configFile: string, cwd: string, env: Record<string, string | undefined>) {
  return execa(
    process.execPath,
    ['--import', tsx, join(repoRoot, 'caloron/cli/main.ts'), 'harness', '--config', configFile],
    {
      cwd,
      env,
      extendEnv: false,
      reject: false,
    },
  );
}
