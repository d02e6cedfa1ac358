// `noether-ts` as a real child process, from any working directory: tsx is named by its
// path (a bare `--import tsx` resolves against the child's cwd, which may be a temp project).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo } from './in-process.js';

/** The argv after `node` that runs `noether-ts ARGS…` from the TypeScript sources. */
export function noetherArgv(...args: string[]): string[] {
  const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
  return ['--import', tsx, join(repo, 'engine/cli/main.ts'), ...args];
}
