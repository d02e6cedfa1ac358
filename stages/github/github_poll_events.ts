// github_poll_events (CALORON §3): what happened on the forge since the cursor, as events
// of the one union dag_evaluate consumes. Every listing reads every page (the client's
// job); the cursor logic is poll-cursor.ts, the mapping forge-events.ts.
import { defineStage } from '../../engine/stage/index.js';
import type { GithubPollEventsInput, GithubPollEventsOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { stageClient } from './stage-client.js';
import {
  type Candidate,
  commentEvent,
  issueEvent,
  labelEvent,
  pullEvents,
  reviewEvent,
} from './forge-events.js';
import { advanceCursor } from './poll-cursor.js';

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
    const issues = await client.listIssues({ state: 'all', ...window });
    const comments = await client.listRepoComments(window);
    const issueEvents = await client.listRepoIssueEvents(window);
    const pulls = await client.listPulls({ state: 'all' });

    const candidates: Candidate[] = [
      ...issues.map((issue) => issueEvent(issue, input.sprint_id)),
      ...comments.map(commentEvent),
      ...issueEvents.map(labelEvent).filter((c): c is Candidate => c !== null),
    ];
    for (const pull of pulls) {
      // A review bumps its pull request's update time, so only open ones and those updated
      // since the cursor can have new reviews; open ones need theirs to date their head.
      const fresh = pull.state === 'open' || since === null || pull.updated_at.getTime() >= since.getTime();
      const reviews = fresh ? await client.listReviews(pull.number) : [];
      candidates.push(...pullEvents(pull, reviews));
      for (const review of reviews) {
        const event = reviewEvent(pull.number, review);
        if (event !== null) candidates.push(event);
      }
    }
    const next = advanceCursor(candidates, { since, seen: input.seen, polledAt });
    return { events: next.events, polled_at: polledAt.toISOString(), since: next.since, seen: next.seen };
  },
});
