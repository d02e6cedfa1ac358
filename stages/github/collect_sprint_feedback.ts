// collect_sprint_feedback (CALORON §3, reference §3.15 fixed): the agents' feedback blocks
// on the sprint's issues, for the retro. The Python stage hard-coded api.github.com, read
// one page of comments and skipped an issue on any error; this one reads through the
// configured forge, every page, and fails loudly (the retro would otherwise be silently
// short of feedback). Block parsing is feedback-block.ts.
import { defineStage } from '../../engine/stage/index.js';
import type {
  CollectSprintFeedbackInput,
  CollectSprintFeedbackOutput,
  FeedbackItem,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import { feedbackItemOf } from './feedback-block.js';

export const collectSprintFeedback = defineStage<CollectSprintFeedbackInput, CollectSprintFeedbackOutput>({
  name: 'collect_sprint_feedback',
  description: "Collects the caloron_feedback blocks agents posted on the sprint's issues.",
  ...stageSchemas('collect_sprint_feedback'),
  effects: ['Network', 'Fallible', 'NonDeterministic'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    const feedback_items: FeedbackItem[] = [];
    for (const issue of input.issue_numbers)
      for (const comment of await client.listIssueComments(issue)) {
        const item = feedbackItemOf(issue, comment);
        if (item !== null) feedback_items.push(item);
      }
    return { feedback_items };
  },
});
