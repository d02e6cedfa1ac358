// A stage that accepts anything and returns it: for tests about names and ids, where
// the schemas do not matter.
import { defineStage, type Stage } from '../../engine/stage/index.js';

export function passthroughStage(name: string): Stage {
  return defineStage({
    name,
    description: `The ${name} stage.`,
    input: true,
    output: true,
    effects: ['Pure'],
    run: (x) => x,
  });
}
