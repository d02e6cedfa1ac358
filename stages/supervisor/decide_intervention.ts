// decide_intervention (CALORON §2): the supervisor's one ladder per task (replacing the
// reference's two counters, one per agent and one per task, that never reset).
//
//   step 0 ──unhealthy──▶ 1 probe ──unhealthy──▶ 2 restart ──unhealthy──▶ 3 escalate
//      ▲                                                                  (held there)
//      └──────────────── healthy with a heartbeat ─────────────────────────────┘
//
// - At most one step per task per tick. `exited` skips the probe (a dead process cannot
//   answer) and so does a task without an issue to comment on: both go to restart.
// - Step 3 emits an `escalations` entry once; dag_evaluate turns it into the Escalated
//   status and the escalate action. Nothing more is emitted while the ladder stays at 3.
// - Reset: a healthy verdict WITH a heartbeat puts the ladder back to 0. A healthy verdict
//   without one (a process just spawned or restarted, still inside its 2-minute grace)
//   holds the ladder where it is: it proves nothing yet, and resetting on it would let a
//   restarted agent that never beats go probe → restart → (grace) → probe … forever
//   without ever reaching a human.
// - A new agent on the task (the reviewer after the developer, or back) starts a new
//   climb at step 0.
// - Ladders of finished tasks (Done, Cancelled) and of tasks no longer in the state are
//   dropped. A task that is not active for another reason (Escalated, waiting for a human;
//   Pending, Ready, Blocked) keeps only its count: its ladder is parked at step 0, so
//   when a human hands an escalated task back the climb starts afresh and the keys keep
//   counting up (`total`), never reusing one the journal already holds.
// - Keys `<sprint>:<task>:<probe|restart>:<n>`, n = the ladder's total before the step:
//   unique per occurrence, the same for equal input. Escalations carry no key
//   (dag_evaluate keys its escalate action). Every step counts in `total`.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type {
  Action,
  DecideInterventionInput,
  DecideInterventionOutput,
  Escalation,
  HealthResult,
  InterventionLadder,
  Interventions,
  Task,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { activeAgent } from './active-agent.js';
import { EXAMPLE_STATE } from './example-state.js';
import { composeInterventionMessage } from './intervention-message.js';

function violation(pointer: string, message: string): NoetherError {
  return new NoetherError('NOE_STAGE_INPUT_VIOLATION', `decide_intervention: ${pointer} ${message}`, {
    place: { pointer },
  });
}

/** The verdicts by task, each checked to describe the state it came with. */
function resultsByTask(input: DecideInterventionInput): Map<string, HealthResult> {
  const byTask = new Map<string, HealthResult>();
  input.results.forEach((result, index) => {
    const pointer = `/results/${index}`;
    const task = input.state.tasks[result.task_id];
    if (task === undefined)
      throw violation(`${pointer}/task_id`, `names task "${result.task_id}", not in the state`);
    const agent = activeAgent(task);
    if (agent === undefined)
      throw violation(`${pointer}/task_id`, `names task "${task.id}", which is ${task.status}, not active`);
    if (agent.agent_id !== result.agent_id || agent.role !== result.role)
      throw violation(
        pointer,
        `is about ${result.role} "${result.agent_id}", but task "${task.id}" waits on ${agent.role} "${agent.agent_id}"`,
      );
    if (byTask.has(task.id)) throw violation(pointer, `is a second verdict on task "${task.id}"`);
    byTask.set(task.id, result);
  });
  return byTask;
}

const CONDITION: Record<HealthResult['status'], string> = {
  healthy: 'healthy',
  stalled: 'stalled (no heartbeat for longer than the stall threshold)',
  missing: 'missing (never sent a heartbeat)',
  exited: 'exited without finishing',
};

interface Climb {
  ladder: InterventionLadder;
  action?: Action;
  escalation?: Escalation;
}

