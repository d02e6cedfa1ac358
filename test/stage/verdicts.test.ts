// ajv's verdicts on stage definitions (engine/stage/verdicts.ts): the checks that need
// ajv (both schemas compile, every example validates) run once per content and are
// remembered across processes; a failure is never remembered, and whatever ajv refuses is
// still rejected when the stage is defined, by loadEngine and by the CLI.
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';
import { loadEngine } from '../../engine/engine.js';
import { isNoetherError, type NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import { verdictFolder, verdictId } from '../../engine/stage/verdicts.js';
import { echoTextSpec as spec, text } from './echo-text-spec.js';

const good = [{ input: { text: 'a' }, output: { text: 'a' } }];
const bad = [{ input: { text: 3 }, output: { text: '3' } }];

function rejection(define: () => unknown): NoetherError {
  try {
    define();
  } catch (error) {
    if (isNoetherError(error)) return error;
    throw error;
  }
  throw new Error('the definition was accepted');
}

/** Each test gets a temp folder of its own, hence a verdict folder of its own. */
let savedTmpdir: string | undefined;
let tmp: string;
beforeEach(() => {
  savedTmpdir = process.env.TMPDIR;
  tmp = tempProject({}, 'noether-verdicts-');
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

function recorded(): string[] {
  const folder = verdictFolder();
  return folder === undefined ? [] : readdirSync(folder);
}

describe('ajv verdicts on stage definitions', () => {
  it('records a definition that passes, under the content id of its schemas and examples', () => {
    const stage = defineStage(spec({ examples: good }));
    expect(recorded()).toEqual([verdictId(stage.input, stage.output, stage.examples)]);
  });

  it('trusts a recorded verdict: the same content is neither compiled nor validated again', () => {
    // Only a planted verdict can show that the check is skipped: this example is wrong.
    writeFileSync(join(verdictFolder()!, verdictId(text, text, bad)), '');
    expect(defineStage(spec({ examples: bad })).examples).toEqual(bad);
  });

  it('records no failure: a definition that failed fails again, with the same error', () => {
    const first = rejection(() => defineStage(spec({ examples: bad })));
    const second = rejection(() => defineStage(spec({ examples: bad })));
    expect(second.message).toBe(first.message);
    expect(second.place).toEqual(first.place);
    expect(recorded()).toEqual([]);
  });

  it('checks changed content afresh: a verdict covers only the examples it was recorded for', () => {
    defineStage(spec({ examples: good }));
    const error = rejection(() => defineStage(spec({ examples: [...good, ...bad] })));
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.place.pointer).toBe('/examples/1/input/text');
  });

  it('does not use a verdict folder that others may write', () => {
    const folder = verdictFolder()!;
    chmodSync(folder, 0o777);
    expect(verdictFolder()).toBeUndefined();
    defineStage(spec({ examples: good }));
    expect(readdirSync(folder)).toEqual([]);
  });

  it('defines stages when no verdict folder can be made', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    process.env.TMPDIR = file;
    expect(verdictFolder()).toBeUndefined();
    expect(defineStage(spec({ examples: good })).examples).toEqual(good);
  });
});

// A schema that passes the meta-schema but that ajv refuses to compile (an empty enum).
const refused = { type: 'object', properties: { kind: { enum: [] } } };

describe('a schema only ajv’s compilation refuses', () => {
  it('is rejected when the stage is defined, at the field, with ajv’s message', () => {
    const error = rejection(() => defineStage(spec({ output: refused })));
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.details).toMatchObject({ stage: 'echo_text', field: 'output' });
    expect(error.place.pointer).toBe('/output');
    expect(error.message).toMatch(
      /not a valid JSON Schema \(draft 2020-12\): enum must have non-empty array/,
    );
  });

  it('is rejected again in a process that already compiled the valid schemas beside it', () => {
    defineStage(spec());
    expect(rejection(() => defineStage(spec({ input: refused }))).details).toMatchObject({ field: 'input' });
  });

  describe('in a stage spec of a project', () => {
    function project(): string {
      const stageSpec = {
        name: 'pick_kind',
        description: 'Picks a kind.',
        input: refused,
        output: true,
        effects: ['Pure'],
        implementation: { command: ['cat'] },
      };
      return tempProject({
        'noether.config.json': JSON.stringify({ stages: ['stages'] }),
        'stages/pick_kind.stage.json': JSON.stringify(stageSpec, null, 2),
        'graph.json': JSON.stringify({
          description: 'Picks a kind.',
          version: '1',
          root: { op: 'Stage', id: 'pick_kind' },
        }),
      });
    }

    it('makes loadEngine fail, naming the spec file, the field and its line', async () => {
      const root = project();
      const error = await loadEngine({ root }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNoetherError(error)).toBe(true);
      const failure = error as NoetherError;
      expect(failure.code).toBe('NOE_STAGE_INVALID');
      expect(failure.place).toMatchObject({
        file: join(root, 'stages/pick_kind.stage.json'),
        pointer: '/input',
        line: 4,
      });
    });

    it.each([
      ['stage list', ['stage', 'list', '--json']],
      ['graph check', ['graph', 'check', 'graph.json', '--json']],
    ])('makes `noether-ts %s` fail with NOE_STAGE_INVALID', async (_, argv) => {
      const result = await cli(argv, { cwd: project() });
      expect(result.code).toBe(1);
      const envelope = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
      expect(envelope.ok).toBe(false);
      expect(envelope.error.code).toBe('NOE_STAGE_INVALID');
      expect(envelope.error.message).toMatch(/field "input".*enum must have non-empty array/);
    });
  });
});

describe('the verdict folder', () => {
  it('is made owner-only, under the temp folder', () => {
    const folder = verdictFolder()!;
    expect(folder.startsWith(tmp)).toBe(true);
    for (const path of [folder, join(folder, '..')]) expect(statSync(path).mode & 0o077).toBe(0);
  });
});
