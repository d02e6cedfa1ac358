// Where each reviewer's reviews stand (review-standing.ts, used by get_pr_status).
import { describe, expect, it } from 'vitest';
import type { ForgeReview } from '../../../stages/github/client/index.js';
import { reviewSummary } from '../../../stages/github/review-standing.js';

let next = 1;
function review(user: string, state: ForgeReview['state'], minute: number): ForgeReview {
  const submitted = state === 'PENDING' ? null : new Date(Date.UTC(2026, 10, 22, 10, minute));
  return { id: next++, user, state, body: '', commit_id: null, submitted_at: submitted };
}

describe('reviewSummary', () => {
  it('is pending without reviews', () => {
    expect(reviewSummary([])).toEqual({ review_state: 'pending', reviewers: [] });
  });

  it("keeps one reviewer's request for changes standing when another approves later", () => {
    const summary = reviewSummary([review('ann', 'CHANGES_REQUESTED', 1), review('bob', 'APPROVED', 2)]);
    expect(summary.review_state).toBe('changes_requested');
    expect(summary.reviewers.map((r) => [r.login, r.state])).toEqual([
      ['ann', 'changes_requested'],
      ['bob', 'approved'],
    ]);
  });

  it("lets a reviewer's later approval replace their own request for changes", () => {
    expect(
      reviewSummary([review('ann', 'CHANGES_REQUESTED', 1), review('ann', 'APPROVED', 2)]).review_state,
    ).toBe('approved');
  });

  it('does not let a comment withdraw an approval, and reads reviews in submission order', () => {
    const summary = reviewSummary([review('ann', 'COMMENTED', 3), review('ann', 'APPROVED', 2)]);
    expect(summary.reviewers).toEqual([
      { login: 'ann', state: 'approved', submitted_at: '2026-11-22T10:02:00.000Z' },
    ]);
  });

  it('withdraws a dismissed review and ignores a pending one', () => {
    const summary = reviewSummary([review('ann', 'DISMISSED', 1), review('bob', 'PENDING', 2)]);
    expect(summary).toEqual({
      review_state: 'pending',
      reviewers: [{ login: 'ann', state: 'dismissed', submitted_at: '2026-11-22T10:01:00.000Z' }],
    });
  });
});
