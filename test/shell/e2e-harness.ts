// The shell under test (CALORON §6) as the end-to-end and security suites use it: the real
// Fastify shell on 127.0.0.1 port 0 with a fresh KV directory and worktree root, the real
// local forge with a repository and an issue, and the real `caloron harness` (through tsx,
// since vitest runs the TypeScript sources) or a stand-in harness that never ends.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { startShell } from '../../shell/index.js';
import type { AgentRecord, AgentsFile } from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { eventually } from '../run/command-liveness.js';
import { tempProject } from '../temp-project.js';

export const SHELL_TOKEN = 'shell-secret-token';
const tsxLoader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;

/** `caloron harness` run from the TypeScript sources, as the shell starts it under vitest. */
export const caloronHarness: readonly string[] = [
  process.execPath,
  '--import',
  tsxLoader,
  join(repo, 'caloron/cli/main.ts'),
  'harness',
];

/**
 * A stand-in harness that never ends and starts a grandchild, so /restart and /kill have a
 * process group to stop. It writes `{leader, grandchild}` to `<pidsDir>/<its pid>.json`
 * (atomically: the tests read it as soon as it appears). With `ignoreTerm` it shrugs off
 * SIGTERM, so only the shell's SIGKILL after the grace period stops it.
 * The shell appends `--config <run-dir>/harness.json`; `--` keeps node from reading that as
 * its own option.
 */
export function hangingHarness(pidsDir: string, options: { ignoreTerm?: boolean } = {}): string[] {
  const script = `${options.ignoreTerm === true ? "process.on('SIGTERM', () => {});" : ''}
const { spawn } = require('node:child_process');
const { renameSync, writeFileSync } = require('node:fs');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const pids = JSON.stringify({ leader: process.pid, grandchild: child.pid });
const file = require('node:path').join(${JSON.stringify(pidsDir)}, process.pid + '.json');
writeFileSync(file + '.tmp', pids);
renameSync(file + '.tmp', file);
setInterval(() => {}, 1000);
`;
  return [process.execPath, '-e', script, '--'];
}

export interface ShellUnderTest {
  url: string;
  kvDir: string;
  worktreeRoot: string;
  /** One request with the right token unless `headers` says otherwise; the status and the parsed body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** `<sprint>.agents.json` as the shell last wrote it, or undefined before its first write. */
  agents(sprintId: string): AgentsFile | undefined;
  /** Stops the shell (and, by its contract, its agents); the same promise on every call. */
  close(): Promise<void>;
  /** Waits until agent `agentId`'s record satisfies `check`; returns it. */
  record(
    sprintId: string,
    agentId: string,
    check: (record: AgentRecord) => boolean,
    limitMs?: number,
  ): Promise<AgentRecord>;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface ShellSetup {
  /** The forge the shell's agents work against. */
  forge?: { host: string; token_env: string };
  harnessCommand?: readonly string[];
  /** What the shell tells stub agents in harness.json. */
  stub?: { request_changes_once?: boolean };
  /** The environment the shell passes on (filtered) to its harnesses. */
  env?: Record<string, string>;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

export async function shellUnderTest(setup: ShellSetup = {}): Promise<ShellUnderTest> {
  const kvDir = tempProject({}, 'shell-kv-');
  const worktreeRoot = tempProject({}, 'shell-worktrees-');
  const shell = await startShell({
    port: 0,
    token: SHELL_TOKEN,
    kvDir,
    worktreeRoot,
    forge: setup.forge ?? { host: '', token_env: 'GITHUB_TOKEN' },
    harnessCommand: [...(setup.harnessCommand ?? caloronHarness)],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...setup.env },
    heartbeatIntervalMs: 1000,
    killGraceMs: 1000,
    ...(setup.stub === undefined ? {} : { stub: setup.stub }),
  });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shell.close());
  closers.push(close);
  const url = shell.url;
  const agents = (sprintId: string): AgentsFile | undefined => {
    const path = join(kvDir, `${sprintId}.agents.json`);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as AgentsFile;
  };
  return {
    url,
    kvDir,
    worktreeRoot,
    call: (method, path, body, headers) => request(url, method, path, body, headers),
    agents,
    close,
    async record(sprintId, agentId, check, limitMs = 60_000) {
      let found: AgentRecord | undefined;
      await eventually(
        `agent ${agentId}'s record in ${sprintId}.agents.json to change`,
        () => {
          found = agents(sprintId)?.agents[agentId];
          return found !== undefined && check(found);
        },
        limitMs,
      );
      return found as AgentRecord;
    },
  };
}

export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'x-caloron-token': SHELL_TOKEN },
): Promise<Reply> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the raw text is what the assertion shows.
  }
  return { status: response.status, body: parsed };
}
