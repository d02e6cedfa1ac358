// `caloron sprint "<goal>"`: a sprint on a real forge (caloron/sprint/ does the work). This
// file reads the flags, turns SIGINT/SIGTERM into a clean stop, and prints: the planned
// tasks, the issues kickoff made, then the scheduler job to add (or, with --run, the task
// table after every tick and where the retro report is).
import { untilInterrupted } from '../../engine/cli/interrupt.js';
import { NoetherError } from '../../engine/errors.js';
import type { PlanTask } from '../../schemas/generated/types.js';
import {
  endingLines,
  jsonTickReporter,
  renderTaskTable,
  renderTickLine,
  statusSummary,
} from '../demo/index.js';
import {
  readSprintOptions,
  runSprint,
  SPRINT_USAGE,
  type SprintOptions,
  type SprintReporter,
  type SprintResult,
} from '../sprint/index.js';

export async function sprintCommand(args: string[]): Promise<void> {
  const options = readSprintOptions(args, process.env);
  if (options === undefined) {
    process.stdout.write(SPRINT_USAGE);
    return;
  }
  const print = (text: string) => void process.stdout.write(`${text}\n`);
  const result = await untilInterrupted(
    (signal) =>
      runSprint(
        options,
        process.env,
        options.json ? jsonReporter(print) : textReporter(print, options),
        signal,
      ),
    () => process.stderr.write('caloron sprint: stopping…\n'),
  );
  if (options.json) print(JSON.stringify(jsonEnding(result)));
  else print(textEnding(result));
  const failed = failure(result);
  if (failed !== undefined) throw failed;
}

function textReporter(print: (text: string) => void, options: SprintOptions): SprintReporter {
  return {
    planned: (tasks, from) =>
      print(
        [
          `caloron sprint "${options.sprintId}": ${options.goal}`,
          `  forge ${options.repo} on ${options.host === '' ? 'GitHub' : options.host}`,
          `${String(tasks.length)} task(s) from the ${from}:`,
          indent(planTable(tasks)),
        ].join('\n'),
      ),
    kickedOff: (kickoff) =>
      print(
        [
          `kicked off${kickoff.resumed ? ' (resumed: the sprint was already there)' : ''}; state in ${kickoff.state_path}`,
          ...kickoff.tasks.map(
            (task) =>
              `  ${task.task_id}: issue #${String(task.issue_number)}${task.created ? '' : ' (already there)'}`,
          ),
        ].join('\n'),
      ),
    ticking: (config, job) => print(`ticking through the scheduler (${job.cron}): ${config}`),
    tick: ({ n, output, state, agents }) =>
      print(`\n${renderTaskTable(state, agents)}\n${renderTickLine(n, output)} [${statusSummary(state)}]`),
    note: (text) => print(text),
  };
}

function jsonReporter(print: (text: string) => void): SprintReporter {
  return {
    planned: (tasks, from) => print(JSON.stringify({ event: 'planned', from, tasks })),
    kickedOff: (kickoff) => print(JSON.stringify({ event: 'kicked_off', ...kickoff })),
    ticking: (config, job) => print(JSON.stringify({ event: 'ticking', scheduler_config: config, job })),
    ...jsonTickReporter(print),
  };
}

function textEnding(result: SprintResult): string {
  if (result.run === undefined)
    return [
      '',
      `To tick the sprint, add this job to the "jobs" of scheduler.json and run noether-ts schedule scheduler.json`,
      `(with the forge token in $${result.job.input.token_env}, and CALORON_SHELL_TOKEN, CALORON_KV_DIR, CALORON_REPORTS_DIR as here):`,
      JSON.stringify(result.job, null, 2),
    ].join('\n');
  const { run } = result;
  return endingLines(result.sprintId, run.outcome, run.ticks, run.state, run.retro).join('\n');
}

function jsonEnding(result: SprintResult) {
  if (result.run === undefined) return { event: 'job', job: result.job };
  return {
    event: 'finished',
    sprint_id: result.sprintId,
    outcome: result.run.outcome,
    ticks: result.run.ticks,
    report_path: result.run.retro?.report_path ?? null,
    learnings_path: result.run.retro?.learnings_path ?? null,
  };
}

/** With --run, anything but a complete sprint is a failure (exit non-zero). */
function failure(result: SprintResult): NoetherError | undefined {
  const run = result.run;
  if (run === undefined || run.outcome === 'complete') return undefined;
  const summary = statusSummary(run.state);
  switch (run.outcome) {
    case 'stuck':
      return new NoetherError('NOE_SPRINT_STUCK', `sprint "${result.sprintId}" is stuck (${summary})`);
    case 'timeout':
      return new NoetherError(
        'NOE_TIMEOUT',
        `sprint "${result.sprintId}" did not finish in time (${summary}); the scheduler job printed without --run goes on from here`,
      );
    case 'interrupted':
      return new NoetherError('NOE_CANCELLED', `interrupted (${summary}); run again to go on from here`);
  }
}

function planTable(tasks: readonly PlanTask[]): string {
  const rows = [
    ['task', 'title', 'after'],
    ...tasks.map((t) => [t.id, t.title, t.depends_on.join(', ') || '-']),
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(([id, title, after]) => `${id!.padEnd(widths[0]!)}  ${title!.padEnd(widths[1]!)}  ${after!}`)
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
