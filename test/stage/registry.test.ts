// StageRegistry (ENGINE §1, §6): unique names, idempotent re-adds, sorted listing.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { passthroughStage as stage } from './passthrough-stage.js';
import { isNoetherError } from '../../engine/errors.js';
import { readCommandStageSpec, StageRegistry } from '../../engine/stage/index.js';

const passthroughFile = fileURLToPath(new URL('./passthrough-stage.ts', import.meta.url));
const addOneSpec = fileURLToPath(new URL('../../examples/stages/add_one.stage.json', import.meta.url));

describe('StageRegistry', () => {
  it('finds an added stage by name', () => {
    const registry = new StageRegistry();
    const upper = stage('upper');
    registry.add(upper);
    expect(registry.get('upper')).toBe(upper);
    expect(registry.get('lower')).toBeUndefined();
  });

  it('lists its stages sorted by name', () => {
    const registry = new StageRegistry();
    for (const name of ['trim', 'add_one', 'upper']) registry.add(stage(name));
    expect(registry.list().map((s) => s.name)).toEqual(['add_one', 'trim', 'upper']);
  });

  it('counts its stages', () => {
    const registry = new StageRegistry();
    registry.add(stage('upper'));
    registry.add(stage('lower'));
    expect(registry.size).toBe(2);
  });

  it('ignores a stage added again with the same id', () => {
    const registry = new StageRegistry();
    registry.add(stage('upper'));
    registry.add(stage('upper'));
    expect(registry.size).toBe(1);
  });

  it('rejects a different stage under a taken name, naming both origins', () => {
    const registry = new StageRegistry();
    registry.add(stage('add_one'));
    let caught: unknown;
    try {
      registry.add(readCommandStageSpec(addOneSpec));
    } catch (error) {
      caught = error;
    }
    if (!isNoetherError(caught)) throw new Error('expected a NoetherError');
    expect(caught.code).toBe('NOE_STAGE_DUPLICATE');
    expect(caught.message).toContain(
      `stage "add_one" is defined twice, differently: in ${passthroughFile} and in ${addOneSpec}`,
    );
  });
});
