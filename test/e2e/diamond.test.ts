// The diamond (CALORON §7), the end-to-end test every change keeps green: tasks A; B and C
// after A; D after B and C — on the embedded forge, with the real shell running stub agents
// through the real `caloron harness`, ticked through compositions/sprint_tick_stateful.json
// until complete, then the retro. Everything asserted is read back from where a user would
// look: the KV directory, the shell's agents file, the forge over HTTP and git, the report.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanTask, TaskStatus } from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { type ForgeRecord, forgeRecord } from './forge-record.js';
import { type SprintRun, startSprintRun } from './sprint-run.js';

const SPRINT = 'diamond';
const plan = JSON.parse(readFileSync(`${repo}/caloron/demo/diamond.json`, 'utf8')) as PlanTask[];
const TASKS = ['a', 'b', 'c', 'd'];

let run: SprintRun;
let forge: ForgeRecord;

beforeAll(async () => {
  run = await startSprintRun({ sprintId: SPRINT, plan });
  const last = await run.runToEnd();
  expect(last).toMatchObject({ complete: true, stuck: false, errors: [] });
  forge = await forgeRecord(run.environment);
}, 120_000);

afterAll(() => run?.close());

const ACTIVE: readonly TaskStatus[] = ['InProgress', 'InReview'];
const statusAt = (tick: number, task: string) => run.snapshots[tick]?.state.state.tasks[task]?.status;
/** The first snapshot in which `task` has `status`. */
const firstTick = (task: string, status: TaskStatus) =>
  run.snapshots.findIndex((snapshot) => snapshot.state.state.tasks[task]?.status === status);

describe('the diamond', () => {
  it('takes every task through Pending, (Ready,) InProgress, InReview, Done and nothing else', () => {
    const history = run.statusHistory();
    // Ready lasts no longer than the tick that finds the task's issue, so a snapshot may miss it.
    const allowed = [
      ['Pending', 'InProgress', 'InReview', 'Done'],
      ['Pending', 'Ready', 'InProgress', 'InReview', 'Done'],
    ];
    for (const task of TASKS)
      expect(allowed, `task ${task}: ${history[task]?.join(' → ')}`).toContainEqual(history[task]);
  });

  it('keeps B and C Pending until A is Done', () => {
    const aDone = firstTick('a', 'Done');
    expect(aDone).toBeGreaterThan(0);
    for (let tick = 0; tick < aDone; tick += 1)
      for (const task of ['b', 'c']) expect(statusAt(tick, task), `${task} at tick ${tick}`).toBe('Pending');
    for (const task of ['b', 'c']) expect(firstTick(task, 'InProgress')).toBeGreaterThanOrEqual(aDone);
  });

  it('has B and C in progress in the same snapshot', () => {
    const together = run.snapshots.filter(
      (snapshot) =>
        ACTIVE.includes(snapshot.state.state.tasks.b?.status ?? 'Pending') &&
        ACTIVE.includes(snapshot.state.state.tasks.c?.status ?? 'Pending'),
    );
    expect(together.length).toBeGreaterThan(0);
  });

  it("overlaps the runs of B's and C's developers", () => {
    const agents = run.agents()?.agents ?? {};
    const state = run.state().state;
    const interval = (task: string): [number, number] => {
      const agentId = state.tasks[task]?.agent_id ?? '';
      const record = agents[agentId];
      expect(record, `the developer of ${task}`).toMatchObject({
        task_id: task,
        role: 'developer',
        status: 'done',
      });
      return [Date.parse(record?.started_at ?? ''), Date.parse(record?.ended_at ?? '')];
    };
    const [bStart, bEnd] = interval('b');
    const [cStart, cEnd] = interval('c');
    expect(bStart).toBeLessThan(cEnd);
    expect(cStart).toBeLessThan(bEnd);
  });

  it('runs D last: it starts only once B and C are Done', () => {
    const dStarted = firstTick('d', 'InProgress');
    expect(dStarted).toBeGreaterThan(0);
    for (let tick = 0; tick < dStarted; tick += 1) expect(statusAt(tick, 'd')).not.toBe('InProgress');
    expect(dStarted).toBeGreaterThanOrEqual(Math.max(firstTick('b', 'Done'), firstTick('c', 'Done')));
    for (const task of ['a', 'b', 'c'])
      expect(Date.parse(run.state().state.tasks[task]?.completed_at ?? '')).toBeLessThanOrEqual(
        Date.parse(run.state().state.tasks.d?.started_at ?? ''),
      );
  });

  it('leaves 4 task issues on the forge, each labelled caloron:task and caloron:done, closed by its merge', () => {
    // No other issue either: nothing was escalated.
    expect(forge.issues).toHaveLength(4);
    const tasks = forge.issues.filter((issue) => issue.labels.includes('caloron:task'));
    expect(tasks).toHaveLength(4);
    for (const issue of tasks)
      expect(issue).toMatchObject({
        state: 'closed',
        labels: expect.arrayContaining(['caloron:done']) as unknown,
      });
    const numbers = TASKS.map((task) => run.state().state.tasks[task]?.issue_number);
    expect(tasks.map((issue) => issue.number).sort()).toEqual([...numbers].sort());
  });

  it('posts no comment twice on any issue', () => {
    for (const issue of forge.issues)
      expect(new Set(issue.comments).size, `#${issue.number}`).toBe(issue.comments.length);
    for (const issue of forge.issues) expect(issue.comments.length, `#${issue.number}`).toBeGreaterThan(0);
  });

  it('leaves 4 merged pull requests, one per task branch', () => {
    expect(forge.pulls.map((pull) => [pull.head, pull.merged]).sort()).toEqual(
      TASKS.map((task) => [`caloron/${SPRINT}/${task}`, true]),
    );
    for (const pull of forge.pulls) {
      expect(pull.reviews).toEqual(['APPROVED']);
      expect(pull.labels).toContain('caloron:review-pending');
    }
  });

  it("puts the 4 developers' files on the default branch", () => {
    for (const task of TASKS) expect(forge.files).toContain(`caloron/${task}.md`);
  });

  it('says complete in the KV state', async () => {
    expect(await run.completion()).toMatchObject({ complete: true, stuck: false, total: 4, done: 4 });
    for (const task of TASKS)
      expect(run.state().state.tasks[task]).toMatchObject({ status: 'Done', review_cycles: 0 });
  });

  it('ends with a retro report that names the 4 tasks', async () => {
    const retro = await run.retro();
    expect(retro).toMatchObject({ sprint_id: SPRINT });
    const path = String(retro.report_path);
    expect(path.startsWith(run.environment.reportsDir)).toBe(true);
    expect(existsSync(path)).toBe(true);
    const report = readFileSync(path, 'utf8');
    expect(report).toContain('**Tasks:** 4');
    expect(report).toContain('**Completed:** 4 (100%)');
    // Each developer's caloron_feedback comment, read back from its task issue.
    for (const task of TASKS) expect(report).toMatch(new RegExp(`^### ${task} \\(developer\\)$`, 'm'));
  });
});
