// github_add_label (CALORON §2–§3, reference §3.4 fixed): adds a label to an issue or pull
// request, creating it on the forge when missing (Gitea does not do that by itself). Unlike
// the Python stage it fails loudly instead of answering {ok:false}.
import { defineStage } from '../../engine/stage/index.js';
import type { GithubAddLabelInput, GithubAddLabelOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';

export const githubAddLabel = defineStage<GithubAddLabelInput, GithubAddLabelOutput>({
  name: 'github_add_label',
  description: 'Adds a label to an issue or pull request, creating the label when the forge lacks it.',
  ...stageSchemas('github_add_label'),
  effects: ['Network', 'Fallible'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    return { labels: await client.addLabels(input.issue_number, [input.label]) };
  },
});
