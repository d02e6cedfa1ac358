// `caloron forge --port P --dir D [--host H] [--token T]`: the embedded local forge on its
// own. The listening URL is the first line of stdout (scripts read it to learn a port 0
// choice); it serves until SIGINT or SIGTERM, then closes and exits 0.
import { parseArgs } from 'node:util';
import { NoetherError } from '../../engine/errors.js';
import { startLocalForge } from '../../forge/index.js';

const FORGE_USAGE = `usage: caloron forge --dir DIR [--port PORT] [--host HOST] [--token TOKEN]

Serves the embedded GitHub-compatible forge from DIR (created if missing).
  --port   port to listen on; 0 (the default) picks a free one
  --host   address to bind (default 127.0.0.1)
  --token  require "Authorization: token TOKEN" (also read from CALORON_FORGE_TOKEN)
The first line printed is the API base URL to give clients as their host.
`;

export async function forgeCommand(args: string[]): Promise<void> {
  const { values } = parseForgeArgs(args);
  if (values.help === true) {
    process.stdout.write(FORGE_USAGE);
    return;
  }
  const port = Number(values.port);
  if (values.dir === undefined || !/^\d+$/.test(values.port) || port > 65535) {
    throw new NoetherError(
      'NOE_USAGE',
      `caloron forge needs --dir and a --port between 0 and 65535\n${FORGE_USAGE}`,
    );
  }
  const token = values.token ?? process.env.CALORON_FORGE_TOKEN;
  const forge = await startLocalForge({
    dir: values.dir,
    port,
    host: values.host,
    ...(token === undefined || token === '' ? {} : { token }),
  });
  process.stdout.write(`${forge.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await forge.close();
}

function parseForgeArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        dir: { type: 'string' },
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        token: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    throw new NoetherError(
      'NOE_USAGE',
      `${error instanceof Error ? error.message : String(error)}\n${FORGE_USAGE}`,
    );
  }
}
