// The KV store (CALORON §1): where the directory is, ids checked before any path is built,
// one reader and one writer per file format, and clear errors instead of silent defaults.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoetherError } from '../../../engine/errors.js';
import {
  caloronFolder,
  kvDirectory,
  readAgents,
  readTickState,
  sprintPath,
  writeTickState,
} from '../../../stages/sprint/kv-store.js';
import { HOSTILE_IDS } from '../../fixtures/kv/hostile-ids.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { kickedOffState } from '../../fixtures/kv/tick-input.js';

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

describe('kvDirectory', () => {
  it('is CALORON_KV_DIR when set', () => {
    expect(kvDirectory({ CALORON_KV_DIR: '/srv/kv', HOME: '/home/u' })).toBe('/srv/kv');
  });

  it('defaults to ~/.caloron/kv from HOME when CALORON_KV_DIR is unset or empty', () => {
    expect(kvDirectory({ HOME: '/home/u' })).toBe('/home/u/.caloron/kv');
    expect(kvDirectory({ CALORON_KV_DIR: '', HOME: '/home/u' })).toBe('/home/u/.caloron/kv');
  });

  it('says what to set when neither is usable', () => {
    const error = thrownBy(() => kvDirectory({}));
    expect(error.code).toBe('NOE_USAGE');
    expect(error.message).toContain('CALORON_KV_DIR');
  });
});

describe('caloronFolder', () => {
  it('finds the reports folder the same way: CALORON_REPORTS_DIR, else ~/.caloron/reports', () => {
    expect(caloronFolder({ CALORON_REPORTS_DIR: '/srv/reports', HOME: '/home/u' }, 'reports')).toBe(
      '/srv/reports',
    );
    expect(caloronFolder({ HOME: '/home/u' }, 'reports')).toBe('/home/u/.caloron/reports');
    expect(thrownBy(() => caloronFolder({ HOME: 'relative' }, 'reports')).message).toContain(
      'CALORON_REPORTS_DIR',
    );
  });
});

