// save_tick_state (CALORON §1): persists the tick's state through the one writer of the
// format and reports the tick's outcome; what it writes, load_tick_state reads back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  LoadTickStateOutput,
  SaveTickStateInput,
  SaveTickStateOutput,
} from '../../../schemas/generated/types.js';
import { loadTickState, saveTickState } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { HOSTILE_IDS } from '../../fixtures/kv/hostile-ids.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { kickedOffState, tickInput } from '../../fixtures/kv/tick-input.js';
import { validateValue } from '../../../engine/schema/index.js';

function tickResult(sprintId = 'demo'): SaveTickStateInput['tick_result'] {
  const { state, interventions } = kickedOffState(sprintId);
  return {
    actions_taken: ['demo:a:spawn_agent:1'],
    errors: [],
    state: { ...state, processed_events: ['issue-1-opened'] },
    interventions,
    since: '2026-01-01T00:41:00.000Z',
    seen: ['issue-1-opened'],
    complete: false,
    stuck: false,
  };
}

async function save(kvDir: string, input: SaveTickStateInput): Promise<SaveTickStateOutput> {
  return (await callStage(saveTickState, input, { env: { CALORON_KV_DIR: kvDir } })) as SaveTickStateOutput;
}

describe('save_tick_state', () => {
  it("reports the tick's outcome and where the state went", async () => {
    const kvDir = kvDirWith();
    const output = await save(kvDir, { sprint_id: 'demo', tick_result: tickResult() });
    expect(output).toEqual({
      busy: false,
      actions_taken: ['demo:a:spawn_agent:1'],
      errors: [],
      persisted_path: join(kvDir, 'demo.json'),
      complete: false,
      stuck: false,
    });
  });

  it('persists state, interventions, cursor and seen ids, not the report of the tick', async () => {
    const kvDir = kvDirWith();
    const result = tickResult();
    await save(kvDir, { sprint_id: 'demo', tick_result: result });
    expect(JSON.parse(readFileSync(join(kvDir, 'demo.json'), 'utf8'))).toEqual({
      schema_version: 1,
      state: result.state,
      interventions: result.interventions,
      since: result.since,
      seen: result.seen,
    });
    expect(readdirSync(kvDir)).toEqual(['demo.json']);
  });

  it('writes what the next load_tick_state reads back', async () => {
    const kvDir = kvDirWith();
    const result = tickResult();
    await save(kvDir, { sprint_id: 'demo', tick_result: result });
    const hooks: (() => void | Promise<void>)[] = [];
    const loaded = (await callStage(loadTickState, tickInput('demo'), {
      env: { CALORON_KV_DIR: kvDir },
      runEndHooks: hooks,
    })) as LoadTickStateOutput;
    for (const hook of hooks) await hook();
    expect([loaded.state, loaded.interventions, loaded.since, loaded.seen]).toEqual([
      result.state,
      result.interventions,
      result.since,
      result.seen,
    ]);
  });

  it("refuses to file one sprint's state under another sprint", async () => {
    const kvDir = kvDirWith();
    await expect(save(kvDir, { sprint_id: 'other', tick_result: tickResult('demo') })).rejects.toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
    });
    expect(readdirSync(kvDir)).toEqual([]);
  });

  it.each(HOSTILE_IDS)('is refused the sprint id %j by its input schema', (id) => {
    expect(validateValue(saveTickState.input, { sprint_id: id, tick_result: tickResult() })).not.toEqual([]);
  });
});
