// dag_validate: everything wrong with a draft DAG, before kickoff opens an issue per task.
// The draft is loosely typed on purpose (a plan from an LLM or a person): its problems are
// this stage's answer, never an exception. Fixes the Python stage (reference §3.9): errors
// have codes and JSON pointers, duplicate ids are found (tasks may be an array of drafts),
// self-dependencies are named as such, and a cycle is reported with its path instead of
// "involving" every task downstream of it.
//
// Order of errors: the draft's tasks in order, each task's findings in the order
// id → agent → reviewer → depends_on (per dependency: self, duplicate, unknown); then
// the cycles, in the order a depth-first search in task order meets them; then the agents
// two tasks that can be active at the same time both name (agent-overlap.ts), in the order
// the tasks first name them. Cycles are searched among tasks with a good, first-seen id,
// over known dependencies only. Agent overlaps are only looked for in a sound graph (every
// task read, every dependency known, no cycle): the only errors before them may be about
// agents or a repeated dependency, which leave the graph as it is.
import { escapeToken } from '../../engine/json/pointer.js';
import { isJsonObject } from '../../engine/json/value.js';
import { isValid } from '../../engine/schema/index.js';
import { defineStage } from '../../engine/stage/index.js';
import type {
  DagValidateInput,
  DagValidateOutput,
  DagValidationError,
} from '../../schemas/generated/types.js';
import { domainSchema, ID_PATTERN, stageSchemas } from '../../schemas/index.js';
import { agentOverlaps, type StaffedTask } from './agent-overlap.js';
import { findCycles } from './graph.js';

const ID = domainSchema('id');
/** The errors that leave the dependency graph sound, so agent overlaps can be judged. */
const GRAPH_INTACT = new Set<DagValidationError['code']>([
  'missing_agent',
  'bad_agent_id',
  'duplicate_dependency',
]);

interface Draft {
  id: string;
  path: string;
  /** The dependency ids as listed, when depends_on is a well-formed list. */
  deps: string[];
  /** The agent ids, when well-formed. */
  developer: string | undefined;
  reviewer: string | undefined;
}

export function validateDag(dag: Record<string, unknown>): DagValidateOutput {
  const errors: DagValidationError[] = [];
  const drafts = readDrafts(dag.tasks, errors);
  const byId = new Map<string, Draft>();
  for (const draft of drafts) if (!byId.has(draft.id)) byId.set(draft.id, draft);
  for (const draft of drafts) checkDeps(draft, byId, errors);
  const order = [...byId.keys()];
  const edges = new Map(order.map((id) => [id, graphDeps(byId.get(id)!, byId)]));
  for (const cycle of findCycles(order, (id) => edges.get(id) ?? [])) {
    const first = cycle[0]!;
    errors.push({
      code: 'cycle',
      task_id: first,
      message: `tasks ${cycle.slice(0, -1).join(', ')} depend on each other in a cycle: ${cycle.join(' → ')} (each depends on the next); remove one of these dependencies`,
      path: `${byId.get(first)!.path}/depends_on`,
      cycle,
    });
  }
  if (errors.every((error) => GRAPH_INTACT.has(error.code)))
    errors.push(
      ...agentOverlaps(
        order.map((id): StaffedTask => {
          const { path, developer, reviewer } = byId.get(id)!;
          return { id, path, deps: edges.get(id)!, developer, reviewer };
        }),
      ),
    );
  return { valid: errors.length === 0, errors };
}

/** The drafts with a usable id, reporting the shape, id and agent problems of each. */
function readDrafts(tasks: unknown, errors: DagValidationError[]): Draft[] {
  if (tasks !== undefined && !Array.isArray(tasks) && !isJsonObject(tasks)) {
    errors.push({
      code: 'invalid_tasks',
      message: 'dag.tasks must be a map of task id to task, or an array of tasks',
      path: '/tasks',
    });
    return [];
  }
  const entries: [path: string, key: string | undefined, value: unknown][] = Array.isArray(tasks)
    ? tasks.map((value: unknown, index) => [`/tasks/${index}`, undefined, value])
    : Object.entries(tasks ?? {}).map(([key, value]) => [`/tasks/${escapeToken(key)}`, key, value]);
  if (entries.length === 0) {
    errors.push({
      code: 'empty_dag',
      message: 'the DAG has no tasks: a sprint needs at least one',
      path: '/tasks',
    });
    return [];
  }
  const drafts: Draft[] = [];
  const seen = new Set<string>();
  for (const [path, key, value] of entries) {
    if (!isJsonObject(value)) {
      errors.push({
        code: 'invalid_task',
        ...(key === undefined ? {} : { task_id: key }),
        message: `the task at ${path} must be an object`,
        path,
      });
      continue;
    }
    const id = key ?? value.id;
    if (typeof id !== 'string' || !isValid(ID, id)) {
      errors.push({
        code: 'bad_id',
        ...(typeof id === 'string' ? { task_id: id } : {}),
        message: `task id ${JSON.stringify(id) ?? 'undefined'} must match ${ID_PATTERN.source} (lower-case letters, digits, '-' and '_')`,
        path: key === undefined ? `${path}/id` : path,
      });
    } else if (key !== undefined && value.id !== undefined && value.id !== key) {
      errors.push({
        code: 'id_mismatch',
        task_id: key,
        message: `the task under key "${key}" says its id is ${JSON.stringify(value.id)}: make them equal`,
        path: `${path}/id`,
      });
    } else if (seen.has(id)) {
      errors.push({
        code: 'duplicate_id',
        task_id: id,
        message: `task id "${id}" is used by an earlier task too: give each task its own id`,
        path: `${path}/id`,
      });
    }
    const good = typeof id === 'string' && isValid(ID, id);
    const agents = good ? checkAgents(id, path, value, errors) : undefined;
    const deps = readDeps(good ? id : undefined, path, value.depends_on, errors);
    if (good && !seen.has(id)) {
      seen.add(id);
      drafts.push({ id, path, deps, developer: agents?.developer, reviewer: agents?.reviewer });
    }
  }
  return drafts;
}

