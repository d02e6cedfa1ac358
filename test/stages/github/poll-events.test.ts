// Forge objects → events (forge-events.ts): ids, dates, links and what is left out.
import { describe, expect, it } from 'vitest';
import type { ForgeIssue, ForgePull, ForgeReview } from '../../../stages/github/client/index.js';
import { issueEvent, pullEvents, reviewEvent } from '../../../stages/github/forge-events.js';
import { writeMarker } from '../../../stages/github/marker.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));

function pull(patch: Partial<ForgePull>): ForgePull {
  return {
    number: 7,
    title: 't',
    body: 'Resolves #3',
    state: 'open',
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    mergeable: true,
    draft: false,
    head: { ref: 'caloron/s1/a', sha: 'h2' },
    base: { ref: 'main' },
    labels: [],
    user: 'dev',
    created_at: at(0),
    updated_at: at(30),
    closed_at: null,
    html_url: '',
    ...patch,
  };
}

function review(id: number, state: ForgeReview['state'], minute: number | null, commit = 'h1'): ForgeReview {
  return {
    id,
    user: 'rev',
    state,
    body: 'b',
    commit_id: commit,
    submitted_at: minute === null ? null : at(minute),
  };
}

function issue(body: string): ForgeIssue {
  return {
    number: 3,
    title: 't',
    body,
    state: 'open',
    labels: ['caloron:task'],
    user: 'kickoff',
    created_at: at(1),
    updated_at: at(2),
    closed_at: null,
    html_url: '',
  };
}

describe('issueEvent', () => {
  const body = writeMarker({ kind: 'task', sprint_id: 's0', task_id: 'a' });

  it("names the marker's task when no sprint is given", () => {
    expect(issueEvent(issue(body), undefined).event).toMatchObject({ id: 'issue_opened:3', task_id: 'a' });
  });

  it("names no task for another sprint's marker, or for an issue without one", () => {
    expect(issueEvent(issue(body), 's1').event).not.toHaveProperty('task_id');
    expect(issueEvent(issue('plain'), 's1').event).not.toHaveProperty('task_id');
  });
});

describe('reviewEvent', () => {
  it('maps the three states and reads a dismissed review as commented', () => {
    const states = (['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED'] as const).map(
      (state, i) => reviewEvent(7, review(i + 1, state, i))?.event,
    );
    expect(states.map((e) => e?.type === 'pr_review_submitted' && e.review_state)).toEqual([
      'approved',
      'changes_requested',
      'commented',
      'commented',
    ]);
    expect(states[0]).toMatchObject({ id: 'review:1', pr_number: 7, review_id: 1, body: 'b' });
  });

  it('gives no event for a pending review', () => {
    expect(reviewEvent(7, review(1, 'PENDING', null))).toBeNull();
  });
});

describe('pullEvents', () => {
  it('gives an open pull request one pr_opened for its head, linked by its closing keyword', () => {
    expect(pullEvents(pull({}), []).map((c) => [c.event, c.openHead])).toEqual([
      [
        {
          id: 'pr_opened:7:h2',
          type: 'pr_opened',
          created_at: at(0).toISOString(),
          pr_number: 7,
          linked_issue: 3,
          head_ref: 'caloron/s1/a',
          head_sha: 'h2',
        },
        true,
      ],
    ]);
  });

  it('dates an open head just after the last review of an earlier commit, not after reviews of itself', () => {
    const [opened] = pullEvents(pull({}), [
      review(1, 'CHANGES_REQUESTED', 10),
      review(2, 'APPROVED', 20, 'h2'),
    ]);
    expect(opened?.at.getTime()).toBe(at(10).getTime() + 1);
  });

  it('gives a draft no pr_opened', () => {
    expect(pullEvents(pull({ draft: true }), [])).toEqual([]);
  });

  it('gives a merged pull request pr_opened at its opening and pr_merged at its merge', () => {
    const events = pullEvents(
      pull({ state: 'closed', merged: true, merged_at: at(40), closed_at: at(40) }),
      [],
    );
    expect(events.map((c) => [c.event.id, c.event.created_at, c.openHead])).toEqual([
      ['pr_opened:7:h2', at(0).toISOString(), false],
      ['pr_merged:7', at(40).toISOString(), false],
    ]);
  });

  it('gives a pull request closed unmerged a pr_closed whose id carries the close time', () => {
    const first = pullEvents(pull({ state: 'closed', closed_at: at(40) }), [])[1]?.event;
    const again = pullEvents(pull({ state: 'closed', closed_at: at(50) }), [])[1]?.event;
    expect(first).toMatchObject({ type: 'pr_closed', created_at: at(40).toISOString() });
    expect(first?.id).not.toBe(again?.id);
  });
});
