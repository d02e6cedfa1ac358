// analyze_sprint_feedback (reference §3.17): fixed rules over the agents' feedback and the
// sprint's KPIs, deterministic, declared Pure.
import { describe, expect, it } from 'vitest';
import type {
  AgentFeedback,
  AnalyzeSprintFeedbackOutput,
  FeedbackItem,
  SprintKpis,
} from '../../../schemas/generated/types.js';
import { analyzeSprintFeedback } from '../../../stages/retro/index.js';
import { callStage } from '../call-stage.js';

const KPIS: SprintKpis = {
  total_tasks: 4,
  completed_tasks: 2,
  cancelled_tasks: 0,
  escalated_tasks: 0,
  blocked_tasks: 0,
  completion_rate: 0.5,
  total_review_cycles: 0,
  avg_review_cycles: 0,
  total_interventions: 0,
  avg_interventions: 0,
  sprint_hours: 10,
  sprint_days: 0.42,
  tasks_per_day: 4.8,
};

let issue = 0;

function item(feedback: Partial<AgentFeedback> = {}): FeedbackItem {
  issue += 1;
  return {
    issue_number: issue,
    author: 'caloron-bot',
    created_at: '2026-03-02T10:00:00Z',
    parsed: {
      task_id: `t${issue}`,
      agent_role: 'developer',
      task_clarity: 8,
      blockers: [],
      tools_used: [],
      tokens_consumed: 1000,
      time_to_complete_min: 20,
      self_assessment: 'completed',
      ...feedback,
    },
  };
}

const unreadable: FeedbackItem = {
  issue_number: 99,
  author: 'caloron-bot',
  created_at: '2026-03-02T10:00:00Z',
  parsed: null,
  raw_body: 'caloron_feedback: [',
};

async function analysisOf(
  items: FeedbackItem[],
  kpis: Partial<SprintKpis> = {},
): Promise<AnalyzeSprintFeedbackOutput> {
  return (await callStage(analyzeSprintFeedback, {
    feedback_items: items,
    kpis: { ...KPIS, ...kpis },
  })) as AnalyzeSprintFeedbackOutput;
}

