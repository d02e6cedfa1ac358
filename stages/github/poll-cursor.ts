// The poll cursor (CALORON §3, reference §12.2): the next poll asks the forge for what
// changed since `polled_at − OVERLAP`, so an event the forge committed late, or dated by a
// clock a little behind ours, is still read; the ids already delivered inside that overlap
// go into `seen`, so an event read twice is delivered once. Instants are compared as
// Dates, never as strings.
import type { Event } from '../../schemas/generated/types.js';
import type { Candidate } from './forge-events.js';

/** How far the next cursor steps back from the poll's start. */
export const OVERLAP_MS = 2 * 60_000;

export interface CursorIn {
  /** The cursor the previous poll returned (null: never polled, everything is new). */
  since: Date | null;
  seen: readonly string[];
  /** When this poll started: read before the first request, so nothing made during it is skipped. */
  polledAt: Date;
}

export interface CursorOut {
  events: Event[];
  since: string;
  seen: string[];
}

/**
 * The new events among `candidates` (not delivered before: not in seen, and dated at or
 * after the cursor — or the open head of a pull request, which is new exactly when unseen),
 * in created_at order (ties: see byTime), and the next cursor.
 */
export function advanceCursor(candidates: readonly Candidate[], cursor: CursorIn): CursorOut {
  const seen = new Set(cursor.seen);
  const fresh = new Map<string, Candidate>();
  for (const c of candidates) {
    const id = c.event.id;
    if (seen.has(id) || fresh.has(id)) continue;
    if (c.openHead || cursor.since === null || c.at.getTime() >= cursor.since.getTime()) fresh.set(id, c);
  }
  const events = [...fresh.values()].sort(byTime).map((c) => c.event);

  const next = new Date(cursor.polledAt.getTime() - OVERLAP_MS);
  const keep = new Set<string>();
  for (const c of candidates) if (c.openHead || c.at.getTime() >= next.getTime()) keep.add(c.event.id);
  return { events, since: next.toISOString(), seen: [...keep].sort() };
}

// Forges date to the second, so ties are common. They are broken in the order things
// must have happened (an issue before comments on it, a pull request before its reviews,
// its reviews before its merge or close), then by the forge's own number, which grows with
// time; the id last, so equal input gives equal output.
const RANK: Record<Event['type'], number> = {
  issue_opened: 0,
  pr_opened: 1,
  pr_review_submitted: 2,
  issue_comment: 3,
  label_added: 4,
  pr_merged: 5,
  pr_closed: 6,
};

function serial(event: Event): number {
  switch (event.type) {
    case 'pr_review_submitted':
      return event.review_id;
    case 'issue_comment':
      return event.comment_id;
    case 'issue_opened':
    case 'label_added':
      return event.issue_number;
    case 'pr_opened':
    case 'pr_merged':
    case 'pr_closed':
      return event.pr_number;
  }
}

function byTime(x: Candidate, y: Candidate): number {
  return (
    x.at.getTime() - y.at.getTime() ||
    RANK[x.event.type] - RANK[y.event.type] ||
    serial(x.event) - serial(y.event) ||
    (x.event.id < y.event.id ? -1 : x.event.id > y.event.id ? 1 : 0)
  );
}
