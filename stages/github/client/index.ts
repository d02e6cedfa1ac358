// The forge client (CALORON §4): one ForgeClient per stage call, built from the stage's
// {repo, host, token_env}, its environment and its signal. `host` picks the dialect:
// empty → GitHub; a URL ending in /api/v1 → Gitea; any other URL → GitHub's dialect at
// that base (the embedded forge).
import { NoetherError } from '../../../engine/errors.js';
import type { ForgeConfig } from '../../../schemas/generated/types.js';
import { giteaClient } from './gitea.js';
import { GITHUB_API, githubClient } from './github.js';
import { resolvePolicy } from './policy.js';
import type { ForgeClient, ForgeClientOptions, ForgeKind } from './types.js';

export type * from './types.js';

/** The dialect and API base a host selects; throws NOE_FORGE_CONFIG for a host that is no http(s) URL. */
export function forgeEndpoint(host: string): { kind: ForgeKind; baseUrl: string } {
  const trimmed = host.trim().replace(/\/+$/, '');
  if (trimmed === '') return { kind: 'github', baseUrl: GITHUB_API };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badConfig(`host ${JSON.stringify(host)} is not a URL`, '/host');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badConfig(`host ${JSON.stringify(host)} is not an http(s) URL`, '/host');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw badConfig(
      'host must not carry credentials, a query or a fragment (the token goes in token_env)',
      '/host',
    );
  }
  return { kind: url.pathname.endsWith('/api/v1') ? 'gitea' : 'github', baseUrl: trimmed };
}

export function openForgeClient(config: ForgeConfig, options: ForgeClientOptions): ForgeClient {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(config.repo)) {
    throw badConfig(`repo ${JSON.stringify(config.repo)} is not owner/name`, '/repo');
  }
  const { kind, baseUrl } = forgeEndpoint(config.host);
  const policy = resolvePolicy(options);
  // Read per request, so a rotated token is picked up; empty or absent → no Authorization.
  const token = (): string | undefined => options.env[config.token_env];
  return kind === 'gitea'
    ? giteaClient(config.repo, baseUrl, policy, token)
    : githubClient(config.repo, baseUrl, policy, token);
}

function badConfig(message: string, pointer: string): NoetherError {
  return new NoetherError('NOE_FORGE_CONFIG', message, { place: { pointer } });
}
