// The sprint tick's cost (issue [6/6] item 6), at several sprint sizes. Prints figures;
// asserts nothing.
//
// - engine-only: compositions/sprint_tick_core.json through engine.run, with a given poll
//   result. The core graph polls the forge in its `poll` binding; here that one binding is
//   replaced by a Const node holding a quiet poll (no new event), so the forge is not
//   involved and everything else (health, supervisor, dag_evaluate, execute_actions with
//   nothing due, build_tick_output, every boundary check) runs as in a real tick. The
//   sprint is held deep-frozen between ticks, as a long-lived process holds it; the
//   "fresh state" row hands a newly parsed one every tick instead.
//   Targets: ≤ 2 ms @100 tasks, ≤ 40 ms @10,000.
// - full: compositions/sprint_tick_stateful.json through engine.run against the embedded
//   forge on loopback and real KV files: tick lock, state read, poll, health, evaluation,
//   save (atomic, fsynced). The forge holds one issue per task and one pull request per
//   task that reached review (open, or merged and closed); it is written straight into the
//   forge's store file (forge.json) and its bare repository before the forge starts, since
//   creating thousands of records over HTTP would take minutes. Target: ≤ 50 ms @100 tasks.
//
// The sprint is steady: tasks Done, InProgress, InReview and Pending (waiting on one in
// progress), every agent beating, every event already processed, so a tick finds nothing
// to do, which is what almost every tick of a long sprint is. Times are per tick after a
// warm-up: wall clock and this process's CPU (user + system; the forge runs in this
// process too, so the full tick's CPU includes the forge's side).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEngine, type Engine } from '../engine/engine.js';
import { startLocalForge } from '../forge/index.js';
import type { ForgeState, IssueRecord, RepoRecord, ReviewRecord } from '../forge/state.js';
import type { AgentRecord, DagState, Task, TickState } from '../schemas/generated/types.js';
import { writeMarker } from '../stages/github/marker.js';
import { writeTickState } from '../stages/sprint/kv-store.js';
import { deepFreeze } from '../engine/json/value.js';

const repoRoot = resolve(new URL('..', import.meta.url).pathname);
const SPRINT = 's1';
const HOUR_MS = 3_600_000;
const OVERLAP_MS = 120_000;

interface Sprint {
  state: DagState;
  agents: Record<string, AgentRecord>;
  /** The poll cursor's seen ids: the open pull requests' pr_opened events. */
  seen: string[];
}

/** What task `i` is: 4 in 10 Done, 2 InProgress, 1 InReview, 3 Pending on an InProgress one. */
function statusOf(i: number): Task['status'] {
  const k = i % 10;
  return k < 4 ? 'Done' : k < 6 ? 'InProgress' : k === 6 ? 'InReview' : 'Pending';
}

const taskId = (i: number) => `t${i}`;
const issueOf = (i: number) => i + 1;
const prOf = (n: number, i: number) => n + 1 + i;
const headRef = (i: number) => `caloron/${SPRINT}/${taskId(i)}`;

function makeSprint(n: number, now: Date, headSha: string): Sprint {
  const past = new Date(now.getTime() - HOUR_MS).toISOString();
  const beat = now.toISOString();
  const tasks: Record<string, Task> = {};
  const agents: Record<string, AgentRecord> = {};
  const processed: string[] = [];
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const status = statusOf(i);
    const hasPr = status === 'Done' || status === 'InReview';
    const id = taskId(i);
    tasks[id] = {
      id,
      title: `Task ${i}`,
      status,
      depends_on: status === 'Pending' ? [taskId(i - (i % 10) + 4)] : [],
      agent_id: `dev-${i}`,
      reviewer_id: `rev-${i}`,
      framework: 'stub',
      agent_prompt: `Write caloron/${id}.md`,
      issue_number: issueOf(i),
      pr_number: hasPr ? prOf(n, i) : null,
      started_at: status === 'Pending' ? null : past,
      completed_at: status === 'Done' ? past : null,
      status_changed_at: status === 'Pending' ? null : past,
      review_cycles: 0,
      intervention_count: 0,
      action_seq: status === 'Pending' ? 0 : hasPr ? 2 : 1,
    };
    processed.push(`issue_opened:${issueOf(i)}`);
    if (hasPr) processed.push(`pr_opened:${prOf(n, i)}:${headSha}`);
    if (status === 'Done') processed.push(`review:${i + 1}`, `pr_merged:${prOf(n, i)}`);
    if (status === 'InReview') seen.push(`pr_opened:${prOf(n, i)}:${headSha}`);
    const active = status === 'InProgress' ? 'developer' : status === 'InReview' ? 'reviewer' : null;
    if (active !== null) {
      const agentId = active === 'developer' ? `dev-${i}` : `rev-${i}`;
      agents[agentId] = {
        agent_id: agentId,
        sprint_id: SPRINT,
        task_id: id,
        role: active,
        pid: null,
        process_start: null,
        started_at: past,
        last_beat_at: beat,
        status: 'running',
        exit_code: null,
        ended_at: null,
      };
    }
  }
  return { state: { sprint_id: SPRINT, tasks, processed_events: processed }, agents, seen: seen.sort() };
}

