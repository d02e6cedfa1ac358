// A local forge (forge/, real HTTP on 127.0.0.1 port 0, state in a temp folder) with one
// repository, for the write-side forge stages and execute_actions: the stages' {repo, host,
// token_env}, a forge client for arranging and checking, and real git to push branches that
// pull requests are opened from.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalForge, type LocalForge } from '../../../forge/index.js';
import { openForgeClient, type ForgeClient } from '../../../stages/github/client/index.js';

export const TOKEN_ENV = 'CALORON_TEST_FORGE_TOKEN';
const TOKEN = 'forge-secret';

export interface ForgeFixture {
  forge: LocalForge;
  /** The forge fields every forge stage takes. */
  config: { repo: string; host: string; token_env: string };
  /** The environment stages get: the token under TOKEN_ENV. */
  env: Record<string, string>;
  /** A client for arranging and checking (not the stage under test's own). */
  client: ForgeClient;
  /** Pushes a branch off main that writes `file`, and opens a pull request from it. */
  openPull(branch: string, file: string, content: string, body?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startForgeFixture(repoName = 'widgets'): Promise<ForgeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'caloron-forge-'));
  const forge = await startLocalForge({ dir: join(dir, 'forge'), token: TOKEN });
  const created = await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: repoName, auto_init: true }),
  });
  if (created.status !== 201) throw new Error(`cannot create the test repository: HTTP ${created.status}`);
  const { full_name: repo } = (await created.json()) as { full_name: string };
  const config = { repo, host: forge.url, token_env: TOKEN_ENV };
  const env = { [TOKEN_ENV]: TOKEN };
  const client = openForgeClient(config, { env, retries: 0 });
  const [owner = '', name = ''] = repo.split('/');
  const work = join(dir, 'work');
  await execa('git', ['clone', '--quiet', forge.repoPath(owner, name), work]);
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: work });

  return {
    forge,
    config,
    env,
    client,
    openPull: async (branch, file, content, body = '') => {
      await git('checkout', '--quiet', '-B', branch, 'origin/main');
      writeFileSync(join(work, file), content);
      await git('add', file);
      await git('commit', '--quiet', '-m', `write ${file}`);
      await git('push', '--quiet', '--force', 'origin', branch);
      const pull = await client.createPull({ title: `Write ${file}`, body, head: branch, base: 'main' });
      return pull.number;
    },
    close: async () => {
      await forge.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
