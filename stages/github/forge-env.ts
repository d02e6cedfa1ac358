// How a forge stage opens its client: from the stage's {repo, host, token_env}, its
// environment and its signal, with the request policy optionally tuned from the
// environment the engine hands the stage (a run's environment is its only input):
//   CALORON_FORGE_TIMEOUT_MS  per-attempt timeout (default the client's, 30 s)
//   CALORON_FORGE_RETRIES     retries of 5xx/429 answers (default 3)
//   CALORON_FORGE_BACKOFF_MS  first backoff wait without Retry-After (default 1 s)
// A slow self-hosted forge wants a longer timeout; tests want short ones.
import { NoetherError } from '../../engine/errors.js';
import type { StageContext } from '../../engine/stage/index.js';
import type { ForgeConfig } from '../../schemas/generated/types.js';
import { openForgeClient, type ForgeClient, type ForgeClientOptions } from './client/index.js';

const KNOBS = {
  timeoutMs: 'CALORON_FORGE_TIMEOUT_MS',
  retries: 'CALORON_FORGE_RETRIES',
  backoffBaseMs: 'CALORON_FORGE_BACKOFF_MS',
} as const;

export function openStageForge(config: ForgeConfig, ctx: Pick<StageContext, 'env' | 'signal'>): ForgeClient {
  const options: ForgeClientOptions = { env: ctx.env, signal: ctx.signal };
  for (const [option, name] of Object.entries(KNOBS) as [keyof typeof KNOBS, string][]) {
    const value = envInteger(ctx.env, name);
    if (value !== undefined) options[option] = value;
  }
  return openForgeClient({ repo: config.repo, host: config.host, token_env: config.token_env }, options);
}

/** A non-negative integer from the environment; absent or empty: undefined. */
export function envInteger(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw new NoetherError(
      'NOE_USAGE',
      `${name}=${JSON.stringify(text)} is not a whole number of the unit it names`,
    );
  return Number(text.trim());
}
