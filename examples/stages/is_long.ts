// is_long: a boolean predicate on a word count, for the README's Branch example. The
// threshold is optional so that it can come from a Stage node's config.
import { defineStage } from '../../engine/stage/index.js';

const DEFAULT_THRESHOLD = 3;

export const isLong = defineStage<{ words: number; threshold?: number }, boolean>({
  name: 'is_long',
  description: `Tells whether a word count exceeds a threshold (${DEFAULT_THRESHOLD} unless given).`,
  input: {
    type: 'object',
    properties: {
      words: { type: 'integer' },
      threshold: { type: 'integer', default: DEFAULT_THRESHOLD },
    },
    required: ['words'],
  },
  output: { type: 'boolean' },
  effects: ['Pure'],
  run: ({ words, threshold = DEFAULT_THRESHOLD }) => words > threshold,
  examples: [
    { input: { words: 4 }, output: true },
    { input: { words: 3 }, output: false },
    { input: { words: 4, threshold: 10 }, output: false },
  ],
});
