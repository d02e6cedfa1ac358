// The forge stages of Caloron (CALORON §3). marker.ts and links.ts are shared with the write
// side (kickoff writes markers, agents push task branches).
export { githubPollEvents } from './github_poll_events.js';
export { getPrStatus } from './get_pr_status.js';
export { fetchRepoContext } from './fetch_repo_context.js';
export { collectSprintFeedback } from './collect_sprint_feedback.js';
export { githubCreateIssue } from './github_create_issue.js';
export { githubPostComment } from './github_post_comment.js';
export { githubAddLabel } from './github_add_label.js';
export { githubMergePr } from './github_merge_pr.js';
export { readMarker, writeMarker, type Marker, type MarkerKind } from './marker.js';
export { linkedIssueOf, taskBranch, taskOfBranch } from './links.js';
export {
  openIssueOnce,
  withMarker,
  TASK_LABEL,
  ESCALATED_LABEL,
  type IssueDraft,
  type OpenedIssue,
} from './issue-once.js';
export { mergeOnce } from './merge.js';
export { POLICY_ENV, stageClient } from './stage-client.js';
