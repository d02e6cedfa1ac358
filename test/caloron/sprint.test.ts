// `caloron sprint` as a user runs it: a real child process (`node --import tsx …`) against
// the embedded forge and the real shell with stub agents (startSprintEnvironment), given
// the forge, the shell and the environment through flags and variables as on a real
// forge. Planning uses the phases' template answers (no CALORON_LLM_COMMAND).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSprintEnvironment, type SprintEnvironment } from '../../caloron/demo/index.js';
import { loadEngine } from '../../engine/engine.js';
import { prepareJobs, readScheduleConfig } from '../../engine/schedule/index.js';
import { repo } from '../cli/in-process.js';
import { forgeRecord } from '../e2e/forge-record.js';
import { caloronHarness } from '../shell/e2e-harness.js';
import { tempProject } from '../temp-project.js';

const TWO_TASKS = join(repo, 'test/fixtures/demo/two-tasks.json');
const SPRINT = ['--import', 'tsx', 'caloron/cli/main.ts', 'sprint'];

let environment: SprintEnvironment;
let childEnv: Record<string, string>;

beforeAll(async () => {
  environment = await startSprintEnvironment({
    dir: join(tempProject({}, 'caloron-sprint-test-'), 'env'),
    harnessCommand: [...caloronHarness],
    heartbeatIntervalMs: 1000,
  });
  const { CALORON_LLM_COMMAND: _llm, ...env } = environment.env;
  childEnv = env;
});
afterAll(() => environment.close());

/** `caloron sprint` on the environment's forge and shell, with extra args and variables. */
function sprint(args: string[], env: Record<string, string | undefined> = {}) {
  const forge = [
    '--repo',
    environment.forgeConfig.repo,
    '--host',
    environment.forge.url,
    '--token-env',
    'CALORON_FORGE_TOKEN',
    '--shell-url',
    environment.shell.url,
    '--framework',
    'stub',
  ];
  return execa(process.execPath, [...SPRINT, ...args, ...forge], {
    cwd: repo,
    env: { ...childEnv, ...env },
    extendEnv: false,
    reject: false,
    timeout: 50_000,
  });
}

