// The pure parts of `caloron demo`: the task table and tick line it prints, the plan
// reader's errors (with their places), and the cron of --ticks-every.
import { join } from 'node:path';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import {
  DIAMOND_PLAN,
  demoScheduleConfig,
  readPlan,
  renderTaskTable,
  renderTickLine,
  statusSummary,
  tickCron,
  type TickOutput,
} from '../../caloron/demo/index.js';
import type { AgentRecord } from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { rejection } from '../rejection.js';
import { state, task } from '../stages/dag/fixtures.js';
import { tempProject } from '../temp-project.js';

const fixtures = join(repo, 'test/fixtures/demo');
/** Broken JSON is made on the fly: a fixture file of it would fail the repository's format check. */
const BROKEN_JSON = '[\n  { "id": "a", "title": "Unclosed", "depends_on": [] ,\n';

function agent(agentId: string, taskId: string, status: AgentRecord['status']): AgentRecord {
  return {
    agent_id: agentId,
    sprint_id: 's1',
    task_id: taskId,
    role: 'developer',
    pid: 42,
    process_start: null,
    started_at: '2026-01-01T00:00:00Z',
    last_beat_at: null,
    status,
    exit_code: null,
    ended_at: null,
  };
}

const quiet: TickOutput = {
  actions_taken: [],
  errors: [],
  persisted_path: '/kv/s1.json',
  complete: false,
  stuck: false,
};

describe('renderTaskTable', () => {
  it('prints one aligned row per task in plan order: id, title, status, issue, PR, agent', () => {
    const table = renderTaskTable(
      state([
        task('a', { status: 'Done', issue_number: 1, pr_number: 5 }),
        task('b', { status: 'InProgress', issue_number: 2 }),
        task('c', { status: 'InReview', issue_number: 3, pr_number: 6 }),
        task('d'),
      ]),
    );
    expect(table.split('\n')).toEqual([
      'task  title   status      issue  PR  agent',
      '----  ------  ----------  -----  --  -----',
      'a     Task a  Done        #1     #5  -',
      'b     Task b  InProgress  #2     -   dev-b',
      'c     Task c  InReview    #3     #6  rev-c',
      'd     Task d  Pending     -      -   -',
    ]);
  });

  it("shows the agent's process status from the shell's records of that task", () => {
    const table = renderTaskTable(state([task('b', { status: 'InProgress', issue_number: 2 })]), {
      'dev-b': agent('dev-b', 'b', 'running'),
    });
    expect(table.split('\n')[2]).toMatch(/dev-b \(running\)$/);
  });

  it('ignores a record of the same agent id on another task', () => {
    const table = renderTaskTable(state([task('b', { status: 'InProgress' })]), {
      'dev-b': agent('dev-b', 'z', 'failed'),
    });
    expect(table.split('\n')[2]).toMatch(/dev-b$/);
  });

  it('clips long titles so the table keeps its width', () => {
    const table = renderTaskTable(state([task('a', { title: 'x'.repeat(80) })]));
    expect(table.split('\n')[2]).toContain(`${'x'.repeat(31)}…`);
    expect(table).not.toContain('x'.repeat(32));
  });
});

describe('renderTickLine', () => {
  it('lists the actions by task, kind and number, without the sprint prefix', () => {
    const line = renderTickLine(3, { ...quiet, actions_taken: ['s1:a:spawn_agent:0', 's1:b:merge_pr:2'] });
    expect(line).toBe('tick 3: actions: a:spawn_agent:0, b:merge_pr:2; no errors');
  });

  it('lists the errors with their messages', () => {
    const line = renderTickLine(4, {
      ...quiet,
      errors: [{ key: 's1:a:merge_pr:1', message: 'forge said 409' }],
    });
    expect(line).toBe('tick 4: no actions; errors: a:merge_pr:1: forge said 409');
  });

  it('says when another tick held the sprint', () => {
    expect(renderTickLine(5, { ...quiet, busy: true })).toBe(
      'tick 5: another tick holds the sprint; nothing done',
    );
  });
});

describe('statusSummary', () => {
  it('counts the tasks in each status, in order of first appearance', () => {
    const summary = statusSummary(
      state([task('a', { status: 'Done' }), task('b'), task('c', { status: 'Done' })]),
    );
    expect(summary).toBe('2 Done, 1 Pending');
  });
});

describe('readPlan', () => {
  it('reads the default diamond plan', () => {
    expect(readPlan(DIAMOND_PLAN).map((t) => [t.id, t.depends_on])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ]);
  });

  it('refuses a missing file with NOE_FILE_READ naming it', () => {
    const missing = join(fixtures, 'nowhere.json');
    const error = rejection(() => readPlan(missing));
    expect(error.code).toBe('NOE_FILE_READ');
    expect(error.message).toContain(missing);
  });

  it('refuses broken JSON with NOE_JSON_SYNTAX at its line', () => {
    const file = join(tempProject({ 'plan.json': BROKEN_JSON }), 'plan.json');
    const error = rejection(() => readPlan(file));
    expect(error.code).toBe('NOE_JSON_SYNTAX');
    expect(error.place).toMatchObject({ file, line: 3 });
  });

  it('refuses a task that breaks the plan schema with NOE_DAG_INVALID at its place', () => {
    const file = join(fixtures, 'bad-task.json');
    const error = rejection(() => readPlan(file));
    expect(error.code).toBe('NOE_DAG_INVALID');
    expect(error.place).toEqual({ file, pointer: '/1/id', line: 3, column: 11 });
    expect(error.message).toContain(`${file}:3:11: the plan at /1/id`);
  });

  it('refuses an empty plan with NOE_DAG_INVALID', () => {
    const error = rejection(() => readPlan(join(fixtures, 'empty.json')));
    expect(error.code).toBe('NOE_DAG_INVALID');
    expect(error.message).toContain('the plan at / must NOT have fewer than 1 items');
  });
});

describe('tickCron', () => {
  const gap = (pattern: string) => {
    const [first, second] = new Cron(pattern, { paused: true, mode: '5-or-6-parts' }).nextRuns(2);
    return second!.getTime() - first!.getTime();
  };

  it('fires every N seconds for 1 to 59', () => {
    expect(tickCron(1)).toBe('* * * * * *');
    expect(gap(tickCron(1))).toBe(1_000);
    expect(tickCron(2)).toBe('*/2 * * * * *');
    expect(gap(tickCron(2))).toBe(2_000);
  });

  it('fires every N minutes for whole minutes', () => {
    expect(gap(tickCron(60))).toBe(60_000);
    expect(gap(tickCron(120))).toBe(120_000);
  });

  it('refuses what a cron cannot say with NOE_USAGE', () => {
    for (const bad of [0, 1.5, 61, 3600])
      expect(() => tickCron(bad)).toThrow(expect.objectContaining({ code: 'NOE_USAGE' }));
  });

  it('is the cron of the only job of the demo schedule, which never overlaps itself', () => {
    const config = demoScheduleConfig({ sprint_id: 's1' }, 3);
    expect(config.jobs).toEqual([
      expect.objectContaining({
        name: 'sprint-tick',
        cron: '*/3 * * * * *',
        input: { sprint_id: 's1' },
        overlap: 'skip',
      }),
    ]);
  });
});
