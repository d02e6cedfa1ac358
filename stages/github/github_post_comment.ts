// github_post_comment (CALORON §3, reference §3.3): one comment on an issue or pull request.
// A forge error fails the stage with the forge's status and message (NOE_FORGE_FAILED).
import { defineStage } from '../../engine/stage/index.js';
import type { GithubPostCommentInput, GithubPostCommentOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';

export const githubPostComment = defineStage<GithubPostCommentInput, GithubPostCommentOutput>({
  name: 'github_post_comment',
  description: 'Posts a comment on an issue or pull request.',
  ...stageSchemas('github_post_comment'),
  effects: ['Network', 'Fallible'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    const comment = await client.createComment(input.issue_number, input.body);
    return { comment_id: comment.id };
  },
});
