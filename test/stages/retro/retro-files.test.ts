// The retro's two stages that touch files (CALORON §5 retro.json): load_sprint_outcome reads
// the persisted sprint and works out the span the KPIs measure; save_retro_report writes the
// report and the learnings where people and the next plan find them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSprintOutcomeOutput, Task, TickState } from '../../../schemas/generated/types.js';
import { loadSprintOutcome, saveRetroReport } from '../../../stages/retro/index.js';
import { writeTickState } from '../../../stages/sprint/kv-store.js';
import { task } from '../dag/fixtures.js';
import { callStage } from '../call-stage.js';
import { tempProject } from '../../temp-project.js';

const FORGE = { repo: 'acme/shop', host: '', token_env: 'GITHUB_TOKEN' };

async function outcomeOf(tasks: Task[]): Promise<LoadSprintOutcomeOutput> {
  const kvDir = tempProject({}, 'kv-');
  const tickState: TickState = {
    schema_version: 1,
    state: { sprint_id: 's1', tasks: Object.fromEntries(tasks.map((t) => [t.id, t])), processed_events: [] },
    interventions: {},
    since: null,
    seen: [],
  };
  await writeTickState(kvDir, 's1', tickState);
  return (await callStage(
    loadSprintOutcome,
    { sprint_id: 's1', ...FORGE },
    { env: { CALORON_KV_DIR: kvDir } },
  )) as LoadSprintOutcomeOutput;
}

describe('load_sprint_outcome', () => {
  it('spans a complete sprint from its first start to its last completion, with its task issues', async () => {
    const outcome = await outcomeOf([
      task('a', {
        status: 'Done',
        issue_number: 1,
        started_at: '2026-01-01T10:00:00Z',
        completed_at: '2026-01-01T11:00:00Z',
      }),
      task('b', {
        status: 'Done',
        issue_number: 2,
        started_at: '2026-01-01T09:30:00Z',
        completed_at: '2026-01-01T12:30:00Z',
      }),
    ]);
    expect(outcome).toMatchObject({
      ...FORGE,
      sprint_id: 's1',
      started_at: '2026-01-01T09:30:00Z',
      ended_at: '2026-01-01T12:30:00Z',
      issue_numbers: [1, 2],
    });
  });

  it('ends a sprint under way now, and leaves out tasks without an issue', async () => {
    const before = Date.now();
    const outcome = await outcomeOf([
      task('a', {
        status: 'Done',
        issue_number: 1,
        started_at: '2026-01-01T10:00:00Z',
        completed_at: '2026-01-01T11:00:00Z',
      }),
      task('b'),
    ]);
    expect(outcome.started_at).toBe('2026-01-01T10:00:00Z');
    expect(Date.parse(outcome.ended_at)).toBeGreaterThanOrEqual(before);
    expect(outcome.issue_numbers).toEqual([1]);
  });

  it('says the sprint was never kicked off', async () => {
    const error: unknown = await callStage(
      loadSprintOutcome,
      { sprint_id: 'nope', ...FORGE },
      {
        env: { CALORON_KV_DIR: tempProject({}, 'kv-') },
      },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOE_SPRINT_NOT_FOUND' });
  });
});

describe('save_retro_report', () => {
  it('writes <sprint>.md and <sprint>.learnings.json under CALORON_REPORTS_DIR', async () => {
    const reports = join(tempProject({}, 'reports-'), 'nested');
    const output = await callStage(
      saveRetroReport,
      { sprint_id: 's1', report: { report_markdown: '# Retro', learnings: ['Smaller tasks'] } },
      { env: { CALORON_REPORTS_DIR: reports } },
    );
    expect(output).toEqual({
      sprint_id: 's1',
      report_path: join(reports, 's1.md'),
      learnings_path: join(reports, 's1.learnings.json'),
      learnings: ['Smaller tasks'],
    });
    expect(readFileSync(join(reports, 's1.md'), 'utf8')).toBe('# Retro\n');
    expect(JSON.parse(readFileSync(join(reports, 's1.learnings.json'), 'utf8'))).toEqual({
      sprint_id: 's1',
      learnings: ['Smaller tasks'],
    });
  });

  it('fails with NOE_FILE_WRITE, naming the folder, when the reports folder cannot be made', async () => {
    const blocked = join(tempProject({ file: 'not a folder' }, 'reports-'), 'file');
    const error: unknown = await callStage(
      saveRetroReport,
      { sprint_id: 's1', report: { report_markdown: '# Retro', learnings: [] } },
      { env: { CALORON_REPORTS_DIR: blocked } },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOE_FILE_WRITE' });
    expect((error as Error).message).toContain(blocked);
  });
});
