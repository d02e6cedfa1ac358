// The embedded forge under a sprint-sized load, over real HTTP on 127.0.0.1: issue
// creation (each write rewrites forge.json atomically, with fsync), paging through the
// issue list, and real merges in the bare repository. Prints figures; asserts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { startLocalForge } from '../forge/index.js';

const ISSUES = 300;
const MERGES = 10;
const folder = mkdtempSync(join(tmpdir(), 'forge-bench-'));
const forge = await startLocalForge({ dir: join(folder, 'forge') });
const post = (path: string, body: unknown, method = 'POST') =>
  fetch(`${forge.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function report(label: string, count: number, ms: number): void {
  console.log(`${label.padEnd(44)} ${count} in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each)`);
}

try {
  const created = (await (await post('/user/repos', { name: 'bench' })).json()) as { clone_url: string };

  let start = performance.now();
  for (let n = 0; n < ISSUES; n += 1)
    await post('/repos/caloron/bench/issues', { title: `t${n}`, labels: ['caloron:task'] });
  report('create issue (persisted)', ISSUES, performance.now() - start);

  start = performance.now();
  let pages = 0;
  for (let page = 1; page <= Math.ceil(ISSUES / 100); page += 1) {
    await (await fetch(`${forge.url}/repos/caloron/bench/issues?state=all&per_page=100&page=${page}`)).json();
    pages += 1;
  }
  report('list issues, page of 100', pages, performance.now() - start);

  const work = join(folder, 'work');
  const env = {
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@b',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@b',
  };
  await execa('git', ['clone', '--quiet', created.clone_url, work]);
  for (let n = 0; n < MERGES; n += 1) {
    await execa('git', ['checkout', '--quiet', '-b', `b${n}`, 'origin/main'], { cwd: work });
    writeFileSync(join(work, `f${n}.txt`), `${n}\n`);
    await execa('git', ['add', '.'], { cwd: work });
    await execa('git', ['commit', '--quiet', '-m', `f${n}`], { cwd: work, env });
    await execa('git', ['push', '--quiet', 'origin', `b${n}`], { cwd: work });
    await post('/repos/caloron/bench/pulls', { title: `b${n}`, head: `b${n}`, base: 'main' });
  }
  start = performance.now();
  for (let n = 0; n < MERGES; n += 1) {
    const answer = await post(`/repos/caloron/bench/pulls/${ISSUES + n + 1}/merge`, {}, 'PUT');
    if (answer.status !== 200) throw new Error(`merge ${n} answered ${answer.status}`);
  }
  report('merge PR (merge-tree + commit-tree)', MERGES, performance.now() - start);
} finally {
  await forge.close();
  rmSync(folder, { recursive: true, force: true });
}
