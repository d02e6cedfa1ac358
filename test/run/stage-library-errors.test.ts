// A stage library written in TypeScript is loaded through tsx, which gives it its own copy
// of the engine's modules. Its NoetherErrors must still reach the caller with their own
// code, place and details — not be taken for foreign errors and reported as
// NOE_STAGE_FAILED (the Caloron compositions depend on codes such as NOE_DAG_INVALID).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isNoetherError, NoetherError } from '../../engine/errors.js';
import { loadEngine } from '../../engine/index.js';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';

const engineUrl = (module: string) => pathToFileURL(join(repo, 'engine', module)).href;

describe('a NoetherError thrown by a TypeScript stage library', () => {
  it('keeps its code and details through engine.run, and is a NoetherError to the caller', async () => {
    const dir = tempProject({
      'refuse.ts': `
import { NoetherError } from ${JSON.stringify(engineUrl('errors.ts'))};
import { defineStage } from ${JSON.stringify(engineUrl('stage/index.ts'))};
export const refuse = defineStage({
  name: 'refuse',
  description: 'Always refuses.',
  input: { type: 'object' },
  output: { type: 'object' },
  effects: ['Pure', 'Fallible'],
  run: () => {
    throw new NoetherError('NOE_DAG_INVALID', 'the plan has a cycle', { details: { errors: ['cycle'] } });
  },
});
`,
    });
    const engine = await loadEngine({ cwd: dir, stages: ['refuse.ts'] });
    const error: unknown = await engine
      .run({ description: 'refuses', version: '1', root: { op: 'Stage', id: 'refuse' } }, {})
      .catch((caught: unknown) => caught);
    expect(isNoetherError(error)).toBe(true);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_DAG_INVALID', exitCode: 2, details: { errors: ['cycle'] } });
    expect((error as Error).message).toMatch(/the plan has a cycle/);
  });

  it('is told apart from an ordinary error', () => {
    expect(isNoetherError(new Error('plain'))).toBe(false);
    expect(isNoetherError({ code: 'NOE_DAG_INVALID' })).toBe(false);
    expect(isNoetherError(null)).toBe(false);
  });
});
