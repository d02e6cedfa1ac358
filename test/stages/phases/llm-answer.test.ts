import { describe, expect, it } from 'vitest';
import { firstJsonObject } from '../../../stages/phases/llm-answer.js';

describe('firstJsonObject', () => {
  it('reads a bare JSON object', () => {
    expect(firstJsonObject('{"a": 1}')).toEqual({ a: 1 });
  });

  it('reads the object out of prose and a code fence', () => {
    expect(firstJsonObject('Here you go:\n```json\n{"a": {"b": [1, 2]}}\n```\nEnjoy {really}!')).toEqual({
      a: { b: [1, 2] },
    });
  });

  it('skips braces in the prose before the object, closed or not', () => {
    expect(firstJsonObject('Use {curly} braces { like this: {"a": 1}')).toEqual({ a: 1 });
  });

  it('keeps braces and quotes inside strings', () => {
    expect(firstJsonObject('x {"a": "} { \\" }"} y')).toEqual({ a: '} { " }' });
  });

  it('finds nothing in text without an object', () => {
    expect(firstJsonObject('no json here [1, 2]')).toBeUndefined();
    expect(firstJsonObject('{ not json }')).toBeUndefined();
  });
});
