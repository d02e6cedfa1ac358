// decide_intervention (CALORON §2): one ladder per task — probe → restart → escalate, one
// step per tick, reset on recovery, keys unique per occurrence.
import { describe, expect, it } from 'vitest';
import type {
  Action,
  DagState,
  DecideInterventionOutput,
  HealthResult,
  InterventionLadder,
  Interventions,
  Task,
} from '../../../schemas/generated/types.js';
import { decideIntervention } from '../../../stages/supervisor/index.js';
import { composeInterventionMessage } from '../../../stages/supervisor/intervention-message.js';
import { callStage } from '../call-stage.js';
import { at, dag, task } from './fixtures.js';

type Status = HealthResult['status'];

function verdict(t: Task, status: Status, minutes_since_beat: number | null = status === 'healthy' ? 1 : 25) {
  const reviewer = t.status === 'InReview';
  return {
    task_id: t.id,
    agent_id: reviewer ? t.reviewer_id : t.agent_id,
    role: reviewer ? ('reviewer' as const) : ('developer' as const),
    status,
    minutes_since_beat,
  };
}

async function decide(
  state: DagState,
  results: HealthResult[],
  interventions: Interventions = {},
  nowMinutes = 30,
): Promise<DecideInterventionOutput> {
  return (await callStage(decideIntervention, {
    results,
    interventions,
    state,
    now: at(nowMinutes),
    sprint_id: 's1',
  })) as DecideInterventionOutput;
}

const a = task('a');
const ladder = (step: number, total = step, agent_id = 'dev-a'): InterventionLadder => ({
  agent_id,
  step,
  total,
  last_at: step === 0 && total === 0 ? null : at(10),
});

