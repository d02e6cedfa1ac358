// The shell's hot paths: POST /heartbeat (a serialised, atomic, fsynced rewrite of the
// sprint's agents file per beat) and GET /status with many agents. Prints figures; asserts
// nothing. Agents are seeded into the store directly: no processes are started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentsStore } from '../shell/agents-store.js';
import { startShell } from '../shell/index.js';

const AGENTS = 50;
const BEATS = 1_000;
const CONCURRENCY = 20;
const token = 'bench-token';
const dir = mkdtempSync(join(tmpdir(), 'caloron-shell-bench-'));
const kvDir = join(dir, 'kv');
const store = new AgentsStore(kvDir);
await store.update('s1', (agents) => {
  for (let i = 0; i < AGENTS; i++)
    agents[`a${i}`] = {
      agent_id: `a${i}`,
      sprint_id: 's1',
      task_id: `t${i}`,
      role: 'developer',
      pid: null,
      process_start: null,
      started_at: new Date().toISOString(),
      last_beat_at: null,
      status: 'running',
      exit_code: null,
      ended_at: null,
    };
});
const shell = await startShell({
  port: 0,
  token,
  kvDir,
  worktreeRoot: join(dir, 'wt'),
  forge: { host: 'http://127.0.0.1:9', token_env: 'NONE' },
});
const headers = { 'content-type': 'application/json', 'x-caloron-token': token };
const beat = (i: number) =>
  fetch(`${shell.url}/heartbeat`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      sprint_id: 's1',
      agent_id: `a${i % AGENTS}`,
      task_id: `t${i % AGENTS}`,
      status: 'running',
    }),
  }).then((r) => r.text());

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < BEATS) await beat(next++);
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `POST /heartbeat, ${BEATS} beats over ${AGENTS} agents, ${CONCURRENCY} in flight: ${(BEATS / seconds).toFixed(0)} beats/s`,
);

const times: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  await fetch(`${shell.url}/status?sprint_id=s1`, { headers }).then((r) => r.text());
  times.push(performance.now() - t);
}
times.sort((x, y) => x - y);
console.log(`GET /status, ${AGENTS} agents: median ${(times[15] ?? NaN).toFixed(2)} ms`);
await shell.close();
rmSync(dir, { recursive: true, force: true });
