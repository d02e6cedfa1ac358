// The embedded local forge (CALORON §4): a GitHub-compatible REST server for the subset
// Caloron uses, persisted under one folder, with bare git repositories agents push to.
// Point a GitHub client at `url` as its API base (octokit `baseUrl`, the stages' `host`).
// See forge/README.md for the routes, the on-disk layout and the fault rules.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { FaultInjector, type FaultRule } from './faults.js';
import type { Site } from './render.js';
import { buildApp } from './server.js';
import { ForgeStore, type RepoRecord } from './state.js';

export type { FaultRule } from './faults.js';

export interface LocalForgeOptions {
  /** Folder holding forge.json and the bare repositories (git/<owner>/<repo>.git). */
  dir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, every request needs `Authorization: token <token>` (or `Bearer`). */
  token?: string;
  /** The login that owns /user/repos and authors every write. Default `caloron`. */
  login?: string;
  faults?: FaultRule[];
  /** The clock for timestamps; tests inject one to make `since` deterministic. */
  clock?: () => Date;
}

export interface LocalForge {
  /** The API base, e.g. http://127.0.0.1:41234. */
  url: string;
  dir: string;
  /** Absolute path of a repository's bare git folder (also its `clone_url`). */
  repoPath(owner: string, repo: string): string;
  /** Replaces the fault rules (an empty list turns faults off). */
  setFaults(rules: FaultRule[]): void;
  faults(): FaultRule[];
  close(): Promise<void>;
}

export async function startLocalForge(options: LocalForgeOptions): Promise<LocalForge> {
  const dir = resolve(options.dir);
  const store = await ForgeStore.open(dir, options.clock ?? (() => new Date()));
  const faults = new FaultInjector(options.faults);
  const repoPath = (owner: string, name: string): string =>
    join(dir, 'git', owner.toLowerCase(), `${name.toLowerCase()}.git`);
  const site: Site = {
    api: '',
    gitPath: (repo: RepoRecord) => repoPath(repo.owner, repo.name),
    userId: (login: string) => createHash('sha256').update(login).digest().readUInt32BE(0),
  };
  const app = buildApp({ store, site, login: options.login ?? 'caloron' }, faults, options.token);
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  site.api = address.replace('://localhost', '://127.0.0.1');
  return {
    url: site.api,
    dir,
    repoPath,
    setFaults: (rules) => faults.set(rules),
    faults: () => faults.list(),
    close: () => app.close(),
  };
}