describe('decide_intervention', () => {
  it('holds its examples', async () => {
    for (const example of decideIntervention.examples)
      expect(await callStage(decideIntervention, example.input)).toEqual(example.output);
  });

  it.each([
    // [name, step before, verdict, step after, emitted]
    ['probes a stalled agent first', 0, 'stalled', 1, 'probe'],
    ['probes a missing agent first', 0, 'missing', 1, 'probe'],
    ['restarts an agent still stalled after the probe', 1, 'stalled', 2, 'restart'],
    ['restarts an agent still missing after the probe', 1, 'missing', 2, 'restart'],
    ['escalates an agent still stalled after the restart', 2, 'stalled', 3, 'escalation'],
    ['escalates an agent still missing after the restart', 2, 'missing', 3, 'escalation'],
    ['restarts an exited agent without probing it (a dead process cannot answer)', 0, 'exited', 2, 'restart'],
    ['restarts an agent that exited after the probe', 1, 'exited', 2, 'restart'],
    ['escalates an agent that exited again after the restart', 2, 'exited', 3, 'escalation'],
    ['does nothing more once escalated', 3, 'stalled', 3, 'nothing'],
    ['does nothing more once escalated, whatever the verdict', 3, 'exited', 3, 'nothing'],
  ] as const)('%s', async (_name, before, status, after, emitted) => {
    const out = await decide(dag(a), [verdict(a, status)], before === 0 ? {} : { a: ladder(before) });
    expect(out.interventions.a?.step).toBe(after);
    const kinds = [...out.actions.map((x) => x.type), ...out.escalations.map(() => 'escalation')];
    expect(kinds).toEqual(emitted === 'nothing' ? [] : [emitted]);
  });

  it('keys each step <sprint>:<task>:<kind>:<total before the step> and counts it', async () => {
    const out = await decide(dag(a), [verdict(a, 'stalled')], { a: ladder(1, 4) });
    expect(out.actions).toEqual([
      { key: 's1:a:restart:4', type: 'restart', task_id: 'a', agent_id: 'dev-a' },
    ]);
    expect(out.interventions.a).toEqual({ agent_id: 'dev-a', step: 2, total: 5, last_at: at(30) });
  });

  it("probes on the task's issue with the composed message", async () => {
    const out = await decide(dag(task('a', { issue_number: 12 })), [verdict(a, 'missing')]);
    expect(out.actions).toEqual([
      {
        key: 's1:a:probe:0',
        type: 'probe',
        task_id: 'a',
        agent_id: 'dev-a',
        issue_number: 12,
        message: composeInterventionMessage({
          agent_id: 'dev-a',
          task_title: 'Task A',
          health_status: 'missing',
          action: 'probe',
        }),
      },
    ]);
  });

  it('restarts instead of probing when the task has no issue to comment on', async () => {
    const noIssue = task('a', { issue_number: null });
    const out = await decide(dag(noIssue), [verdict(noIssue, 'stalled')]);
    expect(out.actions.map((x) => x.type)).toEqual(['restart']);
    expect(out.interventions.a?.step).toBe(2);
  });

  it('hands the escalation to dag_evaluate with the agent and why, and no action', async () => {
    const out = await decide(dag(a), [verdict(a, 'stalled')], { a: ladder(2) });
    expect(out.actions).toEqual([]);
    expect(out.escalations).toEqual([
      {
        task_id: 'a',
        agent_id: 'dev-a',
        reason:
          'developer dev-a stalled (no heartbeat for longer than the stall threshold) after a restart (3 interventions)',
      },
    ]);
    expect(out.interventions.a).toEqual({ agent_id: 'dev-a', step: 3, total: 3, last_at: at(30) });
  });

  it('resets the ladder to step 0 when the agent beats again, keeping its count', async () => {
    const out = await decide(dag(a), [verdict(a, 'healthy', 0.5)], { a: ladder(2, 7) });
    expect(out.interventions.a).toEqual({ ...ladder(2, 7), step: 0 });
    expect(out.actions).toEqual([]);
  });

  it('resets an escalated ladder too when the agent beats again', async () => {
    const out = await decide(dag(a), [verdict(a, 'healthy', 0.5)], { a: ladder(3) });
    expect(out.interventions.a?.step).toBe(0);
  });

  it('holds the ladder on a healthy verdict without a heartbeat (a fresh process in its grace)', async () => {
    const out = await decide(dag(a), [verdict(a, 'healthy', null)], { a: ladder(2) });
    expect(out.interventions.a).toEqual(ladder(2));
    const next = await decide(dag(a), [verdict(a, 'missing')], out.interventions, 33);
    expect(next.escalations.map((e) => e.task_id)).toEqual(['a']);
  });

  it('keeps no ladder for a task that was never unhealthy', async () => {
    const out = await decide(dag(a), [verdict(a, 'healthy')]);
    expect(out).toEqual({ actions: [], escalations: [], interventions: {} });
  });

  it('starts a new climb when another agent takes the task (developer → reviewer)', async () => {
    const inReview = task('a', { status: 'InReview', pr_number: 7 });
    const out = await decide(dag(inReview), [verdict(inReview, 'stalled')], { a: ladder(3, 3) });
    expect(out.actions).toEqual([
      expect.objectContaining({ key: 's1:a:probe:3', type: 'probe', agent_id: 'rev-a' }),
    ]);
    expect(out.interventions.a).toEqual({ agent_id: 'rev-a', step: 1, total: 4, last_at: at(30) });
  });

  it.each(['Done', 'Cancelled'] as const)('drops the ladder of a %s task', async (status) => {
    const out = await decide(dag(task('a', { status })), [], { a: ladder(2) });
    expect(out.interventions).toEqual({});
  });

  it('drops the ladder of a task no longer in the state', async () => {
    const out = await decide(dag(task('b')), [], { a: ladder(2) });
    expect(out.interventions).toEqual({});
  });

  it.each(['Escalated', 'Ready', 'Pending', 'Blocked'] as const)(
    'parks the ladder of a %s task at step 0, keeping its count',
    async (status) => {
      const out = await decide(dag(task('a', { status })), [], { a: ladder(3, 5) });
      expect(out.interventions).toEqual({ a: { ...ladder(3, 5), step: 0 } });
    },
  );

  it('keeps the ladder of an active task it has no verdict on as it was', async () => {
    const out = await decide(dag(a), [], { a: ladder(1) });
    expect(out.interventions).toEqual({ a: ladder(1) });
  });

  it('moves each task at most one step per call, independently', async () => {
    const b = task('b');
    const c = task('c');
    const out = await decide(
      dag(a, b, c),
      [verdict(a, 'stalled'), verdict(b, 'exited'), verdict(c, 'healthy')],
      {
        b: ladder(1, 1, 'dev-b'),
      },
    );
    expect(out.actions.map((x) => x.key)).toEqual(['s1:a:probe:0', 's1:b:restart:1']);
    expect(Object.fromEntries(Object.entries(out.interventions).map(([id, l]) => [id, l?.step]))).toEqual({
      a: 1,
      b: 2,
    });
  });

  it('never reuses a key across episodes: recovery, escalation and hand-back', async () => {
    const keys: string[] = [];
    let interventions: Interventions = {};
    let minute = 30;
    const tick = async (t: Task, status: Status | undefined, beat: number | null = 1) => {
      const out = await decide(
        dag(t),
        status === undefined ? [] : [verdict(t, status, beat)],
        interventions,
        minute++,
      );
      keys.push(...out.actions.map((x: Action) => x.key));
      interventions = out.interventions;
      return out;
    };
    await tick(a, 'stalled'); // probe 0
    await tick(a, 'healthy'); // reset
    await tick(a, 'stalled'); // probe 1
    await tick(a, 'stalled'); // restart 2
    const escalated = await tick(a, 'stalled'); // escalation (3)
    expect(escalated.escalations).toHaveLength(1);
    await tick(task('a', { status: 'Escalated' }), undefined); // parked by dag_evaluate's Escalated
    await tick(a, 'missing'); // handed back by a human: probe 4
    await tick(a, 'exited'); // restart 5
    expect(keys).toEqual([
      's1:a:probe:0',
      's1:a:probe:1',
      's1:a:restart:2',
      's1:a:probe:4',
      's1:a:restart:5',
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is deterministic: equal input, equal output', async () => {
    const once = () => decide(dag(a), [verdict(a, 'stalled')], { a: ladder(1) });
    expect(await once()).toEqual(await once());
  });

  describe('rejects verdicts that do not describe the state', () => {
    it.each([
      ['a task not in the state', [verdict(task('x'), 'stalled')], dag(a), '/results/0/task_id'],
      [
        'a task that is not active',
        [verdict(a, 'stalled')],
        dag(task('a', { status: 'Ready' })),
        '/results/0/task_id',
      ],
      [
        'another agent than the task waits on',
        [{ ...verdict(a, 'stalled'), agent_id: 'dev-z' }],
        dag(a),
        '/results/0',
      ],
      ['a second verdict on one task', [verdict(a, 'stalled'), verdict(a, 'healthy')], dag(a), '/results/1'],
    ] as const)('%s', async (_name, results, state, pointer) => {
      await expect(decide(state, [...results])).rejects.toMatchObject({
        code: 'NOE_STAGE_INPUT_VIOLATION',
        place: { pointer },
      });
    });

    it('a sprint id that is not the state’s', async () => {
      await expect(
        callStage(decideIntervention, {
          results: [],
          interventions: {},
          state: dag(a),
          now: at(1),
          sprint_id: 's2',
        }),
      ).rejects.toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/sprint_id' } });
    });
  });
});
