// github_add_label on the local forge (real HTTP): the label is created when the forge lacks
// it, and adding it again changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubAddLabel } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from './forge-fixture.js';

let fx: ForgeFixture;
beforeAll(async () => {
  fx = await startForgeFixture();
});
afterAll(() => fx.close());

function addLabel(issue_number: number, label: string) {
  return callStage(githubAddLabel, { ...fx.config, issue_number, label }, { env: fx.env }) as Promise<{
    labels: string[];
  }>;
}

describe('github_add_label', () => {
  it('adds a label the forge does not have yet, creating it', async () => {
    const issue = await fx.client.createIssue({ title: 'Labelled', labels: ['caloron:task'] });
    const result = await addLabel(issue.number, 'caloron:assigned');
    expect(result.labels.sort()).toEqual(['caloron:assigned', 'caloron:task']);
    expect((await fx.client.getIssue(issue.number)).labels.sort()).toEqual([
      'caloron:assigned',
      'caloron:task',
    ]);
  });

  it('adding a label the issue already has changes nothing', async () => {
    const issue = await fx.client.createIssue({ title: 'Twice' });
    await addLabel(issue.number, 'caloron:done');
    expect((await addLabel(issue.number, 'caloron:done')).labels).toEqual(['caloron:done']);
  });

  it('labels a pull request through its issue number', async () => {
    const pr = await fx.openPull('caloron/s1/label', 'label.txt', 'x\n');
    await addLabel(pr, 'caloron:review-pending');
    expect((await fx.client.getPull(pr)).labels).toEqual(['caloron:review-pending']);
  });
});
