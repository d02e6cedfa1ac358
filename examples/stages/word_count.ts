// word_count: how many whitespace-separated words a text has. The first stage of the
// README's example compositions.
import { defineStage } from '../../engine/stage/index.js';
import { textObject } from './text.js';

export const wordCount = defineStage<{ text: string }, { words: number }>({
  name: 'word_count',
  description: 'Counts the whitespace-separated words of a text.',
  input: textObject,
  output: {
    type: 'object',
    properties: { words: { type: 'integer', minimum: 0 } },
    required: ['words'],
    additionalProperties: false,
  },
  effects: ['Pure'],
  run: ({ text }) => ({ words: text.split(/\s+/).filter((word) => word !== '').length }),
  examples: [
    { input: { text: 'the quick brown fox' }, output: { words: 4 } },
    { input: { text: '  spaced   out  ' }, output: { words: 2 } },
    { input: { text: '' }, output: { words: 0 } },
  ],
});
