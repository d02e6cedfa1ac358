// What each role does around its framework run (CALORON §6). The developer: run the
// framework, commit, push the task branch, open the PR that closes the issue (or leave the
// open one: the push updated it), post the caloron_feedback comment. The reviewer: run the
// framework on the PR head and submit its verdict as a review.
import { NoetherError } from '../../engine/errors.js';
import type { ForgeClient, ForgePull } from '../../stages/github/client/index.js';
import { linkedIssueOf } from '../../stages/github/links.js';
import { writeMarker } from '../../stages/github/marker.js';
import { framework, STUB_REVIEW_MARK } from '../frameworks/index.js';
import type { FrameworkRun } from '../frameworks/index.js';
import type { ResolvedHarnessConfig } from './config.js';
import { feedbackComment } from './feedback.js';
import { commitAll, head, isDirty, pushBranch } from './git.js';
import { developerPrompt, reviewerPrompt, reviewFeedback } from './prompt.js';

export interface RoleContext {
  config: ResolvedHarnessConfig;
  client: ForgeClient;
  /** The harness's environment (tokens included: git's credential helper reads the forge token). */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** The environment a framework gets: the harness's, without the forge and shell tokens. */
function frameworkEnv(context: RoleContext): Record<string, string | undefined> {
  const env = { ...context.env };
  delete env[context.config.token_env];
  delete env.CALORON_SHELL_TOKEN;
  return env;
}

/** The PR of the task: the one harness.json names, else the open one whose head is the branch. */
async function taskPull(context: RoleContext): Promise<ForgePull | null> {
  const { config, client } = context;
  if (config.pr_number !== null) return client.getPull(config.pr_number);
  const open = await client.listPulls({ state: 'open' });
  return open.find((pull) => pull.head.ref === config.branch) ?? null;
}

function frameworkRun(
  context: RoleContext,
  title: string,
  prompt: string,
  changesRequestedBefore: boolean,
): FrameworkRun {
  const { config } = context;
  return {
    role: config.role,
    prompt,
    worktree: config.worktree,
    task: { sprint_id: config.sprint_id, task_id: config.task_id, title },
    env: frameworkEnv(context),
    signal: context.signal,
    timeoutMs: config.framework_timeout_ms,
    stub: {
      request_changes_once: config.stub.request_changes_once,
      changes_requested_before: changesRequestedBefore,
    },
  };
}

/** The developer's run; its detail for the final heartbeat. */
export async function runDeveloper(context: RoleContext): Promise<string> {
  const { config, client, log } = context;
  const started = Date.now();
  const issueNumber = config.issue_number;
  if (issueNumber === null)
    throw new NoetherError('NOE_USAGE', 'a developer needs the issue_number of its task in harness.json');
  const issue = await client.getIssue(issueNumber);
  const existing = await taskPull(context);
  const feedback = existing === null ? '' : reviewFeedback(await client.listReviews(existing.number));
  const parts = { issue, instructions: config.prompt, branch: config.branch };
  const git = { worktree: config.worktree, signal: context.signal, env: context.env };
  const before = await head(git);
  log(`developer: running ${config.framework} in ${config.worktree}`);
  await framework(config.framework).run(
    frameworkRun(context, issue.title, developerPrompt(parts, feedback), false),
  );
  if (await isDirty(git))
    await commitAll(
      git,
      config.agent_id,
      `${issue.title} (#${issueNumber})\n\nTask ${config.sprint_id}/${config.task_id}.`,
    );
  const after = await head(git);
  if (after === before)
    throw new NoetherError(
      'NOE_COMMAND_FAILED',
      `framework ${config.framework} changed nothing in the worktree`,
    );
  const repo = await client.getRepo();
  await pushBranch(git, repo.clone_url, config.branch, config.token_env);
  log(`developer: pushed ${config.branch} at ${after}`);
  let pull = existing;
  if (pull === null || pull.state !== 'open') {
    const marker = writeMarker({ kind: 'task', sprint_id: config.sprint_id, task_id: config.task_id });
    pull = await client.createPull({
      title: issue.title,
      head: config.branch,
      base: config.base_branch,
      body: `Closes #${issueNumber}\n\n${marker}\n`,
    });
    log(`developer: opened PR #${pull.number}`);
  }
  await client.createComment(
    issueNumber,
    feedbackComment({
      task_id: config.task_id,
      agent_role: 'developer',
      task_clarity: 8,
      blockers: [],
      tools_used: [config.framework],
      tokens_consumed: 0,
      time_to_complete_min: Math.round((Date.now() - started) / 600) / 100,
      self_assessment: 'completed',
      notes: `PR #${pull.number}, head ${after.slice(0, 12)}`,
    }),
  );
  return `pushed ${config.branch} at ${after.slice(0, 12)}; PR #${pull.number} ${pull === existing ? 'updated' : 'opened'}`;
}

/** The reviewer's run; its detail for the final heartbeat. */
export async function runReviewer(context: RoleContext): Promise<string> {
  const { config, client, log } = context;
  const pull = await taskPull(context);
  if (pull === null)
    throw new NoetherError('NOE_FORGE_FAILED', `no open pull request for ${config.branch} to review`);
  // The shell may spawn a reviewer with the PR only: the issue is the one the PR closes.
  const issueNumber = config.issue_number ?? linkedIssueOf(pull.body);
  const issue =
    issueNumber === null
      ? { number: 0, title: pull.title, body: '(the pull request names no issue)' }
      : await client.getIssue(issueNumber);
  const reviews = await client.listReviews(pull.number);
  const changesRequestedBefore = reviews.some(
    (review) => review.state === 'CHANGES_REQUESTED' && review.body.includes(STUB_REVIEW_MARK),
  );
  const prompt = reviewerPrompt({ issue, instructions: config.prompt, branch: config.branch }, pull.number);
  log(`reviewer: running ${config.framework} on PR #${pull.number}`);
  const result = await framework(config.framework).run(
    frameworkRun(context, issue.title, prompt, changesRequestedBefore),
  );
  const verdict = result.verdict ?? 'REQUEST_CHANGES';
  const body =
    result.output.trim() === '' ? `Review by caloron-agent-${config.agent_id}.` : result.output.trim();
  await client.createReview(pull.number, { event: verdict, body });
  return `${verdict === 'APPROVE' ? 'approved' : 'requested changes on'} PR #${pull.number}`;
}
