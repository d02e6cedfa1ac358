// The LLM provider seam of the planning phases: one configured command, run with the
// prompt on stdin, whose stdout is the answer. Any CLI that does that fits (llm-here,
// `claude -p`, a local model runner, a test's fake), and the stages never learn which.
//
// Configuration comes from the environment the engine hands the stage (ctx.env), never
// from process.env, so a run's provider is exactly what its caller configured:
//   CALORON_LLM_COMMAND     JSON array argv, e.g. ["llm-here","run","--auto"]; unset or
//                           blank = no provider (the phases use their templates)
//   CALORON_LLM_TIMEOUT_MS  per call, default 120000
// The provider gets ctx.env as its whole environment (that is how API keys reach it);
// nothing from the environment is ever put into its argv, where `ps` would show it.
//
// The provider runs in its own process group: on timeout or abort the whole group is
// killed (a wrapper script's children included), and so is anything it leaves behind.
import { execa } from 'execa';
import { NoetherError } from '../../engine/errors.js';
import type { StageContext } from '../../engine/stage/index.js';

export const LLM_COMMAND_ENV = 'CALORON_LLM_COMMAND';
export const LLM_TIMEOUT_ENV = 'CALORON_LLM_TIMEOUT_MS';
const DEFAULT_TIMEOUT_MS = 120_000;
/** Characters of stdout (and of stderr) kept; a provider that writes more is stopped. */
export const MAX_ANSWER_CHARS = 1_000_000;

export interface ProviderConfig {
  argv: [string, ...string[]];
  timeoutMs: number;
}

/** What the provider said, or why there is no answer (for the log). */
export type ProviderAnswer = { ok: true; text: string } | { ok: false; reason: string };

type ConfigResult = { ok: true; config: ProviderConfig } | { ok: false; reason: string };

export function providerConfig(env: StageContext['env']): ConfigResult {
  const command = env[LLM_COMMAND_ENV]?.trim() ?? '';
  if (command === '')
    return { ok: false, reason: `no LLM provider configured (${LLM_COMMAND_ENV} is not set)` };
  let argv: unknown;
  try {
    argv = JSON.parse(command);
  } catch {
    argv = undefined;
  }
  if (!isArgv(argv))
    return {
      ok: false,
      reason: `${LLM_COMMAND_ENV} must be a JSON array of non-empty strings (an argv such as ["llm-here","run","--auto"]), not ${JSON.stringify(command.slice(0, 80))}`,
    };
  const timeoutText = env[LLM_TIMEOUT_ENV]?.trim() ?? '';
  const timeoutMs = timeoutText === '' ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
    return {
      ok: false,
      reason: `${LLM_TIMEOUT_ENV} must be a positive whole number of milliseconds, not ${JSON.stringify(timeoutText)}`,
    };
  return { ok: true, config: { argv, timeoutMs } };
}

function isArgv(value: unknown): value is [string, ...string[]] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string' && part !== '')
  );
}

/**
 * Asks the configured provider. Every failure (none configured, cannot start, non-zero
 * exit, timeout, too much output, empty answer) is an answer with a reason, so the caller
 * can fall back; only an abort of the run throws (NOE_CANCELLED): it is not a failure
 * to paper over.
 */
export async function askProvider(
  prompt: string,
  ctx: Pick<StageContext, 'env' | 'signal'>,
): Promise<ProviderAnswer> {
  const configured = providerConfig(ctx.env);
  if (!configured.ok) return configured;
  const { argv, timeoutMs } = configured.config;
  throwIfAborted(ctx.signal);
  const [file, ...args] = argv;
  const subprocess = execa(file, args, {
    input: prompt,
    env: definedEntries(ctx.env),
    extendEnv: false,
    detached: true,
    reject: false,
    maxBuffer: MAX_ANSWER_CHARS,
    stripFinalNewline: false,
  });
  let timedOut = false;
  const killGroup = (): void => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  ctx.signal.addEventListener('abort', killGroup, { once: true });
  try {
    const result = await subprocess;
    throwIfAborted(ctx.signal);
    const name = JSON.stringify(file);
    if (timedOut)
      return { ok: false, reason: `the LLM provider ${name} did not answer within ${timeoutMs} ms` };
    if (result.isMaxBuffer)
      return { ok: false, reason: `the LLM provider ${name} wrote more than ${MAX_ANSWER_CHARS} characters` };
    if (result.signal !== undefined)
      return { ok: false, reason: `the LLM provider ${name} was killed by ${result.signal}` };
    if (result.exitCode === undefined)
      return {
        ok: false,
        reason: `the LLM provider ${name} could not start: ${result.code ?? result.shortMessage}`,
      };
    if (result.exitCode !== 0)
      return {
        ok: false,
        reason: `the LLM provider ${name} exited with ${result.exitCode}: ${tail(String(result.stderr))}`,
      };
    const text = String(result.stdout);
    if (text.trim() === '') return { ok: false, reason: `the LLM provider ${name} answered nothing` };
    return { ok: true, text };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', killGroup);
    killGroup();
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw new NoetherError('NOE_CANCELLED', 'the run was cancelled while asking the LLM provider');
}

function definedEntries(env: StageContext['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The last line or so of stderr, enough to say why without flooding the log. */
function tail(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(no stderr)';
  return trimmed.length <= 200 ? trimmed : `…${trimmed.slice(-200)}`;
}
