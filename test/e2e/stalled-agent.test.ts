// Variant (d) of the whole loop: an agent that stops beating. Its harness beats once when it
// starts and then hangs, so with a small stall threshold every tick after that finds it
// stalled, and the supervisor climbs its one ladder (CALORON §2): a probe (a comment on the
// task's issue), then a restart (the shell's /restart: a new process, which again beats once
// and hangs), then an escalation (an issue labelled caloron:escalated, the task Escalated) —
// exactly once each; ticks after that change nothing anywhere.
//
// An agent that never beats at all is `missing` only after the 2-minute spawn grace, far too
// slow for a test; one that beats once is `stalled` after the threshold. Each tick waits
// until the live agent's last beat is older than the threshold: a tick inside that window
// would rightly see a healthy agent (and reset the ladder), which is not what this tests.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, PlanTask, SaveTickStateOutput } from '../../schemas/generated/types.js';
import { eventually, isRunning } from '../run/command-liveness.js';
import { tempProject } from '../temp-project.js';
import { type ForgeRecord, forgeRecord } from './forge-record.js';
import { type SprintRun, startSprintRun } from './sprint-run.js';

const SPRINT = 'stall';
const TASK = 'stuck';
const DEVELOPER = `dev-${TASK}`;
/** 1.2 s: small, so the test is quick; the waits below give it a wide margin. */
const STALL_THRESHOLD_M = 0.02;
const STALE_AFTER_MS = STALL_THRESHOLD_M * 60_000 + 800;

/**
 * A harness that beats, and once the shell shows that beat on this process's own record,
 * never beats again nor ends. (A beat can land before the shell has written the record of a
 * spawn or a restart, and is then lost; the real harness heals that with its next beat, this
 * one by beating again until its beat shows.) It leaves `<pidsDir>/<pid>` behind, so the
 * test counts how many processes the shell started.
 */
function stallingHarness(pidsDir: string): string[] {
  const script = `
const { readFileSync, writeFileSync } = require('node:fs');
const config = JSON.parse(readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8'));
writeFileSync(require('node:path').join(${JSON.stringify(pidsDir)}, String(process.pid)), config.agent_id);
const shell = config.shell_url.replace(/\\/+$/, '');
const token = { 'x-caloron-token': process.env.CALORON_SHELL_TOKEN };
const ids = { sprint_id: config.sprint_id, agent_id: config.agent_id, task_id: config.task_id };
(async () => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await fetch(shell + '/heartbeat', {
      method: 'POST',
      headers: { ...token, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ids, status: 'running' }),
    }).catch(() => undefined);
    const status = await fetch(shell + '/status?sprint_id=' + ids.sprint_id, { headers: token })
      .then((reply) => reply.json())
      .catch(() => undefined);
    const mine = status?.agents?.find((agent) => agent.agent_id === ids.agent_id && agent.pid === process.pid);
    if (mine !== undefined && mine.last_beat_at !== null) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
})();
setInterval(() => {}, 1000);
`;
  return [process.execPath, '-e', script, '--'];
}

const plan: PlanTask[] = [{ id: TASK, title: 'A task whose agent hangs', depends_on: [] }];
const pidsDir = tempProject({}, 'stalling-harness-');
const started = () => (existsSync(pidsDir) ? readdirSync(pidsDir).map(Number) : []);

let run: SprintRun;
/** The tick outputs of the climb: probe, restart, escalate. */
const climb: SaveTickStateOutput[] = [];
let firstPid = 0;
let secondPid = 0;

/** Waits until the developer's live process (not `previousPid`) has beaten, longer ago than the threshold. */
async function staleRecord(previousPid: number): Promise<AgentRecord> {
  let found: AgentRecord | undefined;
  await eventually(
    `${DEVELOPER}'s beat to go stale`,
    () => {
      found = run.agents()?.agents[DEVELOPER];
      return (
        found !== undefined &&
        found.pid !== previousPid &&
        found.status === 'running' &&
        found.last_beat_at !== null &&
        Date.now() - Date.parse(found.last_beat_at) > STALE_AFTER_MS
      );
    },
    30_000,
  );
  return found as AgentRecord;
}

