// Command-stage specs (ENGINE §1): `NAME.stage.json` files are read strictly (a typo is
// an error with its pointer and line:column), their relative argv paths resolve against
// the spec's folder, and the files those paths name are part of the stage's id.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../temp-project.js';
import { isNoetherError, type NoetherError } from '../../engine/errors.js';
import { contentId, sha256Hex } from '../../engine/json/jcs.js';
import { readCommandStageSpec, type Stage } from '../../engine/stage/index.js';

const spec = {
  name: 'add_one',
  description: 'Adds one.',
  input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  output: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  effects: ['Pure'],
  implementation: { command: ['python3', 'add_one.py'] },
};
const script = 'import json, sys\njson.dump({"n": json.load(sys.stdin)["n"] + 1}, sys.stdout)\n';

function specStage(overrides: Record<string, unknown> = {}, extra: Record<string, string> = {}): Stage {
  const folder = tempProject({
    'add_one.stage.json': JSON.stringify({ ...spec, ...overrides }, null, 2),
    'add_one.py': script,
    ...extra,
  });
  return readCommandStageSpec(join(folder, 'add_one.stage.json'));
}

function rejection(fileName: string, text: string): NoetherError {
  const folder = tempProject({ [fileName]: text, 'add_one.py': script });
  try {
    readCommandStageSpec(join(folder, fileName));
  } catch (error) {
    if (isNoetherError(error)) return error;
    throw error;
  }
  throw new Error('the spec was accepted');
}

describe('a command stage spec', () => {
  it('becomes a command Stage running in the spec’s folder', () => {
    const stage = specStage();
    if (stage.implementation.kind !== 'command') throw new Error('expected a command stage');
    const folder = stage.implementation.cwd;
    expect(stage.implementation).toEqual({
      kind: 'command',
      command: ['python3', join(folder, 'add_one.py')],
      cwd: folder,
      specFile: join(folder, 'add_one.stage.json'),
    });
  });

  it('resolves argv entries containing a slash that name existing files', () => {
    const stage = specStage(
      { implementation: { command: ['sh', 'bin/run', '--out=a/b'] } },
      { 'bin/run': 'echo' },
    );
    if (stage.implementation.kind !== 'command') throw new Error('expected a command stage');
    expect(stage.implementation.command).toEqual([
      'sh',
      join(stage.implementation.cwd, 'bin/run'),
      '--out=a/b',
    ]);
  });

  it('leaves absolute argv entries as written', () => {
    const stage = specStage({ implementation: { command: ['/usr/bin/env', 'python3', 'add_one.py'] } });
    if (stage.implementation.kind !== 'command') throw new Error('expected a command stage');
    expect(stage.implementation.command[0]).toBe('/usr/bin/env');
  });

  it('hashes the argv as written and the bytes of the files it names', () => {
    const stage = specStage();
    const expected = contentId({
      command: ['python3', 'add_one.py'],
      files: { 'add_one.py': sha256Hex(script) },
    });
    expect(stage.implementationHash).toBe(expected);
  });

  it('gets a new id, and keeps its signature id, when its script changes', () => {
    const before = specStage();
    const after = specStage({}, { 'add_one.py': `${script}# edited\n` });
    expect(after.id).not.toBe(before.id);
    expect(after.signatureId).toBe(before.signatureId);
  });

  it('has the same id wherever the project is checked out', () => {
    const [here, there] = [specStage(), specStage()];
    expect(here.implementation).not.toEqual(there.implementation);
    expect(here.id).toBe(there.id);
  });

  it('accepts a top-level $comment, timeout_ms and examples', () => {
    const stage = specStage({
      $comment: 'why this stage exists',
      timeout_ms: 2000,
      examples: [{ input: { n: 1 }, output: { n: 2 } }],
    });
    expect(stage.timeoutMs).toBe(2000);
    expect(stage.examples).toEqual([{ input: { n: 1 }, output: { n: 2 } }]);
  });
});

