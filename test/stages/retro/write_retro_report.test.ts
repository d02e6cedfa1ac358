// write_retro_report (reference §3.18, plus the analysis): the retro as markdown, and the
// learnings kept for the next plan.
import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../../../engine/json/value.js';
import { isSubschema, type JsonSchemaObject } from '../../../engine/schema/index.js';
import type {
  FeedbackAnalysis,
  FeedbackItem,
  SprintKpis,
  WriteRetroReportInput,
  WriteRetroReportOutput,
} from '../../../schemas/generated/types.js';
import { analyzeSprintFeedback, computeSprintKpis, writeRetroReport } from '../../../stages/retro/index.js';
import { callStage } from '../call-stage.js';

const KPIS: SprintKpis = {
  total_tasks: 8,
  completed_tasks: 5,
  cancelled_tasks: 1,
  escalated_tasks: 1,
  blocked_tasks: 1,
  completion_rate: 0.625,
  total_review_cycles: 3,
  avg_review_cycles: 0.38,
  total_interventions: 2,
  avg_interventions: 0.25,
  sprint_hours: 36,
  sprint_days: 1.5,
  tasks_per_day: 3.33,
};

const ANALYSIS: FeedbackAnalysis = {
  themes: ['Sprint completed without notable issues'],
  improvements: ['No specific improvements identified'],
  learnings: ['Continue with current approach'],
  sentiment: 'positive',
};

async function reportOf(input: Partial<WriteRetroReportInput> = {}): Promise<WriteRetroReportOutput> {
  return (await callStage(writeRetroReport, {
    sprint_id: 'sprint-7',
    kpis: KPIS,
    feedback_items: [],
    analysis: ANALYSIS,
    ...input,
  })) as WriteRetroReportOutput;
}

function feedback(extra: Partial<NonNullable<FeedbackItem['parsed']>> = {}): FeedbackItem {
  return {
    issue_number: 4,
    author: 'caloron-bot',
    created_at: '2026-03-02T10:00:00Z',
    parsed: {
      task_id: 'api',
      agent_role: 'developer',
      task_clarity: 9,
      blockers: [],
      tools_used: [],
      tokens_consumed: 500,
      time_to_complete_min: 12.5,
      self_assessment: 'completed',
      ...extra,
    },
  };
}

/** The schema of one field of a bundled object schema, with the bundle's $defs. */
function fieldOf(schema: unknown, key: string): JsonSchemaObject {
  if (!isJsonObject(schema) || !isJsonObject(schema.properties)) throw new Error('not an object schema');
  const field = schema.properties[key];
  if (!isJsonObject(field)) throw new Error(`no field ${key}`);
  return { ...field, $defs: schema.$defs };
}

