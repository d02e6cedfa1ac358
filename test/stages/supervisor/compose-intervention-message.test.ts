// compose_intervention_message (CALORON §2): the words of a probe, a restart, an escalation.
import { describe, expect, it } from 'vitest';
import type {
  ComposeInterventionMessageInput,
  ComposeInterventionMessageOutput,
} from '../../../schemas/generated/types.js';
import { composeInterventionMessage } from '../../../stages/supervisor/index.js';
import { callStage } from '../call-stage.js';

async function message(input: Partial<ComposeInterventionMessageInput>): Promise<string> {
  const full: ComposeInterventionMessageInput = {
    agent_id: 'dev-1',
    task_title: 'Add login',
    health_status: 'stalled',
    action: 'probe',
    ...input,
  };
  return ((await callStage(composeInterventionMessage, full)) as ComposeInterventionMessageOutput).message;
}

describe('compose_intervention_message', () => {
  it('holds its examples', async () => {
    for (const example of composeInterventionMessage.examples)
      expect(await callStage(composeInterventionMessage, example.input)).toEqual(example.output);
  });

  it.each(['probe', 'restart', 'escalate'] as const)(
    'mentions the agent handle and the task in a %s',
    async (action) => {
      const text = await message({ action, agent_id: 'rev-7', task_title: 'Ship it' });
      expect(text).toContain('@caloron-agent-rev-7');
      expect(text).toContain('"Ship it"');
    },
  );

  it('asks the agent, in a probe, what is blocking it', async () => {
    expect(await message({ action: 'probe' })).toMatch(
      /^@caloron-agent-dev-1: you have sent no heartbeat .*blocking you/,
    );
  });

  it.each([
    ['stalled', 'sent no heartbeat for longer than the stall threshold'],
    ['missing', 'never sent a heartbeat since'],
    ['exited', 'stopped without finishing'],
  ] as const)('says what is wrong with a %s agent', async (health_status, words) => {
    expect(await message({ health_status, action: 'restart' })).toContain(words);
    expect(await message({ health_status, action: 'escalate' })).toContain(words);
  });

  it('tells a human, in an escalation, to comment `resolved` or `cancel` on the issue', async () => {
    const text = await message({ action: 'escalate' });
    expect(text.split('\n')[0]).toBe('## Human intervention required');
    expect(text).toContain('Comment `resolved` on this issue');
    expect(text).toContain('`cancel` to cancel the task');
  });

  it('quotes a title as a JSON string, so quotes in it cannot break the sentence', async () => {
    expect(await message({ task_title: 'Say "hi"' })).toContain('"Say \\"hi\\""');
  });
});
