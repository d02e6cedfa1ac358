import { describe, expect, it } from 'vitest';
import { runSubschemaBatch } from '../../engine/schema/index.js';

async function run(lines: string[]): Promise<unknown[]> {
  const out: string[] = [];
  await runSubschemaBatch(
    (async function* () {
      for (const line of lines) yield await Promise.resolve(line);
    })(),
    (line) => out.push(line),
  );
  return out.map((line) => JSON.parse(line) as unknown);
}

describe('runSubschemaBatch', () => {
  it('answers one line per request, in order', async () => {
    const answers = await run([
      JSON.stringify({ lhs: { type: 'integer' }, rhs: { type: 'number' } }),
      JSON.stringify({ lhs: { type: 'number' }, rhs: { type: 'integer' } }),
      JSON.stringify({ lhs: { type: 'string', pattern: '^ab' }, rhs: { type: 'string', pattern: '^a' } }),
    ]);
    expect(answers.map((a) => (a as { verdict: string }).verdict)).toEqual(['yes', 'no', 'unknown']);
  });
  it('includes the reason, path and witness of a no', async () =>
    expect(await run([JSON.stringify({ lhs: { type: 'number' }, rhs: { type: 'integer' } })])).toEqual([
      {
        verdict: 'no',
        reason: 'upstream may produce a non-integer number where downstream requires an integer',
        path: '',
        witness: 0.5,
      },
    ]));
  it('skips empty lines', async () =>
    expect(await run(['', '  ', JSON.stringify({ lhs: true, rhs: true })])).toEqual([{ verdict: 'yes' }]));
  it('reads the dialect of a request', async () =>
    expect(
      await run([
        JSON.stringify({
          lhs: { minimum: 0, exclusiveMinimum: true },
          rhs: { exclusiveMinimum: 0 },
          dialect: 'draft-04',
        }),
      ]),
    ).toEqual([{ verdict: 'yes' }]));
  it('reports bad JSON with its line number and goes on', async () => {
    const answers = await run(['{"lhs":', JSON.stringify({ lhs: {}, rhs: {} })]);
    expect(answers[0]).toMatchObject({
      verdict: 'error',
      error: { code: 'NOE_JSON_SYNTAX', message: expect.stringMatching(/^line 1: /) as string },
    });
    expect(answers[1]).toEqual({ verdict: 'yes' });
  });
  it('reports a missing rhs as a usage error', async () =>
    expect(await run([JSON.stringify({ lhs: {} })])).toEqual([
      { verdict: 'error', error: { code: 'NOE_USAGE', message: 'line 1: "rhs" is missing' } },
    ]));
  it('reports a schema that is neither an object nor a boolean', async () =>
    expect(await run([JSON.stringify({ lhs: 3, rhs: {} })])).toMatchObject([
      { verdict: 'error', error: { code: 'NOE_USAGE' } },
    ]));
  it('reports an unknown dialect', async () =>
    expect(await run([JSON.stringify({ lhs: {}, rhs: {}, dialect: 'draft-07' })])).toEqual([
      {
        verdict: 'error',
        error: { code: 'NOE_USAGE', message: 'line 1: "dialect" must be "draft-04" or "2020-12"' },
      },
    ]));
});
