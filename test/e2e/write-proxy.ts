// A pass-through HTTP proxy in front of the embedded forge or the shell, for the tick
// processes of the kill/restart suite: it lets a test act at the one instant no timer can
// aim at, after the server has performed a write (a comment, a merge, a spawn) and before
// the tick has heard the answer, let alone journaled it. `afterWrite` is asked after each
// answered request that is not a GET; when it says "drop", the answer is never delivered
// (the test has killed the tick by then).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WriteProxy {
  url: string;
  /** Called once the server has answered a write; 'drop' withholds the answer. */
  afterWrite: ((method: string, path: string) => 'drop' | 'deliver') | undefined;
  close(): Promise<void>;
}

/** Headers that describe one hop's connection or encoding, not the message. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function writeProxy(target: string): Promise<WriteProxy> {
  const proxy: WriteProxy = { url: '', afterWrite: undefined, close: () => Promise.resolve() };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers.set(name, value);
      const method = request.method ?? 'GET';
      const answer = await fetch(`${target}${request.url ?? '/'}`, {
        method,
        headers,
        ...(body.length === 0 ? {} : { body }),
      });
      const text = Buffer.from(await answer.arrayBuffer());
      if (method !== 'GET' && proxy.afterWrite?.(method, request.url ?? '/') === 'drop') {
        response.destroy();
        return;
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        // fetch has already decoded the body, so its encoding no longer applies.
        if (!HOP_HEADERS.has(name) && name !== 'content-encoding') out[name] = value;
      });
      response.writeHead(answer.status, out).end(text);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
