// The tick's reshape stages (CALORON §5): each turns the tick's scope into the next
// stage's input. Their outputs are checked against the downstream stage's input schema,
// both on values and as schemas (the engine's subschema checker), so the tick composes.
import { describe, expect, it } from 'vitest';
import { isSubschema, propertyOf, validateValue } from '../../../engine/schema/index.js';
import type {
  Action,
  ProjectAllToExecuteInput,
  ProjectAllToExecuteOutput,
  ProjectPollToEvalInput,
} from '../../../schemas/generated/types.js';
import { stageSchemas } from '../../../schemas/index.js';
import {
  projectAllToExecute,
  projectHealthToIntervention,
  projectPollToEval,
} from '../../../stages/sprint/index.js';
import type { Stage } from '../../../engine/stage/index.js';
import { callStage } from '../call-stage.js';
import { at, dag, task } from '../supervisor/fixtures.js';

async function holdsExamples(stage: Stage) {
  for (const example of stage.examples) expect(await callStage(stage, example.input)).toEqual(example.output);
}

describe.each([
  [projectPollToEval, 'dag_evaluate'],
  [projectHealthToIntervention, 'decide_intervention'],
  [projectAllToExecute, 'execute_actions'],
] as const)('$name', (stage, downstream) => {
  it('holds its examples', async () => {
    await holdsExamples(stage);
  });

  it(`produces exactly what ${downstream} accepts (subschema check)`, () => {
    expect(isSubschema(stage.output, stageSchemas(downstream).input).verdict).toBe('yes');
  });

  it(`feeds ${downstream} its examples' outputs`, () => {
    for (const example of stage.examples)
      expect(validateValue(stageSchemas(downstream).input, example.output)).toEqual([]);
  });
});

describe("the tick's Let bindings", () => {
  // [producer stage, consumer stage, the consumer's input field the producer's output is bound to]
  it.each([
    ['check_agent_health', 'project_health_to_intervention', 'health'],
    ['github_poll_events', 'project_poll_to_eval', 'poll'],
    ['decide_intervention', 'project_poll_to_eval', 'supervisor'],
    ['dag_evaluate', 'project_all_to_execute', 'eval'],
    ['decide_intervention', 'project_all_to_execute', 'supervisor'],
    ['execute_actions', 'build_tick_output', 'execute_result'],
    ['dag_evaluate', 'build_tick_output', 'eval'],
    ['github_poll_events', 'build_tick_output', 'poll'],
    ['decide_intervention', 'build_tick_output', 'supervisor'],
  ] as const)('%s fits %s as its `%s`', (producer, consumer, field) => {
    const wanted = propertyOf(stageSchemas(consumer).input, field);
    expect(isSubschema(stageSchemas(producer).output, wanted).verdict).toBe('yes');
  });
});

describe('project_poll_to_eval', () => {
  const input: ProjectPollToEvalInput = {
    state: dag(task('a')),
    poll: {
      events: [{ id: 'e1', type: 'pr_merged', created_at: at(1), pr_number: 3 }],
      polled_at: at(2),
      since: at(1),
      seen: ['e1'],
    },
    supervisor: { escalations: [{ task_id: 'a', agent_id: 'dev-a', reason: 'stalled' }] },
    now: at(2),
    max_review_cycles: 2,
  };

  it("takes the loaded state, the poll's events and the supervisor's escalations, and drops the rest of the scope", async () => {
    const wide = { ...input, repo: 'acme/shop', sprint_id: 's1', agents: {}, interventions: {} };
    expect(await callStage(projectPollToEval, wide)).toEqual({
      state: input.state,
      events: input.poll.events,
      escalations: input.supervisor.escalations,
      now: at(2),
      max_review_cycles: 2,
    });
  });
});

describe('project_health_to_intervention', () => {
  it("takes the health stage's verdicts with the persisted ladders, the state, now and the sprint", async () => {
    const results = [
      { task_id: 'a', agent_id: 'dev-a', role: 'developer', status: 'stalled', minutes_since_beat: 30 },
    ] as const;
    const interventions = { a: { agent_id: 'dev-a', step: 1, total: 1, last_at: at(1) } };
    const scope = {
      health: { results },
      interventions,
      state: dag(task('a')),
      now: at(2),
      sprint_id: 's1',
      poll: { events: [], polled_at: at(2), since: null, seen: [] },
    };
    expect(await callStage(projectHealthToIntervention, scope)).toEqual({
      results,
      interventions,
      state: scope.state,
      now: at(2),
      sprint_id: 's1',
    });
  });
});

describe('project_all_to_execute', () => {
  const restart = (taskId: string, agentId: string, n = 0): Action => ({
    key: `s1:${taskId}:restart:${n}`,
    type: 'restart',
    task_id: taskId,
    agent_id: agentId,
  });
  const markDone: Action = {
    key: 's1:b:mark_done:4',
    type: 'mark_done',
    task_id: 'b',
    issue_number: 2,
    pr_number: 5,
  };
  const input = (
    evalTasks: ReturnType<typeof task>[],
    supervisorActions: Action[],
  ): ProjectAllToExecuteInput => ({
    eval: { state: dag(...evalTasks), actions: [markDone] },
    supervisor: { actions: supervisorActions },
    sprint_id: 's1',
    repo: 'acme/shop',
    host: 'http://127.0.0.1:3000/api/v1',
    token_env: 'GITEA_TOKEN',
    shell_url: 'http://127.0.0.1:7710',
  });
  const run = async (value: ProjectAllToExecuteInput) =>
    (await callStage(projectAllToExecute, value)) as ProjectAllToExecuteOutput;

  it('forwards the forge (host included) and the shell, DAG actions first, then the supervisor’s', async () => {
    const out = await run(input([task('a'), task('b', { status: 'Done' })], [restart('a', 'dev-a')]));
    expect(out).toEqual({
      sprint_id: 's1',
      repo: 'acme/shop',
      host: 'http://127.0.0.1:3000/api/v1',
      token_env: 'GITEA_TOKEN',
      shell_url: 'http://127.0.0.1:7710',
      actions: [markDone, restart('a', 'dev-a')],
    });
  });

  it('keeps a probe or restart whose task still waits on that agent (the reviewer, in review)', async () => {
    const inReview = task('a', { status: 'InReview', pr_number: 4 });
    const out = await run(input([inReview], [restart('a', 'rev-a')]));
    expect(out.actions).toEqual([markDone, restart('a', 'rev-a')]);
  });

  it.each([
    ['its task was just merged (Done)', task('a', { status: 'Done' }), 'dev-a'],
    ['its task was just escalated', task('a', { status: 'Escalated' }), 'dev-a'],
    ['its task moved on to the reviewer', task('a', { status: 'InReview', pr_number: 4 }), 'dev-a'],
  ] as const)('drops a supervisor action when %s', async (_name, evaluated, agent) => {
    const out = await run(input([evaluated], [restart('a', agent)]));
    expect(out.actions).toEqual([markDone]);
  });

  it('drops a supervisor action about a task no longer in the state', async () => {
    const out = await run(input([task('b')], [restart('a', 'dev-a')]));
    expect(out.actions).toEqual([markDone]);
  });

  it('rejects a supervisor action the supervisor never emits, naming it', async () => {
    await expect(run(input([task('b')], [markDone]))).rejects.toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/supervisor/actions/0/type' },
    });
  });
});
