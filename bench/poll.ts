// How long github_poll_events takes against the embedded local forge on loopback: a
// repository with 500 issues, 500 comments and 10 reviewed pull requests; the first poll
// (no cursor: everything, several pages per listing) and a steady-state poll (the cursor of
// the previous one, nothing new since). Median of several runs after a warm-up, through the
// stage's `run`. Prints figures; asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalForge } from '../forge/index.js';
import type { GithubPollEventsInput, GithubPollEventsOutput } from '../schemas/generated/types.js';
import { openForgeClient } from '../stages/github/client/index.js';
import { githubPollEvents } from '../stages/github/index.js';

const ISSUES = 500;
const COMMENTS = 500;
const PULLS = 10;
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'bench-poll-'));
// The repository's history is dated an hour back, so a steady poll's cursor leaves it out.
let offsetMs = -3_600_000;
const forge = await startLocalForge({
  dir: join(dir, 'forge'),
  clock: () => new Date(Date.now() + offsetMs),
});
try {
  await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'demo' }),
  });
  const config = { repo: 'caloron/demo', host: forge.url, token_env: 'FORGE_TOKEN' };
  const env = { FORGE_TOKEN: 't' };
  const client = openForgeClient(config, { env });
  await Promise.all(Array.from({ length: ISSUES }, (_, i) => client.createIssue({ title: `issue ${i}` })));
  await Promise.all(
    Array.from({ length: COMMENTS }, (_, i) => client.createComment(1 + (i % ISSUES), `c ${i}`)),
  );
  const work = join(dir, 'work');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=B', '-c', 'user.email=b@example.com', ...args], { cwd: work });
  execFileSync('git', ['clone', '-q', forge.repoPath('caloron', 'demo'), work]);
  for (let i = 0; i < PULLS; i++) {
    git('checkout', '-q', '-b', `caloron/s1/t${i}`, 'origin/main');
    writeFileSync(join(work, `t${i}.txt`), `${i}`);
    git('add', '.');
    git('commit', '-q', '-m', `t${i}`);
    git('push', '-q', 'origin', `caloron/s1/t${i}`);
    const pr = await client.createPull({
      title: `t${i}`,
      body: `Closes #${i + 1}`,
      head: `caloron/s1/t${i}`,
      base: 'main',
    });
    await client.createReview(pr.number, { event: 'APPROVE', body: 'ok' });
  }

  offsetMs = 0;
  const run = githubPollEvents.implementation;
  if (run.kind !== 'builtin') throw new Error('github_poll_events is not built in');
  const ctx = { env, signal: new AbortController().signal, log: () => {}, onRunEnd: () => {} };
  const poll = async (input: GithubPollEventsInput) => (await run.run(input, ctx)) as GithubPollEventsOutput;
  const median = async (input: GithubPollEventsInput): Promise<[number, GithubPollEventsOutput]> => {
    let out = await poll(input);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      out = await poll(input);
      times.push(performance.now() - start);
    }
    times.sort((x, y) => x - y);
    return [times[Math.floor(RUNS / 2)] ?? NaN, out];
  };
  const [first, out] = await median({ ...config, since: null, seen: [] });
  const [steady, again] = await median({ ...config, since: out.since, seen: out.seen });
  console.log(`${ISSUES} issues, ${COMMENTS} comments, ${PULLS} reviewed pull requests, loopback forge`);
  console.log(`first poll (no cursor):  ${first.toFixed(1)} ms, ${out.events.length} events`);
  console.log(
    `steady poll (cursor):    ${steady.toFixed(1)} ms, ${again.events.length} new events, seen ${again.seen.length} ids`,
  );
} finally {
  await forge.close();
  rmSync(dir, { recursive: true, force: true });
}
