// github_create_issue on the local forge (real HTTP): a task's issue is opened once, found
// again by the marker in its body whatever its state and wherever it is in the listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMarker } from '../../../stages/github/marker.js';
import { githubCreateIssue } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { startForgeFixture, type ForgeFixture } from './forge-fixture.js';

let fx: ForgeFixture;
beforeAll(async () => {
  fx = await startForgeFixture();
});
afterAll(() => fx.close());

function create(task_id: string, extra: { labels?: string[]; sprint_id?: string } = {}) {
  return callStage(
    githubCreateIssue,
    {
      ...fx.config,
      sprint_id: extra.sprint_id ?? 's1',
      task_id,
      title: `Task ${task_id}`,
      body: `Do ${task_id}.`,
      labels: extra.labels ?? [],
    },
    { env: fx.env },
  ) as Promise<{ issue_number: number; created: boolean }>;
}

describe('github_create_issue', () => {
  it('opens the issue with the task marker in its body and the caloron:task label', async () => {
    const result = await create('a', { labels: ['sprint:s1'] });
    expect(result.created).toBe(true);
    const issue = await fx.client.getIssue(result.issue_number);
    expect(issue.title).toBe('Task a');
    expect(issue.body.startsWith('Do a.')).toBe(true);
    expect(readMarker(issue.body)).toEqual({ kind: 'task', sprint_id: 's1', task_id: 'a' });
    expect(issue.labels.sort()).toEqual(['caloron:task', 'sprint:s1']);
  });

  it('called twice for the same task opens one issue and returns it the second time', async () => {
    const first = await create('b');
    const second = await create('b');
    expect(second).toEqual({ issue_number: first.issue_number, created: false });
    const marked = (await fx.client.listIssues({ state: 'all' })).filter(
      (issue) => readMarker(issue.body)?.task_id === 'b',
    );
    expect(marked.map((issue) => issue.number)).toEqual([first.issue_number]);
  });

  it('finds the task’s issue when it is closed', async () => {
    const first = await create('c');
    await fx.client.updateIssue(first.issue_number, { state: 'closed' });
    expect(await create('c')).toEqual({ issue_number: first.issue_number, created: false });
  });

  it('tells tasks and sprints apart by the marker', async () => {
    const mine = await create('d');
    const otherSprint = await create('d', { sprint_id: 's2' });
    const otherTask = await create('d2');
    expect(otherSprint.created).toBe(true);
    expect(otherTask.created).toBe(true);
    expect(new Set([mine.issue_number, otherSprint.issue_number, otherTask.issue_number]).size).toBe(3);
  });

  it('finds the issue past the first page of the listing', async () => {
    const oldest = await create('e');
    for (let n = 0; n < 35; n += 1)
      await fx.client.createIssue({ title: `Filler ${n}`, body: `filler ${n}`, labels: ['caloron:task'] });
    expect(await create('e')).toEqual({ issue_number: oldest.issue_number, created: false });
  });

  it('fails with NOE_FORGE_FAILED when the forge refuses the token', async () => {
    const error: unknown = await callStage(
      githubCreateIssue,
      { ...fx.config, sprint_id: 's1', task_id: 'z', title: 'Z', body: '', labels: [] },
      { env: { [fx.config.token_env]: 'wrong' } },
    ).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'NOE_FORGE_FAILED' });
    expect((error as Error).message).not.toContain('wrong');
  });
});
