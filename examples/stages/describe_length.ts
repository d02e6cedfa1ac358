// describe_length: renders a word count as a short phrase ("3 words", "1 word").
import { defineStage } from '../../engine/stage/index.js';

export const describeLength = defineStage<{ words: number }, { summary: string }>({
  name: 'describe_length',
  description: 'Describes a word count in words, such as "3 words".',
  input: {
    type: 'object',
    properties: { words: { type: 'integer', minimum: 0 } },
    required: ['words'],
  },
  output: {
    type: 'object',
    properties: { summary: { type: 'string' } },
    required: ['summary'],
    additionalProperties: false,
  },
  effects: ['Pure'],
  run: ({ words }) => ({ summary: `${words} ${words === 1 ? 'word' : 'words'}` }),
  examples: [
    { input: { words: 3 }, output: { summary: '3 words' } },
    { input: { words: 1 }, output: { summary: '1 word' } },
    { input: { words: 0 }, output: { summary: '0 words' } },
  ],
});
