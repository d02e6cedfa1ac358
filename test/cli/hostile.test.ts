// The CLI on hostile input: every failure is a coded error with the right exit class,
// never a stack trace, and --json always answers with exactly one parseable envelope.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../engine/errors.js';
import { exitCodeFor } from '../../engine/cli/output.js';
import { cli, fixtures } from './in-process.js';

/** The one envelope --json printed: exactly one line of JSON on stdout. */
function envelope(stdout: string): { ok: boolean; error?: { code: string; message: string } } {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as { ok: boolean; error?: { code: string; message: string } };
}

const folder = () => mkdtempSync(join(tmpdir(), 'noether-hostile-'));

describe('hostile input to the CLI', () => {
  it('answers a --stages symbolic-link loop with NOE_FILE_READ and exit 1, in one envelope', async () => {
    const dir = folder();
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    const r = await cli(['stage', 'list', '--json', '--stages', join(dir, 'a')]);
    expect(r.code).toBe(1);
    expect(envelope(r.stdout).error).toMatchObject({ code: 'NOE_FILE_READ' });
  });

  it('refuses a composition that is not UTF-8 at the line:column of the bad byte', async () => {
    const file = join(folder(), 'latin1.json');
    writeFileSync(file, Buffer.from('{\n  "description": "caf\xe9"\n}', 'latin1'));
    const r = await cli(['graph', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2:22: error NOE_JSON_SYNTAX`);
    expect(r.stderr).toContain('byte 0xE9 is not valid UTF-8');
  });

  it('refuses the same bytes in graph id', async () => {
    const file = join(folder(), 'latin1.json');
    writeFileSync(file, Buffer.from('{"description": "caf\xe9"}', 'latin1'));
    const r = await cli(['graph', 'id', file, '--json']);
    expect(r.code).toBe(1);
    expect(envelope(r.stdout).error).toMatchObject({ code: 'NOE_JSON_SYNTAX' });
  });

  it('says a folder given as a composition is a folder', async () => {
    const dir = folder();
    const r = await cli(['graph', 'check', dir, '--stages', fixtures]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read composition ${dir}: it is a folder`);
  });

  it('reports a noether.config.json that is a dangling symbolic link instead of ignoring it', async () => {
    const dir = folder();
    symlinkSync(join(dir, 'gone.json'), join(dir, 'noether.config.json'));
    const r = await cli(['stage', 'list', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(envelope(r.stdout).error).toMatchObject({ code: 'NOE_FILE_READ' });
  });

  it('treats an empty stage reference in stage show as a usage error', async () => {
    const r = await cli(['stage', 'show', '', '--stages', fixtures]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NOE_USAGE');
  });

  it('checks a composition with 20 nested optional-key Parallels quickly, in one envelope', async () => {
    let root: unknown = { op: 'Stage', id: 'upper' };
    for (let i = 19; i >= 0; i--) root = { op: 'Parallel', branches: { [`k${i}`]: root } };
    const dir = folder();
    mkdirSync(join(dir, 'g'));
    const file = join(dir, 'g', 'deep.json');
    writeFileSync(file, JSON.stringify({ description: 'd', version: '1', input: { type: 'object' }, root }));
    const r = await cli(['graph', 'check', file, '--json', '--stages', fixtures]);
    expect(r.code).toBe(2);
    expect(envelope(r.stdout).ok).toBe(false);
  });
});

describe('exit codes', () => {
  it('take the most fundamental class of any number of errors', () => {
    const many = Array.from({ length: 300_000 }, () => diagnostic('NOE_TYPE_MISMATCH', 'x'));
    expect(exitCodeFor(many)).toBe(2);
    expect(exitCodeFor([...many, diagnostic('NOE_STAGE_NOT_FOUND', 'y')])).toBe(1);
    expect(exitCodeFor([])).toBe(0);
  });
});
