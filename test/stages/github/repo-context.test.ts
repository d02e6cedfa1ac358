// fetch_repo_context against the real embedded forge.
import { describe, expect, it } from 'vitest';
import { fetchRepoContext } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { ENV, forgeRepo } from './local-forge.js';

describe('fetch_repo_context on the local forge', () => {
  it('reads description, default branch, open issues (not pull requests), recent commits and languages', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'Old', labels: ['bug'] });
    const closed = await repo.client.createIssue({ title: 'Closed' });
    await repo.client.updateIssue(closed.number, { state: 'closed' });
    await repo.client.createIssue({ title: 'New' });
    await repo.push('caloron/s1/a', 'a.ts', 'export const a = 1;\n');
    await repo.client.createPull({ title: 'a PR', body: '', head: 'caloron/s1/a', base: 'main' });

    const out = (await callStage(fetchRepoContext, repo.config, { env: ENV })) as Record<string, unknown>;
    expect(out).toMatchObject({
      repo: repo.config.repo,
      description: 'A demo repository',
      default_branch: 'main',
      open_issue_count: 2,
      open_issues: [
        { number: 3, title: 'New', labels: [] },
        { number: 1, title: 'Old', labels: ['bug'] },
      ],
    });
    const commits = out['recent_commits'] as { sha: string; message: string; date: string | null }[];
    expect(commits.length).toBeGreaterThanOrEqual(1);
    expect(commits[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(commits[0]?.message).not.toContain('\n');
    expect(commits[0]?.date).toMatch(/Z$/);
    expect(out['languages']).toEqual(expect.any(Object));
  });

  it('honours host: a forge that does not answer fails the stage instead of reading api.github.com', async () => {
    const repo = await forgeRepo();
    await repo.forge.close();
    const error: unknown = await callStage(fetchRepoContext, repo.config, {
      env: { ...ENV, CALORON_FORGE_RETRIES: '0' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOE_FORGE_FAILED' });
    expect(String((error as Error).message)).not.toContain('api.github.com');
  });
});
