// The prompts the harness gives a framework: the issue (title and body), the task's own
// instructions, and on a later cycle the review that asked for changes. The reviewer's
// prompt asks for a verdict on a line of its own, which shell/frameworks reads back.
import type { ForgeIssue, ForgeReview } from '../../stages/github/client/index.js';

export interface PromptParts {
  issue: Pick<ForgeIssue, 'number' | 'title' | 'body'>;
  /** harness.json prompt: the task's instructions from the plan, or null. */
  instructions: string | null;
  branch: string;
}

function issueSection(parts: PromptParts): string {
  const body = parts.issue.body.trim();
  // Number 0: the reviewer's PR names no issue, so the PR's own title stands in.
  const heading = parts.issue.number === 0 ? 'Pull request' : `Issue #${parts.issue.number}`;
  return `# ${heading}: ${parts.issue.title}\n\n${body === '' ? '(no description)' : body}\n`;
}

function instructionsSection(parts: PromptParts): string {
  const text = parts.instructions?.trim() ?? '';
  return text === '' ? '' : `\n## Task instructions\n\n${text}\n`;
}

/** The review text a developer must address: the bodies of the changes-requested reviews, newest last. */
export function reviewFeedback(reviews: readonly ForgeReview[]): string {
  return reviews
    .filter((review) => review.state === 'CHANGES_REQUESTED' && review.body.trim() !== '')
    .map((review) => review.body.trim())
    .join('\n\n');
}

export function developerPrompt(parts: PromptParts, feedback: string): string {
  const review = feedback === '' ? '' : `\n## Review feedback to address\n\n${feedback}\n`;
  return (
    `${issueSection(parts)}${instructionsSection(parts)}${review}\n` +
    `Make the change in this repository (branch ${parts.branch}). Do not commit or push: the harness does.\n`
  );
}

export function reviewerPrompt(parts: PromptParts, prNumber: number): string {
  return (
    `You are reviewing pull request #${prNumber} (branch ${parts.branch}), checked out here.\n\n` +
    `${issueSection(parts)}${instructionsSection(parts)}\n` +
    'Check that the change does what the issue asks. Do not edit files. End your answer with a line ' +
    'that is exactly APPROVE or REQUEST_CHANGES, after your reasons.\n'
  );
}
