// github_poll_events (CALORON §3): what happened on the forge since the cursor, as events
// of the one union dag_evaluate consumes. A quiet poll costs O(changes), not O(repository):
// issues, comments and issue events are listed since the cursor, closed pull requests
// most recently updated first down to the cursor, and reviews only of the pull requests
// that can have new ones; only open pull requests are listed whole (their heads move
// without a trace in their update time). The cursor logic is poll-cursor.ts, the mapping
// forge-events.ts.
import { defineStage } from '../../engine/stage/index.js';
import type { GithubPollEventsInput, GithubPollEventsOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import {
  type Candidate,
  commentEvent,
  openedId,
  issueEvent,
  labelEvent,
  pullEvents,
  reviewEvent,
} from './forge-events.js';
import { advanceCursor } from './poll-cursor.js';
import type { ForgeClient, ForgePull, ForgeReview } from './client/index.js';

/** Review listings read at once (GitHub frowns on many concurrent requests from one client). */
const REVIEW_CONCURRENCY = 8;

/**
 * The pull requests a poll needs: every open one (a push gives an open pull request a new
 * head, and forges do not bump its update time for it) and the closed ones updated since
 * the cursor (a merge or close bumps it); all of them on the first poll.
 */
async function listPulls(client: ForgeClient, since: Date | null): Promise<ForgePull[]> {
  if (since === null) return client.listPulls({ state: 'all' });
  const [open, closed] = await Promise.all([
    client.listPulls({ state: 'open' }),
    client.listPulls({ state: 'closed', updatedSince: since }),
  ]);
  return [...open, ...closed];
}

/**
 * Whether a pull request's reviews can matter to this poll. A review bumps its pull
 * request's update time, so one not updated since the cursor has no new review; an open
 * one also needs its reviews to date a head not delivered yet (see pullEvents). An open
 * one whose head was delivered and that has not changed gives only its pr_opened, which
 * the cursor keeps in seen whatever its date.
 */
function needsReviews(pull: ForgePull, since: Date | null, seen: ReadonlySet<string>): boolean {
  if (since === null || pull.updated_at.getTime() >= since.getTime()) return true;
  return pull.state === 'open' && !seen.has(openedId(pull));
}

export const githubPollEvents = defineStage<GithubPollEventsInput, GithubPollEventsOutput>({
  name: 'github_poll_events',
  description:
    'Reads issues, pull requests, reviews, comments and added labels changed on the forge since the cursor and returns the new events and the next cursor.',
  ...stageSchemas('github_poll_events'),
  effects: ['Network', 'Fallible', 'NonDeterministic'],
  run: async (input, ctx) => {
    // Before the first request: anything the forge records while we read is at or after
    // it, so the next cursor (this minus the overlap) cannot skip it.
    const polledAt = new Date();
    const since = input.since === null ? null : new Date(input.since);
    const client = stageClient(input, ctx);
    const window = since === null ? {} : { since };
    // The listings are independent: read concurrently, a tick waits for the slowest, not the sum.
    const [issues, comments, issueEvents, pulls] = await Promise.all([
      client.listIssues({ state: 'all', ...window }),
      client.listRepoComments(window),
      client.listRepoIssueEvents(window),
      listPulls(client, since),
    ]);

    const candidates: Candidate[] = [
      ...issues.map((issue) => issueEvent(issue, input.sprint_id)),
      ...comments.map(commentEvent),
      ...issueEvents.map(labelEvent).filter((c): c is Candidate => c !== null),
    ];
    const seen = new Set(input.seen);
    const reviewed = pulls.filter((pull) => needsReviews(pull, since, seen));
    const reviews = new Map<number, ForgeReview[]>();
    for (let i = 0; i < reviewed.length; i += REVIEW_CONCURRENCY) {
      const batch = reviewed.slice(i, i + REVIEW_CONCURRENCY);
      const lists = await Promise.all(batch.map((pull) => client.listReviews(pull.number)));
      batch.forEach((pull, k) => reviews.set(pull.number, lists[k]!));
    }
    for (const pull of pulls) {
      const own = reviews.get(pull.number) ?? [];
      candidates.push(...pullEvents(pull, own));
      for (const review of own) {
        const event = reviewEvent(pull.number, review);
        if (event !== null) candidates.push(event);
      }
    }
    const next = advanceCursor(candidates, { since, seen: input.seen, polledAt });
    return { events: next.events, polled_at: polledAt.toISOString(), since: next.since, seen: next.seen };
  },
});
