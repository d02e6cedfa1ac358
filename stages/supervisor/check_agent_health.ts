// check_agent_health (CALORON §2): a verdict on the agent of every active task, read from
// the shell's records (<sprint_id>.agents.json) against `now`. Pure: the clock comes in as
// `now`, so a tick's verdicts are reproducible from its input.
//
// Rules, in order, for the agent a task waits on (see active-agent.ts):
// - A record counts only if it is about this task, in this role, and started no earlier
//   than the task's last status change: the shell keeps one record per agent, so a
//   record about another task, or left over from an earlier episode of this one (the
//   developer that finished before changes were requested), says nothing about now.
// - No record that counts: `missing` once the task changed status over 2 minutes ago
//   (the spawn should have happened by then), `healthy` before. A task with neither
//   status_changed_at nor started_at gives no grace: `missing`.
// - Record `exited`, `failed` or `killed`: `exited` (gone without finishing).
// - Record `done`: the agent says it finished, and its pull request or review has not
//   reached the task yet — the poller sees it on the next tick, so that is `healthy`.
//   It stays healthy for stall_threshold_m after the agent ended; past that the work
//   never reached the forge, and the verdict is `exited` (restart it).
// - Record `running`: never beat → `missing` once started over 2 minutes ago, else
//   `healthy`; last beat more than stall_threshold_m ago → `stalled`, else `healthy`.
//
// Comparisons use the exact difference in milliseconds and are strict ("over 2 minutes",
// "more than the threshold"). `minutes_since_beat` is only for people: the minutes since
// the last beat rounded half up to a tenth (integer arithmetic, so never banker's
// rounding and no float drift), 0 for a beat stamped after `now` (clock skew), null when
// the agent never beat or no record counts.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type {
  AgentRecord,
  CheckAgentHealthInput,
  CheckAgentHealthOutput,
  HealthResult,
  Task,
} from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { activeAgent, type ActiveAgent } from './active-agent.js';
import { EXAMPLE_STATE } from './example-state.js';

/** CALORON §2: an agent that never beat is missing once started over 2 minutes ago. */
const SPAWN_GRACE_MS = 2 * 60_000;
const MINUTE_MS = 60_000;

/** The instant of an RFC 3339 timestamp the schema accepted, or a clear error for one JS cannot place (a leap second). */
function instant(timestamp: string, pointer: string): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms))
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `check_agent_health: ${pointer} is "${timestamp}", a timestamp that cannot be placed in time (a leap second?)`,
      { place: { pointer } },
    );
  return ms;
}

/** Minutes rounded half up to a tenth: floor((ms + 3000) / 6000) tenths, exact for integer ms. */
function roundedMinutes(ms: number): number {
  return Math.floor((Math.max(0, ms) + 3000) / 6000) / 10;
}

function verdict(
  task: Task,
  agent: ActiveAgent,
  record: AgentRecord | undefined,
  now: number,
  thresholdMs: number,
): Pick<HealthResult, 'status' | 'minutes_since_beat'> {
  const taskPointer = `/state/tasks/${task.id}`;
  const changed = task.status_changed_at ?? task.started_at;
  const episodeStart =
    changed === null
      ? null
      : instant(
          changed,
          `${taskPointer}/${task.status_changed_at === null ? 'started_at' : 'status_changed_at'}`,
        );
  const recordPointer = `/agents/${agent.agent_id}`;
  const counts =
    record !== undefined &&
    record.task_id === task.id &&
    record.role === agent.role &&
    (episodeStart === null || instant(record.started_at, `${recordPointer}/started_at`) >= episodeStart);
  if (!counts) {
    const missing = episodeStart === null || now - episodeStart > SPAWN_GRACE_MS;
    return { status: missing ? 'missing' : 'healthy', minutes_since_beat: null };
  }
  const beat =
    record.last_beat_at === null ? null : instant(record.last_beat_at, `${recordPointer}/last_beat_at`);
  const minutes_since_beat = beat === null ? null : roundedMinutes(now - beat);
  switch (record.status) {
    case 'exited':
    case 'failed':
    case 'killed':
      return { status: 'exited', minutes_since_beat };
    case 'done': {
      // A harness that said done without an end time ended at its last word.
      const [field, endedAt] =
        record.ended_at !== null
          ? ['ended_at', record.ended_at]
          : record.last_beat_at !== null
            ? ['last_beat_at', record.last_beat_at]
            : ['started_at', record.started_at];
      const ended = instant(endedAt, `${recordPointer}/${field}`);
      return { status: now - ended > thresholdMs ? 'exited' : 'healthy', minutes_since_beat };
    }
    case 'running': {
      if (beat === null) {
        const started = instant(record.started_at, `${recordPointer}/started_at`);
        return { status: now - started > SPAWN_GRACE_MS ? 'missing' : 'healthy', minutes_since_beat };
      }
      return { status: now - beat > thresholdMs ? 'stalled' : 'healthy', minutes_since_beat };
    }
    default: {
      const never: never = record.status;
      return never;
    }
  }
}

function run(input: CheckAgentHealthInput): CheckAgentHealthOutput {
  const now = instant(input.now, '/now');
  const thresholdMs = input.stall_threshold_m * MINUTE_MS;
  for (const [key, record] of Object.entries(input.agents))
    if (record !== undefined && record.agent_id !== key)
      throw new NoetherError(
        'NOE_STAGE_INPUT_VIOLATION',
        `check_agent_health: /agents/${key} holds the record of agent "${record.agent_id}"; the agents map is keyed by agent id`,
        { place: { pointer: `/agents/${key}/agent_id` } },
      );
  const results: HealthResult[] = [];
  for (const task of Object.values(input.state.tasks)) {
    if (task === undefined) continue;
    const agent = activeAgent(task);
    if (agent === undefined) continue;
    const record = input.agents[agent.agent_id];
    results.push({ task_id: task.id, ...agent, ...verdict(task, agent, record, now, thresholdMs) });
  }
  return { results };
}

export const checkAgentHealth = defineStage<CheckAgentHealthInput, CheckAgentHealthOutput>({
  name: 'check_agent_health',
  description:
    'Judges the agent of every active task healthy, stalled, missing or exited from its heartbeats.',
  ...stageSchemas('check_agent_health'),
  effects: ['Pure', 'Fallible'],
  run,
  examples: [
    {
      input: {
        state: EXAMPLE_STATE,
        agents: {
          'dev-1': {
            agent_id: 'dev-1',
            sprint_id: 's1',
            task_id: 'a',
            role: 'developer',
            pid: 4242,
            process_start: '123456',
            started_at: '2026-01-01T10:00:05Z',
            last_beat_at: '2026-01-01T10:04:00Z',
            status: 'running',
            exit_code: null,
            ended_at: null,
          },
        },
        now: '2026-01-01T10:30:03Z',
        stall_threshold_m: 20,
      },
      output: {
        results: [
          { task_id: 'a', agent_id: 'dev-1', role: 'developer', status: 'stalled', minutes_since_beat: 26.1 },
        ],
      },
    },
  ],
});
