// get_pr_status (CALORON §3, reference §3.6 fixed): one pull request as the forge sees it
// now. host is honoured (one client for every forge), the review state is per reviewer
// (review-standing.ts), and a forge error fails the stage with NOE_FORGE_FAILED instead of
// being returned as state "error".
import { defineStage } from '../../engine/stage/index.js';
import type { GetPrStatusInput, GetPrStatusOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import { reviewSummary } from './review-standing.js';

export const getPrStatus = defineStage<GetPrStatusInput, GetPrStatusOutput>({
  name: 'get_pr_status',
  description: "Reads a pull request's state, mergeability, head and where each reviewer's reviews stand.",
  ...stageSchemas('get_pr_status'),
  effects: ['Network', 'Fallible', 'NonDeterministic'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    const pull = await client.getPull(input.pr_number);
    const reviews = await client.listReviews(input.pr_number);
    return {
      pr_number: pull.number,
      state: pull.state,
      merged: pull.merged,
      mergeable: pull.mergeable,
      draft: pull.draft,
      head_ref: pull.head.ref,
      head_sha: pull.head.sha,
      base_ref: pull.base.ref,
      ...reviewSummary(reviews),
    };
  },
});