/** One tick of one task's ladder given its verdict. */
function climb(
  previous: InterventionLadder | undefined,
  result: HealthResult,
  task: Task,
  input: DecideInterventionInput,
): Climb | undefined {
  const sameAgent = previous !== undefined && previous.agent_id === result.agent_id;
  const base: InterventionLadder = {
    agent_id: result.agent_id,
    step: sameAgent ? previous.step : 0,
    total: previous?.total ?? 0,
    last_at: previous?.last_at ?? null,
  };
  if (result.status === 'healthy') {
    if (previous === undefined) return undefined;
    return { ladder: result.minutes_since_beat === null ? base : { ...base, step: 0 } };
  }
  if (base.step === 3) return { ladder: base };
  const n = base.total;
  const stepped = (step: number): InterventionLadder => ({ ...base, step, total: n + 1, last_at: input.now });
  const key = (kind: 'probe' | 'restart') => `${input.sprint_id}:${task.id}:${kind}:${n}`;
  if (base.step === 2)
    return {
      ladder: stepped(3),
      escalation: {
        task_id: task.id,
        agent_id: result.agent_id,
        reason: `${result.role} ${result.agent_id} ${CONDITION[result.status]} after a restart (${n + 1} interventions)`,
      },
    };
  if (base.step === 0 && result.status !== 'exited' && task.issue_number !== null) {
    const message = composeInterventionMessage({
      agent_id: result.agent_id,
      task_title: task.title,
      health_status: result.status,
      action: 'probe',
    });
    return {
      ladder: stepped(1),
      action: {
        key: key('probe'),
        type: 'probe',
        task_id: task.id,
        agent_id: result.agent_id,
        issue_number: task.issue_number,
        message,
      },
    };
  }
  return {
    ladder: stepped(2),
    action: { key: key('restart'), type: 'restart', task_id: task.id, agent_id: result.agent_id },
  };
}

function run(input: DecideInterventionInput): DecideInterventionOutput {
  if (input.state.sprint_id !== input.sprint_id)
    throw violation(
      '/sprint_id',
      `is "${input.sprint_id}" but the state is sprint "${input.state.sprint_id}"`,
    );
  const byTask = resultsByTask(input);
  const interventions: Interventions = {};
  const actions: Action[] = [];
  const escalations: Escalation[] = [];
  for (const task of Object.values(input.state.tasks)) {
    if (task === undefined || task.status === 'Done' || task.status === 'Cancelled') continue;
    const previous = input.interventions[task.id];
    const result = byTask.get(task.id);
    if (result === undefined) {
      if (previous !== undefined)
        interventions[task.id] = activeAgent(task) === undefined ? { ...previous, step: 0 } : { ...previous };
      continue;
    }
    const outcome = climb(previous, result, task, input);
    if (outcome === undefined) continue;
    interventions[task.id] = outcome.ladder;
    if (outcome.action !== undefined) actions.push(outcome.action);
    if (outcome.escalation !== undefined) escalations.push(outcome.escalation);
  }
  return { actions, escalations, interventions };
}

export const decideIntervention = defineStage<DecideInterventionInput, DecideInterventionOutput>({
  name: 'decide_intervention',
  description:
    'Moves each unhealthy task one step up its probe, restart, escalate ladder, and resets it on recovery.',
  ...stageSchemas('decide_intervention'),
  effects: ['Pure', 'Fallible'],
  run,
  examples: [
    {
      input: {
        results: [
          { task_id: 'a', agent_id: 'dev-1', role: 'developer', status: 'stalled', minutes_since_beat: 26.1 },
        ],
        interventions: { a: { agent_id: 'dev-1', step: 1, total: 1, last_at: '2026-01-01T10:25:00Z' } },
        state: EXAMPLE_STATE,
        now: '2026-01-01T10:30:03Z',
        sprint_id: 's1',
      },
      output: {
        actions: [{ key: 's1:a:restart:1', type: 'restart', task_id: 'a', agent_id: 'dev-1' }],
        escalations: [],
        interventions: { a: { agent_id: 'dev-1', step: 2, total: 2, last_at: '2026-01-01T10:30:03Z' } },
      },
    },
  ],
});
