// Start-up (ENGINE §7): every job's graph is loaded and type-checked, and its `input`
// validated against the graph's input schema (declared, or inferred when the graph
// declares none), before anything fires. Every bad job is reported at once, each named
// with its place in the config, and any one of them stops start-up: a scheduler must
// not run for hours and then fail at 3 a.m. on something it could have said at start.
import {
  diagnostic,
  formatPlace,
  NoetherError,
  placePrefix,
  type Diagnostic,
  type Place,
} from '../errors.js';
import { readCompositionFile, type Engine } from '../engine.js';
import { compositionId } from '../graph/canonical.js';
import { deepFreeze } from '../json/value.js';
import { validateValue } from '../schema/index.js';
import type { JobConfig, ScheduleConfig } from './config.js';
import type { ScheduledJob } from './scheduler.js';

export interface PreparedSchedule {
  jobs: ScheduledJob[];
  /** Checker warnings (undecided edges), each naming its job in `details.job`. */
  warnings: Diagnostic[];
}

export async function prepareJobs(
  engine: Pick<Engine, 'check'>,
  config: ScheduleConfig,
): Promise<PreparedSchedule> {
  const jobs: ScheduledJob[] = [];
  const warnings: Diagnostic[] = [];
  const problems: Diagnostic[] = [];
  for (const job of config.jobs) {
    const report = await engine.check(job.graph);
    const named = (d: Diagnostic): Diagnostic => ({ ...d, details: { ...d.details, job: job.name } });
    warnings.push(...report.warnings.map(named));
    if (!report.ok || report.compositionId === undefined) {
      const at = config.placeOf(`/jobs/${job.index}/graph`);
      problems.push(
        ...report.errors.map((d) => named({ ...d, message: `${jobLabel(job, at)}: ${describe(d)}` })),
      );
      continue;
    }
    const violations = report.input === undefined ? [] : validateValue(report.input, job.input);
    if (violations.length > 0) {
      for (const v of violations) {
        const at = config.placeOf(`/jobs/${job.index}/input${v.valuePointer}`);
        const problem = `the input breaks the graph's input schema at ${v.valuePointer || '/'}: ${v.message} (rule ${v.schemaPointer})`;
        problems.push(
          diagnostic('NOE_INPUT_INVALID', `${jobLabel(job, at)}: ${problem}`, at, {
            details: { job: job.name },
          }),
        );
      }
      continue;
    }
    const { composition } = readCompositionFile(job.graph);
    jobs.push({
      ...job,
      input: deepFreeze(job.input),
      composition,
      compositionId: compositionId(composition.root),
    });
  }
  const first = problems[0];
  if (first !== undefined) {
    const bad = new Set(problems.map((p) => p.details?.job));
    const lines = problems.map((p) => `  ${p.message}`).join('\n');
    throw new NoetherError(
      first.code,
      `${bad.size} of ${config.jobs.length} job(s) cannot start:\n${lines}`,
      {
        place: { file: config.file },
        details: { jobs: [...bad] },
        diagnostics: problems,
      },
    );
  }
  return { jobs, warnings };
}

function jobLabel(job: JobConfig, at: Place): string {
  return `${placePrefix(at)}job "${job.name}"`;
}

/** A checker diagnostic on one line: where in the graph, the code, the message. */
function describe(d: Diagnostic): string {
  const where = formatPlace(d);
  const pointer = d.pointer === undefined ? '' : ` at ${d.pointer || '/'}`;
  return `graph ${where === '' ? '' : `${where} `}${d.code}${pointer}: ${d.message}`;
}