/** Reports a task's missing or malformed agent ids; returns the well-formed ones. */
function checkAgents(
  id: string,
  path: string,
  fields: Record<string, unknown>,
  errors: DagValidationError[],
): { developer: string | undefined; reviewer: string | undefined } {
  const wellFormed = (value: unknown) =>
    typeof value === 'string' && isValid(ID, value) ? value : undefined;
  const agent = fields.agent_id;
  const developer = wellFormed(agent);
  if (agent === undefined || agent === null || agent === '')
    errors.push({
      code: 'missing_agent',
      task_id: id,
      message: `task "${id}" has no agent_id: name the agent that will do it`,
      path: `${path}/agent_id`,
    });
  else if (developer === undefined)
    errors.push({
      code: 'bad_agent_id',
      task_id: id,
      message: `task "${id}" has agent_id ${JSON.stringify(agent)}, which must match ${ID_PATTERN.source}`,
      path: `${path}/agent_id`,
    });
  const given = fields.reviewer_id;
  const reviewer = wellFormed(given);
  if (given !== undefined && given !== null && reviewer === undefined)
    errors.push({
      code: 'bad_agent_id',
      task_id: id,
      message: `task "${id}" has reviewer_id ${JSON.stringify(given)}, which must match ${ID_PATTERN.source}`,
      path: `${path}/reviewer_id`,
    });
  return { developer, reviewer };
}

function readDeps(
  id: string | undefined,
  path: string,
  deps: unknown,
  errors: DagValidationError[],
): string[] {
  if (deps === undefined) return [];
  if (Array.isArray(deps) && deps.every((dep) => typeof dep === 'string')) return deps;
  errors.push({
    code: 'invalid_depends_on',
    ...(id === undefined ? {} : { task_id: id }),
    message: `depends_on of ${id === undefined ? `the task at ${path}` : `task "${id}"`} must be an array of task ids`,
    path: `${path}/depends_on`,
  });
  return [];
}

function checkDeps(draft: Draft, byId: Map<string, Draft>, errors: DagValidationError[]): void {
  const listed = new Set<string>();
  draft.deps.forEach((dep, index) => {
    const path = `${draft.path}/depends_on/${index}`;
    if (dep === draft.id)
      errors.push({
        code: 'self_dependency',
        task_id: draft.id,
        message: `task "${draft.id}" depends on itself: remove "${dep}" from its depends_on`,
        path,
      });
    else if (listed.has(dep))
      errors.push({
        code: 'duplicate_dependency',
        task_id: draft.id,
        message: `task "${draft.id}" lists dependency "${dep}" twice: list it once`,
        path,
      });
    else if (!byId.has(dep))
      errors.push({
        code: 'unknown_dependency',
        task_id: draft.id,
        message: `task "${draft.id}" depends on "${dep}", which is not a task of this DAG: fix the id or add the task`,
        path,
      });
    listed.add(dep);
  });
}

/** The edges the cycle search follows: known dependencies, once each, never the task itself. */
function graphDeps(draft: Draft, byId: Map<string, Draft>): string[] {
  return [...new Set(draft.deps)].filter((dep) => dep !== draft.id && byId.has(dep));
}

export const dagValidate = defineStage<DagValidateInput, DagValidateOutput>({
  name: 'dag_validate',
  description:
    'Lists everything wrong with a draft DAG (empty, bad or duplicate ids, missing agents, unknown or self dependencies, cycles with their path, an agent named by two tasks that can be active at the same time).',
  ...stageSchemas('dag_validate'),
  effects: ['Pure'],
  run: (input) => validateDag(input.dag),
  examples: [
    {
      input: {
        dag: {
          tasks: {
            a: { title: 'A', agent_id: 'dev-1', depends_on: [] },
            b: { title: 'B', agent_id: 'dev-2', depends_on: ['a'] },
          },
        },
      },
      output: { valid: true, errors: [] },
    },
    {
      input: {
        dag: {
          tasks: [
            { id: 'a', agent_id: 'dev-1', depends_on: ['b'] },
            { id: 'b', agent_id: 'dev-1', depends_on: ['a'] },
          ],
        },
      },
      output: {
        valid: false,
        errors: [
          {
            code: 'cycle',
            task_id: 'a',
            message:
              'tasks a, b depend on each other in a cycle: a → b → a (each depends on the next); remove one of these dependencies',
            path: '/tasks/0/depends_on',
            cycle: ['a', 'b', 'a'],
          },
        ],
      },
    },
    {
      input: {
        dag: {
          tasks: {
            a: { agent_id: 'dev-1', reviewer_id: 'lead', depends_on: [] },
            b: { agent_id: 'dev-2', reviewer_id: 'lead', depends_on: ['a'] },
            c: { agent_id: 'dev-3', reviewer_id: 'lead', depends_on: ['a'] },
          },
        },
      },
      output: {
        valid: false,
        errors: [
          {
            code: 'agent_overlap',
            task_id: 'c',
            message:
              'agent "lead" is the reviewer of "b" and the reviewer of "c", which can be active at the same time (neither depends on the other); the shell runs one harness per agent, so starting one would stop the other: give one of them another agent, or make one depend on the other',
            path: '/tasks/c/reviewer_id',
            agent_id: 'lead',
            task_ids: ['b', 'c'],
          },
        ],
      },
    },
  ],
});
