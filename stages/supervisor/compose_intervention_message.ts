// compose_intervention_message (CALORON §2): the text of a supervisor intervention —
// a probe addressed to the agent, a restart note, or an escalation issue body that
// tells a human how to hand the task back (`resolved`) or drop it (`cancel`).
import { defineStage } from '../../engine/stage/index.js';
import type {
  ComposeInterventionMessageInput,
  ComposeInterventionMessageOutput,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { composeInterventionMessage as compose } from './intervention-message.js';

export const composeInterventionMessage = defineStage<
  ComposeInterventionMessageInput,
  ComposeInterventionMessageOutput
>({
  name: 'compose_intervention_message',
  description: 'Writes the probe, restart or escalation text for an agent on a task.',
  ...stageSchemas('compose_intervention_message'),
  effects: ['Pure'],
  run: (input) => ({ message: compose(input) }),
  examples: [
    {
      input: { agent_id: 'dev-1', task_title: 'Add login', health_status: 'stalled', action: 'probe' },
      output: {
        message:
          '@caloron-agent-dev-1: you have sent no heartbeat for longer than the stall threshold on task "Add login". ' +
          'Are you stuck? Reply here with your status or what is blocking you; ' +
          'if nothing changes, the supervisor restarts you.',
      },
    },
    {
      input: { agent_id: 'dev-1', task_title: 'Add login', health_status: 'exited', action: 'restart' },
      output: {
        message:
          '@caloron-agent-dev-1 has stopped without finishing on task "Add login": restarting it with the same context ' +
          '(its worktree and branch are kept).',
      },
    },
  ],
});
