// analyze_sprint_feedback: the reference's rules (§3.17) over the agents' caloron_feedback
// and the sprint's KPIs. Deterministic and declared Pure: the reference declared Llm and
// NonDeterministic for what was always a rule table.
//
// The rules, in the order their sentences appear:
// - low clarity: task_clarity < 5;
// - blockers: every blocker reported; those naming a dependency (`depend`, `dag`) ask for
//   missing DAG edges, those naming a tool (`tool`, `unavailable`) for missing tools;
// - failures: self_assessment failed or crashed;
// - token outliers: tasks that used more than twice the mean of the non-zero token counts;
// - learnings from the KPIs (completion_rate ≥ 0.8, avg_interventions > 1) and from the
//   feedback (every agent completed);
// - sentiment: negative when more than 30% failed, mixed on any failure or low clarity,
//   positive otherwise; neutral when no feedback could be read.
// Departures from the reference, each because it hid information: comments whose block
// could not be read get their own theme; KPI learnings hold even without feedback; counts
// agree with their noun ("1 task had", not "1 tasks had").
import { defineStage } from '../../engine/stage/index.js';
import type {
  AgentFeedback,
  AnalyzeSprintFeedbackInput,
  AnalyzeSprintFeedbackOutput,
  SprintKpis,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { formatFixed } from './rounding.js';

const LOW_CLARITY = 5;
const HEALTHY_COMPLETION = 0.8;

function analyze({ feedback_items, kpis }: AnalyzeSprintFeedbackInput): AnalyzeSprintFeedbackOutput {
  const parsed = feedback_items.flatMap((item) => (item.parsed === null ? [] : [item.parsed]));
  const unreadable = feedback_items.length - parsed.length;
  const unreadableTheme =
    unreadable === 0 ? [] : [`${counted(unreadable, 'feedback comment')} could not be read`];
  const unreadableFix =
    unreadable === 0
      ? []
      : ['Check that agents post the caloron_feedback block as valid YAML with every field'];
  if (parsed.length === 0)
    return {
      themes: ['No agent feedback was collected during this sprint', ...unreadableTheme],
      improvements: ['Ensure agents post caloron_feedback comments on task completion', ...unreadableFix],
      learnings: kpiLearnings(kpis),
      sentiment: 'neutral',
    };

  const themes: string[] = [];
  const improvements: string[] = [];

  const lowClarity = parsed.filter((feedback) => feedback.task_clarity < LOW_CLARITY).length;
  if (lowClarity > 0) {
    themes.push(`${counted(lowClarity, 'task')} had low clarity scores (< ${LOW_CLARITY}/10)`);
    improvements.push('Write more detailed task specifications with explicit acceptance criteria');
  }

  const blockers = parsed.flatMap((feedback) => feedback.blockers);
  if (blockers.length > 0) {
    const blockedTasks = parsed.filter((feedback) => feedback.blockers.length > 0).length;
    themes.push(`${counted(blockers.length, 'blocker')} reported across ${counted(blockedTasks, 'task')}`);
    const dependencies = blockers.filter((blocker) => /depend|dag/i.test(blocker)).length;
    if (dependencies > 0)
      improvements.push(
        `Add missing DAG dependencies — ${counted(dependencies, 'runtime dependency', 'runtime dependencies')} discovered`,
      );
    const tools = blockers.filter((blocker) => /tool|unavailable/i.test(blocker)).length;
    if (tools > 0)
      improvements.push(`Add missing tools to agent definitions — ${counted(tools, 'tool gap')} found`);
  }

  const failed = parsed.filter(isFailure).length;
  if (failed > 0) {
    themes.push(`${counted(failed, 'task')} failed or crashed out of ${parsed.length}`);
    improvements.push('Investigate the failed tasks; consider stronger models or smaller tasks');
  }

  themes.push(...tokenOutliers(parsed), ...unreadableTheme);
  improvements.push(...unreadableFix);

  const learnings = kpiLearnings(kpis);
  if (parsed.every((feedback) => feedback.self_assessment === 'completed'))
    learnings.push('Every agent reported its task completed: the next sprint can take on more scope');

  return {
    themes: orDefault(themes, 'Sprint completed without notable issues'),
    improvements: orDefault(improvements, 'No specific improvements identified'),
    learnings: orDefault(learnings, 'Continue with current approach'),
    // failed / parsed > 30%, in integers.
    sentiment:
      failed * 10 > parsed.length * 3 ? 'negative' : failed > 0 || lowClarity > 0 ? 'mixed' : 'positive',
  };
}

function isFailure(feedback: AgentFeedback): boolean {
  return feedback.self_assessment === 'failed' || feedback.self_assessment === 'crashed';
}

function tokenOutliers(parsed: readonly AgentFeedback[]): string[] {
  const counts = parsed.map((feedback) => feedback.tokens_consumed).filter((tokens) => tokens > 0);
  if (counts.length === 0) return [];
  const mean = counts.reduce((acc, tokens) => acc + tokens, 0) / counts.length;
  const outliers = counts.filter((tokens) => tokens > 2 * mean).length;
  return outliers === 0
    ? []
    : [`${counted(outliers, 'task')} used significantly more tokens than average (${formatFixed(mean, 0)})`];
}

function kpiLearnings(kpis: SprintKpis): string[] {
  const learnings: string[] = [];
  if (kpis.total_tasks > 0 && kpis.completion_rate >= HEALTHY_COMPLETION)
    learnings.push(
      `Completion rate was healthy (${formatFixed(kpis.completion_rate * 100, 0)}%): the task sizing worked`,
    );
  if (kpis.avg_interventions > 1)
    learnings.push(
      `Agents needed ${formatFixed(kpis.avg_interventions, 2)} supervisor interventions per task on average: give clearer prompts or more time`,
    );
  return learnings;
}

function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function orDefault(sentences: string[], fallback: string): string[] {
  return sentences.length > 0 ? sentences : [fallback];
}

const KPIS: SprintKpis = {
  total_tasks: 4,
  completed_tasks: 3,
  cancelled_tasks: 0,
  escalated_tasks: 1,
  blocked_tasks: 0,
  completion_rate: 0.75,
  total_review_cycles: 2,
  avg_review_cycles: 0.5,
  total_interventions: 6,
  avg_interventions: 1.5,
  sprint_hours: 6,
  sprint_days: 0.25,
  tasks_per_day: 12,
};

const FEEDBACK = {
  agent_role: 'developer',
  tools_used: ['git'],
  time_to_complete_min: 30,
  self_assessment: 'completed',
} satisfies Partial<AgentFeedback>;

export const analyzeSprintFeedback = defineStage<AnalyzeSprintFeedbackInput, AnalyzeSprintFeedbackOutput>({
  name: 'analyze_sprint_feedback',
  description:
    "Finds themes, improvements, learnings and an overall sentiment in the agents' feedback and the sprint's KPIs, by fixed rules.",
  ...stageSchemas('analyze_sprint_feedback'),
  effects: ['Pure'],
  run: analyze,
  examples: [
    {
      input: {
        kpis: KPIS,
        feedback_items: [
          {
            issue_number: 1,
            author: 'caloron-bot',
            created_at: '2026-03-02T10:00:00Z',
            parsed: { ...FEEDBACK, task_id: 'a', task_clarity: 8, blockers: [], tokens_consumed: 1000 },
          },
          {
            issue_number: 2,
            author: 'caloron-bot',
            created_at: '2026-03-02T11:00:00Z',
            parsed: {
              ...FEEDBACK,
              task_id: 'b',
              task_clarity: 3,
              blockers: ['depends on the schema from task a', 'tool jq unavailable'],
              tokens_consumed: 1200,
            },
          },
          {
            issue_number: 3,
            author: 'caloron-bot',
            created_at: '2026-03-02T12:00:00Z',
            parsed: {
              ...FEEDBACK,
              task_id: 'c',
              task_clarity: 6,
              blockers: [],
              tokens_consumed: 900,
              self_assessment: 'failed',
            },
          },
          {
            issue_number: 4,
            author: 'caloron-bot',
            created_at: '2026-03-02T12:30:00Z',
            parsed: { ...FEEDBACK, task_id: 'd', task_clarity: 9, blockers: [], tokens_consumed: 9000 },
          },
        ],
      },
      output: {
        themes: [
          '1 task had low clarity scores (< 5/10)',
          '2 blockers reported across 1 task',
          '1 task failed or crashed out of 4',
          '1 task used significantly more tokens than average (3025)',
        ],
        improvements: [
          'Write more detailed task specifications with explicit acceptance criteria',
          'Add missing DAG dependencies — 1 runtime dependency discovered',
          'Add missing tools to agent definitions — 1 tool gap found',
          'Investigate the failed tasks; consider stronger models or smaller tasks',
        ],
        learnings: [
          'Agents needed 1.50 supervisor interventions per task on average: give clearer prompts or more time',
        ],
        sentiment: 'mixed',
      },
    },
    {
      input: {
        kpis: { ...KPIS, completion_rate: 1, completed_tasks: 4, avg_interventions: 0 },
        feedback_items: [],
      },
      output: {
        themes: ['No agent feedback was collected during this sprint'],
        improvements: ['Ensure agents post caloron_feedback comments on task completion'],
        learnings: ['Completion rate was healthy (100%): the task sizing worked'],
        sentiment: 'neutral',
      },
    },
  ],
});
