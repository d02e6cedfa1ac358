// github_post_comment on the local forge (real HTTP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubPostComment } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from './forge-fixture.js';

let fx: ForgeFixture;
beforeAll(async () => {
  fx = await startForgeFixture();
});
afterAll(() => fx.close());

describe('github_post_comment', () => {
  it('posts the comment on the issue and returns its id', async () => {
    const issue = await fx.client.createIssue({ title: 'Commented' });
    const result = (await callStage(
      githubPostComment,
      { ...fx.config, issue_number: issue.number, body: 'Looks stuck: are you there?' },
      { env: fx.env },
    )) as { comment_id: number };
    const comments = await fx.client.listIssueComments(issue.number);
    expect(comments.map((comment) => [comment.id, comment.body])).toEqual([
      [result.comment_id, 'Looks stuck: are you there?'],
    ]);
  });

  it('fails with NOE_FORGE_FAILED (404) on an issue that does not exist', async () => {
    const error: unknown = await callStage(
      githubPostComment,
      { ...fx.config, issue_number: 9999, body: 'hello' },
      { env: fx.env },
    ).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'NOE_FORGE_FAILED', details: { status: 404 } });
  });
});
