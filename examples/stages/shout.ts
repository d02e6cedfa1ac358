// shout: upper-cases a text and appends "!". Its output has the shape of its input, so
// it chains with itself and with word_count.
import { defineStage } from '../../engine/stage/index.js';
import { textObject } from './text.js';

export const shout = defineStage<{ text: string }, { text: string }>({
  name: 'shout',
  description: 'Upper-cases a text and appends an exclamation mark.',
  input: textObject,
  output: textObject,
  effects: ['Pure'],
  run: ({ text }) => ({ text: `${text.toUpperCase()}!` }),
  examples: [
    { input: { text: 'hello' }, output: { text: 'HELLO!' } },
    { input: { text: 'Quiet please' }, output: { text: 'QUIET PLEASE!' } },
  ],
});
