// The side-effect journal execute_actions keeps (CALORON §1): `<sprint_id>.journal.jsonl`
// in the KV directory, one fsynced JSON line per performed key.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { Journal } from '../../../stages/dag/journal.js';
import { tempProject } from '../../temp-project.js';

describe('the execute_actions journal', () => {
  it('starts empty and creates no file until a key is appended', async () => {
    const kvDir = join(tempProject(), 'kv');
    const journal = await Journal.open(kvDir, 's1');
    expect(journal.has('s1:a:mark_done:0')).toBe(false);
    expect(existsSync(join(kvDir, 's1.journal.jsonl'))).toBe(false);
  });

  it('appends one JSON line per key, and a reopened journal knows them', async () => {
    const kvDir = tempProject();
    const journal = await Journal.open(kvDir, 's1');
    await journal.append('s1:a:spawn_agent:0#comment');
    await journal.append('s1:a:spawn_agent:0');
    await journal.append('s1:a:spawn_agent:0');
    expect(readFileSync(join(kvDir, 's1.journal.jsonl'), 'utf8')).toBe(
      '{"key":"s1:a:spawn_agent:0#comment"}\n{"key":"s1:a:spawn_agent:0"}\n',
    );
    const reopened = await Journal.open(kvDir, 's1');
    expect(reopened.has('s1:a:spawn_agent:0')).toBe(true);
    expect(reopened.has('s1:a:spawn_agent:0#comment')).toBe(true);
    expect(reopened.has('s1:a:spawn_agent:1')).toBe(false);
  });

  it('cuts off a torn last line (a crash mid-write): that key counts as not done', async () => {
    const kvDir = tempProject();
    const path = join(kvDir, 's1.journal.jsonl');
    writeFileSync(path, '{"key":"s1:a:mark_done:0"}\n{"key":"s1:b:ma');
    const journal = await Journal.open(kvDir, 's1');
    expect(journal.has('s1:a:mark_done:0')).toBe(true);
    await journal.append('s1:b:mark_done:0');
    expect(readFileSync(path, 'utf8')).toBe('{"key":"s1:a:mark_done:0"}\n{"key":"s1:b:mark_done:0"}\n');
  });

  it('refuses a corrupt line in the middle, naming the file and line', async () => {
    const kvDir = tempProject();
    const path = join(kvDir, 's1.journal.jsonl');
    writeFileSync(path, '{"key":"s1:a:mark_done:0"}\nnot json\n{"key":"s1:b:mark_done:0"}\n');
    const error: unknown = await Journal.open(kvDir, 's1').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(NoetherError);
    expect((error as NoetherError).code).toBe('NOE_STATE_INVALID');
    expect((error as NoetherError).message).toContain(`${path}:2`);
  });

  it('fails with NOE_FILE_READ when the KV directory cannot hold a journal (no silent empty journal)', async () => {
    const notAFolder = join(tempProject({ kv: 'a file' }), 'kv');
    const error: unknown = await Journal.open(notAFolder, 's1').catch((reason: unknown) => reason);
    expect((error as NoetherError).code).toBe('NOE_FILE_READ');
  });

  it('refuses a sprint id outside the id rule before touching the file system', async () => {
    const error: unknown = await Journal.open(tempProject(), '../etc').catch((reason: unknown) => reason);
    expect((error as NoetherError).code).toBe('NOE_STAGE_INPUT_VIOLATION');
  });
});