interface Figures {
  wallMedian: number;
  wallP90: number;
  cpuMedian: number;
  cpuP90: number;
  runs: number;
}

async function measure(warmup: number, runs: number, tick: () => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < warmup; i++) await tick();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await tick();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const at = (xs: number[], q: number) =>
    xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  return {
    wallMedian: at(walls, 0.5),
    wallP90: at(walls, 0.9),
    cpuMedian: at(cpus, 0.5),
    cpuP90: at(cpus, 0.9),
    runs,
  };
}

/**
 * Where a case's time went, from the traces its runs wrote (engine.run writes one per run
 * under the engine's working folder): each stage call's median duration, boundary checks
 * and hashing included, and the median run as the trace saw it.
 */
function breakdown(): string {
  const folder = join(work, '.noether', 'traces');
  const byStage = new Map<string, number[]>();
  const runs: number[] = [];
  for (const file of readdirSync(folder)) {
    const trace = JSON.parse(readFileSync(join(folder, file), 'utf8')) as {
      duration_ms: number;
      calls: { stage: string; duration_ms?: number }[];
    };
    runs.push(trace.duration_ms);
    for (const call of trace.calls) {
      const list = byStage.get(call.stage) ?? [];
      list.push(call.duration_ms ?? 0);
      byStage.set(call.stage, list);
    }
  }
  rmSync(folder, { recursive: true, force: true });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const stages = [...byStage].map(([stage, xs]) => [stage, median(xs)] as const).sort((a, b) => b[1] - a[1]);
  return (
    `    run (trace) ${median(runs).toFixed(2)} ms; calls: ` +
    stages.map(([stage, ms]) => `${stage} ${ms.toFixed(2)}`).join(', ')
  );
}

function report(name: string, tasks: number, target: number | undefined, f: Figures): void {
  const ms = (x: number) => x.toFixed(2).padStart(9);
  const verdict =
    target === undefined ? '' : f.wallMedian <= target ? `≤ ${target} ms: met` : `≤ ${target} ms: NOT met`;
  console.log(
    `${name.padEnd(12)}${String(tasks).padStart(7)}${ms(f.wallMedian)}${ms(f.wallP90)}${ms(f.cpuMedian)}${ms(f.cpuP90)}${String(f.runs).padStart(6)}  ${verdict}`,
  );
  console.log(breakdown());
}

/** The core graph with its `poll` binding replaced by a Const holding `poll`. */
function coreWithPoll(poll: unknown): Record<string, unknown> {
  const core = JSON.parse(readFileSync(join(repoRoot, 'compositions/sprint_tick_core.json'), 'utf8')) as {
    root: { bindings: Record<string, unknown> };
  };
  if ((core.root.bindings.poll as { id?: string } | undefined)?.id !== 'github_poll_events')
    throw new Error('sprint_tick_core.json no longer polls in root.bindings.poll: update this bench');
  core.root.bindings.poll = { op: 'Const', value: poll };
  return core;
}

