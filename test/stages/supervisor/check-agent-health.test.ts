// check_agent_health (CALORON §2): a verdict on the agent of every active task.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { validateValue } from '../../../engine/schema/index.js';
import type {
  AgentRecord,
  CheckAgentHealthOutput,
  HealthResult,
  Task,
} from '../../../schemas/generated/types.js';
import { checkAgentHealth } from '../../../stages/supervisor/index.js';
import { callStage } from '../call-stage.js';
import { at, dag, record, task } from './fixtures.js';

async function health(
  tasks: Task[],
  records: AgentRecord[],
  nowMinutes: number,
  stall_threshold_m = 20,
): Promise<HealthResult[]> {
  const agents = Object.fromEntries(records.map((r) => [r.agent_id, r]));
  const output = (await callStage(checkAgentHealth, {
    state: dag(...tasks),
    agents,
    now: at(nowMinutes),
    stall_threshold_m,
  })) as CheckAgentHealthOutput;
  return output.results;
}

async function verdictOf(t: Task, records: AgentRecord[], nowMinutes: number) {
  const [result] = await health([t], records, nowMinutes);
  return { status: result?.status, minutes: result?.minutes_since_beat };
}

const dev = task('a');

describe('check_agent_health', () => {
  it('holds its examples', async () => {
    for (const example of checkAgentHealth.examples)
      expect(await callStage(checkAgentHealth, example.input)).toEqual(example.output);
  });

  it.each([
    ['a recent beat is healthy', { last_beat_at: at(25) }, 30, 'healthy', 5],
    ['a beat exactly the threshold ago is still healthy', { last_beat_at: at(10) }, 30, 'healthy', 20],
    ['a beat more than the threshold ago is stalled', { last_beat_at: at(9) }, 30, 'stalled', 21],
    ['never beat, started a minute ago, is healthy', {}, 1.1, 'healthy', null],
    ['never beat, started exactly 2 minutes ago, is healthy', {}, 2.1, 'healthy', null],
    ['never beat, started over 2 minutes ago, is missing', {}, 2.2, 'missing', null],
    ['an exited process is exited', { status: 'exited', last_beat_at: at(1) }, 3, 'exited', 2],
    ['a failed harness is exited', { status: 'failed', exit_code: 1, last_beat_at: at(1) }, 3, 'exited', 2],
    ['a killed process is exited', { status: 'killed', last_beat_at: at(1) }, 3, 'exited', 2],
    [
      'a developer done a minute ago, its PR not yet polled, is healthy',
      { status: 'done', last_beat_at: at(5), ended_at: at(5) },
      6,
      'healthy',
      1,
    ],
    [
      'a developer done longer than the threshold ago while the task still waits is exited',
      { status: 'done', last_beat_at: at(5), ended_at: at(5) },
      26,
      'exited',
      21,
    ],
    [
      'a developer done without an end time counts from its last beat',
      { status: 'done', last_beat_at: at(5), ended_at: null },
      26,
      'exited',
      21,
    ],
  ] as const)('%s', async (_name, overrides, now, status, minutes) => {
    expect(await verdictOf(dev, [record(dev, overrides)], now)).toEqual({ status, minutes });
  });

  it('judges an agent with no record healthy for 2 minutes after the task changed status, then missing', async () => {
    const started = task('a', { status_changed_at: at(10) });
    expect(await verdictOf(started, [], 12)).toEqual({ status: 'healthy', minutes: null });
    expect(await verdictOf(started, [], 12.1)).toEqual({ status: 'missing', minutes: null });
  });

  it('judges an agent with no record missing when the task has no time to give it grace', async () => {
    const undated = task('a', { status_changed_at: null, started_at: null });
    expect(await verdictOf(undated, [], 0)).toEqual({ status: 'missing', minutes: null });
  });

  it('ignores a record about another task: the agent has not started on this one', async () => {
    const other = record(dev, { task_id: 'b', last_beat_at: at(29) });
    expect(await verdictOf(dev, [other], 30)).toEqual({ status: 'missing', minutes: null });
  });

  it('ignores a record from an earlier episode of the task (started before its last status change)', async () => {
    // The developer finished long ago, then changes were requested: the task is back in
    // progress and the old `done` record says nothing about the re-spawned developer.
    const reworked = task('a', { status_changed_at: at(40) });
    const old = record(reworked, { started_at: at(1), status: 'done', last_beat_at: at(5), ended_at: at(5) });
    expect(await verdictOf(reworked, [old], 41)).toEqual({ status: 'healthy', minutes: null });
    expect(await verdictOf(reworked, [old], 43)).toEqual({ status: 'missing', minutes: null });
  });

  it('watches the reviewer of a task in review, not its developer', async () => {
    const inReview = task('a', { status: 'InReview', pr_number: 7, status_changed_at: at(10) });
    const developer = record(inReview, { role: 'developer', agent_id: 'dev-a', last_beat_at: at(29) });
    const reviewer = record(inReview, { started_at: at(10.5), last_beat_at: at(11) });
    expect(await health([inReview], [developer, reviewer], 35)).toEqual([
      { task_id: 'a', agent_id: 'rev-a', role: 'reviewer', status: 'stalled', minutes_since_beat: 24 },
    ]);
  });

  it('ignores a developer record when the task waits on its reviewer', async () => {
    const inReview = task('a', {
      status: 'InReview',
      pr_number: 7,
      status_changed_at: at(10),
      reviewer_id: 'dev-a',
    });
    const asDeveloper = record(inReview, { role: 'developer', started_at: at(11), last_beat_at: at(12) });
    expect(await verdictOf(inReview, [asDeveloper], 13)).toEqual({ status: 'missing', minutes: null });
  });

  it('judges only active tasks (InProgress, InReview), in task order', async () => {
    const statuses = [
      'Pending',
      'Ready',
      'InReview',
      'Done',
      'Blocked',
      'InProgress',
      'Escalated',
      'Cancelled',
    ] as const;
    const tasks = statuses.map((status, index) =>
      task(`t${index}`, { status, pr_number: status === 'InReview' ? 3 : null }),
    );
    const results = await health(tasks, [], 1);
    expect(results.map((r) => [r.task_id, r.role])).toEqual([
      ['t2', 'reviewer'],
      ['t5', 'developer'],
    ]);
  });

  it('rounds minutes since the beat half up to a tenth, never to even', async () => {
    // 26 min 3 s = 26.05 min: half up gives 26.1 where banker's rounding gives 26.0.
    const beat = record(dev, { last_beat_at: at(0) });
    const now = (seconds: number) => seconds / 60;
    expect((await verdictOf(dev, [beat], now(26 * 60 + 3))).minutes).toBe(26.1);
    expect((await verdictOf(dev, [beat], now(26 * 60 + 2.999))).minutes).toBe(26);
    expect((await verdictOf(dev, [beat], now(26 * 60 + 9))).minutes).toBe(26.2);
  });

  it('counts a beat stamped after now (clock skew) as 0 minutes ago, healthy', async () => {
    expect(await verdictOf(dev, [record(dev, { last_beat_at: at(31) })], 30)).toEqual({
      status: 'healthy',
      minutes: 0,
    });
  });

  it('honours a fractional stall threshold exactly', async () => {
    const beat = record(dev, { last_beat_at: at(0) });
    expect((await health([dev], [beat], 0.5, 0.5))[0]?.status).toBe('healthy');
    expect((await health([dev], [beat], 0.51, 0.5))[0]?.status).toBe('stalled');
  });

  it('rejects an agents map whose key is not the record’s agent', async () => {
    const error = await callStage(checkAgentHealth, {
      state: dag(dev),
      agents: { 'dev-b': record(dev) },
      now: at(1),
      stall_threshold_m: 20,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/agents/dev-b/agent_id' },
    });
  });

  it('refuses a naive timestamp at its boundary (no offset, no instant)', () => {
    const input = { state: dag(dev), agents: {}, now: '2026-01-01T10:00:00', stall_threshold_m: 20 };
    expect(validateValue(checkAgentHealth.input, input)).toEqual([
      expect.objectContaining({ valuePointer: '/now', keyword: 'format' }),
    ]);
  });

  it('rejects a timestamp it cannot place in time, naming the field', async () => {
    const error = await callStage(checkAgentHealth, {
      state: dag(dev),
      agents: { 'dev-a': record(dev, { last_beat_at: '2026-12-31T23:59:60Z' }) },
      now: at(1),
      stall_threshold_m: 20,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/agents/dev-a/last_beat_at' },
    });
  });
});
