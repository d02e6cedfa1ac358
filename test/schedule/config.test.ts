import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import { readScheduleConfig } from '../../engine/schedule/index.js';
import { tempProject } from '../temp-project.js';

/** A config whose jobs are written one key per line, so that places are predictable. */
function configText(jobs: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ jobs, ...extra }, null, 2);
}

const JOB = { name: 'nightly', cron: '0 3 * * *', graph: 'graphs/g.json', input: { n: 1 } };

function rejection(text: string): { error: NoetherError; file: string } {
  const folder = tempProject({ 'schedule.json': text });
  const file = join(folder, 'schedule.json');
  try {
    readScheduleConfig(file);
  } catch (error) {
    if (error instanceof NoetherError) return { error, file };
    throw error;
  }
  throw new Error('the config was accepted');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function expectInvalid(text: string, pointer: string, needle: string, message: RegExp): NoetherError {
  const { error, file } = rejection(text);
  expect(error.code).toBe('NOE_SCHEDULE_INVALID');
  expect(error.place).toMatchObject({ file, pointer, line: lineOf(text, needle) });
  expect(error.message).toContain(`${file}:${lineOf(text, needle)}:`);
  expect(error.message).toMatch(message);
  return error;
}

describe('scheduler config', () => {
  it('reads jobs with defaults, and resolves graph paths against the config folder', () => {
    const folder = tempProject({
      'ops/schedule.json': configText([
        JOB,
        { ...JOB, name: 'often', cron: '*/5 * * * * *', overlap: 'queue' },
      ]),
    });
    const config = readScheduleConfig(join(folder, 'ops/schedule.json'));
    expect(config.jobs.map((j) => [j.name, j.overlap, j.graph])).toEqual([
      ['nightly', 'skip', join(folder, 'ops/graphs/g.json')],
      ['often', 'queue', join(folder, 'ops/graphs/g.json')],
    ]);
  });

  it('accepts a time zone, a webhook with a secret and $comment keys', () => {
    const text = configText(
      [
        {
          ...JOB,
          timezone: 'Europe/Paris',
          webhook: { url: 'http://127.0.0.1:9/hook', secret: 's' },
          $comment: 'x',
        },
      ],
      { $comment: 'ops' },
    );
    const folder = tempProject({ 's.json': text });
    const [job] = readScheduleConfig(join(folder, 's.json')).jobs;
    expect(job).toMatchObject({
      timezone: 'Europe/Paris',
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 's' },
    });
  });

  it('rejects an unknown key in a job, naming the job and suggesting the spelling', () => {
    const text = configText([{ ...JOB, overlapp: 'skip' }]);
    const error = expectInvalid(
      text,
      '/jobs/0/overlapp',
      '"overlapp"',
      /job "nightly".*did you mean "overlap"/,
    );
    expect(error.details).toEqual({ job: 'nightly' });
  });

  it('rejects an unknown top-level key', () => {
    expectInvalid(configText([JOB], { job: [] }), '/job', '"job"', /unknown key "job"/);
  });

  it('rejects a cron that croner cannot parse', () => {
    const text = configText([{ ...JOB, cron: '61 * * * *' }]);
    expectInvalid(text, '/jobs/0/cron', '"cron"', /job "nightly".*bad cron "61 \* \* \* \*".*minute/);
  });

  it('rejects a cron of 7 fields (only 5, or 6 with seconds)', () => {
    const text = configText([{ ...JOB, cron: '0 0 3 * * * 2030' }]);
    expectInvalid(text, '/jobs/0/cron', '"cron"', /bad cron/);
  });

  it('rejects a cron that never fires', () => {
    expectInvalid(configText([{ ...JOB, cron: '0 0 31 2 *' }]), '/jobs/0/cron', '"cron"', /never fires/);
  });

  it('rejects an unknown time zone', () => {
    const text = configText([{ ...JOB, timezone: 'Mars/Olympus' }]);
    expectInvalid(text, '/jobs/0/timezone', '"timezone"', /job "nightly".*unknown time zone "Mars\/Olympus"/);
  });

  it('rejects two jobs of the same name, naming the first', () => {
    const text = configText([JOB, { ...JOB, cron: '0 4 * * *' }]);
    const { error } = rejection(text);
    expect(error.code).toBe('NOE_SCHEDULE_INVALID');
    expect(error.place.pointer).toBe('/jobs/1/name');
    // The second "name" line is the duplicate's.
    const second =
      text.split('\n').findIndex((l, i) => i + 1 > lineOf(text, '"name"') && l.includes('"name"')) + 1;
    expect(error.place.line).toBe(second);
    expect(error.message).toMatch(/job "nightly".*already used by \/jobs\/0/);
  });

  it('rejects an unknown overlap policy', () => {
    const text = configText([{ ...JOB, overlap: 'parallel' }]);
    expectInvalid(
      text,
      '/jobs/0/overlap',
      '"overlap"',
      /"overlap" must be "skip" or "queue", found string "parallel"/,
    );
  });

  it('requires cron, graph and input', () => {
    const { cron: _cron, ...noCron } = JOB;
    const { error } = rejection(configText([noCron]));
    // The job's object opens on line 3, after `{` and `"jobs": [`.
    expect(error.place).toMatchObject({ pointer: '/jobs/0', line: 3 });
    expect(error.message).toMatch(/job "nightly".*"cron" is required/);
    const { input: _input, ...noInput } = JOB;
    expect(rejection(configText([noInput])).error.message).toMatch(/"input" is required/);
  });

  it('rejects a job name that cannot name a lock file', () => {
    expectInvalid(configText([{ ...JOB, name: '../evil' }]), '/jobs/0/name', '"name"', /letters, digits/);
  });

  it('rejects a webhook that is not an http(s) URL, and unknown webhook keys', () => {
    const text = configText([{ ...JOB, webhook: { url: 'ftp://example.org/x' } }]);
    expectInvalid(text, '/jobs/0/webhook/url', '"url"', /absolute http or https URL/);
    const typo = configText([{ ...JOB, webhook: { url: 'http://127.0.0.1/x', secrit: 'k' } }]);
    expectInvalid(typo, '/jobs/0/webhook/secrit', '"secrit"', /did you mean "secret"/);
  });

  it('rejects "jobs" that is not an array', () => {
    expectInvalid(JSON.stringify({ jobs: {} }, null, 2), '/jobs', '"jobs"', /"jobs" must be an array/);
  });

  it('reports a JSON syntax error as NOE_SCHEDULE_INVALID at line:column', () => {
    const { error, file } = rejection('{\n  "jobs": [\n    {"name": "a",}\n  ]\n}');
    expect(error.code).toBe('NOE_SCHEDULE_INVALID');
    expect(error.place).toMatchObject({ file, line: 3 });
  });

  it('reports a missing config file as NOE_FILE_READ', () => {
    expect(() => readScheduleConfig('/nonexistent/schedule.json')).toThrow(
      expect.objectContaining({ code: 'NOE_FILE_READ' }),
    );
  });
});