async function engineOnly(engine: Engine, n: number, runs: number): Promise<void> {
  const now = new Date();
  // Kept frozen between ticks, as a long-lived process (the scheduler) keeps it: the engine
  // takes frozen subtrees as they are, so their proofs and hashes carry from tick to tick.
  const sprint = deepFreeze(makeSprint(n, now, 'a'.repeat(40)));
  const since = new Date(now.getTime() - OVERLAP_MS).toISOString();
  // Run from a file, as the scheduler and `noether-ts run` do: the engine parses and checks it once.
  const graph = join(work, `core-${n}.json`);
  writeFileSync(
    graph,
    JSON.stringify(coreWithPoll({ events: [], polled_at: now.toISOString(), since, seen: sprint.seen })),
  );
  const input = {
    sprint_id: SPRINT,
    repo: 'caloron/demo',
    host: 'http://127.0.0.1:9',
    token_env: 'CALORON_FORGE_TOKEN',
    shell_url: 'http://127.0.0.1:9',
    stall_threshold_m: 30,
    max_review_cycles: 3,
    now: now.toISOString(),
    state: sprint.state,
    interventions: {},
    since,
    seen: sprint.seen,
    agents: sprint.agents,
  };
  const env = { CALORON_FORGE_TOKEN: 't', CALORON_KV_DIR: join(work, 'kv-core') };
  const target = n <= 100 ? 2 : n <= 10_000 ? 40 : undefined;
  const sprintText = JSON.stringify({ state: sprint.state, seen: sprint.seen, agents: sprint.agents });
  // - the pure-stage cache on and off: a tick's inputs carry `now`, so its pure stages never
  //   hit, and their cache keys are pure cost;
  // - "fresh state": the sprint parsed from its JSON text at every tick (JSON.parse
  //   included), as a tick process started afresh (cron) has it: nothing is known of it yet.
  const cases = [
    { name: 'engine-only', cache: true, fresh: false, target },
    { name: '  no cache', cache: false, fresh: false, target },
    { name: '  fresh state', cache: true, fresh: true, target: undefined },
  ];
  for (const c of cases) {
    const tick = async () => {
      const parts = c.fresh ? (JSON.parse(sprintText) as typeof input) : input;
      // Every tick has its own clock, as a real one does (the same input would hit the cache).
      const fresh = { ...input, ...parts, now: new Date().toISOString() };
      const out = (await engine.run(graph, fresh, { env, cache: c.cache })).output as {
        actions_taken: string[];
      };
      if (out.actions_taken.length > 0)
        throw new Error('the engine-only tick acted: the sprint is not steady');
    };
    report(c.name, n, c.target, await measure(5, c.fresh && n > 1000 ? 10 : runs, tick));
  }
}

/** A bare repository's one commit on a new branch for every open pull request's head. */
function headCommit(gitDir: string, refs: string[]): string {
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      input,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'B',
        GIT_AUTHOR_EMAIL: 'b@example.com',
        GIT_COMMITTER_NAME: 'B',
        GIT_COMMITTER_EMAIL: 'b@example.com',
      },
    })
      .toString()
      .trim();
  const main = git(['rev-parse', 'refs/heads/main']);
  const blob = git(['hash-object', '-w', '--stdin'], 'work\n');
  const tree = git(['mktree'], `100644 blob ${blob}\twork.md\n`);
  const sha = git(['commit-tree', tree, '-p', main, '-m', 'work']);
  git(['update-ref', '--stdin'], refs.map((ref) => `create refs/heads/${ref} ${sha}\n`).join(''));
  return sha;
}

/** The forge's records of the sprint: an issue per task, a pull request per task that reached review. */
function fillRepo(repo: RepoRecord, state: ForgeState, n: number, headSha: string, past: string): void {
  const labels = ['caloron:task'];
  repo.labels.push({ id: state.next_id++, name: 'caloron:task', color: 'ededed', description: null });
  const pulls: IssueRecord[] = [];
  const reviews: ReviewRecord[] = [];
  for (let i = 0; i < n; i++) {
    const status = statusOf(i);
    const done = status === 'Done';
    const base = { user: 'caloron', created_at: past, updated_at: past, labels, state_reason: null };
    repo.issues.push({
      ...base,
      id: state.next_id++,
      number: issueOf(i),
      title: `Task ${i}`,
      body: `${writeMarker({ kind: 'task', sprint_id: SPRINT, task_id: taskId(i) })}\nTask ${i}`,
      state: done ? 'closed' : 'open',
      ...(done ? { state_reason: 'completed' as const } : {}),
      closed_at: done ? past : null,
    });
    if (!done && status !== 'InReview') continue;
    pulls.push({
      ...base,
      labels: [],
      id: state.next_id++,
      number: prOf(n, i),
      title: `Task ${i}`,
      body: `Closes #${issueOf(i)}`,
      state: done ? 'closed' : 'open',
      closed_at: done ? past : null,
      pull: {
        head_ref: headRef(i),
        base_ref: 'main',
        head_sha: headSha,
        merged: done,
        merged_at: done ? past : null,
        merged_by: done ? 'caloron' : null,
        merge_commit_sha: done ? headSha : null,
      },
    });
    if (done)
      reviews.push({
        id: i + 1,
        pull_number: prOf(n, i),
        user: 'caloron',
        body: 'ok',
        state: 'APPROVED',
        commit_id: headSha,
        submitted_at: past,
      });
  }
  repo.issues.push(...pulls);
  repo.reviews.push(...reviews);
  repo.next_number = n + 1 + n;
}

