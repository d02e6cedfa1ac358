// github_create_issue (CALORON §2–§3, reference §3.2 fixed): opens a sprint task's issue with
// the task marker in its body, once. Re-running it (kickoff retried, a tick replayed) finds
// the issue by its marker, whatever its state, and returns it with created: false.
import { defineStage } from '../../engine/stage/index.js';
import type { GithubCreateIssueInput, GithubCreateIssueOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import { openIssueOnce } from './issue-once.js';

export const githubCreateIssue = defineStage<GithubCreateIssueInput, GithubCreateIssueOutput>({
  name: 'github_create_issue',
  description: "Opens a sprint task's issue, marked with the sprint and task ids, unless it already exists.",
  ...stageSchemas('github_create_issue'),
  effects: ['Network', 'Fallible'],
  run: async (input, ctx) => {
    const client = stageClient(input, ctx);
    const opened = await openIssueOnce(
      client,
      { kind: 'task', sprint_id: input.sprint_id, task_id: input.task_id },
      { title: input.title, body: input.body, labels: input.labels },
    );
    return { issue_number: opened.issue_number, created: opened.created };
  },
});
