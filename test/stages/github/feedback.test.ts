// collect_sprint_feedback against the real embedded forge.
import { describe, expect, it } from 'vitest';
import { collectSprintFeedback } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { ENV, forgeRepo } from './local-forge.js';

const block = (task: string) =>
  [
    'Finished.',
    '',
    '```yaml',
    'caloron_feedback:',
    `  task_id: ${task}`,
    '  agent_role: developer',
    '  task_clarity: 7',
    '  blockers: [flaky CI]',
    '  tools_used: [git]',
    '  tokens_consumed: 900',
    '  time_to_complete_min: 12',
    '  self_assessment: partial',
    '```',
  ].join('\n');

describe('collect_sprint_feedback on the local forge', () => {
  it("collects every agent's feedback block, through every page, keeping unreadable ones raw", async () => {
    const repo = await forgeRepo();
    const a = await repo.client.createIssue({ title: 'a' });
    const b = await repo.client.createIssue({ title: 'b' });
    // More than one page of comments before the feedback on a.
    await Promise.all(
      Array.from({ length: 105 }, (_, i) => repo.client.createComment(a.number, `progress ${i}`)),
    );
    await repo.client.createComment(a.number, block('a'));
    await repo.client.createComment(b.number, 'caloron_feedback:\n  task_id: [b');

    const out = (await callStage(
      collectSprintFeedback,
      { ...repo.config, issue_numbers: [a.number, b.number] },
      { env: ENV },
    )) as { feedback_items: Record<string, unknown>[] };
    expect(out.feedback_items).toEqual([
      {
        issue_number: a.number,
        author: 'caloron',
        created_at: expect.stringMatching(/Z$/) as unknown,
        parsed: {
          task_id: 'a',
          agent_role: 'developer',
          task_clarity: 7,
          blockers: ['flaky CI'],
          tools_used: ['git'],
          tokens_consumed: 900,
          time_to_complete_min: 12,
          self_assessment: 'partial',
        },
      },
      {
        issue_number: b.number,
        author: 'caloron',
        created_at: expect.stringMatching(/Z$/) as unknown,
        parsed: null,
        raw_body: 'caloron_feedback:\n  task_id: [b',
      },
    ]);
  });

  it('gives no items for issues without feedback', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'a' });
    await repo.client.createComment(1, 'LGTM');
    expect(
      await callStage(collectSprintFeedback, { ...repo.config, issue_numbers: [1] }, { env: ENV }),
    ).toEqual({
      feedback_items: [],
    });
  });
});
