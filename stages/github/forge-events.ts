// Forge objects → the event union of CALORON §2, with ids stable across polls (the
// de-duplication key of the poll cursor and of dag_evaluate's processed_events).
//
// Fixes of the Python poller (reference §3.1, §12.1, §12.10): issues become issue_opened
// with the task named by the body's marker; pull requests of every state give pr_opened,
// pr_merged and pr_closed; a closing keyword, not the first bare `#N`, links a pull request;
// timestamps are Dates, written back in Z-form UTC.
import type {
  Event,
  IssueCommentEvent,
  IssueOpenedEvent,
  LabelAddedEvent,
  PrClosedEvent,
  PrMergedEvent,
  PrOpenedEvent,
  PrReviewSubmittedEvent,
} from '../../schemas/generated/types.js';
import type { ForgeComment, ForgeIssue, ForgeIssueEvent, ForgePull, ForgeReview } from './client/index.js';
import { linkedIssueOf } from './links.js';
import { readMarker } from './marker.js';

/** An event as the poller sees it before the cursor decides whether it is new. */
export interface Candidate {
  event: Event;
  at: Date;
  /**
   * A pull request's pr_opened for its current head while it is open: new exactly when its
   * id has not been delivered, whatever its date (see pullEvents), so the cursor keeps it in
   * seen for as long as the pull request stays open at that head.
   */
  openHead: boolean;
}

function candidate(event: Event, at: Date, openHead = false): Candidate {
  return { event, at, openHead };
}

/**
 * issue_opened for an issue; task_id comes from its marker, and only when the marker is
 * this sprint's (when the sprint is known): dag_evaluate looks a task up by id alone, so
 * another sprint's task of the same id must not be named.
 */
export function issueEvent(issue: ForgeIssue, sprintId: string | undefined): Candidate {
  const marker = readMarker(issue.body);
  const named = marker !== null && (sprintId === undefined || marker.sprint_id === sprintId);
  const event: IssueOpenedEvent = {
    id: `issue_opened:${issue.number}`,
    type: 'issue_opened',
    created_at: issue.created_at.toISOString(),
    issue_number: issue.number,
    labels: [...issue.labels],
    ...(named ? { task_id: marker.task_id } : {}),
  };
  return candidate(event, issue.created_at);
}

export function commentEvent(comment: ForgeComment): Candidate {
  const event: IssueCommentEvent = {
    id: `comment:${comment.id}`,
    type: 'issue_comment',
    created_at: comment.created_at.toISOString(),
    issue_number: comment.issue_number,
    comment_id: comment.id,
    body: comment.body,
    actor: comment.user ?? '',
  };
  return candidate(event, comment.created_at);
}

/**
 * label_added for a `labeled` issue event (on an issue or a pull request); its id is the
 * forge's event id, so a label removed and added again is added again. Removals are no event.
 */
export function labelEvent(issueEvent: ForgeIssueEvent): Candidate | null {
  if (issueEvent.event !== 'labeled' || issueEvent.label === null) return null;
  const event: LabelAddedEvent = {
    id: `label_added:${issueEvent.id}`,
    type: 'label_added',
    created_at: issueEvent.created_at.toISOString(),
    issue_number: issueEvent.issue_number,
    label: issueEvent.label,
    actor: issueEvent.actor ?? '',
  };
  return candidate(event, issueEvent.created_at);
}

const REVIEW_STATES = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'changes_requested',
} as const satisfies Partial<Record<ForgeReview['state'], PrReviewSubmittedEvent['review_state']>>;

/**
 * pr_review_submitted for a submitted review; a pending (draft) review is not an event yet.
 * A dismissed review reads as `commented`: what it decided no longer holds.
 */
export function reviewEvent(pr: number, review: ForgeReview): Candidate | null {
  if (review.state === 'PENDING' || review.submitted_at === null) return null;
  const state = review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED' ? review.state : null;
  const event: PrReviewSubmittedEvent = {
    id: `review:${review.id}`,
    type: 'pr_review_submitted',
    created_at: review.submitted_at.toISOString(),
    pr_number: pr,
    review_id: review.id,
    review_state: state === null ? 'commented' : REVIEW_STATES[state],
    body: review.body,
  };
  return candidate(event, review.submitted_at);
}

/**
 * The events a pull request stands for now:
 * - pr_opened for its head sha ("ready for review at head_sha"; a push after a review is a
 *   new head, hence a new id). A closed one is dated by its opening (before its merge or
 *   close). An open one is dated just after the last review of an earlier commit, since the
 *   push that made this head answered it, and dag_evaluate reads events in created_at order
 *   (review, then push: InProgress, then InReview); forges record no push time, and do not
 *   bump the pull request's update time on a push. Without such a review, its opening.
 *   A draft is not ready: no pr_opened.
 * - pr_merged when merged; pr_closed when closed unmerged, its id carrying the close time
 *   so a reopened and closed-again pull request is closed again.
 */
export function pullEvents(pull: ForgePull, reviews: readonly ForgeReview[]): Candidate[] {
  const out: Candidate[] = [];
  const open = pull.state === 'open';
  if (!(open && pull.draft)) {
    const at = open ? headDate(pull, reviews) : pull.created_at;
    const opened: PrOpenedEvent = {
      id: openedId(pull),
      type: 'pr_opened',
      created_at: at.toISOString(),
      pr_number: pull.number,
      linked_issue: linkedIssueOf(pull.body),
      head_ref: pull.head.ref,
      head_sha: pull.head.sha,
    };
    out.push(candidate(opened, at, open));
  }
  if (open) return out;
  const closedAt = pull.merged_at ?? pull.closed_at ?? pull.updated_at;
  if (pull.merged) {
    const merged: PrMergedEvent = {
      id: `pr_merged:${pull.number}`,
      type: 'pr_merged',
      created_at: closedAt.toISOString(),
      pr_number: pull.number,
    };
    out.push(candidate(merged, closedAt));
  } else {
    const closed: PrClosedEvent = {
      id: `pr_closed:${pull.number}:${closedAt.getTime()}`,
      type: 'pr_closed',
      created_at: closedAt.toISOString(),
      pr_number: pull.number,
    };
    out.push(candidate(closed, closedAt));
  }
  return out;
}

/** The id of a pull request's pr_opened event at its current head. */
export function openedId(pull: ForgePull): string {
  return `pr_opened:${pull.number}:${pull.head.sha}`;
}

function headDate(pull: ForgePull, reviews: readonly ForgeReview[]): Date {
  let at = pull.created_at.getTime();
  for (const review of reviews)
    if (review.submitted_at !== null && review.commit_id !== pull.head.sha)
      at = Math.max(at, review.submitted_at.getTime() + 1);
  return new Date(at);
}
