// A local forge with one repository for the read-side forge stage tests: the real embedded
// forge (forge/index.ts) on 127.0.0.1 port 0, real git pushes to its bare repository, and
// the real forge client to write what the stages then read.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type LocalForge, startLocalForge } from '../../../forge/index.js';
import { openForgeClient } from '../../../stages/github/client/index.js';
import type { ForgeClient } from '../../../stages/github/client/index.js';
import { tempProject } from '../../temp-project.js';

export const OWNER = 'caloron';
export const TOKEN_ENV = 'FORGE_TOKEN';
export const ENV = { [TOKEN_ENV]: 'test-token' };

export interface ForgeRepo {
  forge: LocalForge;
  /** The forge config every stage takes. */
  config: { repo: string; host: string; token_env: string };
  client: ForgeClient;
  /** Commits `file` on `branch` (made from main when new) and pushes it; the new head sha. */
  push(branch: string, file: string, text: string): Promise<string>;
}

const forges: LocalForge[] = [];
afterAll(async () => {
  await Promise.all(forges.splice(0).map((forge) => forge.close()));
});

/** `clock` dates what the forge records (tests move it to place records before or after a cursor). */
export async function forgeRepo(name = 'demo', clock?: () => Date): Promise<ForgeRepo> {
  const forge = await startLocalForge({
    dir: tempProject({}, 'caloron-forge-'),
    ...(clock === undefined ? {} : { clock }),
  });
  forges.push(forge);
  const created = await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `token ${ENV[TOKEN_ENV]}` },
    body: JSON.stringify({ name, description: 'A demo repository' }),
  });
  if (created.status !== 201)
    throw new Error(`creating the repository: ${created.status} ${await created.text()}`);
  const config = { repo: `${OWNER}/${name}`, host: forge.url, token_env: TOKEN_ENV };
  const client = openForgeClient(config, { env: ENV });
  const work = join(tempProject({}, 'caloron-clone-'), name);
  await execa('git', ['clone', '-q', forge.repoPath(OWNER, name), work]);
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd: work });
  const push = async (branch: string, file: string, text: string): Promise<string> => {
    const exists = (await git('branch', '--list', branch)).stdout.trim() !== '';
    await git('checkout', '-q', ...(exists ? [branch] : ['-b', branch, 'origin/main']));
    writeFileSync(join(work, file), text);
    await git('add', file);
    await git('commit', '-q', '-m', `Edit ${file}`);
    await git('push', '-q', 'origin', branch);
    return (await git('rev-parse', 'HEAD')).stdout.trim();
  };
  return { forge, config, client, push };
}
