// generate_sprint_dag: the template planner of the reference (§3.20), kept deterministic and
// declared Pure (the reference claimed an LLM it never called). A brief becomes one task
// per clause, chained linearly, in a plan that plan_to_dag turns into the sprint's DAG.
//
// Fixed defects: ids are made to satisfy the id rule (the reference kept punctuation and
// produced `sprint-add-health-endpoint.`), num_agents is a positive integer by schema (no
// division by zero, no `agent-1.0`), and clauses beyond max_tasks join the last task
// instead of being dropped. Clauses end at a newline or at `.`, `,`, `;`, `!`, `?`
// followed by a space or the end, so `v1.2` and `/a,b` stay whole.
import { defineStage } from '../../engine/stage/index.js';
import type {
  GenerateSprintDagInput,
  GenerateSprintDagOutput,
  PlanTask,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { boundedId, shortHash, slugOf } from './id-rule.js';

const DEFAULT_MAX_TASKS = 6;
const DEFAULT_NUM_AGENTS = 2;
const REVIEWER = 'reviewer-1';
/** Short enough for branch names `caloron/<sprint_id>/<task_id>` to stay readable. */
const SPRINT_ID_MAX = 48;
/** Issue titles are capped by the forges (GitHub: 256); the whole clause stays in the prompt. */
const TITLE_MAX = 200;

function generateDag({
  brief,
  sprint_id,
  max_tasks = DEFAULT_MAX_TASKS,
  num_agents = DEFAULT_NUM_AGENTS,
}: GenerateSprintDagInput): GenerateSprintDagOutput {
  const clauses = clausesOf(brief);
  const kept =
    clauses.length > max_tasks
      ? [...clauses.slice(0, max_tasks - 1), clauses.slice(max_tasks - 1).join('; ')]
      : clauses;
  const tasks = kept.map((clause, index): PlanTask => ({
    id: `task-${index + 1}`,
    title: titleOf(clause),
    depends_on: index === 0 ? [] : [`task-${index}`],
    agent_prompt: `${clause}\n\nThis task is one step of a sprint whose brief is:\n${brief.trim()}`,
    agent_id: `agent-${(index % num_agents) + 1}`,
    reviewer_id: REVIEWER,
  }));
  return { sprint_id: sprint_id ?? sprintIdOf(brief), tasks };
}

/** The brief's clauses, trimmed, blank ones dropped; the whole brief when it has no separator. */
function clausesOf(brief: string): string[] {
  const clauses = brief
    .split(/\n|[.,;!?](?=\s|$)/)
    .map((clause) => clause.replace(/\s+/g, ' ').trim())
    .filter((clause) => clause !== '');
  // The schema guarantees a non-blank brief, so this is never empty.
  return clauses.length > 0 ? clauses : [brief.replace(/\s+/g, ' ').trim()];
}

function titleOf(clause: string): string {
  const chars = Array.from(clause);
  return chars.length <= TITLE_MAX ? clause : `${chars.slice(0, TITLE_MAX - 1).join('')}…`;
}

/**
 * `sprint-<slug of the brief>`, cut with a hash when long; `sprint-<hash>` when the brief
 * has no letter or digit a slug can keep.
 */
function sprintIdOf(brief: string): string {
  const slug = slugOf(brief);
  return slug === '' ? `sprint-${shortHash(brief)}` : boundedId('sprint', slug, SPRINT_ID_MAX);
}

export const generateSprintDag = defineStage<GenerateSprintDagInput, GenerateSprintDagOutput>({
  name: 'generate_sprint_dag',
  description:
    'Turns a brief into a linear plan, one task per clause, with a sprint id derived from the brief (a deterministic template).',
  ...stageSchemas('generate_sprint_dag'),
  effects: ['Pure'],
  run: generateDag,
  examples: [
    {
      input: { brief: 'Add health endpoint. Write tests, update docs', num_agents: 2 },
      output: {
        sprint_id: 'sprint-add-health-endpoint-write-tests-d95acced',
        tasks: [
          {
            id: 'task-1',
            title: 'Add health endpoint',
            depends_on: [],
            agent_prompt:
              'Add health endpoint\n\nThis task is one step of a sprint whose brief is:\nAdd health endpoint. Write tests, update docs',
            agent_id: 'agent-1',
            reviewer_id: 'reviewer-1',
          },
          {
            id: 'task-2',
            title: 'Write tests',
            depends_on: ['task-1'],
            agent_prompt:
              'Write tests\n\nThis task is one step of a sprint whose brief is:\nAdd health endpoint. Write tests, update docs',
            agent_id: 'agent-2',
            reviewer_id: 'reviewer-1',
          },
          {
            id: 'task-3',
            title: 'update docs',
            depends_on: ['task-2'],
            agent_prompt:
              'update docs\n\nThis task is one step of a sprint whose brief is:\nAdd health endpoint. Write tests, update docs',
            agent_id: 'agent-1',
            reviewer_id: 'reviewer-1',
          },
        ],
      },
    },
    {
      input: { brief: 'Ship it.', sprint_id: 'release-7' },
      output: {
        sprint_id: 'release-7',
        tasks: [
          {
            id: 'task-1',
            title: 'Ship it',
            depends_on: [],
            agent_prompt: 'Ship it\n\nThis task is one step of a sprint whose brief is:\nShip it.',
            agent_id: 'agent-1',
            reviewer_id: 'reviewer-1',
          },
        ],
      },
    },
  ],
});