describe('write_retro_report', () => {
  it('is fed by the other retro stages: their outputs fit its kpis and analysis fields, and analyze’s kpis', () => {
    const kpis = computeSprintKpis.output;
    expect(isSubschema(kpis, fieldOf(writeRetroReport.input, 'kpis')).verdict).toBe('yes');
    expect(isSubschema(kpis, fieldOf(analyzeSprintFeedback.input, 'kpis')).verdict).toBe('yes');
    expect(
      isSubschema(analyzeSprintFeedback.output, fieldOf(writeRetroReport.input, 'analysis')).verdict,
    ).toBe('yes');
  });

  it.each(writeRetroReport.examples.map((example, index) => [index, example]))(
    'holds example %i',
    async (_index, example) => {
      expect(await callStage(writeRetroReport, example.input)).toEqual(example.output);
    },
  );

  it('opens with the sprint id and summarises the KPIs, rounding half away from zero', async () => {
    const { report_markdown } = await reportOf();
    expect(report_markdown.startsWith('# Sprint Retro — sprint-7\n\n## Summary\n')).toBe(true);
    // 62.5% → 63% (banker's rounding would print 62%).
    expect(report_markdown).toContain('- **Completed:** 5 (63%)');
    expect(report_markdown).toContain('- **Duration:** 1.5 days (36.0 hours)');
    expect(report_markdown).toContain('- **Velocity:** 3.3 tasks/day');
    // 0.25 → 0.3 (banker's: 0.2).
    expect(report_markdown).toContain('- **Interventions:** 2 (0.3 per task)');
  });

  it('writes n/a for the velocity of a sprint that lasted no time', async () => {
    const { report_markdown } = await reportOf({ kpis: { ...KPIS, tasks_per_day: null } });
    expect(report_markdown).toContain('- **Velocity:** n/a');
    expect(report_markdown).toContain('| Tasks Per Day | n/a |');
  });

  it('shows the period only when it is given', async () => {
    expect((await reportOf()).report_markdown).not.toContain('→');
    const { report_markdown } = await reportOf({
      started_at: '2026-03-01T00:00:00Z',
      ended_at: '2026-03-02T12:00:00Z',
    });
    expect(report_markdown).toContain('_2026-03-01T00:00:00Z → 2026-03-02T12:00:00Z_');
  });

  it('has a section for the themes, improvements, learnings and sentiment of the analysis', async () => {
    const { report_markdown } = await reportOf({
      analysis: { themes: ['T1', 'T2'], improvements: ['I1'], learnings: ['L1'], sentiment: 'mixed' },
    });
    expect(report_markdown).toContain('## Themes\n\n- T1\n- T2\n');
    expect(report_markdown).toContain('## Improvements\n\n- I1\n');
    expect(report_markdown).toContain('## Learnings\n\n- L1\n');
    expect(report_markdown).toContain('## Sentiment\n\nmixed\n');
  });

  it('returns the analysis’ learnings for the next plan', async () => {
    const { learnings } = await reportOf({
      analysis: { ...ANALYSIS, learnings: ['Split big tasks', 'Add jq'] },
    });
    expect(learnings).toEqual(['Split big tasks', 'Add jq']);
  });

  it('has no agent feedback section without feedback', async () => {
    expect((await reportOf()).report_markdown).not.toContain('## Agent Feedback');
  });

  it('writes one subsection per feedback item, with blockers and notes only when there are some', async () => {
    const { report_markdown } = await reportOf({ feedback_items: [feedback()] });
    expect(report_markdown).toContain(
      '## Agent Feedback\n\n### api (developer)\n\n- Clarity: 9/10\n- Self-assessment: completed\n- Tokens: 500\n- Time: 12.5 min\n\n',
    );
    expect(report_markdown).not.toContain('Blockers');
    expect(report_markdown).not.toContain('Notes');
  });

  it('keeps agent text on one line where a line is expected', async () => {
    const { report_markdown } = await reportOf({
      feedback_items: [feedback({ agent_role: 'dev\n# injected', blockers: ['a\n\n- b'], notes: 'x\n## y' })],
    });
    expect(report_markdown).toContain('### api (dev # injected)');
    expect(report_markdown).toContain('  - a - b\n');
    expect(report_markdown).toContain('- Notes: x ## y\n');
    expect(report_markdown).not.toMatch(/^## y/m);
  });

  it('quotes the raw body of unreadable feedback line by line', async () => {
    const { report_markdown } = await reportOf({
      feedback_items: [
        {
          issue_number: 3,
          author: 'bot',
          created_at: '2026-03-02T10:00:00Z',
          parsed: null,
          raw_body: '```\n\n## x',
        },
      ],
    });
    expect(report_markdown).toContain('### Unreadable feedback on #3 by bot\n\n> ```\n>\n> ## x\n');
  });

  it('lists every KPI in the dashboard in the schema’s order, counts as integers and measures with 2 decimals', async () => {
    const reordered = Object.fromEntries(Object.entries(KPIS).reverse()) as unknown as SprintKpis;
    const { report_markdown } = await reportOf({ kpis: reordered });
    const table = report_markdown.slice(
      report_markdown.indexOf('| Metric'),
      report_markdown.indexOf('\n\n---'),
    );
    expect(table.split('\n')).toEqual([
      '| Metric | Value |',
      '|---|---|',
      '| Total Tasks | 8 |',
      '| Completed Tasks | 5 |',
      '| Cancelled Tasks | 1 |',
      '| Escalated Tasks | 1 |',
      '| Blocked Tasks | 1 |',
      '| Completion Rate | 0.63 |',
      '| Total Review Cycles | 3 |',
      '| Avg Review Cycles | 0.38 |',
      '| Total Interventions | 2 |',
      '| Avg Interventions | 0.25 |',
      '| Sprint Hours | 36.00 |',
      '| Sprint Days | 1.50 |',
      '| Tasks Per Day | 3.33 |',
    ]);
  });

  it('ends with the footer', async () => {
    const { report_markdown } = await reportOf();
    expect(report_markdown.endsWith('\n---\n\n_Generated by Caloron Retro Engine (noether-ts)_\n')).toBe(
      true,
    );
  });
});
