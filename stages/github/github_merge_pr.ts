// github_merge_pr (CALORON §2–§4, reference §3.5 fixed): merges a pull request through the
// forge adapter (GitHub PUT …/merge, Gitea POST {"Do":"merge"}). Not mergeable: a clear
// NOE_FORGE_FAILED naming the pull request, which stays open. Already merged: success.
import { defineStage } from '../../engine/stage/index.js';
import type { GithubMergePrInput, GithubMergePrOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import { mergeOnce } from './merge.js';

export const githubMergePr = defineStage<GithubMergePrInput, GithubMergePrOutput>({
  name: 'github_merge_pr',
  description: 'Merges a pull request into its base branch, failing clearly when the forge cannot merge it.',
  ...stageSchemas('github_merge_pr'),
  effects: ['Network', 'Fallible'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    return mergeOnce(client, input.pr_number);
  },
});
