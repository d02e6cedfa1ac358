import { describe, expect, it } from 'vitest';
import { isSubschema, normalizeSchema } from '../../engine/schema/index.js';
import { expectNo, expectYes } from './verdicts.js';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

describe('normalizeSchema (draft-04)', () => {
  it('leaves a 2020-12 schema untouched (the same object)', () => {
    const schema = { type: 'object', definitions: { a: {} } };
    expect(normalizeSchema(schema)).toBe(schema);
  });
  it('renames definitions to $defs and rewrites the refs that point into them', () =>
    expect(
      normalizeSchema({
        $schema: DRAFT_04,
        definitions: { n: { type: 'number' } },
        properties: { x: { $ref: '#/definitions/n' } },
      }),
    ).toEqual({
      $defs: { n: { type: 'number' } },
      properties: { x: { $ref: '#/$defs/n' } },
    }));
  it('does not rename a property that happens to be called definitions', () =>
    expect(
      normalizeSchema({
        $schema: DRAFT_04,
        properties: { definitions: { type: 'string' } },
        items: { $ref: '#/properties/definitions' },
      }),
    ).toEqual({
      properties: { definitions: { type: 'string' } },
      items: { $ref: '#/properties/definitions' },
    }));
  it('turns boolean exclusiveMinimum into the numeric form', () =>
    expect(
      normalizeSchema({
        $schema: DRAFT_04,
        minimum: 0,
        exclusiveMinimum: true,
        maximum: 9,
        exclusiveMaximum: false,
      }),
    ).toEqual({
      exclusiveMinimum: 0,
      maximum: 9,
    }));
  it('turns array items into prefixItems and additionalItems into items', () =>
    expect(
      normalizeSchema({ $schema: DRAFT_04, items: [{ type: 'string' }], additionalItems: false }),
    ).toEqual({
      prefixItems: [{ type: 'string' }],
      items: false,
    }));
  it('drops additionalItems next to a single items schema, as draft-04 ignores it', () =>
    expect(normalizeSchema({ type: 'array', items: {}, additionalItems: false }, 'draft-04')).toEqual({
      type: 'array',
      items: {},
    }));
  it('splits dependencies into dependentRequired and dependentSchemas', () =>
    expect(normalizeSchema({ dependencies: { a: ['b'], c: { required: ['d'] } } }, 'draft-04')).toEqual({
      dependentRequired: { a: ['b'] },
      dependentSchemas: { c: { required: ['d'] } },
    }));
  it('ignores id and the siblings of $ref', () =>
    expect(
      normalizeSchema(
        { id: 'x', properties: { a: { $ref: '#/definitions/s', type: 'number' } }, definitions: { s: {} } },
        'draft-04',
      ),
    ).toEqual({
      properties: { a: { $ref: '#/$defs/s' } },
      $defs: { s: {} },
    }));
  it('recognises $schema without the trailing #', () =>
    expect(
      normalizeSchema({
        $schema: 'http://json-schema.org/draft-04/schema',
        minimum: 1,
        exclusiveMinimum: true,
      }),
    ).toEqual({
      exclusiveMinimum: 1,
    }));
});

describe('isSubschema reads draft-04', () => {
  it('answers unknown, without throwing, for a draft-04 schema nested too deeply to read', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20_000; i++) deep = { items: deep };
    expect(isSubschema({ $schema: DRAFT_04, ...deep }, { type: 'array' })).toEqual({
      verdict: 'unknown',
      reason: 'the schemas nest too deeply to compare',
    });
  });
  it('by $schema: boolean exclusiveMinimum', () =>
    expectYes(
      { $schema: DRAFT_04, type: 'number', minimum: 0, exclusiveMinimum: true },
      { type: 'number', exclusiveMinimum: 0 },
    ));
  it('by $schema: a witness at the exclusive bound', () =>
    expect(
      expectNo({ type: 'number', minimum: 0 }, { $schema: DRAFT_04, minimum: 0, exclusiveMinimum: true })
        .witness,
    ).toBe(0));
  it('by option: tuple items', () =>
    expectNo(
      { type: 'array', items: [{ type: 'string' }] },
      { type: 'array', items: [{ type: 'number' }] },
      { path: '/0' },
      'draft-04',
    ));
  it('by option: refs into definitions', () =>
    expectYes(
      { definitions: { i: { type: 'integer' } }, $ref: '#/definitions/i' },
      { type: 'number' },
      'draft-04',
    ));
  it('normalises each side on its own', () =>
    expectYes(
      { $schema: DRAFT_04, items: [{ type: 'integer' }], additionalItems: false },
      { prefixItems: [{ type: 'number' }], items: false },
    ));
});
