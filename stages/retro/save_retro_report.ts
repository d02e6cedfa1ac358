// save_retro_report (CALORON §5 retro.json): the retro's report and learnings, written where
// people and the next plan can find them — `<reports>/<sprint_id>.md` and
// `<reports>/<sprint_id>.learnings.json` under $CALORON_REPORTS_DIR (else
// ~/.caloron/reports). Both writes are atomic, so a reader never sees half a report.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NoetherError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/fs/atomic.js';
import { defineStage } from '../../engine/stage/index.js';
import type { SaveRetroReportInput, SaveRetroReportOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { caloronFolder } from '../sprint/kv-store.js';

export const saveRetroReport = defineStage<SaveRetroReportInput, SaveRetroReportOutput>({
  name: 'save_retro_report',
  description: "Writes a sprint's retro report and its learnings to the reports directory.",
  ...stageSchemas('save_retro_report'),
  effects: ['FsWrite', 'Fallible'],
  run: async ({ sprint_id: sprintId, report }, ctx) => {
    const dir = caloronFolder(ctx.env, 'reports');
    // The id rule (checked at the boundary) keeps both names inside dir.
    const reportPath = join(dir, `${sprintId}.md`);
    const learningsPath = join(dir, `${sprintId}.learnings.json`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(
        reportPath,
        report.report_markdown.endsWith('\n') ? report.report_markdown : `${report.report_markdown}\n`,
      );
      await writeFileAtomic(
        learningsPath,
        `${JSON.stringify({ sprint_id: sprintId, learnings: report.learnings }, null, 2)}\n`,
      );
    } catch (error) {
      throw new NoetherError(
        'NOE_FILE_WRITE',
        `cannot write the retro report in ${dir}: ${(error as Error).message}`,
        {
          place: { file: dir },
          cause: error,
        },
      );
    }
    return {
      sprint_id: sprintId,
      report_path: reportPath,
      learnings_path: learningsPath,
      learnings: report.learnings,
    };
  },
});
