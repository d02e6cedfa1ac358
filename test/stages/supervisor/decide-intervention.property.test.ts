// decide_intervention's ladder as properties (fast-check): over random sequences of
// verdicts, one per tick, for a few tasks whose status follows the supervisor's
// escalations the way dag_evaluate applies them (escalated → Escalated, later handed back
// by a human) — or, in some runs, not at all, to keep tasks active at step 3.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  DagState,
  DecideInterventionInput,
  DecideInterventionOutput,
  HealthResult,
  Interventions,
} from '../../../schemas/generated/types.js';
import { decideIntervention } from '../../../stages/supervisor/index.js';
import { callStage } from '../call-stage.js';
import { at, dag, task } from './fixtures.js';

type Status = HealthResult['status'];

/** What happens to one task in one tick: a verdict (with or without a beat), or a human hand-back while escalated. */
const tickEvent = fc.record({
  status: fc.constantFrom<Status>('healthy', 'stalled', 'missing', 'exited'),
  beat: fc.boolean(),
  handBack: fc.boolean(),
});

const scenario = fc.record({
  ids: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }),
  ticks: fc.array(fc.array(tickEvent, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
  // false: escalations are not applied, so tasks stay active at step 3 and the ladder
  // must hold there silently.
  escalationsApplied: fc.boolean(),
});

describe('decide_intervention, over random verdict sequences', () => {
  it('never skips a step except exited → restart, never emits twice at step 3, always resets on a beat, never mutates its input, never reuses a key', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ ids, ticks, escalationsApplied }) => {
        let state: DagState = dag(...ids.map((id) => task(id)));
        let interventions: Interventions = {};
        const keys = new Set<string>();
        for (const [minute, events] of ticks.entries()) {
          const results: HealthResult[] = [];
          ids.forEach((id, index) => {
            const event = events[index];
            const t = state.tasks[id];
            if (event === undefined || t === undefined || t.status !== 'InProgress') return;
            results.push({
              task_id: id,
              agent_id: t.agent_id,
              role: 'developer',
              status: event.status,
              minutes_since_beat: event.beat ? 3 : null,
            });
          });
          const input: DecideInterventionInput = {
            results,
            interventions,
            state,
            now: at(minute),
            sprint_id: 's1',
          };
          const before = structuredClone(input);
          const out = (await callStage(decideIntervention, input)) as DecideInterventionOutput;
          expect(input).toEqual(before);

          for (const id of ids) {
            const was = interventions[id]?.step ?? 0;
            const now = out.interventions[id]?.step ?? 0;
            const result = results.find((r) => r.task_id === id);
            const emitted = [
              ...out.actions.filter((x) => x.task_id === id).map((x) => x.type),
              ...out.escalations.filter((e) => e.task_id === id).map(() => 'escalate'),
            ];
            expect(emitted.length).toBeLessThanOrEqual(1);
            if (result === undefined) {
              // Not active (escalated): parked at 0, nothing emitted.
              expect(now).toBe(0);
              expect(emitted).toEqual([]);
            } else if (result.status === 'healthy') {
              expect(now).toBe(result.minutes_since_beat === null ? was : 0);
              expect(emitted).toEqual([]);
            } else if (was === 3) {
              expect(now).toBe(3);
              expect(emitted).toEqual([]);
            } else {
              const expected = was === 0 && result.status === 'exited' ? 2 : was + 1;
              expect(now).toBe(expected);
              expect(emitted).toEqual([['', 'probe', 'restart', 'escalate'][expected]]);
            }
          }
          for (const action of out.actions) {
            expect(keys.has(action.key)).toBe(false);
            keys.add(action.key);
          }

          // dag_evaluate's side of the contract: an escalation moves the task to Escalated;
          // a human may hand an escalated task back (resolved → Ready → InProgress).
          const tasks = { ...state.tasks };
          for (const e of escalationsApplied ? out.escalations : []) {
            const t = tasks[e.task_id];
            if (t !== undefined) tasks[e.task_id] = { ...t, status: 'Escalated' };
          }
          ids.forEach((id, index) => {
            const t = state.tasks[id];
            if (t?.status === 'Escalated' && events[index]?.handBack === true)
              tasks[id] = { ...t, status: 'InProgress' };
          });
          state = { ...state, tasks };
          interventions = out.interventions;
        }
      }),
      { numRuns: 100 },
    );
  });
});
