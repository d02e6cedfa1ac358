// How a pull request names its task's issue (CALORON §2): a closing keyword in its body
// (`Closes #N`, `Fixes #N`, `Resolves #N`, and the other forms GitHub accepts), or its
// branch `caloron/<sprint_id>/<task_id>`. The Python poller took the first bare `#N` token
// of the body (reference §3.1), so "(#12)" or "Closes #12." were missed and "see #3" was
// taken; this reads keywords only, with the punctuation GitHub tolerates around them.
import { ID_PATTERN } from '../../schemas/index.js';

// GitHub's closing keywords: close/closes/closed, fix/fixes/fixed, resolve/resolves/resolved,
// case-insensitive, an optional colon, then `#N` (a same-repository reference).
const CLOSING_RE = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+#(\d+)\b/gi;

/** The issue the first closing keyword of `body` names, or null when there is none. */
export function linkedIssueOf(body: string | null | undefined): number | null {
  for (const match of (body ?? '').matchAll(CLOSING_RE)) {
    const issue = Number(match[1]);
    if (Number.isSafeInteger(issue) && issue >= 1) return issue;
  }
  return null;
}

const BRANCH_PREFIX = 'caloron';

/** The branch a developer agent pushes a task's work to. */
export function taskBranch(sprintId: string, taskId: string): string {
  return `${BRANCH_PREFIX}/${sprintId}/${taskId}`;
}

/** `caloron/<sprint_id>/<task_id>`, each id by the id rule (its pattern without its anchors). */
const ID_BODY = ID_PATTERN.source.replace(/^\^|\$$/g, '');
const BRANCH = new RegExp(`^${BRANCH_PREFIX}/(${ID_BODY})/(${ID_BODY})$`);

/** The sprint and task a branch `caloron/<sprint_id>/<task_id>` names, or null. */
export function taskOfBranch(ref: string): { sprint_id: string; task_id: string } | null {
  const match = BRANCH.exec(ref);
  return match === null ? null : { sprint_id: match[1] as string, task_id: match[2] as string };
}
