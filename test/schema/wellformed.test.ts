import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../../engine/schema/index.js';

describe('schemaProblems', () => {
  it('finds nothing wrong with a well-formed schema', () =>
    expect(
      schemaProblems({
        type: 'object',
        properties: { a: { $ref: '#/$defs/a' } },
        $defs: { a: { type: 'string' } },
      }),
    ).toEqual([]));
  it('accepts a recursive schema whose recursion goes through a property', () =>
    expect(schemaProblems({ type: 'object', properties: { next: { $ref: '#' } } })).toEqual([]));
  it('reports {"$ref": "#"} at its $ref, under the given pointer', () =>
    expect(schemaProblems({ $ref: '#' }, '/root/stages/0/input')).toEqual([
      {
        pointer: '/root/stages/0/input/$ref',
        message: expect.stringMatching(/cycle that never reaches a value/) as string,
      },
    ]));
  it('reports an a → b → a cycle with its route', () => {
    const problems = schemaProblems({
      $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
      $ref: '#/$defs/a',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.pointer).toBe('/$defs/b/$ref');
    expect(problems[0]?.message).toContain('/$defs/a → /$defs/b → /$defs/a');
  });
  it('reports a cycle through allOf', () =>
    expect(
      schemaProblems({
        $defs: { a: { allOf: [{ $ref: '#/$defs/a' }] } },
        properties: { x: { $ref: '#/$defs/a' } },
      }),
    ).toHaveLength(1));
  it('reports a local $ref that resolves to nothing', () =>
    expect(schemaProblems({ properties: { a: { $ref: '#/$defs/missing' } } })).toEqual([
      {
        pointer: '/properties/a/$ref',
        message: '$ref "#/$defs/missing" does not resolve to anything in the schema',
      },
    ]));
  it('reports what ajv refuses to compile', () => {
    const [problem] = schemaProblems({ type: 'strin' }, '/input');
    expect(problem?.pointer).toBe('/input/type');
    expect(problem?.message).toMatch(/allowed values/);
  });
  it('reads a draft-04 schema as draft-04', () =>
    expect(
      schemaProblems({
        $schema: 'http://json-schema.org/draft-04/schema#',
        definitions: { a: {} },
        $ref: '#/definitions/a',
      }),
    ).toEqual([]));
});

describe('meta-schema violations', () => {
  it('are placed at the offending keyword, once per place', () => {
    const problems = schemaProblems({ properties: { 'a/b': { type: 'nope' } } }, '/input');
    expect(problems).toEqual([
      {
        pointer: '/input/properties/a~1b/type',
        message: expect.stringContaining('allowed values') as string,
      },
    ]);
    const bounds = schemaProblems({ type: 'string', minLength: -1 }, '/input');
    expect(bounds.map((p) => p.pointer)).toEqual(['/input/minLength']);
  });
});
