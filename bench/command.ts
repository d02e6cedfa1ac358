// What a command stage and a RemoteStage call cost beyond the work they do: the engine's
// runCommandStage against a bare child_process.spawn of the same program (`cat`,
// which echoes its JSON input as its output), the cost of reading a large stdout (strict
// UTF-8, the engine's JSON parser) against JSON.parse, and callRemoteStage against a
// local Fastify server. Prints medians of wall-clock time (spawning is mostly waiting on
// the kernel, which CPU time would not show); asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { parseJsonDocument } from '../engine/json/parse.js';
import { runCommandStage } from '../engine/run/command.js';
import { callRemoteStage } from '../engine/run/remote.js';
import { readCommandStageSpec } from '../engine/stage/command-spec.js';

const SPAWNS = 40;
const REMOTE_CALLS = 300;
const folder = mkdtempSync(join(tmpdir(), 'noether-bench-'));
const spec = {
  name: 'echo_cat',
  description: 'Echoes its input.',
  input: true,
  output: true,
  effects: ['Process'],
  implementation: { command: ['cat'] },
};
writeFileSync(join(folder, 'echo_cat.stage.json'), JSON.stringify(spec));
const stage = readCommandStageSpec(join(folder, 'echo_cat.stage.json'));
const options = { signal: new AbortController().signal, env: { PATH: process.env.PATH } };
const small = { n: 1, text: 'hello' };

async function median(times: number, task: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await task();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** `cat` run by hand: the same process work without the engine (no group, no limits, no parse). */
function bareCat(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    child.stdin.end(text);
  });
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

try {
  await runCommandStage(stage, small, options); // warm-up
  const bare = await median(SPAWNS, () => bareCat(JSON.stringify(small)));
  const engine = await median(SPAWNS, () => runCommandStage(stage, small, options));
  console.log(
    `command stage, small value: ${ms(engine)} per call; bare spawn of cat: ${ms(bare)}; overhead ${ms(engine - bare)}`,
  );

  const big = {
    items: Array.from({ length: 100_000 }, (_, i) => ({ id: `task-${i}`, done: i % 2 === 0, n: i })),
  };
  const text = JSON.stringify(big);
  const mib = (Buffer.byteLength(text) / 1024 / 1024).toFixed(1);
  const through = await median(5, () => runCommandStage(stage, big, options));
  const parse = await median(5, () => Promise.resolve(parseJsonDocument(text)));
  const native = await median(5, () => Promise.resolve(JSON.parse(text)));
  console.log(`command stage, ${mib} MiB value in and out: ${ms(through)} per call`);
  console.log(`  of which parsing stdout with the engine's parser: ${ms(parse)} (JSON.parse: ${ms(native)})`);

  const server = Fastify();
  server.post('/echo', (request) => ({
    ok: true,
    data: { output: (request.body as { input: unknown }).input },
  }));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const node = {
    op: 'RemoteStage' as const,
    url: `http://127.0.0.1:${address.port}/echo`,
    input: {},
    output: {},
  };
  await callRemoteStage(node, small, options);
  const remote = await median(REMOTE_CALLS, () => callRemoteStage(node, small, options));
  const remoteTimed = await median(REMOTE_CALLS, () =>
    callRemoteStage({ ...node, timeout_ms: 10_000 }, small, options),
  );
  const raw = await median(REMOTE_CALLS, async () => {
    const response = await fetch(node.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: small }),
    });
    return response.json();
  });
  console.log(
    `RemoteStage call, small value: ${ms(remote)} (with timeout_ms: ${ms(remoteTimed)}); bare fetch: ${ms(raw)}`,
  );
  await server.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