describe('sprintPath', () => {
  it.each(HOSTILE_IDS)('rejects the sprint id %j before building any path', (id) => {
    expect(() => sprintPath('/srv/kv', id, 'state')).toThrow(
      expect.objectContaining({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/sprint_id' } }),
    );
  });

  it('keeps every path it builds directly inside the KV directory', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.stringMatching(ID)),
        fc.constantFrom('state', 'agents', 'lock'),
        (id, file: 'state' | 'agents' | 'lock') => {
          if (!ID.test(id)) {
            expect(() => sprintPath('/srv/kv', id, file)).toThrow();
            return;
          }
          expect(dirname(sprintPath('/srv/kv', id, file))).toBe('/srv/kv');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names the three files of a sprint', () => {
    expect(['state', 'agents', 'lock'].map((file) => sprintPath('/kv', 's-1', file as 'state'))).toEqual([
      '/kv/s-1.json',
      '/kv/s-1.agents.json',
      '/kv/s-1.lock',
    ]);
  });
});

describe('writeTickState and readTickState', () => {
  it('round-trip a state, leaving only the state file', async () => {
    const dir = kvDirWith();
    const path = await writeTickState(dir, 'demo', kickedOffState('demo'));
    expect(path).toBe(join(dir, 'demo.json'));
    expect(readTickState(dir, 'demo')).toEqual(kickedOffState('demo'));
    expect(readdirSync(dir)).toEqual(['demo.json']);
  });

  it('writes exactly {schema_version, state, interventions, since, seen}', async () => {
    const dir = kvDirWith();
    const extra = { ...kickedOffState('demo'), polled_at: 'x' } as ReturnType<typeof kickedOffState>;
    await writeTickState(dir, 'demo', extra);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as object)).toEqual([
      'schema_version',
      'state',
      'interventions',
      'since',
      'seen',
    ]);
  });

  it('hands back the same frozen value while the file holds what this process last wrote or read', async () => {
    const dir = kvDirWith();
    const written = kickedOffState('demo');
    await writeTickState(dir, 'demo', written);
    const first = readTickState(dir, 'demo');
    expect(first).toEqual(written);
    expect(Object.isFrozen(first.state.tasks)).toBe(true);
    expect(Object.isFrozen(written.state)).toBe(false); // the writer's value is copied, not frozen
    expect(readTickState(dir, 'demo')).toBe(first);

    // Another process rewrites the file: the change is read, then shared in turn.
    const path = join(dir, 'demo.json');
    const edited = JSON.parse(readFileSync(path, 'utf8')) as typeof written;
    edited.since = '2026-01-01T00:00:00Z';
    writeFileSync(path, JSON.stringify(edited));
    const second = readTickState(dir, 'demo');
    expect(second).not.toBe(first);
    expect(second.since).toBe('2026-01-01T00:00:00Z');
    expect(readTickState(dir, 'demo')).toBe(second);

    // Damaged afterwards: the error, never the value remembered.
    writeFileSync(path, '{');
    expect(thrownBy(() => readTickState(dir, 'demo')).code).toBe('NOE_STATE_INVALID');
  });

  it('creates the KV directory when kickoff writes the first state', async () => {
    const dir = join(kvDirWith(), 'nested', 'kv');
    await writeTickState(dir, 'demo', kickedOffState('demo'));
    expect(readTickState(dir, 'demo').state.sprint_id).toBe('demo');
  });

  it('refuses a hostile sprint id without touching the file system', async () => {
    const parent = kvDirWith();
    const dir = join(parent, 'kv');
    for (const id of HOSTILE_IDS)
      await expect(writeTickState(dir, id, kickedOffState('demo'))).rejects.toMatchObject({
        code: 'NOE_STAGE_INPUT_VIOLATION',
      });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses a state that breaks the schema, naming the pointer, and writes nothing', async () => {
    const dir = kvDirWith();
    const state = kickedOffState('demo');
    const broken = { ...state, since: 'yesterday' };
    await expect(writeTickState(dir, 'demo', broken)).rejects.toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/since' },
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses to write one sprint's state under another sprint's id", async () => {
    const dir = kvDirWith();
    const error = await writeTickState(dir, 'other', kickedOffState('demo')).then(
      () => expect.fail('written'),
      (thrown: NoetherError) => thrown,
    );
    expect(error.code).toBe('NOE_STAGE_INPUT_VIOLATION');
    expect(error.message).toContain('"demo" as sprint "other"');
    expect(existsSync(join(dir, 'other.json'))).toBe(false);
  });

  it('fails with NOE_FILE_WRITE when the KV directory cannot be written', async () => {
    const blocker = join(kvDirWith(), 'kv');
    writeFileSync(blocker, 'a file where the folder should be');
    await expect(writeTickState(blocker, 'demo', kickedOffState('demo'))).rejects.toMatchObject({
      code: 'NOE_FILE_WRITE',
      place: { file: join(blocker, 'demo.json') },
    });
  });

  it('says the sprint was never kicked off when its state file is missing', () => {
    const dir = kvDirWith();
    const error = thrownBy(() => readTickState(dir, 'demo'));
    expect(error.code).toBe('NOE_SPRINT_NOT_FOUND');
    expect(error.message).toMatch(/sprint "demo" was never kicked off: .*demo\.json does not exist/);
  });

  it('names the file and line of a corrupt state file instead of starting empty', () => {
    const dir = kvDirWith({ 'demo.json': 'truncated-state.txt' });
    const error = thrownBy(() => readTickState(dir, 'demo'));
    expect(error.code).toBe('NOE_STATE_INVALID');
    expect(error.place.file).toBe(join(dir, 'demo.json'));
    expect(error.place.line).toBeGreaterThan(1);
  });

  it('names the file and the pointer of a state file that breaks its schema', () => {
    const dir = kvDirWith({ 'demo.json': 'bad-status.json' });
    expect(() => readTickState(dir, 'demo')).toThrow(
      expect.objectContaining({
        code: 'NOE_STATE_INVALID',
        place: { file: join(dir, 'demo.json'), pointer: '/state/tasks/a/status' },
      }),
    );
  });

  it("refuses another sprint's state found under this sprint's name", () => {
    const dir = kvDirWith({ 'other.json': 'demo.json' });
    expect(() => readTickState(dir, 'other')).toThrow(
      expect.objectContaining({
        code: 'NOE_STATE_INVALID',
        place: { file: join(dir, 'other.json'), pointer: '/state/sprint_id' },
      }),
    );
  });
});

describe('readAgents', () => {
  it('is empty when the shell has written no agents file', () => {
    expect(readAgents(kvDirWith(), 'demo')).toEqual({});
  });

  it("returns the shell's records by agent id", () => {
    const agents = readAgents(kvDirWith({ 'demo.agents.json': 'demo.agents.json' }), 'demo');
    expect(Object.keys(agents)).toEqual(['dev-1']);
    expect(agents['dev-1']).toMatchObject({ task_id: 'a', pid: 4242, last_beat_at: '2026-01-01T00:39:30Z' });
  });

  it('refuses a record filed under another agent id', () => {
    const dir = kvDirWith();
    const file = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/kv/demo.agents.json'), 'utf8'),
    ) as {
      agents: Record<string, unknown>;
    };
    file.agents = { 'dev-2': file.agents['dev-1'] };
    writeFileSync(join(dir, 'demo.agents.json'), JSON.stringify(file));
    const error = thrownBy(() => readAgents(dir, 'demo'));
    expect(error.code).toBe('NOE_STATE_INVALID');
    expect(error.place).toEqual({ file: join(dir, 'demo.agents.json'), pointer: '/agents/dev-2/agent_id' });
  });
});

function thrownBy(fn: () => unknown): NoetherError {
  try {
    fn();
  } catch (error) {
    return error as NoetherError;
  }
  return expect.fail('nothing was thrown');
}
