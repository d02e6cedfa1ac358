// A whole Caloron installation on one machine, offline: the embedded forge with one
// repository, the shell running stub agents (or any framework), and the KV, worktree and
// report folders, all under one directory and on free loopback ports. `caloron demo` runs a
// sprint in it; the end-to-end tests run theirs in it too, so both exercise the same wiring.
//
// Must never: listen beyond 127.0.0.1, leave an agent running after close(), or put a token
// in argv (tokens travel in the environment the compositions and the shell are given).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NoetherError } from '../../engine/errors.js';
import { type LocalForge, startLocalForge } from '../../forge/index.js';
import type { PlanTask } from '../../schemas/generated/types.js';
import { type RunningShell, startShell } from '../../shell/index.js';

/** The variable that names the forge token in every forge config of the environment. */
export const FORGE_TOKEN_ENV = 'CALORON_FORGE_TOKEN';
export const DEMO_OWNER = 'caloron';

export interface SprintEnvironmentOptions {
  /** Holds forge/, kv/, worktrees/ and reports/ (created when missing). */
  dir: string;
  /** The repository's name on the forge; default `demo`. */
  repoName?: string;
  /** argv that starts `caloron harness`; default: the running caloron CLI's. */
  harnessCommand?: string[];
  /** How often agents beat; default 30 s, as the shell's. */
  heartbeatIntervalMs?: number;
  /** What the shell tells stub agents (e.g. request changes once). */
  stub?: { request_changes_once?: boolean };
  /** The environment agents and compositions start from; default process.env. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

export interface SprintEnvironment {
  dir: string;
  forge: LocalForge;
  shell: RunningShell;
  /** The forge config every forge stage and composition takes. */
  forgeConfig: { repo: string; host: string; token_env: string };
  /** The environment compositions run with: the forge token, CALORON_KV_DIR, CALORON_REPORTS_DIR, CALORON_SHELL_TOKEN. */
  env: Record<string, string>;
  kvDir: string;
  reportsDir: string;
  /** The bare repository agents push to (clone it to look at the default branch). */
  repoPath: string;
  /** kickoff.json's input for a plan; stub agents unless the plan's tasks name a framework. */
  kickoffInput(sprintId: string, tasks: readonly PlanTask[]): Record<string, unknown>;
  /** sprint_tick_stateful.json's input (also each scheduler fire's). */
  tickInput(
    sprintId: string,
    options?: { stallThresholdM?: number; maxReviewCycles?: number },
  ): Record<string, unknown>;
  /** retro.json's input. */
  retroInput(sprintId: string): Record<string, unknown>;
  /** Stops the shell (killing its agents) and the forge; the same promise on every call. */
  close(): Promise<void>;
}

export async function startSprintEnvironment(options: SprintEnvironmentOptions): Promise<SprintEnvironment> {
  const dir = resolve(options.dir);
  const repoName = options.repoName ?? 'demo';
  const kvDir = join(dir, 'kv');
  const reportsDir = join(dir, 'reports');
  for (const folder of [dir, kvDir, reportsDir]) mkdirSync(folder, { recursive: true, mode: 0o700 });
  const forgeToken = randomBytes(24).toString('hex');
  const shellToken = randomBytes(24).toString('hex');
  const forge = await startLocalForge({ dir: join(dir, 'forge'), token: forgeToken, login: DEMO_OWNER });
  let shell: RunningShell | undefined;
  try {
    await createRepository(forge.url, forgeToken, repoName);
    const forgeConfig = { repo: `${DEMO_OWNER}/${repoName}`, host: forge.url, token_env: FORGE_TOKEN_ENV };
    const env: Record<string, string> = {
      ...definedOnly(options.baseEnv ?? process.env),
      [FORGE_TOKEN_ENV]: forgeToken,
      CALORON_KV_DIR: kvDir,
      CALORON_REPORTS_DIR: reportsDir,
      CALORON_SHELL_TOKEN: shellToken,
    };
    shell = await startShell({
      port: 0,
      token: shellToken,
      kvDir,
      worktreeRoot: join(dir, 'worktrees'),
      forge: { host: forge.url, token_env: FORGE_TOKEN_ENV },
      env,
      ...(options.harnessCommand === undefined ? {} : { harnessCommand: options.harnessCommand }),
      ...(options.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
      ...(options.stub === undefined ? {} : { stub: options.stub }),
    });
    const running = shell;
    let closing: Promise<void> | undefined;
    return {
      dir,
      forge,
      shell: running,
      forgeConfig,
      env,
      kvDir,
      reportsDir,
      repoPath: forge.repoPath(DEMO_OWNER, repoName),
      kickoffInput: (sprintId, tasks) => ({
        sprint_id: sprintId,
        ...forgeConfig,
        tasks,
        defaults: { framework: 'stub' },
      }),
      tickInput: (sprintId, tick = {}) => ({
        sprint_id: sprintId,
        ...forgeConfig,
        shell_url: running.url,
        stall_threshold_m: tick.stallThresholdM ?? 5,
        max_review_cycles: tick.maxReviewCycles ?? 3,
      }),
      retroInput: (sprintId) => ({ sprint_id: sprintId, ...forgeConfig }),
      close: () => (closing ??= running.close().finally(() => forge.close())),
    };
  } catch (error) {
    await shell?.close();
    await forge.close();
    throw error;
  }
}

async function createRepository(url: string, token: string, name: string): Promise<void> {
  const reply = await fetch(`${url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `token ${token}` },
    body: JSON.stringify({ name, description: 'A Caloron sprint on the embedded forge', auto_init: true }),
  });
  // 422: the repository survives from an earlier run in the same directory, which is fine.
  if (reply.status !== 201 && reply.status !== 422)
    throw new NoetherError(
      'NOE_FORGE_FAILED',
      `the local forge refused to create ${DEMO_OWNER}/${name}: ${String(reply.status)} ${await reply.text()}`,
    );
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
