// `caloron demo` as a user runs it: a real child process (`node --import tsx …`, the bare
// loader flag its agents must survive), the embedded forge and the shell on loopback
// ports, stub agents, the tick fired by the scheduler. Whatever way it ends, nothing it
// started may outlive it: no agent, no harness, no process working under its folder.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repo } from '../cli/in-process.js';
import { isRunning } from '../run/command-liveness.js';
import { tempProject } from '../temp-project.js';

const TWO_TASKS = join(repo, 'test/fixtures/demo/two-tasks.json');
const CYCLE = join(repo, 'test/fixtures/demo/cycle.json');
const DEMO = ['--import', 'tsx', 'caloron/cli/main.ts', 'demo'];

function demo(...args: string[]) {
  return execa(process.execPath, [...DEMO, ...args], { cwd: repo, reject: false, timeout: 90_000 });
}

/** Live processes whose command line or working directory is inside `dir`. */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if ((argv.includes(dir) || cwd.startsWith(dir)) && isRunning(pid)) found.push(`${entry}: ${argv}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** The rows of the last task table printed, as [id, status]. */
function lastTable(stdout: string): string[][] {
  const tables = stdout.split(/\n(?=task\s+title\s+status)/).slice(1);
  const rows = tables.at(-1)?.split('\n\n')[0]?.split('\n').slice(2) ?? [];
  return rows
    .filter((row) => /^[a-z0-9]/.test(row) && !row.startsWith('tick '))
    .map((row) => {
      const cells = row.split(/\s{2,}/);
      return [cells[0]!, cells[2]!];
    });
}

describe('caloron demo', () => {
  it('runs a plan to completion through the scheduler, then writes the retro report', async () => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const run = await demo('--plan', TWO_TASKS, '--ticks-every', '1', '--dir', dir);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(lastTable(run.stdout)).toEqual([
      ['a', 'Done'],
      ['b', 'Done'],
    ]);
    expect(run.stdout).toMatch(/^tick 1: actions: a:spawn_agent:0; no errors/m);
    expect(run.stdout).toContain('sprint "demo" complete after');
    const report = /^retro report: (.+)$/m.exec(run.stdout)?.[1];
    expect(report).toBe(join(dir, 'reports', 'demo.md'));
    expect(readFileSync(report!, 'utf8')).toContain('**Completed:** 2 (100%)');
    expect(JSON.parse(readFileSync(join(dir, 'scheduler.json'), 'utf8'))).toMatchObject({
      jobs: [{ name: 'sprint-tick', cron: '* * * * * *' }],
    });
    expect(run.stdout).toContain(`everything is in ${dir}`);
    expect(processesUnder(dir)).toEqual([]);
  });

  it('stops cleanly on SIGINT: the run is cancelled, and nothing it started is left', async () => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const child = spawn(process.execPath, [...DEMO, '--ticks-every', '1', '--dir', dir], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('tick 1:')) resolve();
      }),
    );
    // An agent is at work now: the stop must take it down too.
    expect(lastTable(stdout)).toContainEqual(['a', 'InProgress']);
    child.kill('SIGINT');
    expect(await exited).toBe(3);
    expect(stderr).toContain('NOE_CANCELLED');
    expect(stderr).toContain(`everything is in ${dir}`);
    expect(processesUnder(dir)).toEqual([]);
  });

  it('gives up at --timeout with NOE_TIMEOUT, reporting in JSON lines with --json', async () => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const run = await demo(
      '--plan',
      TWO_TASKS,
      '--ticks-every',
      '1',
      '--timeout',
      '1',
      '--json',
      '--dir',
      dir,
    );
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^caloron demo: NOE_TIMEOUT: the sprint did not finish in time/);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string });
    expect(lines[0]).toMatchObject({ event: 'started', sprint_id: 'demo', dir });
    expect(lines.at(-1)).toEqual({
      event: 'finished',
      sprint_id: 'demo',
      outcome: 'timeout',
      ticks: lines.filter((line) => line.event === 'tick').length,
      report_path: null,
      learnings_path: null,
      dir,
    });
    expect(processesUnder(dir)).toEqual([]);
  });
});

describe.concurrent('caloron demo --plan errors', () => {
  it('refuses a missing plan file with NOE_FILE_READ, starting nothing', async ({ expect }) => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const run = await demo('--plan', join(dir, 'nowhere.json'), '--dir', dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^caloron demo: NOE_FILE_READ: .*nowhere\.json/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a plan that is not JSON with NOE_JSON_SYNTAX at its line, starting nothing', async ({
    expect,
  }) => {
    const folder = tempProject(
      { 'plan.json': '[\n  { "id": "a", "title": "Unclosed",\n' },
      'caloron-demo-test-',
    );
    const dir = join(folder, 'run');
    const run = await demo('--plan', join(folder, 'plan.json'), '--dir', dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`NOE_JSON_SYNTAX: ${join(folder, 'plan.json')}:3:`);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a plan with a cycle with NOE_DAG_INVALID naming it, and leaves nothing running', async ({
    expect,
  }) => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const run = await demo('--plan', CYCLE, '--dir', dir);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`caloron demo: NOE_DAG_INVALID: ${CYCLE}: `);
    expect(run.stderr).toContain('the sprint plan is not a valid DAG');
    expect(run.stderr).toContain('a → b → a');
    expect(processesUnder(dir)).toEqual([]);
  });

  it('refuses a plan giving one agent two tasks that can run at once, before opening an issue', async ({
    expect,
  }) => {
    // b and c both follow a only: the shell would stop dev-x's harness for b to start c.
    const plan = [
      { id: 'a', title: 'Foundation', depends_on: [] },
      { id: 'b', title: 'Left wing', depends_on: ['a'], agent_id: 'dev-x' },
      { id: 'c', title: 'Right wing', depends_on: ['a'], agent_id: 'dev-x' },
    ];
    const folder = tempProject({ 'plan.json': JSON.stringify(plan) }, 'caloron-demo-test-');
    const dir = join(folder, 'run');
    const run = await demo('--plan', join(folder, 'plan.json'), '--dir', dir);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('caloron demo: NOE_DAG_INVALID: ');
    expect(run.stderr).toContain(
      'agent_overlap at /dag/tasks/c/agent_id: agent "dev-x" is the developer of "b" and the developer of "c"',
    );
    const forge = JSON.parse(readFileSync(join(dir, 'forge/forge.json'), 'utf8')) as {
      repos: Record<string, { issues: unknown[] }>;
    };
    expect(Object.values(forge.repos).flatMap((repository) => repository.issues)).toEqual([]);
    expect(readdirSync(join(dir, 'kv'))).toEqual([]);
    expect(processesUnder(dir)).toEqual([]);
  });

  it('refuses a --ticks-every a cron cannot say with NOE_USAGE', async ({ expect }) => {
    const dir = join(tempProject({}, 'caloron-demo-test-'), 'run');
    const run = await demo('--plan', TWO_TASKS, '--ticks-every', '90', '--dir', dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('NOE_USAGE: --ticks-every 90');
    expect(existsSync(dir)).toBe(false);
  });
});
