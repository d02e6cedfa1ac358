// The repository's scheduler.json (CALORON §5) goes through the real scheduler's start-up
// checks without firing: each job's graph loads and type-checks, and its input satisfies
// the graph's input schema, so every field the tick needs is there.
import { join } from 'node:path';
import { Cron } from 'croner';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../engine/engine.js';
import { prepareJobs, readScheduleConfig } from '../engine/schedule/index.js';
import { repo } from './cli/in-process.js';

const CONFIG = join(repo, 'scheduler.json');

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine({ cwd: repo });
});

describe('scheduler.json', () => {
  it('prepares the sprint tick and the retro, graphs checked and inputs valid', async () => {
    const { jobs, warnings } = await prepareJobs(engine, readScheduleConfig(CONFIG));
    expect(warnings).toEqual([]);
    expect(jobs.map((job) => [job.name, job.graph])).toEqual([
      ['sprint-tick', join(repo, 'compositions/sprint_tick_stateful.json')],
      ['retro', join(repo, 'compositions/retro.json')],
    ]);
  });

  it('gives the tick every input field sprint_tick_stateful.json requires', async () => {
    const [tick] = readScheduleConfig(CONFIG).jobs;
    const report = await engine.check(tick!.graph);
    const required = (report.input as { required: string[] }).required;
    expect(Object.keys(tick!.input as object).sort()).toEqual([...required].sort());
  });

  it('ticks every minute and holds the retro weekly', () => {
    const [tick, retro] = readScheduleConfig(CONFIG).jobs;
    const gaps = (pattern: string, timezone?: string) => {
      const runs = new Cron(pattern, { paused: true, ...(timezone && { timezone }) }).nextRuns(3);
      return runs.slice(1).map((run, i) => run.getTime() - runs[i]!.getTime());
    };
    expect(gaps(tick!.cron)).toEqual([60_000, 60_000]);
    expect(gaps(retro!.cron, retro!.timezone)).toEqual([7 * 86_400_000, 7 * 86_400_000]);
  });
});
