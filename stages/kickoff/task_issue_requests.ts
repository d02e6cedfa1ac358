// task_issue_requests (CALORON §5 kickoff.json): the DAG's tasks as github_create_issue
// inputs, in task order, for kickoff's Map. The body is what a human or an agent reading the
// issue needs: the task, its prompt, what it waits on, and the branch the work goes on.
// github_create_issue adds the task marker that makes re-running the kickoff idempotent.
import { defineStage } from '../../engine/stage/index.js';
import type { Task, TaskIssueRequestsInput, TaskIssueRequestsOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

function issueBody(sprintId: string, task: Task, defaultBranch: string): string {
  const lines = [`Task \`${task.id}\` of sprint \`${sprintId}\`.`, ''];
  if (task.agent_prompt !== undefined && task.agent_prompt !== '') lines.push(task.agent_prompt, '');
  lines.push(
    task.depends_on.length === 0
      ? 'Depends on: nothing; it starts with the sprint.'
      : `Depends on: ${task.depends_on.map((dep) => `\`${dep}\``).join(', ')}.`,
    `Developer: \`${task.agent_id}\`; reviewer: \`${task.reviewer_id}\`.`,
    `Work goes on the branch \`caloron/${sprintId}/${task.id}\`, merged into \`${defaultBranch}\` once reviewed.`,
  );
  return lines.join('\n');
}

export const taskIssueRequests = defineStage<TaskIssueRequestsInput, TaskIssueRequestsOutput>({
  name: 'task_issue_requests',
  description: 'One github_create_issue input per task of the DAG, in task order, labelled caloron:task.',
  ...stageSchemas('task_issue_requests'),
  effects: ['Pure'],
  run: (input) =>
    Object.values(input.planned.dag.tasks)
      .filter((task): task is Task => task !== undefined)
      .map((task) => ({
        repo: input.repo,
        host: input.host,
        token_env: input.token_env,
        sprint_id: input.sprint_id,
        task_id: task.id,
        title: task.title,
        body: issueBody(input.sprint_id, task, input.context.default_branch),
        labels: ['caloron:task'],
      })),
  examples: [
    {
      input: {
        sprint_id: 's1',
        repo: 'acme/shop',
        host: '',
        token_env: 'GITHUB_TOKEN',
        context: { default_branch: 'main' },
        planned: {
          dag: {
            sprint_id: 's1',
            processed_events: [],
            tasks: {
              b: {
                id: 'b',
                title: 'Add the cart',
                status: 'Pending',
                depends_on: ['a'],
                agent_id: 'dev-b',
                reviewer_id: 'reviewer-1',
                agent_prompt: 'Write cart.md describing the cart.',
                issue_number: null,
                pr_number: null,
                started_at: null,
                completed_at: null,
                status_changed_at: null,
                review_cycles: 0,
                intervention_count: 0,
                action_seq: 0,
              },
            },
          },
        },
      },
      output: [
        {
          repo: 'acme/shop',
          host: '',
          token_env: 'GITHUB_TOKEN',
          sprint_id: 's1',
          task_id: 'b',
          title: 'Add the cart',
          body:
            'Task `b` of sprint `s1`.\n\nWrite cart.md describing the cart.\n\nDepends on: `a`.\n' +
            'Developer: `dev-b`; reviewer: `reviewer-1`.\n' +
            'Work goes on the branch `caloron/s1/b`, merged into `main` once reviewed.',
          labels: ['caloron:task'],
        },
      ],
    },
  ],
});
