// The seven compositions of CALORON §5 as a user meets them: each declares its input and
// passes the checker; the scheduled tick is the core tick wrapped in load/save and a quiet
// "busy" arm; and the graphs that touch a forge, the KV directory, the reports directory and
// the shell do so for real (the embedded forge and shell on 127.0.0.1, real files).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SprintEnvironment, startSprintEnvironment } from '../../caloron/demo/environment.js';
import { loadEngine, NoetherError, type Engine } from '../../engine/index.js';
import { stageSchemas } from '../../schemas/index.js';
import type { PlanTask, TickLock, TickState } from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { forgeRecord } from '../e2e/forge-record.js';
import { caloronHarness } from '../shell/e2e-harness.js';
import { tempProject } from '../temp-project.js';

const COMPOSITIONS = join(repo, 'compositions');
const graph = (name: string) => join(COMPOSITIONS, name);
const readGraph = (name: string) => JSON.parse(readFileSync(graph(name), 'utf8')) as Record<string, unknown>;

const DIAMOND = JSON.parse(readFileSync(join(repo, 'caloron/demo/diamond.json'), 'utf8')) as PlanTask[];

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine({ cwd: repo });
});

async function failure(run: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NoetherError);
  return error as NoetherError;
}

describe('compositions/', () => {
  it('holds the seven graphs of CALORON §5, each with a declared input that the checker accepts', async () => {
    const files = readdirSync(COMPOSITIONS).sort();
    expect(files).toEqual([
      'full_cycle.json',
      'kickoff.json',
      'retro.json',
      'spawn_agent.json',
      'sprint_plan.json',
      'sprint_tick_core.json',
      'sprint_tick_stateful.json',
    ]);
    for (const file of files) {
      // Closed: a misspelt field is refused. unevaluatedProperties closes an input made of allOf parts.
      const input = readGraph(file).input as Record<string, unknown>;
      expect(input.type, file).toBe('object');
      expect(input.additionalProperties ?? input.unevaluatedProperties, file).toBe(false);
      const report = await engine.check(graph(file));
      expect(report.errors, file).toEqual([]);
      expect(report.ok, file).toBe(true);
    }
  });

  it('wraps exactly the core tick in the stateful one', () => {
    const core = readGraph('sprint_tick_core.json').root;
    const stateful = readGraph('sprint_tick_stateful.json').root as {
      stages: [unknown, { if_false: { bindings: { tick_result: unknown } } }];
    };
    expect(stateful.stages[1].if_false.bindings.tick_result).toEqual(core);
  });

  it('declares as the core’s input exactly what load_tick_state hands it', () => {
    const handed = structuredClone(stageSchemas('load_tick_state').output) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    delete handed.properties.busy;
    delete handed.properties.state_path;
    handed.required = handed.required.filter((key) => key !== 'busy' && key !== 'state_path');
    expect(readGraph('sprint_tick_core.json').input).toEqual(handed);
  });

  it('declares as spawn_agent’s input exactly what shell_spawn_agent takes (the POST /spawn body and shell_url), closed', () => {
    expect(readGraph('spawn_agent.json').input).toEqual({
      ...stageSchemas('shell_spawn_agent').input,
      unevaluatedProperties: false,
    });
  });

  // Copied from the stages once; these keep them from drifting apart as the stages change.
  it.each([
    ['sprint_tick_stateful.json', 'load_tick_state'],
    ['retro.json', 'load_sprint_outcome'],
    ['full_cycle.json', 'design_po'],
    ['sprint_plan.json', 'architect_po'],
  ])('declares as %s’s input exactly what its first stage, %s, takes, closed', (file, stage) => {
    expect(readGraph(file).input).toEqual({ ...stageSchemas(stage).input, additionalProperties: false });
  });

  it('declares as kickoff’s input exactly what its first two stages take, fetch_repo_context and plan_to_dag, closed', () => {
    type Input = { properties: object; required: string[]; $defs: object };
    const context = stageSchemas('fetch_repo_context').input as Input;
    const plan = stageSchemas('plan_to_dag').input as Input;
    const input = readGraph('kickoff.json').input as Input;
    expect({ ...input, required: [...input.required].sort() }).toEqual({
      type: 'object',
      properties: { ...context.properties, ...plan.properties },
      required: [...new Set([...context.required, ...plan.required])].sort(),
      additionalProperties: false,
      $defs: { ...context.$defs, ...plan.$defs },
    });
  });

  it('refuses a spawn_agent input with a misspelt field before asking any shell', async () => {
    const error = await failure(
      engine.run(graph('spawn_agent.json'), {
        shell_url: 'http://127.0.0.1:9',
        sprint_id: 's1',
        task_id: 'a',
        agent_id: 'dev-a',
        role: 'developer',
        repo: 'caloron/demo',
        issue_numbr: 1,
      }),
    );
    expect(error.code).toBe('NOE_INPUT_INVALID');
    expect(error.message).toMatch(/unevaluated properties/);
  });
});