describe('caloron sprint', () => {
  it('runs a plan file through the scheduler to completion, then writes the retro', async () => {
    const run = await sprint(['Add a health endpoint', '--plan', TWO_TASKS, '--run', '--ticks-every', '1']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('caloron sprint "add-a-health-endpoint": Add a health endpoint');
    expect(run.stdout).toMatch(/^tick 1: actions: a:spawn_agent:0; no errors/m);
    expect(run.stdout).toMatch(/^sprint "add-a-health-endpoint" complete after \d+ tick\(s\): 2 Done$/m);
    const report = /^retro report: (.+)$/m.exec(run.stdout)?.[1];
    expect(report).toBe(join(environment.reportsDir, 'add-a-health-endpoint.md'));
    expect(readFileSync(report!, 'utf8')).toContain('**Completed:** 2 (100%)');
    const scheduler = JSON.parse(
      readFileSync(join(environment.kvDir, 'schedules/add-a-health-endpoint/scheduler.json'), 'utf8'),
    ) as { jobs: { name: string; cron: string }[] };
    expect(scheduler.jobs).toMatchObject([
      { name: 'sprint-tick-add-a-health-endpoint', cron: '* * * * * *' },
    ]);
    const forge = await forgeRecord(environment);
    const titles = forge.issues.map((issue) => issue.title);
    for (const title of ['Write the first page', 'Write the second page']) expect(titles).toContain(title);
    expect(forge.pulls.filter((pull) => pull.merged)).toHaveLength(2);
    expect(forge.files).toEqual(expect.arrayContaining(['caloron/a.md', 'caloron/b.md']));
  });

  it('plans the goal by template answers, kicks it off on the forge, and prints a job the scheduler accepts', async () => {
    const run = await sprint([
      'Add a health endpoint',
      '--sprint-id',
      'planned',
      '--constraints',
      'Keep it small',
    ]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const planned = Number(/^(\d+) task\(s\) from the goal:$/m.exec(run.stdout)?.[1]);
    expect(planned).toBeGreaterThan(0);
    const issues = [...run.stdout.matchAll(/^ {2}([a-z0-9_-]+): issue #(\d+)$/gm)];
    expect(issues).toHaveLength(planned);
    const onForge = new Map((await forgeRecord(environment)).issues.map((issue) => [issue.number, issue]));
    for (const [, , number] of issues) expect(onForge.get(Number(number))?.state).toBe('open');
    expect(existsSync(join(environment.kvDir, 'planned.json'))).toBe(true);

    const job = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1)) as Record<string, unknown>;
    expect(job).toMatchObject({
      name: 'sprint-tick-planned',
      graph: './compositions/sprint_tick_stateful.json',
      input: {
        sprint_id: 'planned',
        repo: environment.forgeConfig.repo,
        host: environment.forge.url,
        token_env: 'CALORON_FORGE_TOKEN',
        shell_url: environment.shell.url,
      },
    });
    // As the project's scheduler.json holds it: next to compositions/.
    const project = tempProject({}, 'caloron-sprint-job-');
    symlinkSync(join(repo, 'compositions'), join(project, 'compositions'));
    const config = join(project, 'scheduler.json');
    writeFileSync(config, JSON.stringify({ jobs: [job] }));
    const engine = await loadEngine({ cwd: repo });
    const { jobs } = await prepareJobs(engine, readScheduleConfig(config));
    expect(jobs.map((j) => j.name)).toEqual(['sprint-tick-planned']);
  });

  it('refuses bad input with a code and the flag, before anything starts', async () => {
    const kv = join(tempProject({}, 'caloron-sprint-kv-'), 'kv');
    mkdirSync(kv);
    const [noRepo, badId, noToken, badPlan] = await Promise.all([
      execa(process.execPath, [...SPRINT, 'Add a health endpoint'], {
        cwd: repo,
        env: childEnv,
        reject: false,
      }),
      sprint(['Add a health endpoint', '--sprint-id', 'Bad!']),
      sprint(['Add a health endpoint'], { CALORON_FORGE_TOKEN: undefined, CALORON_KV_DIR: kv }),
      sprint(['Add a health endpoint', '--plan', join(repo, 'test/fixtures/demo/bad-task.json')], {
        CALORON_KV_DIR: kv,
      }),
    ]);
    expect([noRepo.exitCode, noRepo.stderr]).toEqual([
      1,
      expect.stringContaining('NOE_USAGE: --repo is required'),
    ]);
    expect([badId.exitCode, badId.stderr]).toEqual([
      1,
      expect.stringContaining('NOE_USAGE: --sprint-id "Bad!"'),
    ]);
    expect([noToken.exitCode, noToken.stderr]).toEqual([
      1,
      expect.stringContaining('NOE_USAGE: the forge token variable CALORON_FORGE_TOKEN is unset'),
    ]);
    expect(badPlan.exitCode).toBe(2);
    expect(badPlan.stderr).toMatch(/NOE_DAG_INVALID: .*bad-task\.json:\d+:\d+/);
    for (const run of [noRepo, badId, noToken, badPlan]) expect(run.stdout).toBe('');
    expect(existsSync(join(kv, 'add-a-health-endpoint.json'))).toBe(false);
  });
});

describe('caloron sprint --json', () => {
  it('prints one event per line, and a second run of the same sprint resumes without new issues', async () => {
    const args = ['Add a health endpoint', '--sprint-id', 'twice', '--plan', TWO_TASKS, '--json'];
    const events = async () => {
      const run = await sprint(args);
      expect([run.exitCode, run.stderr]).toEqual([0, '']);
      return run.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    const first = await events();
    expect(first.map((e) => e.event)).toEqual(['planned', 'kicked_off', 'job']);
    expect(first[0]).toMatchObject({ from: 'plan file', tasks: [{ id: 'a' }, { id: 'b' }] });
    expect(first[1]).toMatchObject({ sprint_id: 'twice', resumed: false });
    expect(first[2]).toMatchObject({ job: { name: 'sprint-tick-twice', cron: '* * * * *' } });
    const second = await events();
    expect(second[1]).toMatchObject({ resumed: true, tasks: [{ created: false }, { created: false }] });
    expect((second[1] as { tasks: unknown[] }).tasks).toEqual(
      (first[1] as { tasks: { created: boolean }[] }).tasks.map((t) => ({ ...t, created: false })),
    );
  });
});

describe('caloron sprint --run, interrupted', () => {
  it('stops on SIGINT after a tick with NOE_CANCELLED, the state kept for the next run', async () => {
    const child = sprint([
      'Add a health endpoint',
      '--sprint-id',
      'stopped',
      '--plan',
      TWO_TASKS,
      '--run',
      '--ticks-every',
      '30',
    ]);
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^tick 1: /m.test(stdout)) resolve();
      }),
    );
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/NOE_CANCELLED: interrupted \(1 InProgress, 1 Pending\)/);
    const state = JSON.parse(readFileSync(join(environment.kvDir, 'stopped.json'), 'utf8')) as {
      state: { tasks: Record<string, { status: string }> };
    };
    expect(state.state.tasks.a?.status).toBe('InProgress');
  });
});
