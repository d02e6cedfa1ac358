// Small built-in stages for the executor tests, defined once and shared by the test files.
import { defineStage } from '../../engine/stage/index.js';

const text = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

export const echo = defineStage({
  name: 'echo',
  description: 'Returns its input.',
  input: true,
  output: true,
  effects: ['Pure'],
  run: (input) => input,
});

export const upper = defineStage<{ text: string }, { text: string }>({
  name: 'upper',
  description: 'Upper-cases a text.',
  input: text,
  output: text,
  effects: ['Pure'],
  run: ({ text }) => ({ text: text.toUpperCase() }),
});

export const length = defineStage<{ text: string }, { n: number }>({
  name: 'length',
  description: 'Counts characters.',
  input: text,
  output: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  effects: ['Pure'],
  run: ({ text }) => ({ n: text.length }),
});

export const double = defineStage<number, number>({
  name: 'double',
  description: 'Doubles a number.',
  input: { type: 'number' },
  output: { type: 'number' },
  effects: ['Pure'],
  run: (n) => n * 2,
});

/** Outputs its input's `flag`, whatever it is: a predicate that may break the Branch rule. */
export const flag = defineStage<{ flag: unknown }, unknown>({
  name: 'flag',
  description: 'Outputs the flag field.',
  input: { type: 'object', required: ['flag'] },
  output: true,
  effects: ['Pure'],
  run: ({ flag }) => flag,
});

export const constant = (name: string, value: unknown) =>
  defineStage({
    name,
    description: `Outputs ${JSON.stringify(value)}.`,
    input: true,
    output: true,
    effects: ['Pure'],
    run: () => value,
  });
