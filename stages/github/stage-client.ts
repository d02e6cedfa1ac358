// The forge client a forge stage uses: built from the stage's {repo, host, token_env}, the
// environment the engine hands it and its cancellation signal. The request policy can be
// tuned per deployment through the environment (a slow self-hosted forge wants a longer
// timeout; tests want short waits); absent variables keep the client's defaults.
import { NoetherError } from '../../engine/errors.js';
import type { StageContext } from '../../engine/stage/index.js';
import type { ForgeConfig } from '../../schemas/generated/types.js';
import { type ForgeClient, type ForgeClientOptions, openForgeClient } from './client/index.js';

/** Environment variables read, and the client option each sets (a non-negative integer). */
export const POLICY_ENV = {
  CALORON_FORGE_TIMEOUT_MS: 'timeoutMs',
  CALORON_FORGE_RETRIES: 'retries',
  CALORON_FORGE_BACKOFF_MS: 'backoffBaseMs',
  CALORON_FORGE_MAX_RETRY_WAIT_MS: 'maxRetryWaitMs',
} as const satisfies Record<string, keyof ForgeClientOptions>;

export function stageClient(config: ForgeConfig, ctx: Pick<StageContext, 'env' | 'signal'>): ForgeClient {
  const options: ForgeClientOptions = { env: ctx.env, signal: ctx.signal };
  for (const [name, option] of Object.entries(POLICY_ENV)) {
    const text = ctx.env[name];
    if (text === undefined || text === '') continue;
    if (!/^\d+$/.test(text))
      throw new NoetherError(
        'NOE_FORGE_CONFIG',
        `${name}=${JSON.stringify(text)} is not a non-negative integer`,
        {
          details: { variable: name },
        },
      );
    options[option] = Number(text);
  }
  return openForgeClient({ repo: config.repo, host: config.host, token_env: config.token_env }, options);
}