async function fullTick(engine: Engine, n: number, runs: number): Promise<void> {
  const dir = join(work, `full-${n}`);
  const forgeDir = join(dir, 'forge');
  const kvDir = join(dir, 'kv');
  mkdirSync(kvDir, { recursive: true });
  const token = 'bench-token';
  let forge = await startLocalForge({ dir: forgeDir, token });
  const created = await fetch(`${forge.url}/user/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `token ${token}` },
    body: JSON.stringify({ name: 'demo' }),
  });
  if (created.status !== 201) throw new Error(`the forge did not create the repository: ${created.status}`);
  const gitDir = forge.repoPath('caloron', 'demo');
  await forge.close();

  const now = new Date();
  const past = new Date(now.getTime() - HOUR_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const open = Array.from({ length: n }, (_, i) => i).filter((i) => statusOf(i) === 'InReview');
  const headSha = headCommit(gitDir, open.map(headRef));
  const storeFile = join(forgeDir, 'forge.json');
  const store = JSON.parse(readFileSync(storeFile, 'utf8')) as ForgeState;
  const repo = Object.values(store.repos)[0]!;
  fillRepo(repo, store, n, headSha, past);
  writeFileSync(storeFile, JSON.stringify(store));
  forge = await startLocalForge({ dir: forgeDir, token });
  try {
    const sprint = makeSprint(n, now, headSha);
    const tickState: TickState = {
      schema_version: 1,
      state: sprint.state,
      interventions: {},
      since: new Date(now.getTime() - OVERLAP_MS).toISOString(),
      seen: sprint.seen,
    };
    await writeTickState(kvDir, SPRINT, tickState);
    writeFileSync(
      join(kvDir, `${SPRINT}.agents.json`),
      JSON.stringify({ schema_version: 1, sprint_id: SPRINT, agents: sprint.agents }),
    );
    const input = {
      sprint_id: SPRINT,
      repo: 'caloron/demo',
      host: forge.url,
      token_env: 'CALORON_FORGE_TOKEN',
      shell_url: 'http://127.0.0.1:9',
      stall_threshold_m: 30,
      max_review_cycles: 3,
    };
    const env = { ...process.env, CALORON_FORGE_TOKEN: token, CALORON_KV_DIR: kvDir };
    const tick = async () => {
      const out = (await engine.run(join(repoRoot, 'compositions/sprint_tick_stateful.json'), input, { env }))
        .output as {
        busy?: boolean;
        actions_taken?: string[];
        errors?: unknown[];
      };
      if (out.busy === true || (out.actions_taken?.length ?? 0) > 0 || (out.errors?.length ?? 0) > 0)
        throw new Error(`the full tick was busy or acted: ${JSON.stringify(out).slice(0, 400)}`);
    };
    report('full', n, n <= 100 ? 50 : undefined, await measure(3, runs, tick));
  } finally {
    await forge.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'bench-tick-'));
try {
  // Traces go to the temporary folder (the engine's cwd), not the checkout's .noether/.
  const engine = await loadEngine({ cwd: work, stages: [join(repoRoot, 'stages/index.ts')] });
  console.log('per tick, after warm-up; ms');
  console.log(
    `${'tick'.padEnd(12)}${'tasks'.padStart(7)}${'wall p50'.padStart(9)}${'wall p90'.padStart(9)}${'cpu p50'.padStart(9)}${'cpu p90'.padStart(9)}${'runs'.padStart(6)}`,
  );
  // `node --import tsx bench/tick.ts [core|full] [TASKS]` runs one kind, or one size of it.
  const [kind, size] = process.argv.slice(2);
  const sizes = (all: number[]) => (size === undefined ? all : [Number(size)]);
  if (kind === undefined || kind === 'core')
    for (const n of sizes([100, 10_000])) await engineOnly(engine, n, n <= 1000 ? 200 : 20);
  if (kind === undefined || kind === 'full')
    for (const n of sizes([100, 1_000])) await fullTick(engine, n, n <= 100 ? 30 : 10);
} finally {
  rmSync(work, { recursive: true, force: true });
}
