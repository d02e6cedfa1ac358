// The words the supervisor says (CALORON §2): a probe comment on the task's issue, a
// note for a restart, the body of an escalation issue. One pure function, used by the
// compose_intervention_message stage and by decide_intervention for its probes, so a
// probe reads the same whichever way it was made.
import type { ComposeInterventionMessageInput } from '../../schemas/generated/types.js';

/** How agents are addressed on the forge: the handle the harness answers to. */
function agentHandle(agentId: string): string {
  return `@caloron-agent-${agentId}`;
}

type HealthStatus = ComposeInterventionMessageInput['health_status'];

/** The agent's condition said about it (restart note, escalation). */
const ABOUT: Record<HealthStatus, string> = {
  healthy: 'is running and beating',
  stalled: 'has sent no heartbeat for longer than the stall threshold',
  missing: 'has never sent a heartbeat since it was started',
  exited: 'has stopped without finishing',
};

/** The same condition said to the agent (probe). */
const TO: Record<HealthStatus, string> = {
  healthy: 'are running and beating',
  stalled: 'have sent no heartbeat for longer than the stall threshold',
  missing: 'have never sent a heartbeat since you were started',
  exited: 'have stopped without finishing',
};

export function composeInterventionMessage(input: ComposeInterventionMessageInput): string {
  const handle = agentHandle(input.agent_id);
  const task = JSON.stringify(input.task_title);
  const condition = ABOUT[input.health_status];
  switch (input.action) {
    case 'probe':
      return (
        `${handle}: you ${TO[input.health_status]} on task ${task}. ` +
        'Are you stuck? Reply here with your status or what is blocking you; ' +
        'if nothing changes, the supervisor restarts you.'
      );
    case 'restart':
      return (
        `${handle} ${condition} on task ${task}: restarting it with the same context ` +
        '(its worktree and branch are kept).'
      );
    case 'escalate':
      return [
        '## Human intervention required',
        '',
        `Agent ${handle} on task ${task} ${condition}, and the supervisor's probe and restart did not help.`,
        '',
        'Comment `resolved` on this issue once the task can go on (it is started again), ' +
          'or `cancel` to cancel the task.',
      ].join('\n');
    default: {
      const never: never = input.action;
      return never;
    }
  }
}