describe('analyze_sprint_feedback', () => {
  it.each(analyzeSprintFeedback.examples.map((example, index) => [index, example]))(
    'holds example %i',
    async (_index, example) => {
      expect(await callStage(analyzeSprintFeedback, example.input)).toEqual(example.output);
    },
  );

  it('is declared Pure', () => {
    expect(analyzeSprintFeedback.effects).toEqual(['Pure']);
  });

  it('says no feedback was collected, with a neutral sentiment, when there is none', async () => {
    expect(await analysisOf([])).toEqual({
      themes: ['No agent feedback was collected during this sprint'],
      improvements: ['Ensure agents post caloron_feedback comments on task completion'],
      learnings: [],
      sentiment: 'neutral',
    });
  });

  it('reports comments whose block could not be read', async () => {
    const none = await analysisOf([unreadable]);
    expect(none.themes).toContain('1 feedback comment could not be read');
    expect(none.sentiment).toBe('neutral');
    const some = await analysisOf([item(), unreadable, unreadable]);
    expect(some.themes).toContain('2 feedback comments could not be read');
  });

  it('finds tasks with clarity below 5, and asks for better specifications', async () => {
    const analysis = await analysisOf([
      item({ task_clarity: 4 }),
      item({ task_clarity: 5 }),
      item({ task_clarity: 1 }),
    ]);
    expect(analysis.themes).toEqual(['2 tasks had low clarity scores (< 5/10)']);
    expect(analysis.improvements).toEqual([
      'Write more detailed task specifications with explicit acceptance criteria',
    ]);
  });

  it('counts blockers and the tasks reporting them', async () => {
    const analysis = await analysisOf([
      item({ blockers: ['slow CI', 'flaky test'] }),
      item({ blockers: ['no access'] }),
      item(),
    ]);
    expect(analysis.themes).toEqual(['3 blockers reported across 2 tasks']);
    expect(analysis.improvements).toEqual(['No specific improvements identified']);
  });

  it('asks for DAG dependencies when blockers name one (depend, dag; any case)', async () => {
    const analysis = await analysisOf([
      item({ blockers: ['Depends on task a', 'missing DAG edge', 'slow CI'] }),
    ]);
    expect(analysis.improvements).toEqual([
      'Add missing DAG dependencies — 2 runtime dependencies discovered',
    ]);
  });

  it('asks for tools when blockers name one (tool, unavailable; any case)', async () => {
    const analysis = await analysisOf([
      item({ blockers: ['Tool missing: jq'] }),
      item({ blockers: ['docker UNAVAILABLE'] }),
    ]);
    expect(analysis.improvements).toEqual(['Add missing tools to agent definitions — 2 tool gaps found']);
  });

  it('reports failed and crashed tasks out of those with feedback', async () => {
    const analysis = await analysisOf([
      item({ self_assessment: 'failed' }),
      item({ self_assessment: 'crashed' }),
      item({ self_assessment: 'partial' }),
      item(),
      item(),
      item(),
      item(),
    ]);
    expect(analysis.themes).toEqual(['2 tasks failed or crashed out of 7']);
    expect(analysis.improvements).toEqual([
      'Investigate the failed tasks; consider stronger models or smaller tasks',
    ]);
  });

  it('finds tasks that used more than twice the mean of the non-zero token counts', async () => {
    const analysis = await analysisOf([
      item({ tokens_consumed: 100 }),
      item({ tokens_consumed: 100 }),
      item({ tokens_consumed: 100 }),
      item({ tokens_consumed: 1000 }),
      item({ tokens_consumed: 0 }),
    ]);
    expect(analysis.themes).toEqual(['1 task used significantly more tokens than average (325)']);
  });

  it('finds no token outlier at exactly twice the mean', async () => {
    // mean 1000: 2000 is not more than twice it.
    const analysis = await analysisOf([
      item({ tokens_consumed: 500 }),
      item({ tokens_consumed: 500 }),
      item({ tokens_consumed: 2000 }),
    ]);
    expect(analysis.themes).toEqual(['Sprint completed without notable issues']);
  });

  it('learns from a completion rate of at least 0.8', async () => {
    expect((await analysisOf([], { completion_rate: 0.8 })).learnings).toEqual([
      'Completion rate was healthy (80%): the task sizing worked',
    ]);
    expect((await analysisOf([], { completion_rate: 0.799 })).learnings).toEqual([]);
  });

  it('learns from more than one intervention per task on average', async () => {
    expect((await analysisOf([], { avg_interventions: 1.01 })).learnings).toEqual([
      'Agents needed 1.01 supervisor interventions per task on average: give clearer prompts or more time',
    ]);
    expect((await analysisOf([], { avg_interventions: 1 })).learnings).toEqual([]);
  });

  it('learns that scope can grow when every agent completed, and not when one did not', async () => {
    expect((await analysisOf([item(), item()])).learnings).toEqual([
      'Every agent reported its task completed: the next sprint can take on more scope',
    ]);
    expect((await analysisOf([item(), item({ self_assessment: 'partial' })])).learnings).toEqual([
      'Continue with current approach',
    ]);
  });

  it('fills empty lists with one default sentence each when feedback was read', async () => {
    const analysis = await analysisOf([item({ self_assessment: 'partial' })]);
    expect(analysis).toEqual({
      themes: ['Sprint completed without notable issues'],
      improvements: ['No specific improvements identified'],
      learnings: ['Continue with current approach'],
      sentiment: 'positive',
    });
  });

  it('is negative when more than 30% of the tasks failed, mixed at 30% or on low clarity', async () => {
    const failing = (failed: number, fine: number) => [
      ...Array.from({ length: failed }, () => item({ self_assessment: 'failed' })),
      ...Array.from({ length: fine }, () => item()),
    ];
    expect((await analysisOf(failing(4, 9))).sentiment).toBe('negative');
    expect((await analysisOf(failing(3, 7))).sentiment).toBe('mixed');
    expect((await analysisOf([item({ task_clarity: 2 })])).sentiment).toBe('mixed');
    expect((await analysisOf([item(), item({ blockers: ['slow CI'] })])).sentiment).toBe('positive');
  });

  it('gives the same analysis for the same input', async () => {
    const items = [
      item({ task_clarity: 3, blockers: ['tool x unavailable'] }),
      item({ self_assessment: 'crashed' }),
    ];
    expect(await analysisOf(items)).toEqual(await analysisOf(items));
  });
});
