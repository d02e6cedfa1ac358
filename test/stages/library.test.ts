// The Caloron stage library as noether.config.json loads it (CALORON §3, ENGINE §6):
// every stage is found by name with no flags, its schemas are exactly its file in
// schemas/stages/ (no stage declares a second copy of a type), and its examples hold when
// it is called the way the executor calls it.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isStage, loadProjectConfig, loadStages, type Stage } from '../../engine/stage/index.js';
import { STAGES_DIR, stageSchemas } from '../../schemas/index.js';
import * as caloron from '../../stages/index.js';
import { callStage } from './call-stage.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const registry = await loadStages(loadProjectConfig(root).stages, root);
const stages: Stage[] = Object.values(caloron).filter(isStage);
const examples = stages.flatMap((stage) =>
  stage.examples.map((example, index) => ({ name: stage.name, index, stage, example })),
);

describe('the Caloron stage library', () => {
  it('is loaded by name from the repository’s noether.config.json', () => {
    for (const stage of stages) expect(registry.get(stage.name)?.id).toBe(stage.id);
  });

  it('has one schema file per stage, and every stage uses its own', () => {
    const files = readdirSync(STAGES_DIR).map((file) => file.replace(/\.schema\.json$/, ''));
    for (const stage of stages) {
      expect(files).toContain(stage.name);
      expect({ input: stage.input, output: stage.output }).toEqual(stageSchemas(stage.name));
    }
  });

  it.each(examples)('$name example $index holds', async ({ stage, example }) => {
    expect(await callStage(stage, example.input)).toEqual(example.output);
  });
});