describe('a command stage spec is rejected', () => {
  it('for an unknown key, with its pointer and line:column', () => {
    const text = [
      '{',
      '  "name": "add_one", "description": "Adds one.", "input": true, "output": true,',
      '  "effects": ["Pure"], "implementation": { "command": ["python3", "add_one.py"] },',
      '  "timeout": 5',
      '}',
    ].join('\n');
    const error = rejection('add_one.stage.json', text);
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.place).toMatchObject({ pointer: '/timeout', line: 4, column: 14 });
    expect(error.message).toMatch(
      /add_one\.stage\.json:4:14: stage "add_one": field "timeout": unknown key; did you mean "timeout_ms"\?/,
    );
  });

  it('for an unknown key in the implementation', () => {
    const text = JSON.stringify({ ...spec, implementation: { command: ['python3'], cwd: '.' } });
    const error = rejection('add_one.stage.json', text);
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.place.pointer).toBe('/implementation/cwd');
  });

  it('when the file is not named after the stage', () => {
    const error = rejection('plus_one.stage.json', JSON.stringify(spec));
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.message).toMatch(/must be named add_one\.stage\.json, not plus_one\.stage\.json/);
  });

  it('for an empty command', () => {
    const error = rejection(
      'add_one.stage.json',
      JSON.stringify({ ...spec, implementation: { command: [] } }),
    );
    expect(error.place.pointer).toBe('/implementation/command');
  });

  it('by the same field rules as defineStage, located in the file', () => {
    const text = [
      '{',
      '  "name": "add_one", "description": "Adds one.", "input": true, "output": true,',
      '  "effects": ["Pure",',
      '              "Network"],',
      '  "implementation": { "command": ["python3", "add_one.py"] }',
      '}',
    ].join('\n');
    const error = rejection('add_one.stage.json', text);
    expect(error.code).toBe('NOE_STAGE_INVALID');
    expect(error.details).toMatchObject({ stage: 'add_one', field: 'effects' });
    expect(error.place).toMatchObject({ pointer: '/effects/1', line: 4, column: 15 });
  });

  it('for an example that breaks its schema, at the example value in the file', () => {
    const text = JSON.stringify({ ...spec, examples: [{ input: { n: 'one' }, output: { n: 2 } }] });
    const error = rejection('add_one.stage.json', text);
    expect(error.place.pointer).toBe('/examples/0/input/n');
    expect(error.place.line).toBe(1);
  });

  it.each([['python3', 'missing.py'], ['./run.sh'], ['sh', '../tools/run.sh']])(
    'for a command %j naming a script that does not exist, at the entry',
    (...command) => {
      const text = JSON.stringify({ ...spec, implementation: { command } });
      const error = rejection('add_one.stage.json', text);
      expect(error.code).toBe('NOE_STAGE_INVALID');
      expect(error.place.pointer).toBe(`/implementation/command/${command.length - 1}`);
      expect(error.message).toMatch(
        /which does not exist; relative paths resolve against the spec file's folder/,
      );
    },
  );

  it('for a command entry naming a folder', () => {
    const text = JSON.stringify({ ...spec, implementation: { command: ['./'] } });
    const error = rejection('add_one.stage.json', text);
    expect(error.message).toContain('which is not a file');
  });

  it('never for inline code or arguments that only look like paths', () => {
    const stage = specStage({
      implementation: { command: ['node', '-e', 'console.log(1/2)', '--out=a/b.json', 'x.py is fine'] },
    });
    expect(stage.name).toBe('add_one');
  });

  it('for a byte that is not UTF-8, with line:column', () => {
    const folder = tempProject({});
    const file = join(folder, 'add_one.stage.json');
    writeFileSync(file, Buffer.from([0x7b, 0x0a, 0x20, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]));
    const error = (() => {
      try {
        readCommandStageSpec(file);
      } catch (e) {
        if (isNoetherError(e)) return e;
        throw e;
      }
      throw new Error('the spec was accepted');
    })();
    expect([error.code, error.place]).toStrictEqual(['NOE_JSON_SYNTAX', { file, line: 2, column: 3 }]);
  });

  it('for broken JSON, with line:column', () => {
    const error = rejection('add_one.stage.json', '{\n  "name": "add_one",\n}');
    expect(error.code).toBe('NOE_JSON_SYNTAX');
    expect(error.place).toMatchObject({ line: 3, column: 1 });
  });
});
