// get_pr_status against the real embedded forge.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { getPrStatus } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { ENV, forgeRepo } from './local-forge.js';

describe('get_pr_status on the local forge', () => {
  it('reads an open pull request: head, base, mergeability and a pending review state', async () => {
    const repo = await forgeRepo();
    const sha = await repo.push('caloron/s1/a', 'a.txt', 'a');
    const pr = await repo.client.createPull({ title: 'a', body: '', head: 'caloron/s1/a', base: 'main' });
    const out = await callStage(getPrStatus, { ...repo.config, pr_number: pr.number }, { env: ENV });
    expect(out).toEqual({
      pr_number: pr.number,
      state: 'open',
      merged: false,
      mergeable: true,
      draft: false,
      head_ref: 'caloron/s1/a',
      head_sha: sha,
      base_ref: 'main',
      review_state: 'pending',
      reviewers: [],
    });
  });

  it('reports the reviews per reviewer, and a merged pull request as closed and merged', async () => {
    const repo = await forgeRepo();
    await repo.push('caloron/s1/a', 'a.txt', 'a');
    const pr = await repo.client.createPull({ title: 'a', body: '', head: 'caloron/s1/a', base: 'main' });
    await repo.client.createReview(pr.number, { event: 'REQUEST_CHANGES', body: 'no' });
    let out = await callStage(getPrStatus, { ...repo.config, pr_number: pr.number }, { env: ENV });
    expect(out).toMatchObject({
      review_state: 'changes_requested',
      reviewers: [{ login: 'caloron', state: 'changes_requested' }],
    });
    await repo.client.createReview(pr.number, { event: 'APPROVE', body: 'yes' });
    await repo.client.mergePull(pr.number);
    out = await callStage(getPrStatus, { ...repo.config, pr_number: pr.number }, { env: ENV });
    expect(out).toMatchObject({ state: 'closed', merged: true, review_state: 'approved' });
  });

  it('fails with a forge error naming the request for a pull request that does not exist', async () => {
    const repo = await forgeRepo();
    const error: unknown = await callStage(
      getPrStatus,
      { ...repo.config, pr_number: 404 },
      { env: ENV },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_FORGE_FAILED', details: { status: 404 } });
  });
});
