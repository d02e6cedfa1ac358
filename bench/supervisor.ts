// How long the supervisor's pure stages take on a large sprint: check_agent_health and
// decide_intervention over 10,000 tasks, half of them active, a third of those stalled and
// on a ladder. Median of several runs after warm-up, `run` alone (the executor's schema
// validation around it is measured by bench/check.ts's kind of figures, not here).
// Prints figures; asserts nothing.
import { performance } from 'node:perf_hooks';
import type { Stage } from '../engine/stage/index.js';
import type {
  AgentRecord,
  CheckAgentHealthInput,
  CheckAgentHealthOutput,
  DecideInterventionInput,
  Interventions,
  Task,
} from '../schemas/generated/types.js';
import { checkAgentHealth, decideIntervention } from '../stages/supervisor/index.js';

const TASKS = 10_000;
const T0 = Date.parse('2026-01-01T10:00:00Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const tasks: Record<string, Task> = {};
const agents: Record<string, AgentRecord> = {};
const interventions: Interventions = {};
for (let i = 0; i < TASKS; i++) {
  const id = `t${i}`;
  const status = i % 2 === 0 ? 'InProgress' : i % 4 === 1 ? 'Pending' : 'Done';
  tasks[id] = {
    id,
    title: `Task ${i}`,
    status,
    depends_on: [],
    agent_id: `dev-${i}`,
    reviewer_id: `rev-${i}`,
    issue_number: i + 1,
    pr_number: null,
    started_at: iso(0),
    completed_at: null,
    status_changed_at: iso(0),
    review_cycles: 0,
    intervention_count: 0,
    action_seq: 1,
  };
  if (status !== 'InProgress') continue;
  const stalled = i % 3 === 0;
  agents[`dev-${i}`] = {
    agent_id: `dev-${i}`,
    sprint_id: 's1',
    task_id: id,
    role: 'developer',
    pid: 1000 + i,
    process_start: '1',
    started_at: iso(0.1),
    last_beat_at: iso(stalled ? 5 : 29),
    status: 'running',
    exit_code: null,
    ended_at: null,
  };
  if (stalled)
    interventions[id] = { agent_id: `dev-${i}`, step: i % 4 === 0 ? 1 : 0, total: 1, last_at: iso(20) };
}
const state = { sprint_id: 's1', tasks, processed_events: [] };
const healthInput: CheckAgentHealthInput = { state, agents, now: iso(30), stall_threshold_m: 20 };

function runOf(stage: Stage): (input: unknown) => unknown {
  if (stage.implementation.kind !== 'builtin') throw new Error(`${stage.name} is not built in`);
  const { run } = stage.implementation;
  const ctx = { signal: new AbortController().signal, log: () => {}, onRunEnd: () => {}, env: {} };
  return (input) => run(input, ctx);
}

function median(fn: () => unknown, runs = 15, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(runs / 2)] ?? NaN;
}

const health = runOf(checkAgentHealth);
const decide = runOf(decideIntervention);
const { results } = health(healthInput) as CheckAgentHealthOutput;
const decideInput: DecideInterventionInput = { results, interventions, state, now: iso(30), sprint_id: 's1' };
console.log(
  `check_agent_health, ${TASKS} tasks (${results.length} active): ${median(() => health(healthInput)).toFixed(2)} ms`,
);
console.log(
  `decide_intervention, ${results.length} verdicts: ${median(() => decide(decideInput)).toFixed(2)} ms`,
);
