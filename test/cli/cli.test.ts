import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, fixtures, repo } from './in-process.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'noether-cli-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const graph = (root: unknown, input?: unknown) =>
  JSON.stringify(
    { description: 't', version: '1', ...(input === undefined ? {} : { input }), root },
    null,
    2,
  );
const TEXT = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

describe('graph check', () => {
  it('accepts the example compositions with the project stages and exits 0', async () => {
    const r = await cli([
      'graph',
      'check',
      'examples/compositions/shout_and_count.json',
      'examples/compositions/long_or_short.json',
    ]);
    expect(r.stderr).toContain('2 files checked: 2 ok');
    expect(r.code).toBe(0);
  });

  it('names the file, line:column, pointer, message and witness of a type error, and exits 2', async () => {
    const file = tempFile(
      'bad.json',
      graph(
        {
          op: 'Sequential',
          stages: [
            { op: 'Stage', id: 'maybe_state' },
            { op: 'Stage', id: 'needs_state' },
          ],
        },
        { type: 'object' },
      ),
    );
    const r = await cli(['graph', 'check', file, '--stages', fixtures]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: error NOE_TYPE_MISMATCH at /root/stages/1`));
    expect(r.stderr).toContain('witness: ');
  });

  it('answers in one JSON envelope with --json', async () => {
    const file = tempFile('ok.json', graph({ op: 'Stage', id: 'upper' }, TEXT));
    const ok = JSON.parse(
      (await cli(['graph', 'check', file, '--json', '--stages', fixtures])).stdout,
    ) as Record<string, unknown>;
    expect(ok).toMatchObject({
      ok: true,
      command: 'graph check',
      data: { files: [{ ok: true, effects: ['Pure'] }] },
    });
    const bad = tempFile('bad.json', graph({ op: 'Stage', id: 'uper' }, TEXT));
    const r = await cli(['graph', 'check', bad, '--json', '--stages', fixtures]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      command: 'graph check',
      error: { code: 'NOE_STAGE_NOT_FOUND' },
    });
  });

  it('prints the inferred input with --print-input', async () => {
    const file = tempFile('infer.json', graph({ op: 'Stage', id: 'upper' }));
    const r = await cli(['graph', 'check', file, '--print-input', '--stages', fixtures]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(TEXT);
  });

  it('applies effect policies before anything runs', async () => {
    const file = tempFile(
      'net.json',
      graph(
        { op: 'Stage', id: 'fetch_page' },
        { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
      ),
    );
    const r = await cli(['graph', 'check', file, '--deny-effects', 'network', '--stages', fixtures]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NOE_EFFECT_DENIED');
    expect((await cli(['graph', 'check', file, '--deny-effects', 'netwerk'])).code).toBe(1);
  });

  it.each([
    [
      'truncated JSON',
      '{"description": "t", "version": "1", "root": {"op": "Stage", "id"',
      'NOE_JSON_SYNTAX',
    ],
    ['a wrong field type', graph({ op: 'Sequential', stages: 'upper' }), 'NOE_GRAPH_INVALID'],
    ['an unknown op', graph({ op: 'Loop', stages: [] }), 'NOE_UNKNOWN_OP'],
    ['an unknown key', graph({ op: 'Stage', id: 'upper', confg: {} }), 'NOE_UNKNOWN_KEY'],
    [
      'a $ref cycle in the input schema',
      graph({ op: 'Stage', id: 'upper' }, { $ref: '#' }),
      'NOE_SCHEMA_INVALID',
    ],
    ['absurd nesting', '['.repeat(20_000), 'NOE_JSON_SYNTAX'],
  ])('turns %s into a coded error with a place, never a crash', async (_name, text, code) => {
    const file = tempFile('bad.json', text);
    const r = await cli(['graph', 'check', file, '--json', '--stages', fixtures]);
    expect(r.code).toBe(1);
    const envelope = JSON.parse(r.stdout) as {
      error: {
        code: string;
        details: { files: { errors: { file: string; pointer?: string; line?: number }[] }[] };
      };
    };
    expect(envelope.error.code).toBe(code);
    const first = envelope.error.details.files[0]!.errors[0]!;
    expect(first.file).toBe(file);
    expect(first.pointer !== undefined || first.line !== undefined).toBe(true);
  });

  it('checks a 50-level nesting of operators', async () => {
    let root: unknown = { op: 'Stage', id: 'upper' };
    for (let i = 0; i < 50; i++)
      root = i % 2 ? { op: 'Retry', stage: root, max_attempts: 2 } : { op: 'Sequential', stages: [root] };
    const r = await cli(['graph', 'check', tempFile('deep.json', graph(root, TEXT)), '--stages', fixtures]);
    expect(r.code).toBe(0);
  });

  it('reports a missing file as a usage-class error', async () => {
    const r = await cli(['graph', 'check', '/nonexistent/graph.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NOE_FILE_READ');
  });
});

describe('graph id', () => {
  it('prints the same id whatever the key order', async () => {
    const a = tempFile(
      'a.json',
      JSON.stringify({
        description: 'a',
        version: '1',
        root: { op: 'Stage', id: 'upper', config: { x: 1, y: 2 } },
      }),
    );
    const b = tempFile(
      'b.json',
      JSON.stringify({
        root: { config: { y: 2, x: 1 }, id: 'upper', op: 'Stage' },
        version: '2',
        description: 'b',
      }),
    );
    const [ra, rb] = [await cli(['graph', 'id', a]), await cli(['graph', 'id', b])];
    expect(ra.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(ra.stdout).toBe(rb.stdout);
  });
});

describe('stage list and show', () => {
  it('lists the project stages and shows one by name or id prefix', async () => {
    const list = await cli(['stage', 'list', '--json']);
    const stages = (JSON.parse(list.stdout) as { data: { stages: { name: string; id: string }[] } }).data
      .stages;
    expect(stages.map((s) => s.name)).toEqual(
      expect.arrayContaining(['shout', 'word_count', 'add_one', 'greet']),
    );
    const shout = stages.find((s) => s.name === 'shout')!;
    const show = await cli(['stage', 'show', shout.id.slice(0, 10)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`id:           ${shout.id}`);
  });

  it('suggests the nearest name for an unknown stage', async () => {
    const r = await cli(['stage', 'show', 'shuot']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shout');
  });
});

describe('schema sub', () => {
  it('answers yes, or no with a witness and exit 2', async () => {
    expect(await cli(['schema', 'sub', '{"type":"integer"}', '{"type":"number"}'])).toMatchObject({
      code: 0,
      stdout: 'yes\n',
    });
    const no = await cli(['schema', 'sub', '{"type":"number"}', '{"type":"integer"}']);
    expect(no.code).toBe(2);
    expect(no.stdout).toMatch(/^no/);
    expect(no.stdout).toContain('witness: ');
  });

  it('reads JSON lines with --batch from stdin and answers in order', async () => {
    const lines = [
      JSON.stringify({ lhs: { type: 'integer' }, rhs: { type: 'number' } }),
      'not json',
      JSON.stringify({
        lhs: { type: 'number', minimum: 0, exclusiveMinimum: true },
        rhs: { type: 'number', exclusiveMinimum: 0 },
        dialect: 'draft-04',
      }),
    ];
    const r = await cli(['schema', 'sub', '--batch', '-'], { stdin: lines.join('\n') + '\n' });
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { verdict: string });
    expect(out.map((o) => o.verdict)).toEqual(['yes', 'error', 'yes']);
  });
});

describe('usage', () => {
  it('rejects unknown commands and flags with exit 1', async () => {
    expect((await cli(['graph', 'chek'])).code).toBe(1);
    expect((await cli(['graph', 'check', '--frobnicate', 'x.json'])).code).toBe(1);
  });

  it('runs as a real process with the exit code of its verdict', async () => {
    const file = tempFile('bad.json', graph({ op: 'Stage', id: 'upper' }, { type: 'number' }));
    const run = promisify(execFile);
    const error = await run(
      process.execPath,
      ['--import', 'tsx', join(repo, 'engine/cli/main.ts'), 'graph', 'check', file, '--stages', fixtures],
      { cwd: repo },
    ).catch((e: unknown) => e);
    expect((error as { code: number }).code).toBe(2);
    expect((error as { stderr: string }).stderr).toContain('NOE_TYPE_MISMATCH');
  });
});