describe('with the embedded forge and shell', () => {
  let environment: SprintEnvironment;
  beforeAll(async () => {
    environment = await startSprintEnvironment({
      dir: tempProject({}, 'caloron-compositions-'),
      harnessCommand: [...caloronHarness],
      heartbeatIntervalMs: 1000,
    });
  });
  afterAll(() => environment.close());

  const run = (name: string, input: unknown) => engine.run(graph(name), input, { env: environment.env });
  const statePath = (sprint: string) => join(environment.kvDir, `${sprint}.json`);
  const readState = (sprint: string) => JSON.parse(readFileSync(statePath(sprint), 'utf8')) as TickState;

  describe('kickoff.json', () => {
    it('opens one caloron:task issue per task and persists the initial state with the issue numbers', async () => {
      const { output } = await run('kickoff.json', environment.kickoffInput('kick', DIAMOND));
      const issues = (await forgeRecord(environment)).issues.filter((issue) => issue.title !== '');
      const numbers = (output as { tasks: { task_id: string; issue_number: number; created: boolean }[] })
        .tasks;
      expect(numbers.map((task) => [task.task_id, task.created])).toEqual([
        ['a', true],
        ['b', true],
        ['c', true],
        ['d', true],
      ]);
      const state = readState('kick').state;
      for (const { task_id: id, issue_number: issue } of numbers) {
        expect(state.tasks[id]).toMatchObject({ status: 'Pending', issue_number: issue, framework: 'stub' });
        expect(issues.find((candidate) => candidate.number === issue)?.labels).toEqual(['caloron:task']);
      }
      expect(readState('kick')).toMatchObject({
        schema_version: 1,
        since: null,
        seen: [],
        interventions: {},
      });
    });

    it('is idempotent: a second run opens no issue and keeps the sprint’s state as it is', async () => {
      const before = (await forgeRecord(environment)).issues.length;
      const state = readFileSync(statePath('kick'), 'utf8');
      const { output } = await run('kickoff.json', environment.kickoffInput('kick', DIAMOND));
      expect(output).toMatchObject({ resumed: true });
      expect((output as { tasks: { created: boolean }[] }).tasks.every((task) => !task.created)).toBe(true);
      expect((await forgeRecord(environment)).issues.length).toBe(before);
      expect(readFileSync(statePath('kick'), 'utf8')).toBe(state);
    });

    it('refuses another plan under a sprint id already kicked off', async () => {
      const error = await failure(run('kickoff.json', environment.kickoffInput('kick', DIAMOND.slice(0, 2))));
      expect(error.code).toBe('NOE_SPRINT_EXISTS');
    });

    it('stops an invalid plan before any issue is opened, listing every error', async () => {
      const before = (await forgeRecord(environment)).issues.length;
      const cyclic: PlanTask[] = [
        { id: 'x', title: 'X', depends_on: ['y'] },
        { id: 'y', title: 'Y', depends_on: ['x', 'nowhere'] },
      ];
      const error = await failure(run('kickoff.json', environment.kickoffInput('cyclic', cyclic)));
      expect(error.code).toBe('NOE_DAG_INVALID');
      expect(error.message).toMatch(/unknown_dependency/);
      expect(error.message).toMatch(/cycle/);
      expect((await forgeRecord(environment)).issues.length).toBe(before);
      expect(existsSync(statePath('cyclic'))).toBe(false);
    });
  });

  describe('sprint_tick_stateful.json', () => {
    it('ends quietly, acting on nothing and writing nothing, when another live tick holds the sprint', async () => {
      await run('kickoff.json', environment.kickoffInput('held', DIAMOND.slice(0, 1)));
      const lock: TickLock = {
        owner: 'b'.repeat(32),
        pid: process.pid,
        process_start: null,
        hostname: hostname(),
        acquired_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 600_000).toISOString(),
      };
      writeFileSync(join(environment.kvDir, 'held.lock'), JSON.stringify(lock));
      const written = statSync(statePath('held')).mtimeMs;
      const { output } = await run('sprint_tick_stateful.json', environment.tickInput('held'));
      expect(output).toEqual({
        busy: true,
        actions_taken: [],
        errors: [],
        persisted_path: statePath('held'),
        complete: false,
        stuck: false,
      });
      expect(statSync(statePath('held')).mtimeMs).toBe(written);
      expect(readState('held').state.tasks.a?.status).toBe('Pending');
    });

    it('starts the first task on its first tick and saves the state, releasing the lock', async () => {
      await run('kickoff.json', environment.kickoffInput('first', DIAMOND.slice(0, 1)));
      const { output } = await run('sprint_tick_stateful.json', environment.tickInput('first'));
      expect(output).toMatchObject({ busy: false, errors: [], persisted_path: statePath('first') });
      expect((output as { actions_taken: string[] }).actions_taken).toEqual(['first:a:spawn_agent:0']);
      expect(readState('first').state.tasks.a?.status).toBe('InProgress');
      expect(existsSync(join(environment.kvDir, 'first.lock'))).toBe(false);
    });

    it('says the sprint was never kicked off', async () => {
      const error = await failure(run('sprint_tick_stateful.json', environment.tickInput('never')));
      expect(error.code).toBe('NOE_SPRINT_NOT_FOUND');
    });
  });

  describe('retro.json', () => {
    it('writes the report and the learnings of a sprint under way to the reports directory', async () => {
      await run('kickoff.json', environment.kickoffInput('retro', DIAMOND));
      const { output } = await run('retro.json', environment.retroInput('retro'));
      const report = join(environment.reportsDir, 'retro.md');
      expect(output).toMatchObject({
        sprint_id: 'retro',
        report_path: report,
        learnings_path: join(environment.reportsDir, 'retro.learnings.json'),
      });
      expect(readFileSync(report, 'utf8')).toMatch(/retro/);
      const learnings: unknown = JSON.parse(
        readFileSync(join(environment.reportsDir, 'retro.learnings.json'), 'utf8'),
      );
      expect(learnings).toEqual({
        sprint_id: 'retro',
        learnings: (output as { learnings: string[] }).learnings,
      });
    });
  });

  describe('spawn_agent.json', () => {
    it('spawns one agent through the shell and returns its record', async () => {
      await run('kickoff.json', environment.kickoffInput('spawn', DIAMOND.slice(0, 1)));
      const issue = readState('spawn').state.tasks.a?.issue_number ?? 0;
      const { output } = await run('spawn_agent.json', {
        shell_url: environment.shell.url,
        sprint_id: 'spawn',
        task_id: 'a',
        agent_id: 'dev-a',
        role: 'developer',
        framework: 'stub',
        repo: environment.forgeConfig.repo,
        issue_number: issue,
      });
      expect(output).toMatchObject({ agent: { agent_id: 'dev-a', task_id: 'a', role: 'developer' } });
      expect((output as { pid: number }).pid).toBeGreaterThan(0);
    });

    it('fails with NOE_SHELL_FAILED when the shell refuses the token', async () => {
      const error = await failure(
        engine.run(
          graph('spawn_agent.json'),
          {
            shell_url: environment.shell.url,
            sprint_id: 'spawn',
            task_id: 'a',
            agent_id: 'dev-a',
            role: 'developer',
            repo: environment.forgeConfig.repo,
          },
          { env: { ...environment.env, CALORON_SHELL_TOKEN: 'wrong' } },
        ),
      );
      expect(error.code).toBe('NOE_SHELL_FAILED');
      expect(error.message).toMatch(/401/);
      expect(error.message).not.toMatch(environment.env.CALORON_SHELL_TOKEN ?? '');
    });
  });
});

