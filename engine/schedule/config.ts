// The scheduler config (ENGINE §7), read with the engine's strict JSON reader so that
// every problem names the job and its place (file:line:col and the JSON pointer):
//
//   { "jobs": [ { "name", "cron", "graph", "input", "timezone"?, "overlap"?: "skip"|"queue",
//                 "webhook"?: { "url", "secret"? } } ] }
//
// Only the shape is checked here (pure: no graph is loaded); prepare.ts checks each
// job's graph and input against the engine. `"$comment"` is allowed in every object, as
// in compositions.
import { dirname, resolve } from 'node:path';
import { Cron } from 'croner';
import { isNoetherError, NoetherError, placePrefix, type Place } from '../errors.js';
import { parseJsonDocument, positionNear, type Position } from '../json/parse.js';
import { pointerJoin } from '../json/pointer.js';
import { readJsonText } from '../json/text.js';
import { describeValue, isJsonObject } from '../json/value.js';
import { nearestSpelling } from '../spelling.js';

export const OVERLAP_POLICIES = ['skip', 'queue'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** Job names become lock file names, so they are kept to a portable file-name alphabet. */
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TOP_KEYS = ['jobs', '$comment'];
const JOB_KEYS = ['name', 'cron', 'graph', 'input', 'timezone', 'overlap', 'webhook', '$comment'];
const WEBHOOK_KEYS = ['url', 'secret', '$comment'];
/** 5 fields, or 6 with seconds first (croner's own mode name). */
export const CRON_MODE = '5-or-6-parts';

export interface WebhookTarget {
  url: string;
  secret?: string;
}

export interface JobConfig {
  name: string;
  cron: string;
  /** Absolute: the config names it relative to its own folder. */
  graph: string;
  input: unknown;
  timezone?: string;
  overlap: OverlapPolicy;
  webhook?: WebhookTarget;
  /** The job's index in `jobs`, so places inside it can be named. */
  index: number;
}

export interface ScheduleConfig {
  file: string;
  folder: string;
  jobs: JobConfig[];
  /** The place (file:line:col) of any JSON pointer in the config. */
  placeOf(pointer: string): Place;
}

export function readScheduleConfig(file: string): ScheduleConfig {
  const path = resolve(file);
  return parseScheduleConfig(readJsonText(path, 'scheduler config'), path);
}

export function parseScheduleConfig(text: string, file: string): ScheduleConfig {
  let positions: Map<string, Position>;
  let value: unknown;
  try {
    ({ value, positions } = parseJsonDocument(text, file));
  } catch (error) {
    if (!isNoetherError(error) || error.code !== 'NOE_JSON_SYNTAX') throw error;
    throw new NoetherError('NOE_SCHEDULE_INVALID', error.message, { place: error.place, cause: error });
  }
  const placeOf = (pointer: string): Place => {
    const position = positionNear(positions, pointer);
    return { file, pointer, ...(position && { line: position.line, column: position.column }) };
  };
  const reader = new ConfigReader(placeOf);
  const top = reader.object(value, '', TOP_KEYS, undefined);
  if (!Array.isArray(top.jobs))
    throw reader.invalid(
      Object.hasOwn(top, 'jobs') ? '/jobs' : '',
      undefined,
      '"jobs" must be an array of jobs',
    );
  const folder = dirname(file);
  const jobs = top.jobs.map((job: unknown, index) => reader.job(job, index, folder));
  const seen = new Map<string, number>();
  for (const job of jobs) {
    const first = seen.get(job.name);
    if (first !== undefined)
      throw reader.invalid(
        `/jobs/${job.index}/name`,
        job.name,
        `the name is already used by /jobs/${first}; job names must be unique`,
      );
    seen.set(job.name, job.index);
  }
  return { file, folder, jobs, placeOf };
}

class ConfigReader {
  constructor(private readonly placeOf: (pointer: string) => Place) {}

  invalid(pointer: string, job: string | undefined, problem: string): NoetherError {
    const place = this.placeOf(pointer);
    const who = job === undefined ? '' : `job "${job}" `;
    return new NoetherError(
      'NOE_SCHEDULE_INVALID',
      `${placePrefix(place)}${who}at ${pointer || '/'}: ${problem}`,
      {
        place,
        details: job === undefined ? {} : { job },
      },
    );
  }

  object(value: unknown, pointer: string, keys: readonly string[], job: string | undefined) {
    if (!isJsonObject(value))
      throw this.invalid(
        pointer,
        job,
        `must be an object (keys: ${keys.join(', ')}), found ${describeValue(value)}`,
      );
    for (const key of Object.keys(value)) {
      if (keys.includes(key)) continue;
      const guess = nearestSpelling(key, keys);
      const hint = guess === undefined ? `allowed: ${keys.join(', ')}` : `did you mean "${guess}"?`;
      throw this.invalid(pointerJoin(pointer, key), job, `unknown key "${key}" (${hint})`);
    }
    return value;
  }

  string(value: unknown, pointer: string, job: string | undefined, what: string): string {
    if (value === undefined) throw this.invalid(pointer, job, `${what} is required`);
    if (typeof value !== 'string' || value === '')
      throw this.invalid(pointer, job, `${what} must be a non-empty string, found ${describeValue(value)}`);
    return value;
  }

  job(value: unknown, index: number, folder: string): JobConfig {
    const at = `/jobs/${index}`;
    // The name first, so that every later problem can name the job.
    const named = isJsonObject(value) && typeof value.name === 'string' ? value.name : undefined;
    const raw = this.object(value, at, JOB_KEYS, named);
    const name = this.string(raw.name, `${at}/name`, undefined, '"name"');
    if (!JOB_NAME.test(name))
      throw this.invalid(
        `${at}/name`,
        name,
        'a job name is 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit (it names the lock file)',
      );
    for (const required of ['cron', 'graph', 'input'])
      if (!Object.hasOwn(raw, required)) throw this.invalid(at, name, `"${required}" is required`);
    const timezone =
      raw.timezone === undefined ? undefined : this.timezone(raw.timezone, `${at}/timezone`, name);
    const cron = this.cron(raw.cron, `${at}/cron`, name, timezone);
    const graph = resolve(folder, this.string(raw.graph, `${at}/graph`, name, '"graph"'));
    const overlap = raw.overlap === undefined ? 'skip' : this.overlap(raw.overlap, `${at}/overlap`, name);
    const webhook = raw.webhook === undefined ? undefined : this.webhook(raw.webhook, `${at}/webhook`, name);
    return {
      name,
      cron,
      graph,
      input: raw.input,
      ...(timezone === undefined ? {} : { timezone }),
      overlap,
      ...(webhook === undefined ? {} : { webhook }),
      index,
    };
  }

  timezone(value: unknown, pointer: string, job: string): string {
    const zone = this.string(value, pointer, job, '"timezone"');
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw this.invalid(
        pointer,
        job,
        `unknown time zone "${zone}"; use an IANA name such as "Europe/Paris" or "UTC"`,
      );
    }
    return zone;
  }

  cron(value: unknown, pointer: string, job: string, timezone: string | undefined): string {
    const pattern = this.string(value, pointer, job, '"cron"');
    let next: Date | null;
    try {
      const probe = new Cron(pattern, { paused: true, mode: CRON_MODE, ...(timezone && { timezone }) });
      next = probe.nextRun();
      probe.stop();
    } catch (error) {
      throw this.invalid(
        pointer,
        job,
        `bad cron "${pattern}": ${(error as Error).message} (5 fields "min hour day month weekday", or 6 with seconds first)`,
      );
    }
    if (next === null) throw this.invalid(pointer, job, `cron "${pattern}" never fires (no date matches it)`);
    return pattern;
  }

  overlap(value: unknown, pointer: string, job: string): OverlapPolicy {
    const policy = OVERLAP_POLICIES.find((p) => p === value);
    if (policy === undefined)
      throw this.invalid(pointer, job, `"overlap" must be "skip" or "queue", found ${describeValue(value)}`);
    return policy;
  }

  webhook(value: unknown, pointer: string, job: string): WebhookTarget {
    const raw = this.object(value, pointer, WEBHOOK_KEYS, job);
    const url = this.string(raw.url, `${pointer}/url`, job, '"url"');
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw this.invalid(
        `${pointer}/url`,
        job,
        `"url" must be an absolute http or https URL, found "${url}"`,
      );
    if (raw.secret === undefined) return { url };
    return { url, secret: this.string(raw.secret, `${pointer}/secret`, job, '"secret"') };
  }
}