beforeAll(async () => {
  run = await startSprintRun({
    sprintId: SPRINT,
    plan,
    environment: { harnessCommand: stallingHarness(pidsDir) },
    tick: { stallThresholdM: STALL_THRESHOLD_M },
  });
  const spawned = await run.tick();
  expect(spawned.actions_taken).toContain(`${SPRINT}:${TASK}:spawn_agent:0`);
  firstPid = (await staleRecord(0)).pid ?? 0;
  climb.push(await run.tick());
  // Still the first process, still stale: the probe changed nothing for it.
  expect((await staleRecord(0)).pid).toBe(firstPid);
  climb.push(await run.tick());
  secondPid = (await staleRecord(firstPid)).pid ?? 0;
  climb.push(await run.tick());
}, 90_000);

afterAll(() => run?.close());

const ofKind = (keys: readonly string[], kind: string) => keys.filter((key) => key.includes(`:${kind}:`));

describe('an agent that stops beating', () => {
  it('is probed on the first stalled tick, with a comment on its issue', () => {
    expect(climb[0]).toMatchObject({ actions_taken: [`${SPRINT}:${TASK}:probe:0`], errors: [] });
    expect(climb[0]?.stuck).toBe(false);
  });

  it('is restarted on the next: the shell replaces its process', () => {
    expect(climb[1]).toMatchObject({ actions_taken: [`${SPRINT}:${TASK}:restart:1`], errors: [] });
    expect(secondPid).not.toBe(firstPid);
    expect(isRunning(firstPid)).toBe(false);
  });

  it('is escalated on the one after: the task is Escalated and the sprint stuck', () => {
    expect(climb[2]?.errors).toEqual([]);
    expect(ofKind(climb[2]?.actions_taken ?? [], 'escalate')).toHaveLength(1);
    expect(climb[2]).toMatchObject({ complete: false, stuck: true });
    expect(run.state().state.tasks[TASK]).toMatchObject({ status: 'Escalated' });
    expect(run.state().interventions[TASK]).toMatchObject({ agent_id: DEVELOPER, step: 3, total: 3 });
  });

  describe('and once escalated, further ticks', () => {
    let before: { journal: string[]; forge: ForgeRecord; pids: number[] };
    const after: SaveTickStateOutput[] = [];

    beforeAll(async () => {
      before = { journal: run.journal(), forge: await forgeRecord(run.environment), pids: started() };
      for (let count = 0; count < 3; count += 1) {
        await new Promise((resolve) => setTimeout(resolve, STALE_AFTER_MS));
        after.push(await run.tick());
      }
    }, 60_000);

    it('perform nothing and fail nothing', () => {
      for (const output of after)
        expect(output).toMatchObject({ actions_taken: [], errors: [], stuck: true });
      expect(run.journal()).toEqual(before.journal);
      expect(started()).toEqual(before.pids);
    });

    it('leave the forge exactly as the escalation left it', async () => {
      expect(await forgeRecord(run.environment)).toEqual(before.forge);
    });
  });

  describe('over the whole sprint', () => {
    let forge: ForgeRecord;
    beforeAll(async () => {
      forge = await forgeRecord(run.environment);
    });

    it('journals one probe, one restart and one escalation', () => {
      const journal = run.journal();
      expect(ofKind(journal, 'probe')).toEqual([
        `${SPRINT}:${TASK}:probe:0#comment`,
        `${SPRINT}:${TASK}:probe:0`,
      ]);
      expect(ofKind(journal, 'restart')).toEqual([
        `${SPRINT}:${TASK}:restart:1#restart`,
        `${SPRINT}:${TASK}:restart:1`,
      ]);
      expect(ofKind(journal, 'escalate')).toHaveLength(1);
    });

    it('has the shell start the agent twice: the spawn and the restart', () => {
      expect(started().sort()).toEqual([firstPid, secondPid].sort());
    });

    it("posts exactly one probe comment on the task's issue", () => {
      const issue = forge.issues.find((candidate) => candidate.labels.includes('caloron:task'));
      const probes = issue?.comments.filter((body) =>
        body.includes(`caloron:action key=${SPRINT}:${TASK}:probe:`),
      );
      expect(probes).toHaveLength(1);
      expect(probes?.[0]).toContain(DEVELOPER);
    });

    it('opens exactly one escalation issue, which the task records', () => {
      const escalations = forge.issues.filter((issue) => issue.labels.includes('caloron:escalated'));
      expect(escalations).toHaveLength(1);
      expect(escalations[0]).toMatchObject({
        state: 'open',
        title: `Escalation: task ${TASK} of sprint ${SPRINT}`,
      });
      expect(run.state().state.tasks[TASK]?.escalation_issue_number).toBe(escalations[0]?.number);
      expect(forge.issues).toHaveLength(2);
    });
  });
});