describe('full_cycle.json and sprint_plan.json, without an LLM (the phases’ template answers)', () => {
  const env = { PATH: process.env.PATH ?? '' };

  it('plans tasks that kickoff can take: plan tasks that form a valid DAG', async () => {
    const { output } = await engine.run(
      graph('full_cycle.json'),
      { goal: 'Add a /health endpoint' },
      { env },
    );
    const tasks = (output as { tasks: PlanTask[] }).tasks;
    expect(tasks.length).toBeGreaterThan(0);
    const { output: dag } = await engine.run(
      {
        description: 'plan_to_dag then dag_validate',
        version: '1.0.0',
        root: {
          op: 'Sequential',
          stages: [
            { op: 'Stage', id: 'plan_to_dag' },
            { op: 'Stage', id: 'dag_validate' },
          ],
        },
      },
      { sprint_id: 'planned', tasks },
    );
    expect(dag).toEqual({ valid: true, errors: [] });
  });

  it('gives the architecture and the development tasks of a goal', async () => {
    const { output } = await engine.run(
      graph('sprint_plan.json'),
      { goal: 'Add a /health endpoint' },
      { env },
    );
    const plan = output as { design_doc: unknown; components: unknown };
    expect(typeof plan.design_doc).toBe('string');
    expect(Array.isArray(plan.components)).toBe(true);
    expect((output as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);
  });
});
