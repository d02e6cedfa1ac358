// What the forge client costs per request on top of a bare fetch (against a loopback
// server that answers at once, so only the client is measured: octokit's retry and
// throttling plugins schedule every request through Bottleneck), and how long reading
// every page of a few hundred issues from the embedded forge takes. Prints figures;
// asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalForge } from '../forge/index.js';
import { openForgeClient } from '../stages/github/client/index.js';

const ISSUES = 250;

async function median(fn: () => Promise<unknown>, runs = 30, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(runs / 2)] ?? NaN;
}

const repoJson = JSON.stringify({
  full_name: 'o/r',
  default_branch: 'main',
  private: false,
  html_url: '',
  clone_url: '',
});
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(repoJson);
});
await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const viaGitHub = openForgeClient({ repo: 'o/r', host: base, token_env: 'UNSET' }, { env: {} });
const viaGitea = openForgeClient({ repo: 'o/r', host: `${base}/api/v1`, token_env: 'UNSET' }, { env: {} });
const bareRepo = await median(async () => (await fetch(`${base}/repos/o/r`)).json(), 100, 20);
const githubRepo = await median(() => viaGitHub.getRepo(), 100, 20);
const giteaRepo = await median(() => viaGitea.getRepo(), 100, 20);
console.log(
  `getRepo on an instant loopback server: bare fetch ${bareRepo.toFixed(2)} ms, GitHub adapter ${githubRepo.toFixed(2)} ms, Gitea adapter ${giteaRepo.toFixed(2)} ms (medians of 100)`,
);
server.close();

const dir = mkdtempSync(join(tmpdir(), 'bench-forge-'));
const forge = await startLocalForge({ dir });
try {
  await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  const github = openForgeClient({ repo: 'caloron/bench', host: forge.url, token_env: 'UNSET' }, { env: {} });
  for (let i = 0; i < ISSUES; i++) await github.createIssue({ title: `issue ${i}` });

  const list = await median(() => github.listIssues({ state: 'all' }), 10, 2);
  console.log(
    `listIssues on the embedded forge, ${ISSUES} issues in ${Math.ceil(ISSUES / 100)} pages: ${list.toFixed(1)} ms (median of 10)`,
  );
} finally {
  await forge.close();
  rmSync(dir, { recursive: true, force: true });
}
