// `noether-ts run` (ENGINE §5), in process: input sources, output, envelopes, exit codes.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACE_FOLDER } from '../../engine/run/index.js';
import { tempProject } from '../temp-project.js';
import { cli } from './in-process.js';

const stages = new URL('../run/fixtures/stages.ts', import.meta.url).pathname;
const TEXT = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};
const graph = (root: unknown, input: unknown = TEXT) =>
  JSON.stringify({ description: 'd', version: '1', input, root });

function project() {
  return tempProject({
    'noether.config.json': '{"stages": []}',
    'shout.json': graph({ op: 'Stage', id: 'shout' }),
    'explode.json': graph({ op: 'Stage', id: 'explode' }),
    'mistyped.json': graph(
      { op: 'Stage', id: 'shout' },
      { type: 'object', properties: { text: { type: 'integer' } } },
    ),
    'input.json': '{"text": "from a file"}',
  });
}

const run = (cwd: string, args: string[], stdin?: string) =>
  cli(['run', ...args, '--stages', stages], { cwd, ...(stdin === undefined ? {} : { stdin }) });

describe('noether-ts run', () => {
  it('prints the output JSON on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await run(project(), ['shout.json', '--input', '{"text":"hi"}']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ text: 'HI!' });
    expect(stderr).toMatch(/^execution [0-9a-f-]{36}/);
  });

  it('reads the input from --input-file', async () => {
    const { code, stdout } = await run(project(), ['shout.json', '--input-file', 'input.json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ text: 'FROM A FILE!' });
  });

  it('reads the input from stdin', async () => {
    const { code, stdout } = await run(project(), ['shout.json'], '{"text": "piped"}\n');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ text: 'PIPED!' });
  });

  it('answers with one envelope under --json', async () => {
    const { code, stdout } = await run(project(), ['shout.json', '--input', '{"text":"a"}', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      command: 'run',
      data: {
        output: { text: 'A!' },
        execution_id: expect.any(String) as string,
        composition_id: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      },
    });
  });

  it('exits 3 on an execution failure, naming the trace, and writes it', async () => {
    const cwd = project();
    const { code, stderr } = await run(cwd, ['explode.json', '--input', '{"text":"x"}']);
    expect(code).toBe(3);
    expect(stderr).toContain('NOE_STAGE_FAILED');
    const [file] = readdirSync(join(cwd, TRACE_FOLDER));
    expect(stderr).toContain(`noether-ts trace ${file!.replace(/\.json$/, '')}`);
  });

  it('answers an execution failure with an error envelope carrying the execution id', async () => {
    const { code, stdout } = await run(project(), ['explode.json', '--input', '{"text":"x"}', '--json']);
    expect(code).toBe(3);
    const envelope = JSON.parse(stdout) as {
      ok: boolean;
      error: { code: string; details: Record<string, unknown> };
    };
    expect(envelope).toMatchObject({ ok: false, command: 'run', error: { code: 'NOE_STAGE_FAILED' } });
    expect(envelope.error.details.execution_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exits 2 on a type error', async () => {
    const { code, stderr } = await run(project(), ['mistyped.json', '--input', '{"text":1}']);
    expect(code).toBe(2);
    expect(stderr).toContain('NOE_TYPE_MISMATCH');
  });

  it('exits 2 on an input that does not fit the graph', async () => {
    const { code, stderr } = await run(project(), ['shout.json', '--input', '{"text":1}']);
    expect(code).toBe(2);
    expect(stderr).toContain('NOE_INPUT_INVALID');
  });

  it('exits 2 when an effect policy forbids a stage', async () => {
    const cwd = project();
    const { code } = await run(cwd, [
      'explode.json',
      '--input',
      '{"text":"x"}',
      '--deny-effects',
      'Fallible',
    ]);
    expect(code).toBe(2);
  });

  it.each([
    [['shout.json', '--timeout', 'soon']],
    [['shout.json', '--input', '{}', '--input-file', 'input.json']],
    [[]],
    [['shout.json', '--frobnicate']],
  ])('exits 1 on a usage error: %j', async (args) => {
    const { code, stderr } = await run(project(), args);
    expect(code).toBe(1);
    expect(stderr).toContain('NOE_USAGE');
  });

  it('exits 1 with line:column on input JSON that does not parse', async () => {
    const { code, stderr } = await run(project(), ['shout.json', '--input', '{"text":']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/NOE_JSON_SYNTAX: <--input>:1:\d+/);
  });

  it('exits 1 for a missing composition file', async () => {
    const { code, stderr } = await run(project(), ['nope.json', '--input', '{}']);
    expect(code).toBe(1);
    expect(stderr).toContain('NOE_FILE_READ');
  });

  it('takes --no-validate, --no-cache, --cache-dir, --trace-values and --timeout', async () => {
    const cwd = project();
    const args = ['shout.json', '--input', '{"text":"a"}', '--no-validate', '--no-cache', '--trace-values'];
    expect((await run(cwd, [...args, '--timeout', '5000'])).code).toBe(0);
    const cached = await run(cwd, ['shout.json', '--input', '{"text":"a"}', '--cache-dir', 'cache']);
    expect(cached.code).toBe(0);
    expect(readdirSync(join(cwd, 'cache'))).toHaveLength(1);
  });
});
