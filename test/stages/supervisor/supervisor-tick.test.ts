// The supervisor's half of a tick, through the real stages in the composition's order
// (check_agent_health → project_health_to_intervention → decide_intervention), tick
// after tick, with the shell's record changing as the shell would change it.
import { describe, expect, it } from 'vitest';
import type {
  AgentRecord,
  CheckAgentHealthOutput,
  DagState,
  DecideInterventionOutput,
  Interventions,
  ProjectHealthToInterventionOutput,
} from '../../../schemas/generated/types.js';
import { projectHealthToIntervention } from '../../../stages/sprint/index.js';
import { checkAgentHealth, decideIntervention } from '../../../stages/supervisor/index.js';
import { callStage } from '../call-stage.js';
import { at, dag, record, task } from './fixtures.js';

/** One supervisor pass: what it emitted, as `kind` or `kind:n`, and the new ladders. */
async function supervise(
  state: DagState,
  agent: AgentRecord | undefined,
  interventions: Interventions,
  minute: number,
) {
  const now = at(minute);
  const agents = agent === undefined ? {} : { [agent.agent_id]: agent };
  const health = (await callStage(checkAgentHealth, {
    state,
    agents,
    now,
    stall_threshold_m: 20,
  })) as CheckAgentHealthOutput;
  const scope = { sprint_id: 's1', state, now, interventions, agents, health };
  const decisionInput = (await callStage(
    projectHealthToIntervention,
    scope,
  )) as ProjectHealthToInterventionOutput;
  const out = (await callStage(decideIntervention, decisionInput)) as DecideInterventionOutput;
  const emitted = [
    ...out.actions.map((a) => a.key.split(':').slice(2).join(':')),
    ...out.escalations.map(() => 'escalate'),
  ];
  return { emitted, interventions: out.interventions, status: health.results[0]?.status };
}

describe('the supervisor, tick after tick', () => {
  const a = task('a');

  it('takes a hung agent to a human: probe, restart, and escalation when the restarted agent never beats', async () => {
    let agent = record(a, { last_beat_at: at(5) });
    let ladders: Interventions = {};
    const trace: string[] = [];
    const tick = async (minute: number) => {
      const step = await supervise(dag(a), agent, ladders, minute);
      ladders = step.interventions;
      trace.push(`${minute} ${step.status} ${step.emitted.join(',') || '-'} @${ladders.a?.step ?? 0}`);
    };
    await tick(20); // beat 15 min ago
    await tick(26); // 21 min: stalled
    await tick(27);
    agent = record(a, { started_at: at(27.2) }); // the shell restarted it: a fresh record, no beat yet
    await tick(28); // inside its 2-minute grace: proves nothing, the ladder holds
    await tick(30); // never beat: missing
    await tick(31);
    expect(trace).toEqual([
      '20 healthy - @0',
      '26 stalled probe:0 @1',
      '27 stalled restart:1 @2',
      '28 healthy - @2',
      '30 missing escalate @3',
      '31 missing - @3',
    ]);
  });

  it('lets a restarted agent that beats again start over from step 0', async () => {
    let ladders: Interventions = { a: { agent_id: 'dev-a', step: 2, total: 2, last_at: at(27) } };
    const restarted = record(a, { started_at: at(27.2), last_beat_at: at(27.5) });
    const step = await supervise(dag(a), restarted, ladders, 28);
    ladders = step.interventions;
    expect(step).toMatchObject({ status: 'healthy', emitted: [] });
    expect(ladders.a?.step).toBe(0);
  });

  it('leaves a developer that finished alone while its pull request is on its way, then restarts it if the PR never shows', async () => {
    const done = record(a, { status: 'done', last_beat_at: at(9.5), ended_at: at(10), exit_code: 0 });
    expect(await supervise(dag(a), done, {}, 11)).toMatchObject({ status: 'healthy', emitted: [] });
    expect(await supervise(dag(a), done, {}, 31)).toMatchObject({ status: 'exited', emitted: ['restart:0'] });
  });

  it('watches the reviewer once the task is in review, whatever the finished developer’s record says', async () => {
    const inReview = task('a', { status: 'InReview', pr_number: 3, status_changed_at: at(12) });
    const reviewer = record(inReview, { started_at: at(12.1), last_beat_at: at(13) });
    expect(await supervise(dag(inReview), reviewer, {}, 20)).toMatchObject({
      status: 'healthy',
      emitted: [],
    });
    expect(await supervise(dag(inReview), reviewer, {}, 34)).toMatchObject({
      status: 'stalled',
      emitted: ['probe:0'],
    });
  });
});
