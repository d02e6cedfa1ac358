// Stage libraries (ENGINE §6): folders of specs, TypeScript and JavaScript modules, and
// the project's noether.config.json naming them. Every failure names the path.
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../temp-project.js';
import { isNoetherError, type NoetherError } from '../../engine/errors.js';
import {
  defineStage,
  loadProjectConfig,
  loadStages,
  loadStagesInto,
  StageRegistry,
} from '../../engine/stage/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/stages', import.meta.url));
const modules = join(fixtures, 'modules');

async function failure(load: () => unknown): Promise<NoetherError> {
  try {
    await load();
  } catch (error) {
    if (isNoetherError(error)) return error;
    throw error;
  }
  throw new Error('loading succeeded');
}

function names(registry: StageRegistry): string[] {
  return registry.list().map((stage) => stage.name);
}

describe('loading a folder library', () => {
  it('reads every *.stage.json under it, however deep', async () => {
    const registry = await loadStages(['spec-library'], fixtures);
    expect(names(registry)).toEqual(['reverse_text', 'trim_text']);
  });

  it('skips node_modules and dot-folders', async () => {
    const library = tempProject();
    cpSync(join(fixtures, 'spec-library'), library, { recursive: true });
    const reverse = join(library, 'reverse_text.stage.json');
    cpSync(reverse, join(library, 'node_modules/pkg/reverse_text.stage.json'));
    cpSync(reverse, join(library, '.cache/reverse_text.stage.json'));
    const registry = await loadStages([library], '/');
    expect(names(registry)).toEqual(['reverse_text', 'trim_text']);
  });

  it('reports the spec file of a broken spec', async () => {
    const library = tempProject({ 'sub/broken.stage.json': '{ "name": ' });
    const error = await failure(() => loadStages([library], '/'));
    expect(error.code).toBe('NOE_JSON_SYNTAX');
    expect(error.place.file).toBe(join(library, 'sub/broken.stage.json'));
  });
});

describe('loading a module library', () => {
  it('imports a TypeScript module through tsx, taking stages and arrays of stages', async () => {
    const registry = await loadStages(['modules/two-stages.ts'], fixtures);
    expect(names(registry)).toEqual(['length_of', 'upper']);
  });

  it('imports a JavaScript module, default export included', async () => {
    const registry = await loadStages([join(modules, 'lower.mjs')], '/');
    expect(names(registry)).toEqual(['lower']);
  });

  it('rejects a module that exports no stage, naming it', async () => {
    const error = await failure(() => loadStages([join(modules, 'no-stages.ts')], '/'));
    expect(error.code).toBe('NOE_MODULE_LOAD');
    expect(error.message).toContain(`stage module ${join(modules, 'no-stages.ts')} exports no stage`);
  });

  it('reports a module that throws on import, with the cause’s message', async () => {
    const error = await failure(() => loadStages([join(modules, 'throws.ts')], '/'));
    expect(error.code).toBe('NOE_MODULE_LOAD');
    expect(error.message).toBe(
      `cannot load stage module ${join(modules, 'throws.ts')}: the stage module could not start`,
    );
  });

  it('reports a module whose stage definition is rejected, with the rejection’s code', async () => {
    const error = await failure(() => loadStages([join(modules, 'invalid-stage.ts')], '/'));
    expect(error.code).toBe('NOE_MODULE_LOAD');
    expect(error.message).toMatch(
      /\[NOE_STAGE_INVALID\] .*stage "broken": field "effects": "Teleport" is not an effect/,
    );
  });
});

