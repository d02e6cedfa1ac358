// A quiet poll reads only what changed since the cursor (closed pull requests down to the
// cursor, reviews only where they can be new): what it leaves out must never be an event.
// The forge's clock is moved to date records before the cursor, or inside its overlap.
import { describe, expect, it } from 'vitest';
import type { GithubPollEventsOutput } from '../../../schemas/generated/types.js';
import { githubPollEvents } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { ENV, type ForgeRepo, forgeRepo } from './local-forge.js';

const HOUR_MS = 3_600_000;

async function poll(
  repo: ForgeRepo,
  cursor: { since: string | null; seen: string[] } = { since: null, seen: [] },
): Promise<GithubPollEventsOutput> {
  return (await callStage(
    githubPollEvents,
    { ...repo.config, ...cursor },
    { env: ENV },
  )) as GithubPollEventsOutput;
}

/** A forge whose clock runs `offset.ms` from ours. */
async function skewedForge(): Promise<{ repo: ForgeRepo; offset: { ms: number } }> {
  const offset = { ms: -HOUR_MS };
  const repo = await forgeRepo('demo', () => new Date(Date.now() + offset.ms));
  return { repo, offset };
}

async function closedPull(repo: ForgeRepo, branch: string, merge: boolean): Promise<number> {
  await repo.push(branch, `${branch.replaceAll('/', '-')}.txt`, branch);
  const pull = await repo.client.createPull({ title: branch, body: '', head: branch, base: 'main' });
  if (merge) await repo.client.mergePull(pull.number);
  else await repo.client.updatePull(pull.number, { state: 'closed' });
  return pull.number;
}

describe('github_poll_events: a quiet poll', () => {
  it('delivers a merge the forge dated inside the overlap, before the previous poll began', async () => {
    const { repo, offset } = await skewedForge();
    await closedPull(repo, 'old/merged', true);
    await closedPull(repo, 'old/closed', false);
    await repo.push('caloron/s1/a', 'a.txt', 'a');
    const open = await repo.client.createPull({ title: 'A', body: '', head: 'caloron/s1/a', base: 'main' });
    offset.ms = 0;
    const first = await poll(repo);
    expect(first.events.filter((e) => e.type === 'pr_merged' || e.type === 'pr_closed')).toHaveLength(2);

    // A forge clock 90 s behind ours: the merge is dated before the first poll began,
    // yet after its cursor (polled_at − 2 min).
    offset.ms = -90_000;
    await repo.client.mergePull(open.number);
    const second = await poll(repo, first);
    expect(second.events.map((e) => e.id)).toEqual([`pr_merged:${open.number}`]);
    expect(Date.parse(second.events[0]!.created_at)).toBeLessThan(Date.parse(first.polled_at));

    const third = await poll(repo, second);
    expect(third.events).toEqual([]);
  });

  it('delivers a review of an open pull request, and its new head after a push, exactly once', async () => {
    const { repo, offset } = await skewedForge();
    const head = await repo.push('caloron/s1/a', 'a.txt', 'one');
    const pull = await repo.client.createPull({ title: 'A', body: '', head: 'caloron/s1/a', base: 'main' });
    offset.ms = 0;
    const first = await poll(repo);
    expect(first.events.map((e) => e.id)).toEqual([`pr_opened:${pull.number}:${head}`]);
    // Nothing changed: the open pull request is not new, and stays in seen.
    const quiet = await poll(repo, first);
    expect(quiet.events).toEqual([]);
    expect(quiet.seen).toContain(`pr_opened:${pull.number}:${head}`);

    const review = await repo.client.createReview(pull.number, { event: 'REQUEST_CHANGES', body: 'redo' });
    const reviewed = await poll(repo, quiet);
    expect(reviewed.events.map((e) => e.id)).toEqual([`review:${review.id}`]);

    // A push does not bump the pull request's update time: its new head is still read.
    const pushed = await repo.push('caloron/s1/a', 'a.txt', 'two');
    const after = await poll(repo, reviewed);
    expect(after.events.map((e) => e.id)).toEqual([`pr_opened:${pull.number}:${pushed}`]);
    expect((await poll(repo, after)).events).toEqual([]);
  });
});

describe('forge client: listPulls updatedSince', () => {
  it('lists only the pull requests updated at or after the instant, most recent first', async () => {
    const { repo, offset } = await skewedForge();
    await closedPull(repo, 'old/a', false);
    await closedPull(repo, 'old/b', true);
    offset.ms = 0;
    const cut = new Date(Date.now() - 1000);
    const fresh = await closedPull(repo, 'new/c', false);
    const late = await closedPull(repo, 'new/d', true);
    const listed = await repo.client.listPulls({ state: 'closed', direction: 'asc', updatedSince: cut });
    expect(listed.map((p) => p.number).sort()).toEqual([fresh, late].sort());
    const all = await repo.client.listPulls({ state: 'closed' });
    expect(all).toHaveLength(4);
  });
});
