// `caloron demo`: a whole sprint on this machine, offline (caloron/demo/run.ts does the
// work). This file parses flags, turns SIGINT/SIGTERM into a clean stop, and prints: the
// task table after every tick, then where the retro report and everything else are.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { untilInterrupted } from '../../engine/cli/interrupt.js';
import { NoetherError } from '../../engine/errors.js';
import {
  DIAMOND_PLAN,
  endingLines,
  jsonTickReporter,
  readPlan,
  renderTaskTable,
  renderTickLine,
  runDemo,
  statusSummary,
  type DemoReporter,
  type DemoResult,
} from '../demo/index.js';

const DEMO_USAGE = `usage: caloron demo [--plan FILE] [--ticks-every SECONDS] [--dir DIR] [--timeout SECONDS] [--json]

Runs a whole sprint offline: the embedded forge and the shell on free loopback ports, stub
agents, kickoff.json for the plan, the tick (sprint_tick_stateful.json) fired by the
scheduler until the sprint is complete or stuck, then retro.json.
  --plan FILE           a JSON list of tasks {id, title, depends_on[], agent_prompt?}
                        (default: the diamond, caloron/demo/diamond.json)
  --ticks-every SECONDS seconds between ticks: 1 to 59, or whole minutes (default 2)
  --dir DIR             where the forge, state, worktrees and reports go
                        (default: a new folder under the system's temp folder)
  --timeout SECONDS     give up after this long (default 600)
  --json                one JSON object per line instead of tables
Exit 0 when the sprint is complete; non-zero when it is stuck, timed out or interrupted.
`;

export async function demoCommand(args: string[]): Promise<void> {
  const { values } = parse(args);
  if (values.help === true) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  const ticksEvery = positiveNumber(values['ticks-every'], '--ticks-every');
  const timeoutS = positiveNumber(values.timeout, '--timeout');
  const planFile = resolve(values.plan ?? DIAMOND_PLAN);
  const plan = readPlan(planFile);
  const dir = resolve(values.dir ?? mkdtempSync(join(tmpdir(), 'caloron-demo-')));
  const print = (text: string) => void process.stdout.write(`${text}\n`);
  const json = values.json === true;
  if (!json) print(`caloron demo: ${String(plan.length)} task(s) from ${planFile}\n  folder    ${dir}`);

  const result = await untilInterrupted(
    (signal) =>
      runDemo(
        { dir, plan, planFile, ticksEverySeconds: ticksEvery, timeoutMs: timeoutS * 1000, signal },
        json ? jsonReporter(print) : tableReporter(print, ticksEvery),
      ),
    () => process.stderr.write('caloron demo: stopping (scheduler, agents, shell, forge)…\n'),
  );
  if (json) print(JSON.stringify(summary(result)));
  else printEnding(print, result);
  if (result.outcome !== 'complete') throw failure(result);
}

function tableReporter(print: (text: string) => void, ticksEvery: number): DemoReporter {
  return {
    started: (places, sprintId) =>
      print(
        [
          `  forge     ${places.forgeUrl} (repository of sprint "${sprintId}": ${places.repoPath})`,
          `  shell     ${places.shellUrl}`,
          `  scheduler ${places.schedulerConfig}: the tick every ${String(ticksEvery)} s`,
        ].join('\n'),
      ),
    tick: ({ n, output, state, agents }) =>
      print(`\n${renderTaskTable(state, agents)}\n${renderTickLine(n, output)} [${statusSummary(state)}]`),
    note: (text) => print(text),
  };
}

function jsonReporter(print: (text: string) => void): DemoReporter {
  return {
    started: (places, sprintId) =>
      print(JSON.stringify({ event: 'started', sprint_id: sprintId, ...places })),
    ...jsonTickReporter(print),
  };
}

function summary(result: DemoResult) {
  return {
    event: 'finished',
    sprint_id: result.sprintId,
    outcome: result.outcome,
    ticks: result.ticks,
    report_path: result.retro?.report_path ?? null,
    learnings_path: result.retro?.learnings_path ?? null,
    dir: result.places.dir,
  };
}

function printEnding(print: (text: string) => void, result: DemoResult): void {
  const { places } = result;
  const lines = endingLines(result.sprintId, result.outcome, result.ticks, result.state, result.retro);
  lines.push(
    `everything is in ${places.dir}:`,
    `  forge/       the forge's data; the repository: git clone ${places.repoPath}`,
    `  kv/          the sprint's state, agent records and side-effect journal`,
    `  worktrees/   the agents' checkouts`,
    `  reports/     retro reports and learnings`,
  );
  print(lines.join('\n'));
}

function failure(result: DemoResult): NoetherError {
  const where = `everything is in ${result.places.dir}`;
  switch (result.outcome) {
    case 'stuck': {
      const waiting = Object.values(result.state.tasks)
        .filter((task) => task?.status === 'Escalated' || task?.status === 'Blocked')
        .map((task) => `${String(task?.id)} (${String(task?.status)})`);
      return new NoetherError('NOE_SPRINT_STUCK', `the sprint is stuck on ${waiting.join(', ')}; ${where}`);
    }
    case 'timeout':
      return new NoetherError(
        'NOE_TIMEOUT',
        `the sprint did not finish in time (${statusSummary(result.state)}); stopped the scheduler, agents, shell and forge; ${where}`,
      );
    case 'interrupted':
      return new NoetherError(
        'NOE_CANCELLED',
        `interrupted (${statusSummary(result.state)}); stopped the scheduler, agents, shell and forge; ${where}`,
      );
    case 'complete':
      throw new Error('a complete sprint is not a failure');
  }
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new NoetherError('NOE_USAGE', `${flag} ${JSON.stringify(text)}: give a positive number of seconds`);
  return value;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        plan: { type: 'string' },
        'ticks-every': { type: 'string', default: '2' },
        dir: { type: 'string' },
        timeout: { type: 'string', default: '600' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new NoetherError(
      'NOE_USAGE',
      `${error instanceof Error ? error.message : String(error)}\n${DEMO_USAGE}`,
    );
  }
}