describe('loading libraries', () => {
  it('accepts a single *.stage.json file', async () => {
    const registry = await loadStages(['spec-library/reverse_text.stage.json'], fixtures);
    expect(names(registry)).toEqual(['reverse_text']);
  });

  it('adds to an existing registry', async () => {
    const registry = new StageRegistry();
    registry.add(
      defineStage({
        name: 'local',
        description: 'A local stage.',
        input: true,
        output: true,
        effects: ['Pure'],
        run: (x) => x,
      }),
    );
    await loadStagesInto(registry, ['spec-library'], fixtures);
    expect(names(registry)).toEqual(['local', 'reverse_text', 'trim_text']);
  });

  it('rejects two libraries that define one name differently', async () => {
    const other = tempProject({ 'reverse_text.mjs': '// another implementation\n' });
    cpSync(join(fixtures, 'spec-library/reverse_text.stage.json'), join(other, 'reverse_text.stage.json'));
    const error = await failure(() => loadStages([join(fixtures, 'spec-library'), other], '/'));
    expect(error.code).toBe('NOE_STAGE_DUPLICATE');
  });

  it('reports a path that does not exist', async () => {
    const error = await failure(() => loadStages(['missing-library'], fixtures));
    expect(error.code).toBe('NOE_FILE_READ');
    expect(error.message).toContain(join(fixtures, 'missing-library'));
  });

  it('reports a loop of symbolic links as a coded error naming the path', async () => {
    const folder = tempProject();
    symlinkSync(join(folder, 'b'), join(folder, 'a'));
    symlinkSync(join(folder, 'a'), join(folder, 'b'));
    const error = await failure(() => loadStages(['a'], folder));
    expect([error.code, error.place.file]).toEqual(['NOE_FILE_READ', join(folder, 'a')]);
    expect(error.message).toContain('loop of symbolic links');
  });

  it('rejects a file that is neither a module nor a spec', async () => {
    const folder = tempProject({ 'stages.yaml': 'name: x' });
    const error = await failure(() => loadStages(['stages.yaml'], folder));
    expect(error.code).toBe('NOE_MODULE_LOAD');
    expect(error.message).toContain(join(folder, 'stages.yaml'));
  });
});

describe('noether.config.json', () => {
  it('is optional: a project without one has no libraries', () => {
    expect(loadProjectConfig(tempProject())).toEqual({ stages: [] });
  });

  it('names libraries relative to the project root', () => {
    const root = tempProject({
      'noether.config.json': '{"$comment": "ours", "stages": ["stages", "lib/index.ts"]}',
    });
    expect(loadProjectConfig(root)).toEqual({ stages: [join(root, 'stages'), join(root, 'lib/index.ts')] });
  });

  it('rejects broken JSON with line:column', async () => {
    const root = tempProject({ 'noether.config.json': '{\n  "stages": ["a",]\n}' });
    const error = await failure(() => loadProjectConfig(root));
    expect(error.code).toBe('NOE_CONFIG_INVALID');
    expect(error.place).toMatchObject({ file: join(root, 'noether.config.json'), line: 2, column: 18 });
  });

  it('rejects an unknown key with its pointer and line:column', async () => {
    const root = tempProject({ 'noether.config.json': '{\n  "stages": [],\n  "stage": ["x"]\n}' });
    const error = await failure(() => loadProjectConfig(root));
    expect(error.code).toBe('NOE_CONFIG_INVALID');
    expect(error.place).toMatchObject({ pointer: '/stage', line: 3, column: 12 });
  });

  it('is reported, not skipped, when it is a symbolic link to a missing file', async () => {
    const root = tempProject();
    symlinkSync(join(root, 'moved.json'), join(root, 'noether.config.json'));
    const error = await failure(() => loadProjectConfig(root));
    expect(error.code).toBe('NOE_FILE_READ');
    expect(error.message).toContain('symbolic link to a missing file');
  });

  it('rejects a library that is not a path string', async () => {
    const root = tempProject({ 'noether.config.json': '{"stages": ["ok", 3]}' });
    const error = await failure(() => loadProjectConfig(root));
    expect(error.code).toBe('NOE_CONFIG_INVALID');
    expect(error.place.pointer).toBe('/stages/1');
  });
});
