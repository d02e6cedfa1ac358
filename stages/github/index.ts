// The forge stages of Caloron (CALORON §3): one forge client (client/) serves them all.
export { githubAddLabel } from './github_add_label.js';
export { githubCreateIssue } from './github_create_issue.js';
export { githubMergePr } from './github_merge_pr.js';
export { githubPostComment } from './github_post_comment.js';
