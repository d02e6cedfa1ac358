// One harness run (CALORON §6): heartbeats around the role's work, the outcome as the final
// beat. Never throws: every failure becomes {status: 'failed', detail}, so the caller can
// always send the final heartbeat and exit with the matching code.
import { readFileSync } from 'node:fs';
import { isNoetherError } from '../../engine/errors.js';
import { openForgeClient } from '../../stages/github/client/index.js';
import type { ResolvedHarnessConfig } from './config.js';
import { postBeat, startHeartbeats } from './heartbeat.js';
import { runDeveloper, runReviewer } from './roles.js';

export interface HarnessOutcome {
  status: 'done' | 'failed';
  detail: string;
}

export interface HarnessRunOptions {
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: (line: string) => void;
}

export async function runHarness(
  config: ResolvedHarnessConfig,
  options: HarnessRunOptions,
): Promise<HarnessOutcome> {
  const beats = startHeartbeats({
    shellUrl: config.shell_url,
    token: options.env.CALORON_SHELL_TOKEN,
    ids: { sprint_id: config.sprint_id, agent_id: config.agent_id, task_id: config.task_id },
    intervalMs: config.heartbeat_interval_ms,
    log: options.log,
  });
  const outcome = await Promise.race([work(config, options), terminated(options.signal)]);
  options.log(`harness: ${outcome.status}: ${outcome.detail}`);
  await beats.final(outcome.status, outcome.detail);
  return outcome;
}

// After an abort the work gets this long to wind down (its child processes and requests
// see the same signal) before the run is declared terminated regardless.
const TERMINATE_GRACE_MS = 5000;

function terminated(signal: AbortSignal): Promise<HarnessOutcome> {
  return new Promise((resolve) => {
    const done = (): void => {
      setTimeout(() => resolve({ status: 'failed', detail: 'terminated' }), TERMINATE_GRACE_MS).unref();
    };
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

async function work(config: ResolvedHarnessConfig, options: HarnessRunOptions): Promise<HarnessOutcome> {
  try {
    const client = openForgeClient(
      { repo: config.repo, host: config.host, token_env: config.token_env },
      { env: options.env, signal: options.signal },
    );
    const context = { config, client, ...options };
    const detail = config.role === 'developer' ? await runDeveloper(context) : await runReviewer(context);
    return { status: 'done', detail };
  } catch (error) {
    if (options.signal.aborted) return { status: 'failed', detail: 'terminated' };
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', detail: isNoetherError(error) ? `${error.code}: ${message}` : message };
  }
}

/**
 * When harness.json is unusable (an unknown framework, a missing field) but still names the
 * shell and the agent, tell the shell why with a failed beat, so its record says more than
 * "exited 1". Nothing is sent when the file does not say where or who.
 */
export async function reportUnusableConfig(
  file: string,
  error: unknown,
  options: Omit<HarnessRunOptions, 'signal'>,
): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  if (typeof raw !== 'object' || raw === null) return;
  const { shell_url, sprint_id, agent_id, task_id } = raw as Record<string, unknown>;
  if (typeof shell_url !== 'string' || !/^https?:\/\//.test(shell_url)) return;
  if (typeof sprint_id !== 'string' || typeof agent_id !== 'string' || typeof task_id !== 'string') return;
  const message = error instanceof Error ? error.message : String(error);
  await postBeat(
    {
      shellUrl: shell_url,
      token: options.env.CALORON_SHELL_TOKEN,
      ids: { sprint_id, agent_id, task_id },
      log: options.log,
    },
    'failed',
    isNoetherError(error) ? `${error.code}: ${message}` : message,
  );
}
