// github_poll_events against the real embedded forge: every event kind, every page, and
// exactly once across overlapping polls.
import { describe, expect, it } from 'vitest';
import type { Event, GithubPollEventsOutput } from '../../../schemas/generated/types.js';
import { githubPollEvents } from '../../../stages/github/index.js';
import { writeMarker } from '../../../stages/github/marker.js';
import { callStage } from '../call-stage.js';
import { ENV, type ForgeRepo, TOKEN_ENV, forgeRepo } from './local-forge.js';

async function poll(
  repo: ForgeRepo,
  cursor: { since: string | null; seen: string[] } = { since: null, seen: [] },
  extra: Record<string, unknown> = {},
): Promise<GithubPollEventsOutput> {
  return (await callStage(
    githubPollEvents,
    { ...repo.config, ...cursor, ...extra },
    { env: ENV },
  )) as GithubPollEventsOutput;
}

const ofType = <T extends Event['type']>(events: Event[], type: T) =>
  events.filter((e): e is Extract<Event, { type: T }> => e.type === type);

describe('github_poll_events on the local forge', () => {
  it('produces every event kind of a task going through review, with ids, task ids and links', async () => {
    const repo = await forgeRepo();
    const { client } = repo;
    const task = await client.createIssue({
      title: 'Task a',
      body: `Do a.\n\n${writeMarker({ kind: 'task', sprint_id: 's1', task_id: 'a' })}`,
      labels: ['caloron:task'],
    });
    const escalation = await client.createIssue({
      title: 'Escalation b',
      body: writeMarker({ kind: 'escalation', sprint_id: 's1', task_id: 'b' }),
      labels: ['caloron:escalated'],
    });
    const foreign = await client.createIssue({
      title: 'Other sprint',
      body: writeMarker({ kind: 'task', sprint_id: 's0', task_id: 'a' }),
      labels: ['caloron:task'],
    });
    await repo.push('caloron/s1/a', 'a.txt', 'one');
    const pr = await client.createPull({
      title: 'A',
      body: `Closes #${task.number}`,
      head: 'caloron/s1/a',
      base: 'main',
    });
    await client.createReview(pr.number, { event: 'REQUEST_CHANGES', body: 'needs tests' });
    await client.createReview(pr.number, { event: 'COMMENT', body: 'nit' });
    const second = await repo.push('caloron/s1/a', 'a.txt', 'two');
    await client.createReview(pr.number, { event: 'APPROVE', body: 'ok' });
    await client.mergePull(pr.number);
    await repo.push('caloron/s1/b', 'b.txt', 'b');
    const abandoned = await client.createPull({ title: 'B', body: '', head: 'caloron/s1/b', base: 'main' });
    await client.updatePull(abandoned.number, { state: 'closed' });
    const comment = await client.createComment(escalation.number, 'resolved');
    await client.addLabels(pr.number, ['reviewed']);

    const out = await poll(repo, undefined, { sprint_id: 's1' });

    expect(ofType(out.events, 'issue_opened')).toEqual([
      expect.objectContaining({ id: `issue_opened:${task.number}`, task_id: 'a', labels: ['caloron:task'] }),
      expect.objectContaining({
        id: `issue_opened:${escalation.number}`,
        task_id: 'b',
        labels: ['caloron:escalated'],
      }),
      expect.not.objectContaining({ task_id: expect.anything() as unknown }),
    ]);
    expect(ofType(out.events, 'issue_opened')[2]?.issue_number).toBe(foreign.number);
    expect(ofType(out.events, 'pr_opened')).toEqual([
      {
        id: `pr_opened:${pr.number}:${second}`,
        type: 'pr_opened',
        created_at: pr.created_at.toISOString(),
        pr_number: pr.number,
        linked_issue: task.number,
        head_ref: 'caloron/s1/a',
        head_sha: second,
      },
      expect.objectContaining({ pr_number: abandoned.number, linked_issue: null, head_ref: 'caloron/s1/b' }),
    ]);
    expect(ofType(out.events, 'pr_review_submitted').map((e) => [e.review_state, e.body])).toEqual([
      ['changes_requested', 'needs tests'],
      ['commented', 'nit'],
      ['approved', 'ok'],
    ]);
    expect(ofType(out.events, 'pr_merged')).toEqual([
      expect.objectContaining({ id: `pr_merged:${pr.number}` }),
    ]);
    expect(ofType(out.events, 'pr_closed')).toEqual([
      expect.objectContaining({ pr_number: abandoned.number }),
    ]);
    expect(ofType(out.events, 'issue_comment')).toEqual([
      expect.objectContaining({
        id: `comment:${comment.id}`,
        issue_number: escalation.number,
        comment_id: comment.id,
        body: 'resolved',
        actor: 'caloron',
      }),
    ]);
    // Labels given at creation are added too (GitHub records them as labeled events).
    const added = ofType(out.events, 'label_added');
    expect(added.map((e) => [e.issue_number, e.label]).sort()).toEqual(
      [
        [task.number, 'caloron:task'],
        [escalation.number, 'caloron:escalated'],
        [foreign.number, 'caloron:task'],
        [pr.number, 'reviewed'],
      ].sort(),
    );
    expect(added.find((e) => e.label === 'reviewed')).toEqual({
      id: expect.stringMatching(/^label_added:\d+$/) as unknown,
      type: 'label_added',
      created_at: expect.stringMatching(/Z$/) as unknown,
      issue_number: pr.number,
      label: 'reviewed',
      actor: 'caloron',
    });
    expect(new Set(out.events.map((e) => e.type))).toEqual(
      new Set([
        'issue_opened',
        'pr_opened',
        'pr_review_submitted',
        'pr_merged',
        'pr_closed',
        'issue_comment',
        'label_added',
      ]),
    );
  });

  it('emits timestamps in Z-form UTC, events sorted by created_at, a cursor stepped back from polled_at', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x', labels: ['caloron:task'] });
    await repo.client.createComment(1, 'y');
    const out = await poll(repo);
    // Same-second ties follow the cursor's rank: the issue first, its comment before its label.
    expect(out.events.map((e) => e.type).sort()).toEqual(['issue_comment', 'issue_opened', 'label_added']);
    expect(out.events[0]?.type).toBe('issue_opened');
    for (const event of out.events)
      expect(event.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const times = out.events.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Date.parse(out.polled_at) - Date.parse(out.since ?? '')).toBe(2 * 60_000);
  });

  it('reads a cursor given with an offset as the instant it names', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x' });
    const past = await poll(repo, { since: '2000-01-01T02:00:00+02:00', seen: [] });
    expect(past.events.map((e) => e.id)).toEqual(['issue_opened:1']);
    const future = new Date(Date.now() + 3_600_000).toISOString().replace('Z', '+00:00');
    expect((await poll(repo, { since: future, seen: [] })).events).toEqual([]);
  });

  it('reads every page: 130 issues and 130 comments (the client asks 100 a page)', async () => {
    const repo = await forgeRepo();
    const times = (n: number, make: (i: number) => Promise<unknown>) =>
      Promise.all(Array.from({ length: n }, (_, i) => make(i)));
    await times(130, (i) => repo.client.createIssue({ title: `issue ${i}` }));
    await times(130, (i) => repo.client.createComment(1 + (i % 3), `comment ${i}`));
    const out = await poll(repo);
    expect(new Set(ofType(out.events, 'issue_opened').map((e) => e.issue_number)).size).toBe(130);
    expect(new Set(ofType(out.events, 'issue_comment').map((e) => e.comment_id)).size).toBe(130);
  });

  it('delivers each event exactly once across overlapping polls, including those made between polls', async () => {
    const repo = await forgeRepo();
    const { client } = repo;
    await client.createIssue({ title: 'first' });
    await client.createComment(1, 'c1');
    await repo.push('caloron/s1/a', 'a.txt', 'one');
    const pr = await client.createPull({ title: 'A', body: 'Fixes #1', head: 'caloron/s1/a', base: 'main' });

    const first = await poll(repo);
    // The forge dates to the second: each poll's events are compared as sets.
    expect(first.events.map((e) => e.type).sort()).toEqual(['issue_comment', 'issue_opened', 'pr_opened']);

    await client.createComment(1, 'c2');
    await client.createReview(pr.number, { event: 'REQUEST_CHANGES', body: 'redo' });
    const second = await poll(repo, first);
    expect(second.events.map((e) => e.type).sort()).toEqual(['issue_comment', 'pr_review_submitted']);

    const head = await repo.push('caloron/s1/a', 'a.txt', 'two');
    await client.createIssue({ title: 'second' });
    const third = await poll(repo, second);
    expect(third.events.map((e) => e.id).sort()).toEqual([
      'issue_opened:3',
      `pr_opened:${pr.number}:${head}`,
    ]);

    const fourth = await poll(repo, third);
    expect(fourth.events).toEqual([]);
    const all = [first, second, third, fourth].flatMap((p) => p.events.map((e) => e.id));
    expect(new Set(all).size).toBe(all.length);
  });

  it('delivers each added label exactly once across overlapping polls, and no event for a removed one', async () => {
    const repo = await forgeRepo();
    const { client } = repo;
    const issue = await client.createIssue({ title: 'x', labels: ['caloron:task'] });
    const first = await poll(repo);
    expect(ofType(first.events, 'label_added').map((e) => [e.issue_number, e.label])).toEqual([
      [issue.number, 'caloron:task'],
    ]);

    await client.addLabels(issue.number, ['caloron:blocked']);
    const second = await poll(repo, first);
    // The cursor overlaps the first poll: caloron:task is read again, and not delivered again.
    expect(Date.parse(second.since ?? '')).toBeLessThan(Date.parse(first.polled_at));
    expect(second.events).toEqual([
      expect.objectContaining({
        type: 'label_added',
        issue_number: issue.number,
        label: 'caloron:blocked',
        actor: 'caloron',
      }),
    ]);

    // Replacing the labels removes caloron:blocked (unlabeled: no event) and adds done.
    const patched = await fetch(`${repo.config.host}/repos/${repo.config.repo}/issues/${issue.number}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `token ${ENV[TOKEN_ENV]}` },
      body: JSON.stringify({ labels: ['caloron:task', 'done'] }),
    });
    expect(patched.status).toBe(200);
    const third = await poll(repo, second);
    expect(third.events.map((e) => (e.type === 'label_added' ? e.label : e.type))).toEqual(['done']);

    const fourth = await poll(repo, third);
    expect(fourth.events).toEqual([]);
    const all = [first, second, third, fourth].flatMap((p) => p.events.map((e) => e.id));
    expect(new Set(all).size).toBe(all.length);
  });

  it('dates a push after the review that asked for it, so both in one poll apply in order', async () => {
    const repo = await forgeRepo();
    await repo.push('caloron/s1/a', 'a.txt', 'one');
    const pr = await repo.client.createPull({ title: 'A', body: '', head: 'caloron/s1/a', base: 'main' });
    await repo.client.createReview(pr.number, { event: 'REQUEST_CHANGES', body: 'redo' });
    await repo.push('caloron/s1/a', 'a.txt', 'two');
    const out = await poll(repo);
    expect(out.events.map((e) => e.type)).toEqual(['pr_review_submitted', 'pr_opened']);
  });
});
