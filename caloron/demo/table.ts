// What `caloron demo` prints after every tick, as pure functions of the sprint's state:
// one row per task (id, title, status, issue, pull request, the agent on it) and one line
// for what the tick did. No clock, no files: the run loop reads the state and hands it in.
import type { AgentRecord, DagState, Task } from '../../schemas/generated/types.js';

/** What one tick of the demo returned: sprint_tick_stateful.json's output. */
export interface TickOutput {
  actions_taken: string[];
  errors: { key: string; message: string }[];
  persisted_path: string;
  complete: boolean;
  stuck: boolean;
  busy?: boolean;
}

const TITLE_WIDTH = 32;
const HEADER = ['task', 'title', 'status', 'issue', 'PR', 'agent'];

/** The task table, columns padded to their widest cell; tasks in the plan's order. */
export function renderTaskTable(
  state: DagState,
  agents: Readonly<Record<string, AgentRecord | undefined>> = {},
): string {
  const tasks = Object.values(state.tasks).filter((task): task is Task => task !== undefined);
  const rows = tasks.map((task) => [
    task.id,
    clip(task.title, TITLE_WIDTH),
    task.status,
    numbered(task.issue_number),
    numbered(task.pr_number),
    agentCell(task, agents),
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** How many tasks are in each status, e.g. "2 Done, 1 InReview, 1 Pending". */
export function statusSummary(state: DagState): string {
  const counts = new Map<string, number>();
  for (const task of Object.values(state.tasks))
    if (task !== undefined) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${String(count)} ${status}`).join(', ');
}

/** How a run of ticks ended, and where its retro wrote, in the words `caloron demo` and `caloron sprint` end with. */
export function endingLines(
  sprintId: string,
  outcome: string,
  ticks: number,
  state: DagState,
  retro: { report_path: string; learnings_path: string } | undefined,
): string[] {
  const lines = [
    '',
    `sprint "${sprintId}" ${outcome} after ${String(ticks)} tick(s): ${statusSummary(state)}`,
  ];
  if (retro !== undefined)
    lines.push(`retro report: ${retro.report_path}`, `learnings:    ${retro.learnings_path}`);
  return lines;
}

/**
 * The line under the table: the tick's number, its actions (keys without the sprint
 * prefix, which every key shares) and its errors; a busy tick says so.
 */
export function renderTickLine(tick: number, output: TickOutput): string {
  const head = `tick ${String(tick)}:`;
  if (output.busy === true) return `${head} another tick holds the sprint; nothing done`;
  const actions =
    output.actions_taken.length === 0
      ? 'no actions'
      : `actions: ${output.actions_taken.map(shortKey).join(', ')}`;
  const errors =
    output.errors.length === 0
      ? 'no errors'
      : `errors: ${output.errors.map((e) => `${shortKey(e.key)}: ${e.message}`).join('; ')}`;
  return `${head} ${actions}; ${errors}`;
}

/** The agent working the task now: the developer while in progress, the reviewer in review. */
function agentCell(task: Task, agents: Readonly<Record<string, AgentRecord | undefined>>): string {
  const id =
    task.status === 'InProgress' ? task.agent_id : task.status === 'InReview' ? task.reviewer_id : undefined;
  if (id === undefined) return '-';
  const record = agents[id];
  return record === undefined || record.task_id !== task.id ? id : `${id} (${record.status})`;
}

function numbered(n: number | null): string {
  return n === null ? '-' : `#${String(n)}`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** `<sprint>:<task>:<kind>:<n>` → `<task>:<kind>:<n>`. */
function shortKey(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(colon + 1);
}
