// The example library (examples/stages) that the repository's noether.config.json names:
// it loads with no flags, and every stage's examples hold, built-in functions and
// command scripts alike (ENGINE §1: examples are run by the tests).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig, loadStages, type Stage } from '../../engine/stage/index.js';
import { runCommandStage } from '../../engine/run/command.js';
import { callStage } from '../stages/call-stage.js';
import * as builtins from '../../examples/stages/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const libraries = ['examples/stages/index.ts', 'examples/stages'];
const registry = await loadStages(libraries, root);

function examplesOf(stage: Stage): [number, unknown, unknown][] {
  return stage.examples.map((example, index) => [index, example.input, example.output]);
}

describe('the example library', () => {
  it('is named by the repository’s noether.config.json', () => {
    expect(loadProjectConfig(root).stages).toEqual(
      expect.arrayContaining(libraries.map((path) => join(root, path))),
    );
  });

  it('holds the example stages', () => {
    expect(registry.list().map((stage) => stage.name)).toEqual([
      'add_one',
      'describe_length',
      'greet',
      'is_long',
      'shout',
      'word_count',
    ]);
  });

  it('is pure throughout, with examples for every stage', () => {
    for (const stage of registry.list()) {
      expect(stage.effects).toEqual(['Pure']);
      expect(stage.examples.length).toBeGreaterThan(0);
    }
  });

  it('exports the built-ins from examples/stages/index.ts', () => {
    const names = Object.values(builtins).map((stage) => stage.name);
    expect(names.sort()).toEqual(['describe_length', 'is_long', 'shout', 'word_count']);
  });
});

describe.each(Object.values(builtins).map((stage) => [stage.name, stage] as const))(
  'built-in %s',
  (_, stage) => {
    it.each(examplesOf(stage))('turns example %i’s input into its output', async (_index, input, output) => {
      expect(await callStage(stage, input)).toEqual(output);
    });
  },
);

describe.each(['add_one', 'greet'])('command stage %s', (name) => {
  const stage = registry.get(name);
  if (stage?.implementation.kind !== 'command') throw new Error(`${name} is not a loaded command stage`);

  it.each(examplesOf(stage))('turns example %i’s input into its output', async (_index, input, output) => {
    const signal = new AbortController().signal;
    expect(await runCommandStage(stage, input, { signal, env: { PATH: process.env.PATH } })).toEqual(output);
  });
});
