// Where each reviewer's reviews of a pull request stand (get_pr_status). The Python stage let
// the last decisive review of anyone win (reference §3.6), so one reviewer's approval hid
// another's standing request for changes; GitHub's rule is per reviewer, and so is this.
import type { GetPrStatusOutput, ReviewerStanding } from '../../schemas/generated/types.js';
import type { ForgeReview } from './client/index.js';

type Standing = ReviewerStanding['state'];

/** A reviewer's standing after one more review of theirs. */
function after(current: Standing | undefined, review: ForgeReview['state']): Standing | undefined {
  switch (review) {
    case 'APPROVED':
      return 'approved';
    case 'CHANGES_REQUESTED':
      return 'changes_requested';
    case 'DISMISSED':
      return 'dismissed';
    case 'COMMENTED':
      // A comment neither grants nor withdraws an approval or a request for changes.
      return current ?? 'commented';
    case 'PENDING':
      return current;
  }
}

export function reviewSummary(
  reviews: readonly ForgeReview[],
): Pick<GetPrStatusOutput, 'review_state' | 'reviewers'> {
  const submitted = reviews
    .filter(
      (r): r is ForgeReview & { submitted_at: Date } => r.submitted_at !== null && r.state !== 'PENDING',
    )
    .sort((x, y) => x.submitted_at.getTime() - y.submitted_at.getTime() || x.id - y.id);
  const standings = new Map<string, ReviewerStanding>();
  for (const review of submitted) {
    const login = review.user ?? '';
    const current = standings.get(login);
    const state = after(current?.state, review.state);
    if (state !== undefined && state !== current?.state)
      standings.set(login, { login, state, submitted_at: review.submitted_at.toISOString() });
  }
  const reviewers = [...standings.values()];
  const review_state = reviewers.some((r) => r.state === 'changes_requested')
    ? 'changes_requested'
    : reviewers.some((r) => r.state === 'approved')
      ? 'approved'
      : 'pending';
  return { review_state, reviewers };
}
