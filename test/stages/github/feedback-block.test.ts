// Reading the caloron_feedback block of an agent's comment (feedback-block.ts).
import { describe, expect, it } from 'vitest';
import type { ForgeComment } from '../../../stages/github/client/index.js';
import { feedbackBlockOf, feedbackItemOf } from '../../../stages/github/feedback-block.js';

const YAML = [
  'caloron_feedback:',
  '  task_id: a',
  '  agent_role: developer',
  '  task_clarity: 8',
  '  blockers: []',
  '  tools_used: [git, npm]',
  '  tokens_consumed: 1200',
  '  time_to_complete_min: 14.5',
  '  self_assessment: completed',
].join('\n');

const PARSED = {
  task_id: 'a',
  agent_role: 'developer',
  task_clarity: 8,
  blockers: [],
  tools_used: ['git', 'npm'],
  tokens_consumed: 1200,
  time_to_complete_min: 14.5,
  self_assessment: 'completed',
};

function comment(body: string): ForgeComment {
  const at = new Date('2026-11-22T10:00:00Z');
  return { id: 5, issue_number: 3, body, user: 'dev-1', created_at: at, updated_at: at };
}

describe('feedbackItemOf', () => {
  it.each([
    ['a --- block', `Done.\n\n---\n${YAML}\n---\n`],
    ['a fenced yaml block', `Done.\n\n\`\`\`yaml\n${YAML}\n\`\`\`\n`],
    ['a bare block', `Done.\n\n${YAML}\n`],
  ])('parses %s', (_, body) => {
    expect(feedbackItemOf(3, comment(body))).toEqual({
      issue_number: 3,
      author: 'dev-1',
      created_at: '2026-11-22T10:00:00.000Z',
      parsed: PARSED,
    });
  });

  it('ignores a comment without a feedback block', () => {
    expect(feedbackItemOf(3, comment('LGTM'))).toBeNull();
    expect(feedbackBlockOf('---\nfoo: 1\n---')).toBeNull();
  });

  it('keeps a block that is not YAML with parsed null and the raw body', () => {
    const body = `---\ncaloron_feedback:\n  task_id: [a\n---`;
    expect(feedbackItemOf(3, comment(body))).toMatchObject({ parsed: null, raw_body: body });
  });

  it('keeps a block of the wrong shape with parsed null (a clarity out of range)', () => {
    const body = `---\n${YAML.replace('task_clarity: 8', 'task_clarity: 11')}\n---`;
    expect(feedbackItemOf(3, comment(body))).toMatchObject({ parsed: null });
  });

  it('cuts the raw body at 500 characters', () => {
    const body = `caloron_feedback: [\n${'x'.repeat(1000)}`;
    expect(feedbackItemOf(3, comment(body))?.raw_body).toHaveLength(500);
  });
});
