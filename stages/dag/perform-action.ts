// What each action kind does on the forge and the shell (CALORON §2, §6; reference §3.11
// fixed: notify_agent, probe and restart were log-only there, escalate opened a new issue
// per tick, the shell never got its token).
//
// Retrying a multi-step action must not repeat its finished steps. Each step has its own
// journal key `<action key>#<step>` (comment, label, spawn), appended the moment the step
// succeeds; a retried action skips the steps its keys show done. What remains is the window
// between a step's effect and its journal line (a crash there loses the line), closed where
// the forge allows it:
// - a comment carries the hidden marker `<!-- caloron:action key=<step key> -->` and is
//   posted only when no comment on the issue carries it yet (one listing per comment);
// - labels are sets: adding a label again changes nothing;
// - issues (escalations) are found by their marker before one is opened (issue-once.ts);
// - a merge retried finds the pull request merged and counts that as done (merge.ts);
// - a spawn or restart retried asks the shell again: the shell replaces the agent's process
//   (CALORON §6), so the agent runs once; the window is the shell's call, not ours.
import { isNoetherError } from '../../engine/errors.js';
import type { Action, SpawnRequest } from '../../schemas/generated/types.js';
import type { ForgeClient } from '../github/client/types.js';
import { ESCALATED_LABEL, openIssueOnce } from '../github/issue-once.js';
import { mergeOnce } from '../github/merge.js';
import type { Journal } from './journal.js';
import type { ShellClient } from './shell-client.js';

const ASSIGNED_LABEL = 'caloron:assigned';
const REVIEW_PENDING_LABEL = 'caloron:review-pending';
const DONE_LABEL = 'caloron:done';

export interface ActionTarget {
  sprint_id: string;
  repo: string;
  forge: ForgeClient;
  shell: ShellClient;
  journal: Journal;
}

/** One step of an action failed on the forge or the shell: the action is retried next tick. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown,
  ) {
    const code = isNoetherError(error) ? `${error.code}: ` : '';
    super(`${step}: ${code}${error instanceof Error ? error.message : String(error)}`, { cause: error });
    this.name = 'StepFailed';
  }
}

/** Performs `action`'s steps not yet journaled; throws at the first step that fails. */
export async function performAction(action: Action, target: ActionTarget): Promise<void> {
  const step = async (name: string, effect: () => Promise<unknown>): Promise<void> => {
    const key = `${action.key}#${name}`;
    if (target.journal.has(key)) return;
    try {
      await effect();
    } catch (error) {
      throw new StepFailed(name, error);
    }
    // Outside the try: a journal that cannot be written is not this action's failure but
    // the tick's, and execute_actions stops rather than act without remembering.
    await target.journal.append(key);
  };
  const comment = (issue: number, body: string) =>
    step('comment', () => commentOnce(target.forge, issue, body, `${action.key}#comment`));
  const label = (issue: number, name: string) => step('label', () => target.forge.addLabels(issue, [name]));
  const spawn = (request: Omit<SpawnRequest, 'sprint_id' | 'repo'>) =>
    step('spawn', () => target.shell.spawn({ sprint_id: target.sprint_id, repo: target.repo, ...request }));

  switch (action.type) {
    case 'spawn_agent':
      await comment(
        action.issue_number,
        `@caloron-agent-${action.agent_id} has been assigned this task (${action.role}).`,
      );
      await label(action.issue_number, ASSIGNED_LABEL);
      await spawn({
        task_id: action.task_id,
        agent_id: action.agent_id,
        role: action.role,
        framework: action.framework,
        issue_number: action.issue_number,
        pr_number: action.pr_number ?? undefined,
        prompt: action.prompt,
      });
      return;
    case 'request_review':
      await label(action.pr_number, REVIEW_PENDING_LABEL);
      await spawn({
        task_id: action.task_id,
        agent_id: action.reviewer_id,
        role: 'reviewer',
        framework: action.framework,
        issue_number: action.issue_number,
        pr_number: action.pr_number,
      });
      return;
    case 'merge_pr':
      await step('merge', () => mergeOnce(target.forge, action.pr_number));
      return;
    case 'notify_agent':
      await comment(action.issue_number, action.message);
      await spawn({
        task_id: action.task_id,
        agent_id: action.agent_id,
        role: 'developer',
        framework: action.framework,
        issue_number: action.issue_number,
        pr_number: action.pr_number ?? undefined,
        prompt: action.message,
      });
      return;
    case 'mark_done':
      await label(action.issue_number, DONE_LABEL);
      return;
    case 'escalate': {
      // One escalation issue per task: escalated again later (after a `resolved`), the task
      // gets the new reason as a comment on it, reopened, rather than a second issue. The
      // issue's body names the action that opened it, so a retry of that same action is not
      // taken for a second escalation.
      const opened = await openIssueOnce(
        target.forge,
        { kind: 'escalation', sprint_id: target.sprint_id, task_id: action.task_id },
        escalationDraft(target.sprint_id, action),
      ).catch((error: unknown) => {
        throw new StepFailed('issue', error);
      });
      if (opened.created || opened.issue.body.includes(actionMarker(action.key))) return;
      if (opened.issue.state === 'closed')
        await step('reopen', () => target.forge.updateIssue(opened.issue_number, { state: 'open' }));
      await comment(opened.issue_number, `Escalated again (agent \`${action.agent_id}\`): ${action.reason}`);
      return;
    }
    case 'probe':
      await comment(action.issue_number, action.message);
      return;
    case 'restart':
      await step('restart', () =>
        target.shell.restart({ sprint_id: target.sprint_id, agent_id: action.agent_id }),
      );
      return;
  }
}

/** The hidden marker that makes a comment findable by the step that posted it. */
function actionMarker(stepKey: string): string {
  return `<!-- caloron:action key=${stepKey} -->`;
}

async function commentOnce(forge: ForgeClient, issue: number, body: string, stepKey: string): Promise<void> {
  const marker = actionMarker(stepKey);
  const comments = await forge.listIssueComments(issue);
  if (comments.some((comment) => comment.body.includes(marker))) return;
  await forge.createComment(issue, `${body}\n\n${marker}`);
}

function escalationDraft(
  sprintId: string,
  action: Extract<Action, { type: 'escalate' }>,
): { title: string; body: string; labels: string[] } {
  const issue = action.issue_number === null ? 'no issue yet' : `#${action.issue_number}`;
  return {
    title: `Escalation: task ${action.task_id} of sprint ${sprintId}`,
    body: [
      actionMarker(action.key),
      '',
      '## Human intervention required',
      '',
      `- Sprint: \`${sprintId}\``,
      `- Task: \`${action.task_id}\` (${issue})`,
      `- Agent: \`${action.agent_id}\``,
      `- Reason: ${action.reason}`,
      '',
      'Caloron has stopped working on this task. When you have dealt with it, comment on this issue:',
      '',
      '- `resolved` to put the task back in the queue (it restarts on the next tick), or',
      '- `cancel` to drop the task from the sprint.',
    ].join('\n'),
    labels: [ESCALATED_LABEL],
  };
}
